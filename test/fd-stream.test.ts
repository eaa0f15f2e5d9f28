// The fast path's writer of stdout and stderr (src/cli/fd-stream.ts): not a node:stream Writable,
// but writes, ends and fails as one would for what the fast path's commands do with it.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import { fdStream } from '../src/cli/fd-stream.js';
import { canary, tempProject } from './helpers/project.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(): { fd: number; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'px-fd-'));
  dirs.push(dir);
  const path = join(dir, 'out');
  return { fd: openSync(path, 'w'), path };
}

it('writes strings and bytes in order, synchronously, and calls back after each write and the end', async () => {
  const { fd, path } = tempFile();
  const stream = fdStream(fd);
  expect(stream).not.toBeInstanceOf(Writable);
  const calls: string[] = [];
  expect(stream.write('one\n', () => calls.push('one'))).toBe(true);
  expect(stream.write(Buffer.from('two\n'))).toBe(true);
  stream.write('thr\u00e9e\n', 'utf8', () => calls.push('three'));
  // Already on disk before any callback: nothing is left to flush at exit.
  expect(readFileSync(path, 'utf8')).toBe('one\ntwo\nthr\u00e9e\n');
  expect(calls).toEqual([]);
  await new Promise<void>((resolve) => stream.end('end\n', () => resolve()));
  expect(calls).toEqual(['one', 'three']);
  expect(readFileSync(path, 'utf8')).toBe('one\ntwo\nthr\u00e9e\nend\n');
  closeSync(fd);
});

it('a failed write calls back with the error, then emits it once on the next tick; later writes fail too', async () => {
  const { fd } = tempFile();
  closeSync(fd);
  const stream = fdStream(fd);
  const order: string[] = [];
  const errors: NodeJS.ErrnoException[] = [];
  stream.on('error', (error: NodeJS.ErrnoException) => {
    order.push('error event');
    errors.push(error);
  });
  expect(stream.write('lost\n', (error) => order.push(`callback ${(error as NodeJS.ErrnoException).code}`))).toBe(false);
  expect(order).toEqual([]);
  const second = new Promise<Error | null | undefined>((resolve) => stream.write('also lost\n', resolve));
  expect((await second)?.message).toContain('EBADF');
  expect(order).toEqual(['callback EBADF', 'error event']);
  expect(errors.map((error) => error.code)).toEqual(['EBADF']);
});

it('a write after the end fails and emits an error', async () => {
  const { fd } = tempFile();
  const stream = fdStream(fd);
  stream.end();
  const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
    stream.on('error', resolve);
    stream.write('late\n');
  });
  expect(error.code).toBe('ERR_STREAM_WRITE_AFTER_END');
  closeSync(fd);
});

it('px secret list --json into a pipe whose reader is gone stops quietly, exit 0', async () => {
  const project = tempProject();
  try {
    const created = spawn('node', [join(import.meta.dirname, '..', 'bin', 'px.cjs'), 'secret', 'create', 'PIPE_PROBE'], { cwd: project.root, env: project.env });
    created.stdin.end(`${canary(1)}\n`);
    expect(await new Promise((resolve) => created.on('close', resolve))).toBe(0);
    const child = spawn('node', [join(import.meta.dirname, '..', 'bin', 'px.cjs'), 'secret', 'list', '--json'], { cwd: project.root, env: project.env, stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader closes before px can write: its first write meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
    expect(stderr).toBe('');
  } finally {
    project.cleanup();
  }
});
