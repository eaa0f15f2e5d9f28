// PostgresStore against the test run's real PostgreSQL: what reaches the database, all or nothing,
// migrations, keys, and the errors a user sees.
import postgres from 'postgres';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BULK_SLICE_ROWS, bulkSlices, PostgresStore } from '../../src/core/store/postgres-store.js';
import { MIGRATIONS } from '../../src/core/store/postgres-migrations.js';
import { CANARY, canary } from '../helpers/project.js';
import { createDatabase, pgDump, testStoreKey, type TestDatabase } from '../helpers/postgres.js';

let database: TestDatabase;
let key: string;
const stores: PostgresStore[] = [];
const open = async (env: NodeJS.ProcessEnv = { PX_STORE_KEY: key }, scope?: string): Promise<PostgresStore> => {
  const store = await PostgresStore.open({ url: database.url, env, scope, max: 2 });
  stores.push(store);
  return store;
};

/** The error a promise rejects with (and a failed test if it does not). */
async function failure(promise: Promise<unknown>): Promise<{ exitCode: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { exitCode: number; message: string };
  }
  throw new Error('expected a failure');
}

/** A trigger that fails the statement writing NAME's row, half-way through it. */
async function refuseRow(store: PostgresStore, name: string): Promise<void> {
  await store.sql.unsafe(`
    create function px_test_refuse() returns trigger language plpgsql as $$
    begin if new.name = '${name}' then raise exception 'refused by the test'; end if; return new; end $$;
    create trigger px_test_refuse before insert or update on px_secrets for each row execute function px_test_refuse();`);
}

beforeEach(async () => {
  database = await createDatabase();
  key = testStoreKey();
});
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  await database.drop();
});

