import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { runPx, startPx } from '../helpers/px-session.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';

let server: TestDevServer;
let project: TempProject;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  server = await TestDevServer.start();
  project = tempProject();
  env = { ...project.env, PX_URL: server.url, PX_TOKEN: server.token };
});
afterEach(async () => {
  await server.close();
  project.cleanup();
});

const write = (name: string, text: string | Buffer): string => {
  writeFileSync(join(project.root, name), text);
  return name;
};
const bulkRequests = (): number => server.requests.filter((r) => r.path === '/secrets/bulk').length;

const SAMPLE = [
  '\uFEFF# runtime secrets',
  'export DATABASE_URL=postgres://u@h/db',
  "SINGLE='literal \\n $x'",
  'DOUBLE="line1\\nline2"',
  'BACK=`back tick`',
  'MULTI="first',
  'second"',
  'SPACED = padded value # comment',
  'DUP=first',
  'DUP=second',
  '',
].join('\r\n');

describe('px secret import', () => {
  it('parses dotenv syntax and sends one bulk request with --yes', async () => {
    write('.env.secrets', SAMPLE);
    const result = await runPx(['secret', 'import', '--yes'], { cwd: project.root, env });
    expect(result.code).toBe(0);
    expect(bulkRequests()).toBe(1);
    const values = await server.store.values();
    expect(values.get('DATABASE_URL')).toBe('postgres://u@h/db');
    expect(values.get('SINGLE')).toBe('literal \\n $x');
    expect(values.get('DOUBLE')).toBe('line1\nline2');
    expect(values.get('BACK')).toBe('back tick');
    expect(values.get('MULTI')).toBe('first\nsecond');
    expect(values.get('SPACED')).toBe('padded value');
    expect(values.get('DUP')).toBe('second');
    expect(result.stderr).toMatch(/DUP/); // duplicate warning names it
    expect(result.stdout).toMatch(/Imported \d+ into .*: \d+ created, 0 updated\./);
  });

  it('shows a preview with create/update per name', async () => {
    await server.store.put('OLD', canary(1));
    write('.env.secrets', `OLD=${canary(2)}\nNEW=${canary(3)}\n`);
    const result = await runPx(['secret', 'import', '--yes'], { cwd: project.root, env });
    expect(result.stderr).toMatch(/^\s+update OLD$/m);
    expect(result.stderr).toMatch(/^\s+create NEW$/m);
    expect(result.stdout).toContain('1 created, 1 updated');
  });

  it('--dry-run previews and sends nothing', async () => {
    write('.env.secrets', 'A=1\n');
    const result = await runPx(['secret', 'import', '--dry-run'], { cwd: project.root, env });
    expect(result.code).toBe(0);
    // The preview is a dry run's result: on stdout, so `> preview.txt` keeps it.
    expect(result.stdout).toBe(`Target: ${server.url}\nDry run: would import 1 from .env.secrets: 1 to create, 0 to update\n  create A\nDry run: nothing was sent.\n`);
    expect(bulkRequests()).toBe(0);
    expect(await server.store.list()).toEqual([]);
  });

  it('`-` imports a piped file, and refuses a terminal', async () => {
    const result = await runPx(['secret', 'import', '-', '--yes'], { cwd: project.root, env, stdin: `PIPED_A=${canary(1)}\nPIPED_B=x\n` });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`Imported 2 into ${server.url}: 2 created, 0 updated.\n`);
    expect((await server.store.values()).get('PIPED_A')).toBe(canary(1));
    const bad = await runPx(['secret', 'import', '-', '--yes'], { cwd: project.root, env, stdin: 'NOT VALID\n' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: stdin has 1 problem; nothing was imported\.\n  stdin:1: /);
    const terminal = await runPx(['secret', 'import', '-', '--yes'], { cwd: project.root, env, interactive: true });
    expect(terminal.code).toBe(2);
    expect(terminal.stderr).toBe('error: `-` reads the file from a pipe: `px … import - < FILE` or `cat FILE | px … import -`.\n');
  });

  it('--json reports the plan and the result on stdout only', async () => {
    write('x.env', 'A=1\nB=2\n');
    const result = await runPx(['secret', 'import', 'x.env', '--yes', '--json'], { cwd: project.root, env });
    const body = JSON.parse(result.stdout);
    expect(body).toMatchObject({ created: 2, updated: 0, dryRun: false, file: 'x.env' });
    expect(body.secrets).toEqual([
      { name: 'A', action: 'create' },
      { name: 'B', action: 'create' },
    ]);
  });

  it('needs --yes on a non-interactive run (exit 2) and sends nothing', async () => {
    write('.env.secrets', 'A=1\n');
    const result = await runPx(['secret', 'import'], { cwd: project.root, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pass --yes/);
    expect(server.requests).toEqual([]);
  });

  it('reports every malformed line and invalid name with its line number, sending nothing', async () => {
    write('bad.env', ['GOOD=1', 'NOEQUALS', 'BAD KEY=2', '9LIVES=3', `OPEN="${canary(4)}`, ''].join('\n'));
    const result = await runPx(['secret', 'import', 'bad.env', '--yes'], { cwd: project.root, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.env has \d+ problems; nothing was imported/);
    expect(result.stderr).toMatch(/bad\.env:2: /);
    expect(result.stderr).toMatch(/bad\.env:3: /);
    expect(result.stderr).toMatch(/bad\.env:4: /);
    expect(result.stderr).toMatch(/bad\.env:5: /);
    expect(result.stderr).not.toContain(canary(4));
    expect(server.requests).toEqual([]);
  });

  it('refuses a .env.deploy file and deploy-credential names (exit 2)', async () => {
    write('.env.deploy', 'X=1\n');
    let result = await runPx(['secret', 'import', '.env.deploy', '--yes'], { cwd: project.root, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/deploy credentials: .*px creds import/);
    write('.env.deploy.example', 'MY_DEPLOY_TOKEN=\n');
    write('mixed.env', 'APP_KEY=1\nAWS_SECRET_ACCESS_KEY=2\nMY_DEPLOY_TOKEN=3\n');
    result = await runPx(['secret', 'import', 'mixed.env', '--yes'], { cwd: project.root, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/mixed\.env:2: AWS_SECRET_ACCESS_KEY is a deploy credential/);
    expect(result.stderr).toMatch(/mixed\.env:3: MY_DEPLOY_TOKEN is a deploy credential/);
    expect(server.requests).toEqual([]);
  });

  it.each([
    ['an empty file', '', /holds no entries/],
    ['only comments', '# nothing\n\n', /holds no entries/],
  ])('refuses %s (exit 2)', async (_what, text, message) => {
    write('.env.secrets', text);
    const result = await runPx(['secret', 'import', '--yes'], { cwd: project.root, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('refuses a missing file and a non-UTF-8 file (exit 2)', async () => {
    let result = await runPx(['secret', 'import', '--yes'], { cwd: project.root, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not found/);
    write('latin1.env', Buffer.from([0x41, 0x3d, 0xe9, 0x0a]));
    result = await runPx(['secret', 'import', 'latin1.env', '--yes'], { cwd: project.root, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/UTF-8/);
  });

  it('an endpoint 400 on bulk (all or nothing) exits 2 and nothing is stored', async () => {
    write('.env.secrets', 'A=1\n');
    server.failNext(400, { error: 'entry 0: invalid' });
    // failNext hits the first request (the preview's list); import still fails cleanly
    const result = await runPx(['secret', 'import', '--yes'], { cwd: project.root, env });
    expect(result.code).toBe(2);
    expect(await server.store.list()).toEqual([]);
  });

  it('chunks past the endpoint limit of 10,000 entries', async () => {
    const lines = Array.from({ length: 10_001 }, (_, i) => `K_${i}=v${i}`);
    write('.env.secrets', lines.join('\n'));
    const result = await runPx(['secret', 'import', '--yes'], { cwd: project.root, env });
    expect(result.code).toBe(0);
    expect(bulkRequests()).toBe(2);
    expect((await server.store.list()).length).toBe(10_001);
  });
});

describe('px secret import on a TTY', () => {
  it('renders the preview and asks; y imports', async () => {
    write('.env.secrets', 'A=1\nB=2\n');
    const px = startPx(['secret', 'import'], { cwd: project.root, env, interactive: true });
    await px.waitForFrame(/Import 2 secrets into/);
    expect(px.frames().join('\n')).toMatch(/create A/);
    await px.type('y');
    await px.press('enter');
    const result = await px.done;
    expect(result.code).toBe(0);
    expect(bulkRequests()).toBe(1);
  });

  it('No sends nothing (exit 1) and is not an error: line', async () => {
    write('.env.secrets', 'A=long-enough\n');
    const px = startPx(['secret', 'import'], { cwd: project.root, env, interactive: true });
    await px.waitForFrame(/Import 1 secret into [^\n]*\?/);
    await px.type('n');
    await px.press('enter');
    const result = await px.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Import cancelled; nothing was sent.\n');
    expect(bulkRequests()).toBe(0);
  });

  it('the question names what it replaces, as creds import does; y replaces', async () => {
    await server.store.put('A', 'old-value');
    write('.env.secrets', 'A=long-enough\nB=long-enough\n');
    const px = startPx(['secret', 'import'], { cwd: project.root, env, interactive: true });
    await px.waitForFrame(/Import 2 secrets into [^\n]*, replacing 1\?/);
    await px.type('y');
    await px.press('enter');
    const result = await px.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(': 1 created, 1 updated.');
  });
});
