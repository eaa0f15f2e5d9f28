// Request bodies as the endpoint reads them: straight from the socket on a real server (loopback),
// through the web Request in app.request(); the same limit (413), the same strict UTF-8 (400), and
// the value stored byte for byte however the body was cut into chunks.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/core/limits.js';
import { MemoryStore } from '../../src/core/store.js';
import { createApp } from '../../src/server/app.js';
import { startServer, type RunningServer } from '../../src/server/listen.js';
import { canary } from '../helpers/project.js';

const TOKEN = 'body-test-token';
const running: RunningServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
});

async function serve(): Promise<{ store: MemoryStore; port: number }> {
  const store = new MemoryStore();
  const server = await startServer({ store, token: TOKEN, host: '127.0.0.1', port: 0 });
  running.push(server);
  return { store, port: server.port };
}

/** One request on a raw connection, its body written in `chunks` (chunked transfer unless `length`); the answer's status and body. */
function raw(port: number, path: string, chunks: Buffer[], { length }: { length?: number } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 10 s: ${received.slice(0, 200)}`));
    }, 10_000);
    socket.on('error', () => undefined);
    socket.on('data', (data) => {
      received += data;
      const head = received.indexOf('\r\n\r\n');
      const declared = /content-length: (\d+)/i.exec(received.slice(0, head));
      if (head < 0 || !declared || received.length < head + 4 + Number(declared[1])) return;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: Number(received.slice(9, 12)), body: received.slice(head + 4) });
    });
    socket.once('connect', async () => {
      const framing = length === undefined ? 'transfer-encoding: chunked' : `content-length: ${length}`;
      socket.write(`POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${TOKEN}\r\ncontent-type: application/json\r\n${framing}\r\n\r\n`);
      for (const chunk of chunks) {
        if (socket.destroyed) return;
        socket.write(length === undefined ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk);
        await new Promise((settle) => setImmediate(settle));
      }
      if (length === undefined && !socket.destroyed) socket.write('0\r\n\r\n');
    });
  });
}

/** `bytes` cut into pieces of `size` bytes, so that multi-byte characters fall across chunks. */
const pieces = (bytes: Buffer, size: number): Buffer[] => Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

describe('request bodies on a real server', () => {
  it('stores the value byte for byte, sent in one piece or in 3-byte chunks', async () => {
    const { store, port } = await serve();
    const value = `${canary(1)} é ü ☃ 𝄞`;
    const body = Buffer.from(JSON.stringify({ name: 'ONE_PIECE', value }));
    expect((await raw(port, '/secrets', [body], { length: body.length })).status).toBe(201);
    const chunked = Buffer.from(JSON.stringify({ name: 'CHUNKED', value }));
    expect((await raw(port, '/secrets', pieces(chunked, 3))).status).toBe(201);
    expect(await store.values()).toEqual(new Map([['CHUNKED', value], ['ONE_PIECE', value]]));
  });

  it('a body over the limit is 413 and stores nothing, whether its length is declared or it streams past it', async () => {
    const { store, port } = await serve();
    const declared = await raw(port, '/secrets', [], { length: MAX_BODY_BYTES + 1 });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toEqual({ error: `request body is larger than ${MAX_BODY_BYTES} bytes` });
    const head = Buffer.from(`{"name": "TOO_BIG", "value": "`);
    const filler = Buffer.alloc(1024 * 1024, 'a');
    const streamed = await raw(port, '/secrets/bulk', [head, ...Array.from({ length: MAX_BODY_BYTES / filler.length + 1 }, () => filler)]);
    expect(streamed.status).toBe(413);
    expect(await store.list()).toEqual([]);
    // The server goes on answering.
    const small = Buffer.from(JSON.stringify({ name: 'AFTER', value: 'x' }));
    expect((await raw(port, '/secrets', [small], { length: small.length })).status).toBe(201);
  });

  it('a body that is not UTF-8 is 400 and stores nothing', async () => {
    const { store, port } = await serve();
    const body = Buffer.concat([Buffer.from('{"name": "BAD", "value": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const answer = await raw(port, '/secrets', pieces(body, 5));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toMatch(/not valid UTF-8/);
    expect(await store.list()).toEqual([]);
  });
});

describe('request bodies through app.request()', () => {
  it('reads the web body with the same limit', async () => {
    const store = new MemoryStore();
    const app = createApp({ store, token: TOKEN });
    const call = (body: BodyInit) => app.request('/secrets', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body });
    expect((await call(JSON.stringify({ name: 'WEB', value: canary(2) }))).status).toBe(201);
    expect((await call(`{"name": "BIG", "value": "${'a'.repeat(MAX_BODY_BYTES)}"}`)).status).toBe(413);
    expect(await store.values()).toEqual(new Map([['WEB', canary(2)]]));
  });
});
