// SIGUSR1 makes Node open its inspector (no authentication) on the debug port: through it the
// store key and the server token of a running px could be read out. No px process may open one
// on a signal, on any supported Node; `px run` hands SIGUSR1/SIGUSR2 to its command instead.
// Each case runs on Node 20, 22 and 24 (see test/helpers/node-versions.ts for where they come from).
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NODE_MAJORS, nodeBinary, NODES_REQUIRED } from '../helpers/node-versions.js';
import { tempProject, type TempProject } from '../helpers/project.js';

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

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

interface Watched {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  waitFor: (stream: 'stdout' | 'stderr', pattern: RegExp) => Promise<RegExpExecArray>;
  exited: Promise<number | null>;
}

function watch(binary: string, args: string[], debugPort: number): Watched {
  // --inspect-port only says where an inspector would listen: a free port of this test's own.
  const child = spawn(binary, args, { cwd: project.root, env: { ...project.env, PX_KEYCHAIN: 'off', NODE_OPTIONS: `--inspect-port=${debugPort}` } });
  children.push(child);
  const text = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk) => (text.stdout += chunk));
  child.stderr!.on('data', (chunk) => (text.stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const waitFor = (stream: 'stdout' | 'stderr', pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = (): boolean => {
        const match = pattern.exec(text[stream]);
        if (match) resolve(match);
        return match !== null;
      };
      if (check()) return;
      const timer = setTimeout(() => reject(new Error(`no ${pattern} in ${stream}: ${text.stdout} ${text.stderr}`)), 20_000);
      child[stream]!.on('data', () => check() && clearTimeout(timer));
    });
  return { child, stdout: () => text.stdout, stderr: () => text.stderr, waitFor, exited };
}

/** Whether an inspector came up after a signal: polled for a bounded while (never a timing assertion). */
async function inspectorOpened(watched: Watched, port: number): Promise<boolean> {
  for (let attempt = 0; attempt < 30; attempt++) {
    if (/Debugger listening/.test(watched.stderr()) || (await accepts(port))) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

for (const major of NODE_MAJORS) {
  const binary = nodeBinary(major);
  describe.skipIf(!binary && !NODES_REQUIRED)(`on Node ${major}`, () => {
    const node = (): string => {
      if (!binary) throw new Error(`no Node ${major} binary: set PX_TEST_NODE_${major} (see test/helpers/node-versions.ts)`);
      return binary;
    };

    it('the probe works: a plain Node process does open its inspector on SIGUSR1', async () => {
      const port = await freePort();
      const plain = watch(node(), ['-e', 'require("node:http").createServer().listen(0, () => console.log("ready"))'], port);
      await plain.waitFor('stdout', /ready/);
      plain.child.kill('SIGUSR1');
      expect(await inspectorOpened(plain, port)).toBe(true);
    });

    it('a running px server opens no inspector on SIGUSR1 and keeps serving', async () => {
      const port = await freePort();
      const server = watch(node(), [PX, 'server', '--memory', '--port', '0'], port);
      const [, url] = await server.waitFor('stderr', /at (http:\/\/127\.0\.0\.1:\d+)/);
      server.child.kill('SIGUSR1');
      server.child.kill('SIGUSR1');
      expect(await inspectorOpened(server, port)).toBe(false);
      expect((await fetch(`${url}/secrets`)).status).toBe(401);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(server.stderr()).not.toMatch(/Debugger|inspector/i);
    });

    it('px run opens no inspector and passes SIGUSR1 and SIGUSR2 on to its command', async () => {
      const port = await freePort();
      const script =
        'const got = []; for (const s of ["SIGUSR1", "SIGUSR2"]) process.on(s, () => { console.log("child got " + s); got.push(s); if (got.length === 2) process.exit(0); });' +
        ' console.log("ready"); setInterval(() => {}, 1000);';
      const run = watch(node(), [PX, 'run', '--', node(), '-e', script], port);
      await run.waitFor('stdout', /ready/);
      run.child.kill('SIGUSR1');
      await run.waitFor('stdout', /child got SIGUSR1/);
      expect(await inspectorOpened(run, port)).toBe(false);
      run.child.kill('SIGUSR2');
      expect(await run.exited).toBe(0);
      expect(run.stdout()).toBe('ready\nchild got SIGUSR1\nchild got SIGUSR2\n');
    });
  });
}
