// px's own Secret Service client (src/core/secret-service.ts) on a bus that hangs up: the lookup
// fails at once, in the words keychain.ts turns into "not reachable", instead of waiting out
// its deadline.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { BusUnreachable, openSecretService } from '../../src/core/secret-service.js';

let dir: string;
let server: Server | undefined;
const clients: Socket[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'px-bus-'));
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function bus(onClient: (client: Socket) => void): Promise<string> {
  const path = join(dir, 'bus.sock');
  server = createServer((client) => {
    clients.push(client);
    onClient(client);
  });
  await new Promise<void>((resolve) => server!.listen(path, resolve));
  return path;
}

const DEADLINE_MS = 10_000;
const lookup = (path: string) => openSecretService(path, { timeoutMs: DEADLINE_MS, callTimeoutMs: DEADLINE_MS }).lookup({ service: 'px test' });

it('a bus that hangs up before answering the login: BusUnreachable, before the deadline', async () => {
  const path = await bus((client) => client.end());
  const started = Date.now();
  const error = await lookup(path).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(BusUnreachable);
  expect((error as Error).message).toBe('the D-Bus session bus closed the connection');
  expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
});

it('a bus that accepts the login and then hangs up: the lookup fails, before the deadline', async () => {
  const path = await bus((client) => {
    client.once('data', () => {
      client.write('OK 0123456789abcdef0123456789abcdef\r\n');
      setTimeout(() => client.end(), 20);
    });
  });
  const started = Date.now();
  const error = await lookup(path).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toBe('the D-Bus connection closed');
  expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
});
