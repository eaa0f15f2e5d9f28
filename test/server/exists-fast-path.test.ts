// GET /secrets/:name/exists answered by px server without the router (exists-fast-path.ts): the
// same answer as the app's, byte for byte, the write before it seen, and everything but the plain
// case (refusals, bad names, store errors) left to the app, which answers and audits it.
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryAccessStore } from '../../src/core/access/access-store.js';
import { hashToken, newId, type TokenRecord } from '../../src/core/access/tokens.js';
import { MemoryStore } from '../../src/core/store.js';
import { createApp, DEFAULT_SCOPE } from '../../src/server/app.js';
import { startServer, type RunningServer } from '../../src/server/listen.js';

const ADMIN = 'fast-path-admin-token';
const running: RunningServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
});

const token = (role: TokenRecord['role'], secret: string, approved = true): TokenRecord => ({
  id: newId('tok'),
  name: `${role} one`,
  role,
  scope: DEFAULT_SCOPE,
  hash: hashToken(secret),
  approved,
  createdAt: new Date().toISOString(),
  lastUsedAt: null,
});

/** A store whose next `failures` exists() calls fail, as a dropped database connection would. */
class FlakyStore extends MemoryStore {
  failures = 0;
  override async exists(name: string): Promise<boolean> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('connection lost');
    }
    return super.exists(name);
  }
}

async function serve() {
  const store = new FlakyStore();
  const access = new MemoryAccessStore();
  await access.addToken(token('reader', 'pxt_reader_secret'));
  await access.addToken(token('service', 'pxt_pending_service', false));
  const errors: unknown[] = [];
  const options = { store, access, token: ADMIN, scope: DEFAULT_SCOPE, onError: (error: unknown) => errors.push(error) };
  const server = await startServer({ ...options, host: '127.0.0.1', port: 0 });
  running.push(server);
  const get = async (path: string, bearer?: string) => {
    const response = await fetch(`${server.url}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
    return { status: response.status, type: response.headers.get('content-type'), length: response.headers.get('content-length'), body: await response.text() };
  };
  // The app alone, as TestDevServer runs it, for the answers to compare with.
  const app = createApp(options);
  const viaApp = async (path: string, bearer: string) => {
    const response = await app.request(path, { headers: { authorization: `Bearer ${bearer}` } });
    return { status: response.status, type: response.headers.get('content-type'), length: String((await response.clone().arrayBuffer()).byteLength), body: await response.text() };
  };
  return { store, access, errors, get, viaApp };
}

describe('px server: GET /secrets/:name/exists without the router', () => {
  it('answers as the app does, sees the write before it, and takes a revoked token at once', async () => {
    const { store, access, get, viaApp } = await serve();
    await store.put('APP_SECRET', 'v');
    for (const path of ['/secrets/APP_SECRET/exists', '/secrets/ABSENT_NAME/exists']) {
      for (const bearer of ['pxt_reader_secret', ADMIN]) expect(await get(path, bearer)).toEqual(await viaApp(path, bearer));
    }
    expect((await get('/secrets/APP_SECRET/exists', 'pxt_reader_secret')).body).toBe('{"exists":true}');
    await store.put('NEW_NAME', 'v');
    expect((await get('/secrets/NEW_NAME/exists', 'pxt_reader_secret')).body).toBe('{"exists":true}');
    await store.delete('NEW_NAME');
    expect((await get('/secrets/NEW_NAME/exists', 'pxt_reader_secret')).body).toBe('{"exists":false}');
    const reader = (await access.listTokens()).find((record) => record.role === 'reader')!;
    expect(reader.lastUsedAt).not.toBeNull();
    await access.removeToken(reader.id);
    expect((await get('/secrets/APP_SECRET/exists', 'pxt_reader_secret')).status).toBe(401);
  });

  it('leaves refusals, bad names and other shapes of the path to the app, which audits the refusals', async () => {
    const { access, get } = await serve();
    expect(await get('/secrets/APP_SECRET/exists')).toMatchObject({ status: 401, body: '{"error":"missing bearer token"}' });
    expect((await get('/secrets/APP_SECRET/exists', 'pxt_unknown')).status).toBe(401);
    expect((await get('/secrets/APP_SECRET/exists', 'pxt_pending_service')).status).toBe(403);
    expect((await get('/secrets/1BAD/exists', 'pxt_reader_secret')).status).toBe(400);
    expect(await get('/secrets/APP_SECRET/exists?x=1', 'pxt_reader_secret')).toMatchObject({ status: 200, body: '{"exists":false}' });
    expect((await access.readAudit()).map((line) => [line.status, line.outcome])).toEqual([
      [401, 'missing bearer token'],
      [401, 'wrong or revoked bearer token'],
      [403, expect.stringMatching(/^this service token \(tok_[0-9a-f]+\) is not approved yet/)],
      [400, 'names use letters, digits and _ and do not start with a digit'],
    ]);
  });

  it('a store error there is left to the app: asked again, a 500 only when that fails too, logged and audited', async () => {
    const { store, access, errors, get } = await serve();
    await store.put('APP_SECRET', 'v');
    store.failures = 1;
    expect(await get('/secrets/APP_SECRET/exists', 'pxt_reader_secret')).toMatchObject({ status: 200, body: '{"exists":true}' });
    expect(errors).toEqual([]);
    store.failures = 2;
    expect(await get('/secrets/APP_SECRET/exists', 'pxt_reader_secret')).toMatchObject({ status: 500, body: '{"error":"internal error"}' });
    expect(errors).toHaveLength(1);
    expect((await access.readAudit()).map((line) => [line.status, line.route])).toEqual([[500, '/secrets/APP_SECRET/exists']]);
  });
});
