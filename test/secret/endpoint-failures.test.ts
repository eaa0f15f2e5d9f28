// Every `px secret` command against an endpoint that fails: one clear line, the right exit code.
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { runPx } from '../helpers/px-session.js';
import { tempProject, type TempProject } from '../helpers/project.js';

let server: TestDevServer;
let project: TempProject;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  server = await TestDevServer.start();
  project = tempProject();
  env = { ...project.env, PX_URL: server.url, PX_TOKEN: server.token };
  writeFileSync(join(project.root, '.env.secrets'), 'A=1\nB=2\n');
});
afterEach(async () => {
  await server.close();
  project.cleanup();
});

const commands: Array<[string, string[], string | undefined]> = [
  ['create', ['secret', 'create', 'NEW'], 'value'],
  ['list', ['secret', 'list'], undefined],
  ['list --json', ['secret', 'list', '--json'], undefined],
  ['delete', ['secret', 'delete', 'NEW', '--yes'], undefined],
  ['exists', ['secret', 'exists', 'NEW'], undefined],
  ['import', ['secret', 'import', '--yes'], undefined],
];

/** A port on loopback that nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const oneErrorLine = (stderr: string): void => {
  const errors = stderr.split('\n').filter((l) => l.startsWith('error:'));
  expect(errors).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
};

describe.each(commands)('px secret %s when the endpoint fails', (_name, args, stdin) => {
  it('unreachable → exit 3', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await runPx(args, { cwd: project.root, env: { ...env, PX_URL: url }, stdin });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/Cannot reach http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/);
    oneErrorLine(result.stderr);
  });

  it('timeout → exit 3', async () => {
    server.hangNext();
    const result = await runPx([...args, '--timeout', '0.3'], { cwd: project.root, env, stdin });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/did not answer within 0\.3 s/);
    oneErrorLine(result.stderr);
  });

  it('connection dropped → exit 3', async () => {
    server.dropNext();
    const result = await runPx(args, { cwd: project.root, env, stdin });
    expect(result.code).toBe(3);
    oneErrorLine(result.stderr);
  });

  it('401 → exit 4', async () => {
    const result = await runPx(args, { cwd: project.root, env: { ...env, PX_TOKEN: 'wrong' }, stdin });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/rejected the token \(401/);
    oneErrorLine(result.stderr);
  });

  it('500 → exit 5', async () => {
    server.failNext(500);
    const result = await runPx(args, { cwd: project.root, env, stdin });
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/failed with 500/);
    oneErrorLine(result.stderr);
  });

  it('malformed response → exit 5', async () => {
    server.malformedNext();
    const result = await runPx(args, { cwd: project.root, env, stdin });
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/malformed response/);
    oneErrorLine(result.stderr);
  });
});

describe('responses that are JSON but not the API', () => {
  it.each([
    ['a list entry without times', { secrets: [{ name: 'A' }], count: 1 }],
    ['a negative count', { secrets: [], count: -1 }],
    ['secrets not an array', { secrets: {}, count: 0 }],
    ['a name with escape sequences', { secrets: [{ name: 'X\u001b[2J\u001b[31mEVIL', createdAt: 't1', updatedAt: 't2' }], count: 1 }],
    ['a name that breaks the name rules', { secrets: [{ name: 'not a name', createdAt: 't1', updatedAt: 't2' }], count: 1 }],
    ['a time with a newline', { secrets: [{ name: 'A', createdAt: 't1\nforged line', updatedAt: 't2' }], count: 1 }],
  ])('%s → exit 5', async (_what, body) => {
    server.failNext(200, body);
    const result = await runPx(['secret', 'list', '--json'], { cwd: project.root, env });
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/malformed response/);
  });

  it('a value an endpoint should never send is dropped, never printed', async () => {
    server.failNext(200, { secrets: [{ name: 'A', createdAt: 't1', updatedAt: 't2', value: 'leaked-by-a-bad-endpoint' }], count: 1 });
    const result = await runPx(['secret', 'list', '--json'], { cwd: project.root, env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ target: server.url, env: 'development', secrets: [{ name: 'A', createdAt: 't1', updatedAt: 't2', status: 'not in manifest' }], missing: [], count: 1 });
  });

  it('an error text is one plain line, and a value the endpoint echoes back is masked', async () => {
    const value = 'canary-echoed-by-endpoint-42';
    server.failNext(400, { error: `value ${value} is bad\nsecond line \u001b[31mred\u001b[0m` }, 'POST');
    const created = await runPx(['secret', 'create', 'NEW', '--force'], { cwd: project.root, env, stdin: value });
    expect(created.code).toBe(2);
    expect(created.stderr).toBe(`error: ${server.url} refused the request (400): value *** is bad second line red.\n`);
    expect(created.stderr).not.toContain(value);
    expect(created.stderr).not.toContain('\u001b');
    writeFileSync(join(project.root, '.env.secrets'), `A=${value}-a\nB=${value}-b\n`);
    server.failNext(500, { error: `cannot store A=${value}-a` }, 'POST');
    const imported = await runPx(['secret', 'import', '--yes'], { cwd: project.root, env });
    expect(imported.code).toBe(5);
    expect(imported.stderr).toContain('cannot store A=***');
    expect(imported.stderr).not.toContain(value);
  });

  it('a value echoed in its JSON-escaped form, and the token echoed by a 401, are masked too', async () => {
    const value = 'Line1-canary-json\nLine2 "quoted" \\ back\ttab';
    server.failNext(400, { error: `bad request: ${JSON.stringify({ name: 'NEW', value })}` }, 'POST');
    const created = await runPx(['secret', 'create', 'NEW', '--force'], { cwd: project.root, env, stdin: value });
    expect(created.code).toBe(2);
    expect(created.stderr).toBe(`error: ${server.url} refused the request (400): bad request: {"name":"NEW","value":"***"}.\n`);
    server.failNext(401, { error: `token Bearer ${server.token} rejected` });
    const listed = await runPx(['secret', 'list'], { cwd: project.root, env });
    expect(listed.code).toBe(4);
    expect(listed.stderr).not.toContain(server.token);
    expect(listed.stderr).toContain('(401: token Bearer *** rejected)');
  });

  it('a value echoed as ASCII-only JSON (\\u00fc escapes) is masked too', async () => {
    const value = '\u00fcn\u00efcode-s\u00e9cret-canary';
    const ascii = JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    server.failNext(400, { error: `repr=${ascii}` }, 'POST');
    const result = await runPx(['secret', 'create', 'NEW', '--force'], { cwd: project.root, env, stdin: value });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: ${server.url} refused the request (400): repr="***".\n`);
  });

  it('exists must answer a boolean', async () => {
    server.failNext(200, { exists: 'yes' });
    expect((await runPx(['secret', 'exists', 'A'], { cwd: project.root, env })).code).toBe(5);
  });
});

describe('target resolution', () => {
  it('--url wins over PX_URL', async () => {
    const result = await runPx(['secret', 'list', '--url', server.url], { cwd: project.root, env: { ...env, PX_URL: 'http://127.0.0.1:9' } });
    expect(result.code).toBe(0);
  });

  it('url from px.config.json in an ancestor directory', async () => {
    writeFileSync(join(project.root, 'px.config.json'), JSON.stringify({ url: server.url }));
    const sub = join(project.root, 'sub');
    (await import('node:fs')).mkdirSync(sub);
    const result = await runPx(['secret', 'list'], { cwd: sub, env: { ...project.env, PX_TOKEN: server.token } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Target: ${server.url}`);
  });

  it('no token for a URL → exit 4 with a hint', async () => {
    const result = await runPx(['secret', 'list'], { cwd: project.root, env: { ...project.env, PX_URL: server.url } });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/No token for .*PX_TOKEN.*px login/);
  });

  it('an invalid URL → exit 2', async () => {
    const result = await runPx(['secret', 'list', '--url', 'not a url'], { cwd: project.root, env });
    expect(result.code).toBe(2);
  });

  it('a URL with a query or fragment → exit 2, without repeating it', async () => {
    for (const url of [`${server.url}/?token=sk-live-in-query`, `${server.url}/#sk-live-in-fragment`, `${server.url}?`]) {
      const result = await runPx(['secret', 'list', '--url', url], { cwd: project.root, env });
      expect(result.code, url).toBe(2);
      expect(result.stderr).toBe('error: The endpoint URL from --url must not have a query or fragment (?… or #…): give the endpoint\'s base URL, and the token in PX_TOKEN or `px login`.\n');
    }
    expect(server.requests).toEqual([]);
  });

  it('a broken px.config.json → exit 2', async () => {
    writeFileSync(join(project.root, 'px.config.json'), '{nope');
    const result = await runPx(['secret', 'list'], { cwd: project.root, env: project.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/px\.config\.json is not valid JSON/);
  });
});

describe('usage', () => {
  it('an unknown flag → exit 2', async () => {
    const result = await runPx(['secret', 'list', '--bogus'], { cwd: project.root, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Unknown flag: --bogus/);
  });

  it('--help prints usage on stdout with exit 0', async () => {
    const result = await runPx(['secret', 'create', '--help'], { cwd: project.root, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/create <name>/);
  });

  it('px completion prints a shell completion script for px', async () => {
    const result = await runPx(['completion', 'bash'], { cwd: project.root, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/complete -o default -F _px_complete px/);
    // The script asks px itself for the words to complete.
    const words = await runPx(['__complete', '--', 'px', 'sec'], { cwd: project.root, env });
    expect(words.stdout).toBe('secret\n');
  });
});
