// The built `px endpoint check` against real servers in other processes (`px server --memory`,
// `px server` on a project's local store) and against deliberately wrong endpoints: exit codes,
// what it prints, and that it cleans up, also when stopped by a signal.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultyEndpoint, type Fault, type FaultyEndpoint } from '../helpers/faulty-endpoint.js';
import { canary, CANARY, tempProject, type TempProject } from '../helpers/project.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
let project: TempProject;
let faulty: FaultyEndpoint | undefined;
const children: ChildProcess[] = [];

beforeEach(() => {
  project = tempProject();
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await faulty?.close();
  faulty = undefined;
  project.cleanup();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function px(args: string[], env: NodeJS.ProcessEnv = {}, onStderr?: (text: string) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn('node', [PX, ...args], { cwd: project.root, env: { ...project.env, ...env } });
    children.push(child);
    const run: Run = { code: null, stdout: '', stderr: '' };
    child.stdout.on('data', (chunk) => (run.stdout += chunk));
    child.stderr.on('data', (chunk) => {
      run.stderr += chunk;
      onStderr?.(run.stderr);
    });
    child.on('close', (code) => resolve({ ...run, code }));
    child.stdin.end();
  });
}

async function startPxServer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const child = spawn('node', [PX, 'server', '--port', '0', ...args], { cwd: project.root, env: { ...project.env, ...env } });
  children.push(child);
  let stderr = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`px server did not start: ${stderr}`)), 10_000);
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
      // A plain line (`… at http://…`) or a JSON log line (`"url":"http://…"`).
      const match = /(?:at |"url":")(http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
}

const failedIds = (run: Run): string[] => (JSON.parse(run.stdout) as { checks: Array<{ id: string; status: string }> }).checks.filter((check) => check.status === 'failed').map((check) => check.id);

describe('px endpoint check', () => {
  it('passes against px server --memory, one line per check, exit 0', async () => {
    const url = await startPxServer(['--memory'], { PX_TOKEN: 'memory-admin-token' });
    const run = await px(['endpoint', 'check', '--url', url], { PX_TOKEN: 'memory-admin-token' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^✓ create: /m);
    expect(run.stdout).toMatch(/^✓ errors\.no-value: /m);
    expect(run.stdout.match(/^✗ [\w.-]+/gm) ?? []).toEqual([]);
    const summary = '18 passed, 0 failed, 0 skipped';
    expect(run.stdout).toMatch(new RegExp(`${summary}\\. PX_CHECK_\\* names removed\\.$`, 'm'));
    expect(run.stdout + run.stderr).not.toMatch(/pxcheck-|memory-admin-token/);
  }, 60_000);

  it("passes against px server on the project's local store with the server's own token, leaving the store as it was", async () => {
    const create = await px(['secret', 'create', 'MINE', '--value', canary(1)]);
    expect(create.code, create.stderr).toBe(0);
    const url = await startPxServer([]);
    // No PX_TOKEN: the check finds the token file of this project's px server, as px secret does.
    const run = await px(['endpoint', 'check', '--url', url, '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(failedIds(run)).toEqual([]);
    expect(report).toMatchObject({ url, passed: true, stopped: false, left: [] });
    const list = await px(['secret', 'list', '--json']);
    expect(JSON.parse(list.stdout).secrets.map((secret: { name: string }) => secret.name)).toEqual(['MINE']);
    expect(run.stdout + run.stderr).not.toContain(CANARY);
  }, 60_000);

  it.each<[Fault, string]>([
    ['value-in-list', 'list.no-values'],
    ['half-bulk', 'bulk.all-or-nothing'],
    ['echo-value', 'errors.no-value'],
  ])('against an endpoint with the fault %s: exit 1, only %s failed, no value shown', async (fault, broken) => {
    faulty = await startFaultyEndpoint(fault);
    const json = await px(['endpoint', 'check', '--url', faulty.url, '--json'], { PX_TOKEN: faulty.token });
    expect(json.code, json.stderr).toBe(1);
    expect(failedIds(json)).toEqual([broken]);
    const plain = await px(['endpoint', 'check', '--url', faulty.url], { PX_TOKEN: faulty.token });
    expect(plain.code).toBe(1);
    expect(plain.stdout).toMatch(new RegExp(`^✗ ${broken.replace('.', '\\.')}: .*\\n    expected: .+\\n    got:      .+$`, 'm'));
    expect(plain.stdout).toMatch(/17 passed, 1 failed, 0 skipped/);
    expect(json.stdout + json.stderr + plain.stdout + plain.stderr).not.toMatch(/pxcheck-/);
    expect(await faulty.store.list()).toEqual([]);
  }, 60_000);

  it('refuses an endpoint that already stores PX_CHECK_ names: exit 1, nothing written', async () => {
    faulty = await startFaultyEndpoint('none');
    await faulty.store.put('PX_CHECK_OLD', canary(2));
    const run = await px(['endpoint', 'check', '--url', faulty.url], { PX_TOKEN: faulty.token });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: .* already stores PX_CHECK_\* names \(PX_CHECK_OLD\).*Delete them first/m);
    expect(faulty.requests).toEqual(['GET /secrets']);
  });

  it.each([
    ['no endpoint', [], {}, 2, /needs an endpoint: give --url URL/],
    ['plain http to another machine', ['--url', 'http://192.0.2.1:8787'], { PX_TOKEN: 't' }, 2, /plain http on another machine.*--insecure/],
    ['nothing listening', ['--url', 'http://127.0.0.1:9'], { PX_TOKEN: 't' }, 3, /gave no answer \(connection refused\)/],
  ] as const)('%s: exit %s', async (_what, args, env, code, message) => {
    const run = await px(['endpoint', 'check', ...args], env);
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
  });

  it('a wrong token: exit 4', async () => {
    faulty = await startFaultyEndpoint('none');
    const run = await px(['endpoint', 'check', '--url', faulty.url], { PX_TOKEN: 'not-the-token' });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/rejected the token/);
    expect(run.stderr).not.toContain('not-the-token');
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('stopped by %s in the middle: removes its names and exits %i', async (signal, code) => {
    faulty = await startFaultyEndpoint('none');
    await faulty.store.put('KEPT', canary(3));
    const held = faulty.holdNext('POST', '/secrets/bulk');
    let stopping!: () => void;
    const said = new Promise<void>((resolve) => (stopping = resolve));
    const run = px(['endpoint', 'check', '--url', faulty.url], { PX_TOKEN: faulty.token }, (stderr) => {
      if (stderr.includes('Stopping after the request in flight')) stopping();
    });
    await held.arrived;
    expect((await faulty.store.list()).some((secret) => secret.name.startsWith('PX_CHECK_'))).toBe(true);
    children.at(-1)!.kill(signal);
    // The stop waits for the request in flight, so that it cannot land after the cleanup.
    await said;
    held.release();
    const result = await run;
    expect(result.code, result.stderr).toBe(code);
    expect(result.stderr).toMatch(/Stopped after 8 checks; PX_CHECK_\* names removed\./);
    expect((await faulty.store.list()).map((secret) => secret.name)).toEqual(['KEPT']);
  }, 30_000);
});
