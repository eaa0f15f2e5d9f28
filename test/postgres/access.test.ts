// The access model on the team server: tokens, requests, grants, stubs and the audit log in
// PostgreSQL (migration 3), the role matrix against `px server --store postgres://…` (the built
// binary) and the CLI against it, and two servers on one database agreeing on who may do what.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashToken, newId, newTokenSecret, type TokenRecord } from '../../src/core/access/tokens.js';
import { PostgresAccessStore } from '../../src/core/store/postgres-access.js';
import { PostgresStore } from '../../src/core/store/postgres-store.js';
import { createDatabase, pgDump, testStoreKey, type TestDatabase } from '../helpers/postgres.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';
import { call, startPxServer, type PxServer } from '../helpers/px-server.js';
import { cliMatrix, matrix } from '../helpers/role-matrix.js';

const scope = { project: 'team', env: 'development' };
const record = (role: TokenRecord['role'], token: string, approved = role !== 'service'): TokenRecord => ({
  id: newId('tok'),
  name: `${role} one`,
  role,
  scope,
  hash: hashToken(token),
  approved,
  createdAt: new Date().toISOString(),
  lastUsedAt: null,
});

describe('PostgresAccessStore', () => {
  let database: TestDatabase;
  let store: PostgresStore;
  let access: PostgresAccessStore;
  beforeEach(async () => {
    database = await createDatabase();
    store = await PostgresStore.open({ url: database.url, env: { PX_STORE_KEY: testStoreKey() }, max: 2 });
    access = new PostgresAccessStore(store.sql);
  });
  afterEach(async () => {
    await access.close();
    await store.close();
    await database.drop();
  });

  it('tokens by hash, approval, requests and grants, stubs; removing a token takes its grants', async () => {
    const secret = newTokenSecret();
    const service = record('service', secret);
    await access.addToken(service);
    expect(await access.countTokens()).toBe(1);
    expect(await access.tokenByHash(hashToken(secret))).toEqual(service);
    expect(await access.tokenByHash(hashToken('pxt_other'))).toBeNull();

    const request = { id: newId('req'), tokenId: service.id, names: ['B_NAME', 'A_NAME'], status: 'pending' as const, createdAt: new Date().toISOString(), decidedAt: null };
    await access.addRequest(request);
    expect((await access.grantedNames(service.id)).size).toBe(0);
    expect(await access.extendRequest(request.id, ['C_NAME', 'A_NAME'])).toMatchObject({ names: ['A_NAME', 'B_NAME', 'C_NAME'] });
    const decided = await access.decideRequest(request.id, 'approved', new Date().toISOString());
    expect(decided).toMatchObject({ status: 'approved', decidedAt: expect.any(String) });
    // A decided request takes no more names.
    expect(await access.extendRequest(request.id, ['D_NAME'])).toBeNull();
    expect([...(await access.grantedNames(service.id))].sort()).toEqual(['A_NAME', 'B_NAME', 'C_NAME']);
    expect(await access.approveToken(service.id, new Date().toISOString())).toMatchObject({ approved: true });

    await access.recordStubs(scope, ['C_NAME'], service.id, new Date().toISOString());
    await access.recordStubs(scope, ['C_NAME'], service.id, new Date().toISOString());
    await access.recordStubs(scope, ['C_NAME'], 'tok_0000000000000001', new Date().toISOString());
    expect(await access.listStubs()).toEqual([{ name: 'C_NAME', scope, askedBy: [service.id, 'tok_0000000000000001'], since: expect.any(String) }]);

    expect(await access.removeToken(service.id)).toBe(true);
    expect(await access.removeToken(service.id)).toBe(false);
    expect(await access.listRequests()).toEqual([]);
    expect((await access.grantedNames(service.id)).size).toBe(0);
    expect(await access.getToken(service.id)).toBeNull();
  });

  it('approving a token with what it asked for, or a request with its token, is one transaction: a failure in the middle leaves neither done', async () => {
    const service = record('service', newTokenSecret());
    await access.addToken(service);
    const request = { id: newId('req'), tokenId: service.id, names: ['A_NAME'], status: 'pending' as const, createdAt: new Date().toISOString(), decidedAt: null };
    await access.addRequest(request);
    const state = async () => [(await access.getToken(service.id))!.approved, (await access.getRequest(request.id))!.status];
    // The second write of each approval fails, as a lost connection or a full disk would fail it.
    await store.sql`create function px_test_refuse() returns trigger language plpgsql as $$ begin raise exception 'refused by the test'; end $$`;
    for (const [table, approve] of [
      ['px_access_requests', () => access.approveToken(service.id, new Date().toISOString())],
      ['px_tokens', () => access.decideRequest(request.id, 'approved', new Date().toISOString())],
    ] as const) {
      await store.sql.unsafe(`create trigger px_test_refuse before update on ${table} for each row execute function px_test_refuse()`);
      await expect(approve(), table).rejects.toThrow(/refused by the test/);
      expect(await state(), table).toEqual([false, 'pending']);
      expect((await access.grantedNames(service.id)).size).toBe(0);
      await store.sql.unsafe(`drop trigger px_test_refuse on ${table}`);
    }
    expect(await access.approveToken(service.id, new Date().toISOString())).toMatchObject({ approved: true });
    expect(await state()).toEqual([true, 'approved']);
    expect([...(await access.grantedNames(service.id))]).toEqual(['A_NAME']);
  });

  it('uses and audit lines are batched, and all of them are written by close(); the database holds no token', async () => {
    const secret = newTokenSecret();
    const admin = record('admin', secret);
    await access.addToken(admin);
    const at = new Date(Date.now() + 1000).toISOString();
    access.touchToken(admin.id, at);
    access.audit(Array.from({ length: 1500 }, (_, i) => ({ time: at, tokenId: admin.id, method: 'POST', route: '/secrets/values', name: `N_${i}`, status: 200, outcome: 'read' })));
    await access.close();
    expect((await access.getToken(admin.id))!.lastUsedAt).toBe(at);
    const audit = await access.readAudit();
    expect(audit).toHaveLength(1500);
    expect(audit[0]).toEqual({ time: at, tokenId: admin.id, method: 'POST', route: '/secrets/values', name: 'N_0', status: 200, outcome: 'read' });
    expect(audit.at(-1)!.name).toBe('N_1499');
    const dump = pgDump(database.name);
    expect(dump).toContain(admin.hash);
    expect(dump).not.toContain(secret);
  });

  it('a token table edited by hand is refused, not read as some other scope', async () => {
    await store.sql`insert into px_tokens (id, name, role, scope, hash, approved, created_at) values ('tok_0000000000000002', 'x', 'admin', 'not a scope', ${'0'.repeat(64)}, true, now())`;
    await expect(access.listTokens()).rejects.toThrow(/px_tokens holds a scope px does not write/);
  });
});

