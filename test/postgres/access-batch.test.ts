// The team server's batched writes (postgres-access-batch.ts): an audit line never depends on the
// write of a token's last use, and lines nobody waits for survive a failed write of their own.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/core/access/access-store.js';
import { hashToken, newId, newTokenSecret, type TokenRecord } from '../../src/core/access/tokens.js';
import { AUDIT_KEPT } from '../../src/core/store/postgres-access-batch.js';
import { PostgresAccessStore } from '../../src/core/store/postgres-access.js';
import { PostgresStore } from '../../src/core/store/postgres-store.js';
import { createDatabase, testStoreKey, type TestDatabase } from '../helpers/postgres.js';

const scope = { project: 'team', env: 'development' };
const service = (): TokenRecord => ({
  id: newId('tok'),
  name: 'service one',
  role: 'service',
  scope,
  hash: hashToken(newTokenSecret()),
  approved: true,
  createdAt: new Date().toISOString(),
  lastUsedAt: null,
});
const line = (tokenId: string, name: string, outcome = 'read'): AuditRecord => ({
  time: new Date().toISOString(),
  tokenId,
  method: 'POST',
  route: '/secrets/values',
  name,
  status: 200,
  outcome,
});

describe('PostgresAccessStore batched writes', () => {
  let database: TestDatabase;
  let store: PostgresStore;
  let access: PostgresAccessStore;
  let errors: string[];
  beforeEach(async () => {
    database = await createDatabase();
    store = await PostgresStore.open({ url: database.url, env: { PX_STORE_KEY: testStoreKey() }, max: 2 });
    errors = [];
    access = new PostgresAccessStore(store.sql, (error) => errors.push((error as Error).message));
    await store.sql`create function px_test_refuse() returns trigger language plpgsql as $$ begin raise exception 'refused by the test'; end $$`;
  });
  afterEach(async () => {
    await access.close();
    await store.close();
    await database.drop();
  });

  const refuse = (table: string) => store.sql.unsafe(`create trigger px_test_refuse before insert or update on ${table} for each row execute function px_test_refuse()`);
  const allow = (table: string) => store.sql.unsafe(`drop trigger px_test_refuse on ${table}`);
  const names = async () => (await access.readAudit()).map((record) => record.name);

  it('a failed write of last uses loses no audit line of its batch, awaited or not, and fails no value read', async () => {
    const token = service();
    await access.addToken(token);
    await refuse('px_tokens');
    access.touchToken(token.id, new Date().toISOString());
    await access.audit([line(token.id, 'LATER_ONE', 'updated')], { later: true });
    // A value read waits for its lines: the use's failure is not its failure.
    await expect(access.audit([line(token.id, 'READ_ONE'), line(token.id, 'READ_TWO')])).resolves.toBeUndefined();
    await access.close();
    expect((await names()).sort()).toEqual(['LATER_ONE', 'READ_ONE', 'READ_TWO']);
    expect(errors).toEqual([expect.stringMatching(/refused by the test/)]);
    expect((await access.getToken(token.id))!.lastUsedAt).toBeNull();
  });

  it('a failed audit write fails the reads that wait for it, keeps the other lines for the next batch and still writes the uses', async () => {
    const token = service();
    await access.addToken(token);
    await refuse('px_audit');
    const at = new Date().toISOString();
    access.touchToken(token.id, at);
    await access.audit([line(token.id, 'REFUSED_ONE', 'refused')], { later: true });
    await expect(access.audit([line(token.id, 'READ_ONE')])).rejects.toThrow(/refused by the test/);
    await allow('px_audit');
    await access.audit([line(token.id, 'REFUSED_TWO', 'refused')], { later: true });
    // The read was answered 500, no value: its line is not written as if it had been read.
    expect(await names()).toEqual(['REFUSED_ONE', 'REFUSED_TWO']);
    expect((await access.getToken(token.id))!.lastUsedAt).toBe(at);
    // Once, or again if the next batch came before the trigger went.
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error).toMatch(/refused by the test/);
  });

  it('a line nobody waits for that cannot be written fails no read written with it', async () => {
    const token = service();
    await access.addToken(token);
    await store.sql`create function px_test_refuse_poison() returns trigger language plpgsql as $$ begin if new.record ->> 'outcome' = 'poison' then raise exception 'refused by the test'; end if; return new; end $$`;
    await store.sql`create trigger px_test_refuse_poison before insert on px_audit for each row execute function px_test_refuse_poison()`;
    await access.audit([line(token.id, 'POISONED', 'poison')], { later: true });
    await expect(access.audit([line(token.id, 'READ_ONE')])).resolves.toBeUndefined();
    expect(await names()).toEqual(['READ_ONE']);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('while audit writes keep failing, the newest lines are kept and the log says how many went', async () => {
    const token = service();
    await access.addToken(token);
    await refuse('px_audit');
    const lines = Array.from({ length: AUDIT_KEPT + 3 }, (_, i) => line(token.id, `N_${i}`, 'refused'));
    await access.audit(lines, { later: true });
    expect(await names()).toEqual([]);
    expect(errors).toContainEqual('3 audit lines were dropped: their writes kept failing');
    await allow('px_audit');
    const written = await names();
    expect(written).toHaveLength(AUDIT_KEPT);
    expect(written[0]).toBe('N_3');
    expect(written.at(-1)).toBe(`N_${AUDIT_KEPT + 2}`);
  });
});