describe('PostgresStore', () => {
  it('exists calls of one turn, answered together, each get their own answer and see a write answered before them', async () => {
    const store = await open();
    const other = await open();
    await store.bulkPut(Array.from({ length: 30 }, (_, i) => ({ name: `E_${i}`, value: canary(i) })));
    const asked = Array.from({ length: 60 }, (_, i) => `E_${i}`);
    expect(await Promise.all(asked.map((name) => store.exists(name)))).toEqual(asked.map((_, i) => i < 30));
    // Written through another pool (another server), then asked at once among others.
    await other.put('E_45', canary(45));
    const again = await Promise.all(['E_44', 'E_45', 'E_0', 'E_45'].map((name) => store.exists(name)));
    expect(again).toEqual([false, true, true, true]);
    expect(await store.withScope('staging').exists('E_0')).toBe(false);
  });

  it('stores values sealed: the database and its dump hold no value, each row names its key', async () => {
    const store = await open();
    await store.put('A', canary(1));
    await store.bulkPut([{ name: 'B', value: canary(2) }, { name: 'C', value: `multi\nline ${canary(3)}` }]);
    expect(await store.values()).toEqual(new Map([['A', canary(1)], ['B', canary(2)], ['C', `multi\nline ${canary(3)}`]]));
    const rows = await store.sql<{ key_id: string; value: Buffer }[]>`select key_id, value from px_secrets`;
    expect(new Set(rows.map((row) => row.key_id))).toEqual(new Set([store.keyRing.current.id]));
    for (const row of rows) expect(row.value.toString('latin1')).not.toContain('canary');
    const dump = pgDump(database.name);
    expect(dump).toContain('px_secrets');
    expect(dump).not.toContain(CANARY);
    expect(dump).not.toContain(key);
  });

  it('keeps replaced values as sealed versions: history, rollback, the oldest dropped past ten', async () => {
    const store = await open();
    for (let i = 1; i <= 13; i++) await store.put('A', canary(i), { by: `writer ${i}` });
    const versions = (await store.versions('A'))!;
    expect(versions.map((v) => v.version)).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    expect(versions[0]).toMatchObject({ current: true, by: 'writer 13' });
    const rolled = await store.rollback('A', 5, { by: 'admin' });
    expect(rolled).toMatchObject({ version: 14, rolledBackTo: 5 });
    expect((await store.values()).get('A')).toBe(canary(5));
    expect((await store.versions('A'))![0]).toMatchObject({ version: 14, rollbackOf: 5, by: 'admin' });
    // A rotation is marked on its version, and stays marked once a later write moves it into the past.
    await store.put('A', canary(15), { by: 'rotator', rotation: true });
    await store.put('A', canary(16), { by: 'writer 16' });
    const [latest, rotation, rollback] = (await store.versions('A'))!;
    expect(latest).not.toHaveProperty('rotation');
    expect(rotation).toMatchObject({ version: 15, rotation: true, by: 'rotator' });
    expect(rollback).not.toHaveProperty('rotation');
    await expect(store.rollback('A', 2)).rejects.toMatchObject({ exitCode: 1 });
    expect(await store.versions('NOPE')).toBeNull();
    const dump = pgDump(database.name);
    expect(dump).toContain('px_secret_versions');
    expect(dump).not.toContain(CANARY);
    expect(await store.delete('A')).toBe(true);
    expect((await store.sql`select 1 from px_secret_versions`).length).toBe(0);
  });

  it('binds each value to its name and scope: a ciphertext copied to another row does not open', async () => {
    const store = await open();
    await store.put('A', canary(1));
    await store.put('B', canary(2));
    await store.sql`update px_secrets set value = (select value from px_secrets where name = 'A') where name = 'B'`;
    await expect(store.values()).rejects.toThrow(/B .*fails its integrity check/);
  });

  it('creates, updates, lists sorted, checks and deletes; scopes are apart', async () => {
    const store = await open();
    expect((await store.put('ZED', 'one')).created).toBe(true);
    const updated = await store.put('ZED', 'two');
    expect(updated.created).toBe(false);
    expect(updated.meta.updatedAt >= updated.meta.createdAt).toBe(true);
    await store.put('Alpha', 'x');
    await store.put('_a', 'y');
    expect((await store.list()).map((meta) => meta.name)).toEqual(['Alpha', 'ZED', '_a']);
    expect(await store.exists('ZED')).toBe(true);
    const staging = store.withScope('staging');
    expect(await staging.exists('ZED')).toBe(false);
    await staging.put('ZED', 'staging value');
    expect((await store.values()).get('ZED')).toBe('two');
    expect(await store.delete('ZED')).toBe(true);
    expect(await store.delete('ZED')).toBe(false);
    expect(await staging.exists('ZED')).toBe(true);
  });

  it('a bulk write is all or nothing: an invalid entry, or a failure inside the transaction, writes nothing', async () => {
    const store = await open();
    await store.put('KEEP', 'old');
    await expect(store.bulkPut([{ name: 'KEEP', value: 'new' }, { name: 'bad name', value: 'v' }])).rejects.toThrow(/nothing was written/);
    // A failure PostgreSQL raises half-way through the statement: a trigger refusing the 500th row.
    await refuseRow(store, 'N_0500');
    const entries = Array.from({ length: 1000 }, (_, i) => ({ name: `N_${String(i).padStart(4, '0')}`, value: canary(i) }));
    await expect(store.bulkPut([{ name: 'KEEP', value: 'new' }, ...entries])).rejects.toThrow(/refused by the test/);
    expect((await store.list()).map((meta) => meta.name)).toEqual(['KEEP']);
    expect((await store.values()).get('KEEP')).toBe('old');
  });

  it('a bulk write of several statements is one transaction: a failure in its last slice writes nothing', async () => {
    const store = await open();
    await store.put('A_KEEP', 'old');
    const total = BULK_SLICE_ROWS * 2 + 10;
    const last = `N_${String(total - 5).padStart(5, '0')}`;
    await refuseRow(store, last);
    const entries = Array.from({ length: total }, (_, i) => ({ name: `N_${String(i).padStart(5, '0')}`, value: canary(i) }));
    await expect(store.bulkPut([{ name: 'A_KEEP', value: 'new' }, ...entries])).rejects.toThrow(/refused by the test/);
    expect((await store.list()).map((meta) => meta.name)).toEqual(['A_KEEP']);
    expect((await store.values()).get('A_KEEP')).toBe('old');
    await store.sql.unsafe('drop trigger px_test_refuse on px_secrets');
    expect(await store.bulkPut([{ name: 'A_KEEP', value: 'new' }, ...entries])).toEqual({ created: total, updated: 1 });
    const values = await store.values();
    expect(values.size).toBe(total + 1);
    expect(values.get(last)).toBe(canary(total - 5));
    expect(await store.versions('A_KEEP')).toHaveLength(2);
  });

  it('slices a large bulk write from a small first statement up to BULK_SLICE_ROWS names, every name once, in order', () => {
    for (const count of [BULK_SLICE_ROWS + 1, 5010, 10_000, 25_003]) {
      const slices = bulkSlices(count);
      expect(slices[0]).toEqual([0, Math.ceil(BULK_SLICE_ROWS / 4)]);
      expect(slices.at(-1)![1]).toBe(count);
      slices.forEach(([from, to], index) => {
        expect(to).toBeGreaterThan(from);
        expect(to - from).toBeLessThanOrEqual(BULK_SLICE_ROWS);
        if (index > 0) expect(from).toBe(slices[index - 1]![1]);
        if (index > 0 && to < count) expect(to - from).toBe(Math.min(2 * (slices[index - 1]![1] - slices[index - 1]![0]), BULK_SLICE_ROWS));
      });
    }
    expect(bulkSlices(10_000).map(([from, to]) => to - from)).toEqual([625, 1250, 2500, 2500, 2500, 625]);
  });

  it('a failure in the first, small slice of a large bulk write writes nothing', async () => {
    const store = await open();
    await store.put('A_KEEP', 'old');
    const total = BULK_SLICE_ROWS * 3;
    await refuseRow(store, 'N_00003');
    const entries = Array.from({ length: total }, (_, i) => ({ name: `N_${String(i).padStart(5, '0')}`, value: canary(i) }));
    await expect(store.bulkPut([{ name: 'A_KEEP', value: 'new' }, ...entries])).rejects.toThrow(/refused by the test/);
    expect((await store.list()).map((meta) => meta.name)).toEqual(['A_KEEP']);
    expect((await store.values()).get('A_KEEP')).toBe('old');
    expect(await store.versions('A_KEEP')).toHaveLength(1);
  });

  it('counts created and updated like the other stores (a repeated name counts as an update)', async () => {
    const store = await open();
    await store.put('A', '1');
    expect(await store.bulkPut([{ name: 'A', value: '2' }, { name: 'B', value: '3' }, { name: 'B', value: '4' }])).toEqual({ created: 1, updated: 2 });
    expect((await store.values()).get('B')).toBe('4');
  });

  it('applies its migrations once, records them, and refuses a database set up by a newer px', async () => {
    await open();
    await open();
    const sql = postgres(database.url, { max: 1, onnotice: () => undefined });
    try {
      const applied = await sql<{ version: number }[]>`select version from px_migrations order by version`;
      expect(applied.map((row) => row.version)).toEqual(MIGRATIONS.map((migration) => migration.version));
      await sql`insert into px_migrations (version, name) values (9999, 'from the future')`;
    } finally {
      await sql.end();
    }
    await expect(open()).rejects.toThrow(/newer px \(schema version 9999\): update px/);
  });

  it('two stores starting at once on an empty database migrate once and agree on the key', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    await a.put('X', canary(1));
    expect((await b.values()).get('X')).toBe(canary(1));
  });

  it('refuses to start with a key that is not the one the values are under (exit 4, no key in the message)', async () => {
    const store = await open();
    await store.put('A', canary(1));
    const other = testStoreKey();
    const error = await failure(open({ PX_STORE_KEY: other }));
    expect(error).toMatchObject({ exitCode: 4 });
    expect(error.message).toContain(store.keyRing.current.id);
    expect(error.message).not.toContain(other);
    expect(error.message).not.toContain(key);
  });

  it('without PX_STORE_KEY makes a 0600 key file on the first start, and a second instance without it is refused', async () => {
    const { mkdtempSync, statSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const home = mkdtempSync(join(tmpdir(), 'px-keyfile-'));
    try {
      const warnings: string[] = [];
      const first = await PostgresStore.open({ url: database.url, env: { XDG_CONFIG_HOME: join(home, 'a') }, warn: (line) => warnings.push(line), max: 1 });
      stores.push(first);
      await first.put('A', canary(1));
      const path = join(home, 'a', 'px', 'store-keys', `pg-${first.storeId}.keys`);
      expect(warnings.join('\n')).toContain(path);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      await expect(PostgresStore.open({ url: database.url, env: { XDG_CONFIG_HOME: join(home, 'b') }, max: 1 })).rejects.toMatchObject({ exitCode: 4 });
      const shared = await PostgresStore.open({ url: database.url, env: { PX_STORE_KEY_FILE: path }, max: 1 });
      stores.push(shared);
      expect((await shared.values()).get('A')).toBe(canary(1));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('an unreachable database is exit 3 naming host and database, never the password', async () => {
    const url = database.url.replace(/:\d+\//, ':1/');
    const error = await failure(PostgresStore.open({ url, env: { PX_STORE_KEY: key } }));
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain(`database ${database.name} on 127.0.0.1:1`);
    expect(error.message).not.toContain(new URL(database.url).password);
    const wrong = database.url.replace(/:[0-9a-f]+@/, ':not-the-password@');
    const refused = await failure(PostgresStore.open({ url: wrong, env: { PX_STORE_KEY: key } }));
    expect(refused.exitCode).toBe(4);
    expect(refused.message).toContain(database.name);
    expect(refused.message).not.toContain('not-the-password');
  });
});