/** A team server in its own project directory: its first admin token is in .px/server-token. */
async function teamServer(database: TestDatabase, key: string, project: TempProject): Promise<PxServer> {
  return startPxServer(project.root, { ...project.env, PX_KEYCHAIN: 'off', PX_STORE_URL: database.url, PX_STORE_KEY: key });
}

describe('the role matrix on PostgreSQL', () => {
  let database: TestDatabase;
  let project: TempProject;
  matrix('px server --store postgres://…', async () => {
    database = await createDatabase();
    project = tempProject();
    const server = await teamServer(database, testStoreKey(), project);
    return {
      target: { url: server.url, adminToken: server.adminToken },
      stop: async () => {
        await server.stop();
        project.cleanup();
        await database.drop();
      },
    };
  });
});

describe('the CLI against the team server', () => {
  let database: TestDatabase;
  cliMatrix('px server --store postgres://…', async () => {
    database = await createDatabase();
    const project = tempProject();
    const server = await teamServer(database, testStoreKey(), project);
    return {
      target: { url: server.url, adminToken: server.adminToken },
      root: project.root,
      env: { ...project.env, PX_KEYCHAIN: 'off' },
      stop: async () => {
        await server.stop();
        project.cleanup();
        await database.drop();
      },
    };
  });
});

