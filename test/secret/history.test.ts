// `px secret history` and `rollback` as users run them: against a real endpoint (TestDevServer's
// routes) and against the local store, with px run seeing a rollback and its hand-outs listed.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_LOG } from '../../src/core/handout-log.js';
import { LocalStore } from '../../src/core/local-store.js';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { runPx } from '../helpers/px-session.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
let project: TempProject;

beforeEach(() => {
  project = tempProject();
});
afterEach(() => project.cleanup());

describe('against an endpoint', () => {
  let server: TestDevServer;
  let env: NodeJS.ProcessEnv;
  beforeEach(async () => {
    server = await TestDevServer.start();
    env = { ...project.env, PX_URL: server.url, PX_TOKEN: server.token };
  });
  afterEach(() => server.close());

  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('GET /secrets/:name/versions lists versions without values; POST rollback answers 201', async () => {
    for (const n of [1, 2, 3]) expect((await api('POST', '/secrets', { name: 'K', value: canary(n) })).status).toBe(201);
    const listed = await api('GET', '/secrets/K/versions');
    expect(listed.status).toBe(200);
    const text = await listed.text();
    expect(text).not.toContain(CANARY);
    expect(JSON.parse(text).versions.map((v: { version: number; by: string }) => [v.version, v.by])).toEqual([
      [3, 'admin token'],
      [2, 'admin token'],
      [1, 'admin token'],
    ]);
    const rolled = await api('POST', '/secrets/K/rollback', { version: 1 });
    expect(rolled.status).toBe(201);
    const body = await rolled.text();
    expect(body).not.toContain(CANARY);
    expect(JSON.parse(body)).toMatchObject({ name: 'K', version: 4, rolledBackTo: 1 });
    expect((await server.store.values()).get('K')).toBe(canary(1));
  });

  it('answers 404 for an unknown name or version, 400 for a bad version or name, 405 for other methods', async () => {
    await api('POST', '/secrets', { name: 'K', value: canary(1) });
    expect((await api('GET', '/secrets/NOPE/versions')).status).toBe(404);
    expect((await api('POST', '/secrets/NOPE/rollback', { version: 1 })).status).toBe(404);
    expect((await api('POST', '/secrets/K/rollback', { version: 9 })).status).toBe(404);
    expect((await api('POST', '/secrets/K/rollback', { version: 'two' })).status).toBe(400);
    expect((await api('POST', '/secrets/K/rollback', { version: 1 })).status).toBe(400); // already current
    expect((await api('GET', '/secrets/1BAD/versions')).status).toBe(400);
    expect((await api('DELETE', '/secrets/K/versions')).status).toBe(405);
    expect((await server.store.values()).get('K')).toBe(canary(1));
  });

  it('px secret history prints versions (never values); --json gives versions and hand-outs', async () => {
    for (const n of [1, 2, 3]) await runPx(['secret', 'create', 'K', '--force'], { cwd: project.root, env, stdin: canary(n) });
    const result = await runPx(['secret', 'history', 'K'], { cwd: project.root, env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^3\s+\S+\s+admin token\s+current$/m);
    expect(result.stdout).toMatch(/^1\s+\S+\s+admin token$/m);
    expect(result.stdout).toMatch(/3 versions kept, 0 hand-outs recorded/);
    const json = await runPx(['secret', 'history', 'K', '--json'], { cwd: project.root, env });
    const body = JSON.parse(json.stdout);
    expect(body.versions.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect(body.handouts).toEqual([]);
    expect(result.stdout + result.stderr + json.stdout + json.stderr).not.toContain(CANARY);
    expect((await runPx(['secret', 'history', 'NOPE'], { cwd: project.root, env })).code).toBe(1);
  });

  it('px secret rollback needs --yes off a terminal, then restores the earlier value', async () => {
    for (const n of [1, 2, 3]) await server.store.put('K', canary(n));
    const refused = await runPx(['secret', 'rollback', 'K', '--to', '1'], { cwd: project.root, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/pass --yes/);
    const done = await runPx(['secret', 'rollback', 'K', '--to', '1', '--yes'], { cwd: project.root, env });
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/Rolled K back to version 1 .*now version 4/);
    expect((await server.store.values()).get('K')).toBe(canary(1));
    const missing = await runPx(['secret', 'rollback', 'K', '--to', '9', '--yes'], { cwd: project.root, env });
    expect(missing.code).toBe(1);
    const bad = await runPx(['secret', 'rollback', 'K', '--to', 'x', '--yes'], { cwd: project.root, env });
    expect(bad.code).toBe(2);
    expect(done.stdout + done.stderr + missing.stderr + bad.stderr).not.toContain(CANARY);
  });
});

describe('against the local store', () => {
  const px = (args: string[], input?: string) =>
    spawnSync('node', [PX, ...args], { cwd: project.root, encoding: 'utf8', input, env: { ...project.env, PX_KEYCHAIN: 'off', PX_STORE_KEY: 'a'.repeat(64) } });

  it('three updates, three versions; a rollback is what px run hands out next; the hand-outs are listed', async () => {
    for (const n of [1, 2, 3]) expect(px(['secret', 'create', 'API_KEY', '--force'], canary(n)).status).toBe(0);
    const history = px(['secret', 'history', 'API_KEY', '--json']);
    expect(history.status, history.stderr).toBe(0);
    expect(JSON.parse(history.stdout).versions.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);

    const script = `process.stdout.write(process.env.API_KEY === ${JSON.stringify(canary(1))} ? 'rolled back' : 'current')`;
    expect(px(['run', '--', process.execPath, '-e', script]).stdout).toBe('current');
    expect(px(['secret', 'rollback', 'API_KEY', '--to', '1', '--yes']).status).toBe(0);
    expect(px(['run', '--', process.execPath, '-e', script]).stdout).toBe('rolled back');

    const shown = px(['secret', 'history', 'API_KEY']);
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^4\s+\S+\s+\S+\s+current, rollback to 1$/m);
    expect(shown.stdout).toMatch(/Handed out \(newest first\):/);
    // The program's name only: not its path, not its arguments (the script names the value).
    const node = process.execPath.split('/').pop();
    expect(shown.stdout.match(new RegExp(`px run  development  → ${node}  by `, 'g'))?.length).toBe(2);
    expect(shown.stdout).toMatch(/4 versions kept, 2 hand-outs recorded/);
    const log = readFileSync(join(project.root, AUDIT_LOG), 'utf8');
    expect(log).not.toContain(CANARY);
    expect(log).not.toContain('-e');
    expect(JSON.parse(log.trim().split('\n')[0])).toMatchObject({ kind: 'handout', via: 'run', env: 'development', names: ['API_KEY'] });
    expect(shown.stdout + shown.stderr + history.stdout).not.toContain(CANARY);
  });

  it('a deleted secret still shows where it was handed out', async () => {
    const store = await LocalStore.open({ root: project.root, env: { ...project.env, PX_KEYCHAIN: 'off', PX_STORE_KEY: 'a'.repeat(64) } });
    await store.put('GONE', canary(9));
    expect(px(['run', '--', process.execPath, '-e', '0']).status).toBe(0);
    await store.delete('GONE');
    const shown = px(['secret', 'history', 'GONE']);
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/No versions: GONE is not in/);
    expect(shown.stdout).toMatch(/0 versions kept, 1 hand-out recorded/);
  });
});
