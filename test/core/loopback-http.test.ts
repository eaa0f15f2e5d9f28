// The endpoint client on loopback speaks HTTP/1.1 over a plain socket (loopback-http.ts): the
// request it sends, and every way an answer goes wrong reported in the very words of node:http's
// path, which each case runs too (injected as the transport) against the same raw server.
import { Agent, request } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EndpointClient, type Transport } from '../../src/core/endpoint-client.js';

const TOKEN = 'tok-canary-7f3a';
let servers: Server[] = [];
let sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  servers = [];
  sockets = [];
});

/** A TCP server on loopback that hands each request's raw bytes (head and body) to `answer`. */
async function rawServer(answer: (socket: Socket, raw: string) => void): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    let raw = '';
    socket.on('data', (chunk) => {
      raw += chunk.toString('latin1');
      const end = raw.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(raw.slice(0, end))?.[1] ?? 0);
      if (raw.length < end + 4 + length) return;
      requests.push(raw);
      answer(socket, raw);
    });
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests };
}

const nodeHttp = (): Transport => ({ request, agent: new Agent({ keepAlive: true, maxSockets: 1 }) });

/** What `list()` ends in, through the loopback client and through node:http. */
async function bothWays(url: string, timeoutSeconds = 5, token = TOKEN): Promise<[string, string]> {
  const outcome = async (transport?: Transport): Promise<string> => {
    const client = new EndpointClient({ url, token, timeoutSeconds, ...(transport ? { transport } : {}) });
    try {
      return JSON.stringify(await client.list());
    } catch (error) {
      return `${(error as Error).constructor.name}: ${(error as Error).message}`;
    } finally {
      await client.close();
    }
  };
  return [await outcome(), await outcome(nodeHttp())];
}

const json = (status: number, body: string): string => `HTTP/1.1 ${status} X\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const listBody = JSON.stringify({ secrets: [{ name: 'A', createdAt: 't1', updatedAt: 't2' }], count: 1 });

describe('the request', () => {
  it('is one HTTP/1.1 request with the token in its header, the value only in its body, and Connection: close', async () => {
    const { url, requests } = await rawServer((socket) => socket.end(json(201, '{"name":"NEW_ONE","createdAt":"t1","updatedAt":"t1"}')));
    const client = new EndpointClient({ url: `${url}/base/`, token: TOKEN, timeoutSeconds: 5 });
    await expect(client.put('NEW_ONE', 'val-canary-\u00e9')).resolves.toEqual({ name: 'NEW_ONE', createdAt: 't1', updatedAt: 't1' });
    const body = JSON.stringify({ name: 'NEW_ONE', value: 'val-canary-\u00e9' });
    const port = new URL(url).port;
    expect(Buffer.from(requests[0]!, 'latin1').toString('utf8')).toBe(
      `POST /base/secrets HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nauthorization: Bearer ${TOKEN}\r\naccept: application/json\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  it('a token that would break the header is refused before anything is sent, as node:http refuses it, without the token', async () => {
    const { url, requests } = await rawServer((socket) => socket.end(json(200, listBody)));
    const [loopback, viaHttp] = await bothWays(url, 5, 'tok\r\nX-Injected: 1');
    expect(loopback).toBe(`Unreachable: Cannot reach ${url} (it could not be reached). Check that the endpoint is running and the URL (--url, PX_URL, px.config.json) is right.`);
    expect(viaHttp).toBe(loopback);
    expect(requests).toEqual([]);
  });
});

