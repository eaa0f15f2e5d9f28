// The built px against the embedded local store and `px server`, as separate processes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
let project: TempProject;
const children: ChildProcess[] = [];

beforeEach(() => {
  project = tempProject();
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  project.cleanup();
});

const px = (args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}) =>
  // A 10,000-entry list --json is more than spawnSync's default 1 MiB of output.
  spawnSync('node', [PX, ...args], { cwd: project.root, input: options.input ?? '', encoding: 'utf8', env: { ...project.env, ...options.env }, maxBuffer: 64 * 1024 * 1024 });

const pxAsync = (args: string[], input: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn('node', [PX, ...args], { cwd: project.root, env: { ...project.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stderr }));
    child.stdin.end(input);
  });

/** Every file under dir, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

const names = (): string[] => JSON.parse(px(['secret', 'list', '--json']).stdout).secrets.map((s: { name: string }) => s.name);

describe('local store (no endpoint configured)', () => {
  it('works right after install: create, list, exists, delete; files 0600, dir 0700, git-ignored, no plaintext', () => {
    const created = px(['secret', 'create', 'OPENAI_API_KEY'], { input: canary(1) });
    expect(created.status).toBe(0);
    expect(created.stdout).toBe('Created OPENAI_API_KEY in local store (.px).\n');
    expect(names()).toEqual(['OPENAI_API_KEY']);
    expect(px(['secret', 'exists', 'OPENAI_API_KEY']).status).toBe(0);
    expect(statSync(join(project.root, '.px')).mode & 0o777).toBe(0o700);
    for (const file of files(join(project.root, '.px'))) {
      expect(statSync(file).mode & 0o777, file).toBe(0o600);
      expect(readFileSync(file).includes(CANARY), file).toBe(false);
    }
    for (const file of files(project.env.HOME!)) expect(readFileSync(file).includes(CANARY), file).toBe(false);
    // .px/ ignores itself, so the project's own .gitignore is left alone.
    expect(readFileSync(join(project.root, '.px', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    expect(spawnSync('git', ['init', '-q'], { cwd: project.root, env: project.env }).status).toBe(0);
    expect(spawnSync('git', ['check-ignore', '-q', '.px/secrets.enc'], { cwd: project.root, env: project.env }).status).toBe(0);
    expect(px(['secret', 'delete', 'OPENAI_API_KEY', '--yes']).status).toBe(0);
    expect(names()).toEqual([]);
  });

  it('a fresh project lists nothing and writes nothing', () => {
    const result = px(['secret', 'list']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('local store (.px)');
    expect(readdirSync(project.root)).toEqual([]);
  });

  it('a --project that is missing or a file, or a .px that is a file, is a usage error (exit 2) that writes nothing', () => {
    writeFileSync(join(project.root, 'file'), 'x');
    const cases: Array<[string[], string]> = [
      [['--project', 'typo/deep', 'secret', 'create', 'X'], 'error: --project typo/deep: no such directory.\n'],
      [['--project', 'file', 'secret', 'list'], 'error: --project file is not a directory.\n'],
      [['--project', '', 'secret', 'create', 'X'], 'error: --project is empty: give the project directory.\n'],
      [['--project', '.px', 'secret', 'create', 'X'], "error: --project .px is px's own directory: give the project directory that holds it.\n"],
    ];
    for (const [args, stderr] of cases) {
      const result = px(args, { input: canary(1) });
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toBe(stderr);
    }
    expect(existsSync(join(project.root, 'typo'))).toBe(false);
    writeFileSync(join(project.root, '.px'), 'not a directory');
    for (const args of [['secret', 'list'], ['secret', 'create', 'X']]) {
      const result = px(args, { input: canary(1) });
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^error: .*\.px is not a directory: px keeps the local store there\. Move that file away and try again\.\n$/);
    }
    expect(readFileSync(join(project.root, '.px'), 'utf8')).toBe('not a directory');
  });

  it('from a subdirectory: uses the store of the project root, and --project names it by its path', () => {
    expect(px(['secret', 'create', 'AT_ROOT'], { input: canary(1) }).status).toBe(0);
    const sub = join(project.root, 'app', 'src');
    mkdirSync(sub, { recursive: true });
    const inSub = (args: string[], input = '') => spawnSync('node', [PX, ...args], { cwd: sub, input, encoding: 'utf8', env: project.env });
    const here = inSub(['secret', 'list', '--json']);
    expect(here.status, here.stderr).toBe(0);
    expect(JSON.parse(here.stdout).count).toBe(1);
    expect(here.stderr).toBe('');
    const exists = inSub(['secret', 'exists', 'AT_ROOT']);
    expect(exists.status, exists.stderr).toBe(0);
    expect(inSub(['secret', 'create', 'FROM_SUB'], canary(2)).status).toBe(0);
    expect(existsSync(join(sub, '.px'))).toBe(false);
    const there = inSub(['--project', join('..', '..'), 'secret', 'list']);
    expect(there.status, there.stderr).toBe(0);
    expect(there.stdout).toContain(`Target: local store (${join('..', '..', '.px')})`);
    expect(there.stdout).toContain('FROM_SUB');
    expect(there.stderr).toBe('');
  });

  it('20 concurrent `px secret create` processes leave all 20 secrets', async () => {
    const runs = Array.from({ length: 20 }, (_, i) => pxAsync(['secret', 'create', `CONCURRENT_${i}`], canary(i)));
    const results = await Promise.all(runs);
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    expect(names()).toHaveLength(20);
  });

  it('SIGKILL in the middle of a 10,000-entry import leaves none or all of it, and the next import recovers', async () => {
    expect(px(['secret', 'create', 'BEFORE'], { input: 'v' }).status).toBe(0);
    writeFileSync(join(project.root, 'big.env'), Array.from({ length: 10_000 }, (_, i) => `BULK_${i}=${canary(i)}`).join('\n'));
    const lock = join(project.root, '.px', 'store.lock');
    // Killed while it holds the store's lock, i.e. while it writes: right away, and a little later.
    for (const afterLockMs of [0, 15]) {
      const child = spawn('node', [PX, 'secret', 'import', 'big.env', '--yes'], { cwd: project.root, env: project.env, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('close', resolve));
      let locked = false;
      while (!locked && child.exitCode === null) {
        locked = existsSync(lock);
        if (!locked) await new Promise((resolve) => setImmediate(resolve));
      }
      if (afterLockMs > 0) await new Promise((resolve) => setTimeout(resolve, afterLockMs));
      child.kill('SIGKILL');
      await exited;
      const listed = px(['secret', 'list', '--json']);
      expect(listed.status, listed.stderr).toBe(0);
      expect([1, 10_001]).toContain(JSON.parse(listed.stdout).count);
    }
    // The killed writer's lock goes stale and its leftovers are cleaned up by the next writer.
    const again = px(['secret', 'import', 'big.env', '--yes']);
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(px(['secret', 'list', '--json']).stdout).count).toBe(10_001);
    expect(readdirSync(join(project.root, '.px')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  }, 90_000);
});

async function startServer(): Promise<{ url: string; child: ChildProcess; stderr: () => string }> {
  const child = spawn('node', [PX, 'server', '--port', '0'], { cwd: project.root, env: project.env });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 10_000);
    child.stderr!.on('data', () => {
      const match = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  return { url, child, stderr: () => stderr };
}

describe('px server', () => {
  it('serves the local store: token found by the CLI, auth on every route, no values out, audit log without values', async () => {
    expect(px(['secret', 'create', 'EXISTING'], { input: canary(1) }).status).toBe(0);
    const server = await startServer();
    const token = readFileSync(join(project.root, '.px', 'server-token'), 'utf8').trim();
    expect(statSync(join(project.root, '.px', 'server-token')).mode & 0o777).toBe(0o600);

    // The CLI of the same project finds the token by itself.
    expect(px(['secret', 'create', 'VIA_SERVER'], { input: canary(2), env: { PX_URL: server.url } }).status).toBe(0);
    const listed = px(['secret', 'list', '--json'], { env: { PX_URL: server.url } });
    expect(JSON.parse(listed.stdout).secrets.map((s: { name: string }) => s.name)).toEqual(['EXISTING', 'VIA_SERVER']);
    // …and the local store sees what the server wrote.
    expect(names()).toEqual(['EXISTING', 'VIA_SERVER']);

    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/secrets'],
      ['POST', '/secrets', { name: 'X', value: canary(3) }],
      ['DELETE', '/secrets/EXISTING'],
      ['GET', '/secrets/EXISTING/exists'],
      ['POST', '/secrets/bulk', { secrets: [{ name: 'Y', value: canary(4) }] }],
    ];
    for (const [method, path, body] of routes) {
      for (const auth of [undefined, 'Bearer wrong']) {
        const response = await fetch(`${server.url}${path}`, {
          method,
          headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        expect(response.status, `${method} ${path}`).toBe(401);
        expect(await response.text()).not.toContain(CANARY);
      }
    }
    const list = await fetch(`${server.url}/secrets`, { headers: { authorization: `Bearer ${token}` } });
    const text = await list.text();
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain('"value"');

    server.child.kill('SIGTERM');
    const code = await new Promise((resolve) => server.child.on('close', resolve));
    expect(code).toBe(0);
    expect(server.stderr()).toContain('stopped');
    const audit = readFileSync(join(project.root, '.px', 'audit.log'), 'utf8');
    expect(audit).toContain('VIA_SERVER');
    expect(audit).toMatch(/"status":401/);
    expect(audit).not.toContain(CANARY);
    expect(px(['secret', 'list']).stdout).toContain('VIA_SERVER');
  });

  it('started first in a git repository, it leaves nothing under .px/ for git to add', async () => {
    expect(spawnSync('git', ['init', '-q'], { cwd: project.root, env: project.env }).status).toBe(0);
    const server = await startServer();
    expect(px(['secret', 'create', 'VIA_SERVER'], { input: canary(1), env: { PX_URL: server.url } }).status).toBe(0);
    expect(px(['secret', 'create', 'DIRECT'], { input: canary(2) }).status).toBe(0);
    expect(existsSync(join(project.root, '.px', 'server-token'))).toBe(true);
    const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: project.root, encoding: 'utf8', env: project.env });
    expect(status.stdout.split('\n').filter((path) => path.includes('.px'))).toEqual([]);
  });

  it('the CLI and a running server write at the same time without losing a write', async () => {
    const server = await startServer();
    const viaServer = Array.from({ length: 10 }, (_, i) => pxAsync(['secret', 'create', `S_${i}`], canary(i), { PX_URL: server.url }));
    const direct = Array.from({ length: 10 }, (_, i) => pxAsync(['secret', 'create', `L_${i}`], canary(i)));
    for (const result of await Promise.all([...viaServer, ...direct])) expect(result.code, result.stderr).toBe(0);
    expect(names()).toHaveLength(20);
    const viaHttp = px(['secret', 'list', '--json'], { env: { PX_URL: server.url } });
    expect(JSON.parse(viaHttp.stdout).count).toBe(20);
  });
});
