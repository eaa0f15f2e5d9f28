// The built px with no keychain to reach (no D-Bus session bus, or one that never answers): every
// command that needs it exits 4 with one sentence, and nothing is written anywhere.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
let project: TempProject;

beforeEach(() => {
  project = tempProject();
  writeFileSync(join(project.root, '.env.deploy'), `FLY_API_TOKEN=${canary(1)}\n`);
});
afterEach(() => project.cleanup());

/**
 * Every file under dir with its content, to compare before and after; but the launcher's code
 * cache of px's own code (bin/px.cjs), which holds no secret: checked for canaries instead.
 */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.v8cache')) expect(readFileSync(path).includes(CANARY), path).toBe(false);
      else files[path] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}

const run = (args: string[], env: NodeJS.ProcessEnv = {}, input = '') =>
  spawnSync('node', [PX, ...args], { cwd: project.root, input, encoding: 'utf8', env: { ...project.env, ...env } });

const COMMANDS: Array<[string, string[], string?]> = [
  ['creds set', ['creds', 'set', 'FLY_API_TOKEN'], canary(2)],
  ['creds set --value', ['creds', 'set', 'FLY_API_TOKEN', '--value', canary(3)]],
  ['creds list', ['creds', 'list']],
  ['creds list --json', ['creds', 'list', '--json']],
  ['creds delete', ['creds', 'delete', 'FLY_API_TOKEN', '--yes']],
  ['creds import', ['creds', 'import', '--yes', '--force', '--remove-file']],
  ['deploy', ['deploy', '--', 'node', '-e', `require('fs').writeFileSync('deployed', '')`]],
  ['login', ['login', '--url', 'http://127.0.0.1:9'], canary(4)],
  ['logout', ['logout', '--url', 'http://127.0.0.1:9']],
];

describe('no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset)', () => {
  it.each(COMMANDS)('%s exits 4 with one sentence and writes nothing', (_name, args, input) => {
    const before = { project: snapshot(project.root), home: snapshot(project.env.HOME!) };
    const result = run(args, {}, input);
    expect(result.status, result.stderr).toBe(4);
    expect(result.stderr).toMatch(
      /^error: The OS keychain is not available \(no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set\): start a Secret Service such as gnome-keyring .*\.\n$/,
    );
    expect(result.stdout).toBe('');
    expect(result.stdout + result.stderr).not.toContain(CANARY);
    expect({ project: snapshot(project.root), home: snapshot(project.env.HOME!) }).toEqual(before);
  });

  it('deploy also names the CI way: credentials from the CI and PX_KEYCHAIN=off', () => {
    const result = run(['deploy', '--', 'node', '-e', '0']);
    expect(result.status).toBe(4);
    expect(result.stderr).toMatch(/ In CI, keep the credentials in the CI's secret store and run `PX_KEYCHAIN=off px deploy`\.\n$/);
  });

  it('PX_KEYCHAIN=off is named as the reason, and the fix is to unset it', () => {
    const result = run(['creds', 'list'], { PX_KEYCHAIN: 'off' });
    expect(result.status).toBe(4);
    expect(result.stderr).toBe('error: The OS keychain is turned off (PX_KEYCHAIN=off): unset PX_KEYCHAIN to use it.\n');
  });
});

describe('a D-Bus address that does not answer', () => {
  let dir: string;
  let server: Server;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'px-bus-'));
    // Accepts connections and never says a word: a hung bus.
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(join(dir, 'hung'), resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const runAsync = (args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn('node', [PX, ...args], { cwd: project.root, env: { ...project.env, ...env } });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (code) => resolve({ code, stderr }));
      child.stdin.end(canary(5));
    });

  it.each([
    ['creds list', ['creds', 'list']],
    ['creds set', ['creds', 'set', 'FLY_API_TOKEN']],
    ['deploy', ['deploy', '--', 'node', '-e', '0']],
  ])('%s gives up with exit 4 instead of hanging', async (_name, args) => {
    const before = snapshot(project.root);
    const result = await runAsync(args, { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'hung')},guid=0` });
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(/^error: The OS keychain is not available \(the D-Bus session bus did not answer within 5 s\): /);
    expect(snapshot(project.root)).toEqual(before);
  });

  it('a socket that is not there is named as not reachable', async () => {
    const result = await runAsync(['creds', 'list'], { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'absent')}` });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/\(the D-Bus session bus is not reachable: ENOENT\)/);
  });
});