describe('an answer', () => {
  it('in chunks, sent a byte at a time, is read whole, as by node:http', async () => {
    const bytes = Buffer.from(`HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${(10).toString(16)}\r\n${listBody.slice(0, 10)}\r\n${(listBody.length - 10).toString(16)}\r\n${listBody.slice(10)}\r\n0\r\n\r\n`);
    const { url } = await rawServer((socket) => {
      let i = 0;
      const next = (): void => void (i < bytes.length ? socket.write(bytes.subarray(i, ++i), next) : socket.end());
      socket.setNoDelay(true);
      next();
    });
    const [loopback, viaHttp] = await bothWays(url);
    expect(loopback).toBe(JSON.stringify([{ name: 'A', createdAt: 't1', updatedAt: 't2' }]));
    expect(viaHttp).toBe(loopback);
  });

  it('is awaited only until it is whole, even when the server keeps the connection open', async () => {
    const { url } = await rawServer((socket) => socket.write(json(200, listBody)));
    const [loopback, viaHttp] = await bothWays(url, 2);
    expect(loopback).toBe(JSON.stringify([{ name: 'A', createdAt: 't1', updatedAt: 't2' }]));
    expect(viaHttp).toBe(loopback);
  });
});

describe('what goes wrong is said as node:http says it', () => {
  it('nothing listens: connection refused', async () => {
    const { url } = await rawServer(() => {});
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const [loopback, viaHttp] = await bothWays(url);
    expect(loopback).toMatch(/^Unreachable: Cannot reach http:\/\/127\.0\.0\.1:\d+ \(connection refused\)\./);
    expect(viaHttp).toBe(loopback);
  });

  it.each([
    ['closed without an answer', (socket: Socket) => socket.end()],
    ['reset without an answer', (socket: Socket) => socket.resetAndDestroy()],
    ['closed in the middle of the head', (socket: Socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-len')],
    ['closed before Content-Length bytes came', (socket: Socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"secrets":')],
    ['closed before the last chunk', (socket: Socket) => socket.end('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"sec\r\n')],
  ])('%s: the connection was reset', async (_what, answer) => {
    const { url } = await rawServer(answer);
    const [loopback, viaHttp] = await bothWays(url);
    expect(loopback).toBe(`Unreachable: Cannot reach ${url} (the connection was reset). Check that the endpoint is running and the URL (--url, PX_URL, px.config.json) is right.`);
    expect(viaHttp).toBe(loopback);
  });

  it('no answer in time: the timeout, for the whole exchange', async () => {
    const { url } = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{'));
    const [loopback, viaHttp] = await bothWays(url, 0.3);
    expect(loopback).toBe(`Unreachable: ${url} did not answer within 0.3 s. Check that it is up, or raise --timeout.`);
    expect(viaHttp).toBe(loopback);
  });

  it.each([
    ['a garbage status line', 'garbage\r\n\r\n'],
    ['a folded header', 'HTTP/1.1 200 OK\r\nx-a: b\r\n c\r\ncontent-length: 2\r\n\r\n{}'],
    ['two Content-Lengths that disagree', 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}'],
  ])('%s: it could not be reached', async (_what, raw) => {
    const { url } = await rawServer((socket) => socket.end(raw));
    const [loopback, viaHttp] = await bothWays(url);
    expect(loopback).toBe(`Unreachable: Cannot reach ${url} (it could not be reached). Check that the endpoint is running and the URL (--url, PX_URL, px.config.json) is right.`);
    expect(viaHttp).toBe(loopback);
  });

  it('an answer over 64 MiB: refused as too large, and by the loopback client from its Content-Length alone', async () => {
    const size = 64 * 1024 * 1024 + 1;
    const { url } = await rawServer((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${size.toString(16)}\r\n`);
      const block = Buffer.alloc(1024 * 1024, 'a');
      let sent = 0;
      const more = (): void => {
        while (sent < size && socket.writable) {
          const piece = block.subarray(0, Math.min(block.length, size - sent));
          sent += piece.length;
          if (!socket.write(piece)) return void socket.once('drain', more);
        }
      };
      more();
    });
    const [loopback, viaHttp] = await bothWays(url, 30);
    expect(loopback).toBe(`EndpointError: ${url} sent an answer larger than 64 MiB. Check that the URL points at a px secrets endpoint.`);
    expect(viaHttp).toBe(loopback);
    const declared = await rawServer((socket) => socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${size}\r\n\r\n`));
    await expect(new EndpointClient({ url: declared.url, token: TOKEN, timeoutSeconds: 5 }).list()).rejects.toThrow(/larger than 64 MiB/);
  });
});
