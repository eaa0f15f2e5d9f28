// Slow and idle clients cannot hold `px server`: the request head, the whole request and an idle
// connection each have a deadline, and connections past a cap are refused. Real sockets on
// loopback with short limits; every wait is bounded, and nothing asserts how long anything took.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/core/store.js';
import { startServer, type RunningServer } from '../../src/server/listen.js';
import { tempProject, type TempProject } from '../helpers/project.js';

const TOKEN = 'limits-test-token';
const running: RunningServer[] = [];
const sockets: Socket[] = [];
const children: ChildProcess[] = [];
let project: TempProject | undefined;
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const server of running.splice(0)) await server.close();
  project?.cleanup();
  project = undefined;
});

async function serve(limits: Parameters<typeof startServer>[0]['limits'], onConnectionRefused?: (limit: number) => void): Promise<RunningServer> {
  const server = await startServer({ store: new MemoryStore(), token: TOKEN, host: '127.0.0.1', port: 0, limits, onConnectionRefused });
  running.push(server);
  return server;
}

/** A raw connection and what it read; `closed` settles when the server ends it (or after `boundMs`). */
function open(port: number, boundMs = 10_000): { socket: Socket; received: () => string; closed: Promise<boolean>; connected: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let received = '';
  socket.on('data', (chunk) => (received += chunk));
  socket.on('error', () => undefined);
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const closed = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), boundMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  return { socket, received: () => received, closed, connected };
}

const get = (url: string) => fetch(`${url}/secrets`, { headers: { authorization: `Bearer ${TOKEN}` } });

describe('connection limits', () => {
  it('a client that sends half a request head is cut off (408), and the server still answers others', async () => {
    const server = await serve({ headersMs: 200, requestMs: 400, idleMs: 5_000 });
    const slow = open(server.port);
    await slow.connected;
    slow.socket.write('GET /secrets HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    // Keep dribbling header bytes, as a slowloris does, so only the head deadline can end it.
    const drip = setInterval(() => slow.socket.writable && slow.socket.write('a'), 50);
    const closed = await slow.closed;
    clearInterval(drip);
    expect(closed).toBe(true);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408/);
    expect((await get(server.url)).status).toBe(200);
  });

  it('a client that sends its body slowly is cut off once the request deadline passes', async () => {
    const server = await serve({ headersMs: 200, requestMs: 400, idleMs: 5_000 });
    const slow = open(server.port);
    await slow.connected;
    slow.socket.write(`POST /secrets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"name":"A","value":"`);
    const drip = setInterval(() => slow.socket.writable && slow.socket.write('x'), 50);
    const closed = await slow.closed;
    clearInterval(drip);
    expect(closed).toBe(true);
    expect(slow.received()).not.toMatch(/^HTTP\/1\.1 201/);
  });

  it('a connection that sends nothing is closed after the idle time', async () => {
    const server = await serve({ headersMs: 2_000, requestMs: 4_000, idleMs: 300 });
    const idle = open(server.port);
    expect(await idle.closed).toBe(true);
    expect(idle.received()).toBe('');
  });

  it('past the cap a new connection is closed at once and reported; a freed slot is usable again', async () => {
    const refused: number[] = [];
    const server = await serve({ maxConnections: 2, idleMs: 20_000, headersMs: 10_000, requestMs: 20_000 }, (limit) => refused.push(limit));
    const held = [open(server.port), open(server.port)];
    await Promise.all(held.map((connection) => connection.connected));
    const third = open(server.port);
    expect(await third.closed).toBe(true);
    expect(third.received()).toBe('');
    expect(refused).toEqual([2]);
    held[0].socket.destroy();
    await held[0].closed;
    const again = open(server.port);
    await again.connected;
    again.socket.write(`GET /secrets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`);
    expect(await again.closed).toBe(true);
    expect(again.received()).toMatch(/^HTTP\/1\.1 200/);
  });

  it('px server --max-connections raises (or lowers) the cap; a bad value is a usage error', async () => {
    project = tempProject();
    const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
    const bad = spawn('node', [PX, 'server', '--memory', '--port', '0', '--max-connections', '0'], { cwd: project.root, env: project.env });
    let badErr = '';
    bad.stderr.on('data', (chunk) => (badErr += chunk));
    expect(await new Promise((resolve) => bad.on('close', resolve))).toBe(2);
    expect(badErr).toMatch(/^error: --max-connections takes a whole number from 1 to/);
    const child = spawn('node', [PX, 'server', '--memory', '--port', '0', '--max-connections', '3'], { cwd: project.root, env: project.env });
    children.push(child);
    let stderr = '';
    const port = await new Promise<number>((resolve) => {
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        const match = /at http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
        if (match) resolve(Number(match[1]));
      });
    });
    const held = [open(port), open(port), open(port)];
    await Promise.all(held.map((connection) => connection.connected));
    const fourth = open(port);
    expect(await fourth.closed).toBe(true);
    expect(fourth.received()).toBe('');
    const refusedSaid = (): boolean => /refused a connection/.test(stderr);
    await new Promise<void>((resolve) => (refusedSaid() ? resolve() : child.stderr.on('data', () => refusedSaid() && resolve())));
    expect(stderr).toMatch(/"level":"warn".*refused a connection: 3 are open, the most it takes \(raise it with --max-connections\)\./);
  });
});
