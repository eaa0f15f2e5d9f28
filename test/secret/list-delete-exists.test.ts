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

describe('px secret list', () => {
  it('says so when there are no secrets, with a hint', async () => {
    const result = await runPx(['secret', 'list'], { cwd: project.root, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Target: ${server.url}`);
    expect(result.stdout).toMatch(/No secrets yet.*px secret create NAME.*px secret import/);
    expect(result.stdout).toMatch(/^0 secrets$/m);
  });

  it('prints names sorted with times and a count, never values', async () => {
    await server.store.put('ZED', canary(1));
    await server.store.put('ALPHA', canary(2));
    const result = await runPx(['secret', 'list'], { cwd: project.root, env });
    expect(result.code).toBe(0);
    const names = result.stdout.split('\n').filter((l) => /^(ALPHA|ZED)\s/.test(l)).map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual(['ALPHA', 'ZED']);
    expect(result.stdout).toMatch(/^2 secrets$/m);
    expect(result.stdout).not.toContain('canary');
  });

  it('--json prints exactly {target,env,secrets:[{name,createdAt,updatedAt,status}],missing,count}', async () => {
    await server.store.put('B', canary(1));
    await server.store.put('A', canary(2));
    const result = await runPx(['secret', 'list', '--json'], { cwd: project.root, env });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const body = JSON.parse(result.stdout);
    expect(Object.keys(body)).toEqual(['target', 'env', 'secrets', 'missing', 'count']);
    expect(body.target).toBe(server.url);
    expect(body.env).toBe('development');
    expect(body.missing).toEqual([]);
    expect(body.count).toBe(2);
    expect(body.secrets.map((s: { name: string }) => s.name)).toEqual(['A', 'B']);
    for (const secret of body.secrets) {
      expect(Object.keys(secret)).toEqual(['name', 'createdAt', 'updatedAt', 'status']);
      expect(secret.status).toBe('not in manifest');
      expect(new Date(secret.createdAt).toISOString()).toBe(secret.createdAt);
    }
  });

  it('in a pipe, times are ISO 8601 to the second (UTC)', async () => {
    await server.store.put('ALPHA', canary(6));
    const [meta] = await server.store.list();
    const result = await runPx(['secret', 'list'], { cwd: project.root, env });
    const second = meta.createdAt.replace(/\.\d{3}Z$/, 'Z');
    expect(result.stdout).toMatch(new RegExp(`^ALPHA  ${second}  ${meta.updatedAt.replace(/\.\d{3}Z$/, 'Z')}$`, 'm'));
  });

  it('--json on an empty store', async () => {
    const result = await runPx(['secret', 'list', '--json'], { cwd: project.root, env });
    expect(JSON.parse(result.stdout)).toEqual({ target: server.url, env: 'development', secrets: [], missing: [], count: 0 });
  });

  it('marks names from .env.secrets.example as configured or missing', async () => {
    writeFileSync(join(project.root, '.env.secrets.example'), 'DATABASE_URL=\nSTRIPE_SECRET_KEY=\n');
    await server.store.put('DATABASE_URL', canary(3));
    await server.store.put('EXTRA', canary(4));
    const result = await runPx(['secret', 'list'], { cwd: project.root, env });
    expect(result.stdout).toMatch(/^DATABASE_URL\s.*configured$/m);
    expect(result.stdout).toMatch(/^STRIPE_SECRET_KEY\s.*missing$/m);
    expect(result.stdout).toMatch(/^EXTRA\s.*not in manifest$/m);
    expect(result.stdout).toMatch(/2 secrets, 1 from \.env\.secrets\.example missing/);
  });

  it('renders an Ink table on a TTY', async () => {
    await server.store.put('ALPHA', canary(5));
    const result = await runPx(['secret', 'list'], { cwd: project.root, env, interactive: true });
    expect(result.code).toBe(0);
    const frame = result.frames.join('\n');
    expect(frame).toMatch(/NAME\s+CREATED\s+UPDATED/);
    // A terminal gets relative, local times; a pipe ISO 8601 to the second; --json the stored ISO times.
    expect(frame).toMatch(/^ALPHA\s+just now\s+just now$/m);
    expect(frame).toContain('1 secret');
    expect(frame).not.toContain('canary');
  });
});

describe('px secret delete', () => {
  it('deletes with --yes', async () => {
    await server.store.put('OLD', canary(1));
    const result = await runPx(['secret', 'delete', 'OLD', '--yes'], { cwd: project.root, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Deleted OLD from ${server.url}.`);
    expect(await server.store.exists('OLD')).toBe(false);
  });

  it('unknown NAME exits 1', async () => {
    const result = await runPx(['secret', 'delete', 'NOPE', '--yes'], { cwd: project.root, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/No secret named NOPE/);
  });

  it('refuses without --yes on a non-interactive run (exit 2) and deletes nothing', async () => {
    await server.store.put('OLD', canary(1));
    const result = await runPx(['secret', 'delete', 'OLD'], { cwd: project.root, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pass --yes/);
    // Only the check that OLD exists (an unknown name is said first): no DELETE.
    expect(server.requests.map((request) => request.method)).toEqual(['GET']);
    expect(await server.store.exists('OLD')).toBe(true);
  });

  it('invalid name exits 2', async () => {
    expect((await runPx(['secret', 'delete', 'A-B', '--yes'], { cwd: project.root, env })).code).toBe(2);
  });

  it('asks first and defaults to No', async () => {
    await server.store.put('OLD', canary(1));
    const px = startPx(['secret', 'delete', 'OLD'], { cwd: project.root, env, interactive: true });
    await px.waitForFrame(/Delete OLD from .*\(y\/N\)/);
    await px.press('enter');
    expect((await px.done).code).toBe(1);
    expect(await server.store.exists('OLD')).toBe(true);
  });

  it('deletes after y', async () => {
    await server.store.put('OLD', canary(1));
    const px = startPx(['secret', 'delete', 'OLD'], { cwd: project.root, env, interactive: true });
    await px.waitForFrame(/Delete OLD/);
    await px.type('y');
    await px.press('enter');
    expect((await px.done).code).toBe(0);
    expect(await server.store.exists('OLD')).toBe(false);
  });
});

describe('px secret exists', () => {
  it('exit 0 and says so when it exists', async () => {
    await server.store.put('HERE', canary(1));
    const result = await runPx(['secret', 'exists', 'HERE'], { cwd: project.root, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`HERE exists in ${server.url}.\n`);
  });

  it('exit 1 when it does not', async () => {
    const result = await runPx(['secret', 'exists', 'GONE'], { cwd: project.root, env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`GONE does not exist in ${server.url}.\n`);
  });

  it('exit 2 for an invalid name, without a request', async () => {
    const result = await runPx(['secret', 'exists', 'bad name'], { cwd: project.root, env });
    expect(result.code).toBe(2);
    expect(server.requests).toEqual([]);
  });
});
