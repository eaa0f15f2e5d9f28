// What the fast path's read-only commands load of Node: each built-in module costs start-up time
// (README, Performance), so these runs of the built px record the built-ins they loaded (Node's
// process.moduleLoadList, written at exit by a preloaded script) and must not reach for the ones
// they do not need.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
let project: TempProject;
let preload: string;
let server: TestDevServer;

beforeAll(async () => {
  server = await TestDevServer.start();
  project = tempProject();
  preload = join(project.root, '..', 'record-modules.cjs');
  writeFileSync(
    preload,
    "process.on('exit', () => require('node:fs').writeFileSync(process.env.MODULES_OUT, JSON.stringify(process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)))));\n",
  );
  const created = spawnSync('node', [PX, 'secret', 'create', 'LOADED_PROBE'], { cwd: project.root, env: project.env, input: `${canary(1)}\n`, encoding: 'utf8' });
  expect(created.status, created.stderr).toBe(0);
});
afterAll(async () => {
  await server.close();
  project.cleanup();
});

/** The built-ins one run loaded, with stdout and stderr on pipes and stdin empty, as scripts run px. */
async function builtinsOf(args: string[], env: NodeJS.ProcessEnv = {}, exit = 0): Promise<string[]> {
  const out = join(project.root, '..', 'modules.json');
  // Asynchronous: the endpoint of the server case answers from this process.
  const child = spawn('node', ['-r', preload, PX, ...args], { cwd: project.root, env: { ...project.env, ...env, MODULES_OUT: out } });
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end();
  const status = await new Promise((resolve) => child.on('close', resolve));
  expect(status, stderr).toBe(exit);
  return JSON.parse(readFileSync(out, 'utf8')) as string[];
}

const commands = ['secret list --json', 'secret exists LOADED_PROBE'];

it.each(commands)('px %s on the local store reads it without promise-based files, sockets or a terminal', async (command) => {
  const loaded = await builtinsOf(command.split(' '));
  // It did read the store: the crypto is there.
  expect(loaded).toContain('crypto');
  for (const unneeded of ['fs/promises', 'net', 'tty', 'http', 'readline', 'child_process', 'module', 'os']) expect(loaded).not.toContain(unneeded);
});

it.each([
  ['secret list --json', 0],
  ['secret exists NOT_THERE', 1],
])('px %s on an endpoint on loopback speaks HTTP over a plain socket, without node:http or the local store\'s crypto', async (command, exit) => {
  const loaded = await builtinsOf(command.split(' '), { PX_URL: server.url, PX_TOKEN: server.token }, exit);
  expect(loaded).toContain('net');
  for (const unneeded of ['http', '_http_client', 'crypto', 'fs/promises', 'tty', 'https', 'readline', 'child_process', 'module', 'os']) expect(loaded).not.toContain(unneeded);
});