describe('two team servers on one database', () => {
  let database: TestDatabase;
  let key: string;
  let one: TempProject;
  let a: PxServer;
  let b: PxServer;
  beforeAll(async () => {
    database = await createDatabase();
    key = testStoreKey();
    one = tempProject();
    a = await teamServer(database, key, one);
    // The second finds the table holding a token already and creates none (it reads the same
    // .px/server-token, as a second machine would be handed it).
    b = await teamServer(database, key, one);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    one?.cleanup();
    await database?.drop();
  });

  it('a token made on one works on the other; revoked on one, it is refused by both at once', async () => {
    for (const [revokeOn, other] of [[b, a], [a, b]] as const) {
      const made = await call(a.url, a.adminToken, 'POST', '/tokens', { role: 'reader', name: 'shared reader' });
      expect(made.status).toBe(201);
      // Both servers have just used it (each keeps what it read for a moment)...
      expect((await call(b.url, made.body.token, 'GET', '/secrets')).status).toBe(200);
      expect((await call(a.url, made.body.token, 'GET', '/secrets')).status).toBe(200);
      // ...and the request right after the revocation's answer is refused by either.
      expect((await call(revokeOn.url, a.adminToken, 'DELETE', `/tokens/${made.body.id}`)).status).toBe(204);
      expect((await call(other.url, made.body.token, 'GET', '/secrets')).status).toBe(401);
      expect((await call(revokeOn.url, made.body.token, 'GET', '/secrets')).status).toBe(401);
    }
  });

  it('approved on one, a service reads on the other at once, though that one just refused it', async () => {
    expect((await call(a.url, a.adminToken, 'POST', '/secrets', { name: 'AT_ONCE', value: canary(7) })).status).toBe(201);
    const service = (await call(a.url, a.adminToken, 'POST', '/tokens', { role: 'service', name: 'at-once' })).body;
    const asked = await call(b.url, service.token, 'POST', '/access-requests', { names: ['AT_ONCE'] });
    expect((await call(b.url, service.token, 'POST', '/secrets/values', { names: ['AT_ONCE'] })).status).toBe(403);
    expect((await call(a.url, a.adminToken, 'POST', `/access-requests/${asked.body.id}/approve`)).status).toBe(200);
    const read = await call(b.url, service.token, 'POST', '/secrets/values', { names: ['AT_ONCE'] });
    expect(read.status, read.text).toBe(200);
    expect(read.body).toEqual({ values: { AT_ONCE: canary(7) } });
    // The next test counts the requests of both servers: this token and its request go.
    expect((await call(a.url, a.adminToken, 'DELETE', `/tokens/${service.id}`)).status).toBe(204);
  });

  it('the service flow across both: asked on one, approved on the other, read on either; every read audited in px_audit, no value or token in the dump', async () => {
    expect((await call(a.url, a.adminToken, 'POST', '/secrets', { name: 'OPENAI_API_KEY', value: canary(1) })).status).toBe(201);
    const service = (await call(a.url, a.adminToken, 'POST', '/tokens', { role: 'service', name: 'billing-api' })).body;
    expect((await call(b.url, service.token, 'POST', '/secrets/values', { names: ['OPENAI_API_KEY'] })).status).toBe(403);
    const asked = await call(b.url, service.token, 'POST', '/access-requests', { names: ['OPENAI_API_KEY', 'NOT_STORED'] });
    expect(asked.status).toBe(201);
    const pending = await call(a.url, a.adminToken, 'GET', '/access-requests');
    expect(pending.body.requests).toEqual([expect.objectContaining({ id: asked.body.id, status: 'pending', names: ['NOT_STORED', 'OPENAI_API_KEY'], tokenName: 'billing-api' })]);
    expect(pending.body.missing).toEqual([expect.objectContaining({ name: 'NOT_STORED', askedBy: [service.id] })]);
    expect((await call(a.url, a.adminToken, 'POST', `/access-requests/${asked.body.id}/approve`)).status).toBe(200);
    for (const server of [a, b]) {
      const read = await call(server.url, service.token, 'POST', '/secrets/values', { names: ['OPENAI_API_KEY'] });
      expect(read.status, read.text).toBe(200);
      expect(read.body).toEqual({ values: { OPENAI_API_KEY: canary(1) } });
    }
    // The servers write audit lines in batches; stopping them writes the rest.
    await Promise.all([a.stop(), b.stop()]);
    const store = await PostgresStore.open({ url: database.url, env: { PX_STORE_KEY: key }, max: 1 });
    try {
      const rows = await store.sql<{ record: { tokenId?: string; name?: string; outcome: string; client?: string } }[]>`
        select record from px_audit where token_id = ${service.id} and record ->> 'route' = '/secrets/values' order by id`;
      const reads = rows.map((row) => row.record).filter((entry) => entry.outcome === 'read');
      expect(reads).toHaveLength(2);
      expect(reads.every((entry) => entry.name === 'OPENAI_API_KEY' && entry.client === '127.0.0.1')).toBe(true);
      expect(rows.some((row) => row.record.outcome !== 'read')).toBe(true); // the refused read before approval
      const [used] = await store.sql<{ last_used_at: Date | null }[]>`select last_used_at from px_tokens where id = ${service.id}`;
      expect(used!.last_used_at).not.toBeNull();
    } finally {
      await store.close();
    }
    const dump = pgDump(database.name);
    expect(dump).not.toContain(CANARY);
    expect(dump).not.toContain(service.token);
    expect(dump).not.toContain(a.adminToken);
    expect(dump).toContain(hashToken(service.token));
    // Nothing of the access state went to a file: .px/ holds the admin token only.
    expect(() => readFileSync(join(one.root, '.px', 'access.json'))).toThrow(/ENOENT/);
  });
});
