// Two servers create the same new name at once: the first writer's version must reach the history,
// whichever of them commits first. The interleaving is forced, not raced: a trigger holds the first
// writer's transaction open just after its insert, on an advisory lock this test holds, and the test
// lets it go only once the second writer waits on that uncommitted row.
import postgres from 'postgres';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BULK_SLICE_ROWS, PostgresStore } from '../../src/core/store/postgres-store.js';
import { canary } from '../helpers/project.js';
import { createDatabase, testStoreKey, type TestDatabase } from '../helpers/postgres.js';

const HOLD = 7_401_001;

let database: TestDatabase;
let key: string;
let control: postgres.Sql;
const stores: PostgresStore[] = [];
const open = async (): Promise<PostgresStore> => {
  const store = await PostgresStore.open({ url: database.url, env: { PX_STORE_KEY: key }, max: 2 });
  stores.push(store);
  return store;
};

beforeEach(async () => {
  database = await createDatabase();
  key = testStoreKey();
  control = postgres(database.url, { max: 1, onnotice: () => undefined });
});
afterEach(async () => {
  await control.end();
  for (const store of stores.splice(0)) await store.close();
  await database.drop();
});

/** Inserts of NAME wait, after the row is in, for the advisory lock the control session holds. */
async function holdInsertsOf(name: string): Promise<void> {
  await control.unsafe(`
    create function px_test_hold() returns trigger language plpgsql as $$
    begin if new.name = '${name}' then perform pg_advisory_xact_lock(${HOLD}); end if; return new; end $$;
    create trigger px_test_hold after insert on px_secrets for each row execute function px_test_hold();`);
  await control`select pg_advisory_lock(${HOLD})`;
}

/** Polls the server until COUNT of this database's sessions wait on WAIT_EVENT. */
async function untilWaiting(waitEvent: string, count = 1): Promise<void> {
  for (;;) {
    const [row] = await control<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity where datname = ${database.name} and wait_event_type = 'Lock' and wait_event = ${waitEvent}`;
    if (row!.n >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Writer A creates NAME and stays in its transaction; then SECOND runs (through another pool, as
 * another server would) until it waits on A's row; then A commits. Answers SECOND's answer.
 */
async function createdMeanwhile<T>(name: string, first: () => Promise<unknown>, second: () => Promise<T>): Promise<T> {
  await holdInsertsOf(name);
  const a = first();
  await untilWaiting('advisory');
  const b = second();
  await untilWaiting('transactionid');
  await control`select pg_advisory_unlock(${HOLD})`;
  await a;
  return b;
}

describe('PostgresStore: a name created by two writers at once', () => {
  it('put: both versions are kept, the first can be read back by a rollback', async () => {
    const [a, b] = [await open(), await open()];
    const answer = await createdMeanwhile('NEW', () => a.put('NEW', canary(1), { by: 'a' }), () => b.put('NEW', canary(2), { by: 'b' }));
    expect(answer.created).toBe(false);
    const versions = (await b.versions('NEW'))!;
    expect(versions.map((v) => [v.version, v.by, v.current])).toEqual([
      [2, 'b', true],
      [1, 'a', false],
    ]);
    expect((await a.values()).get('NEW')).toBe(canary(2));
    expect(await a.rollback('NEW', 1)).toMatchObject({ version: 3, rolledBackTo: 1 });
    expect((await b.values()).get('NEW')).toBe(canary(1));
  });

  // One statement (a bulk that fits one slice), then one transaction of several slices.
  for (const size of [3, BULK_SLICE_ROWS + 3]) {
    it(`bulk write of ${size} names: the name created meanwhile counts as updated, its first version is kept`, async () => {
      const [a, b] = [await open(), await open()];
      const names = Array.from({ length: size }, (_, i) => `B_${String(i).padStart(5, '0')}`);
      const taken = names[names.length - 2]!;
      await a.bulkPut(names.slice(0, 1).map((name) => ({ name, value: canary(0) })));
      const entries = names.map((name, i) => ({ name, value: canary(10 + i) }));
      const answer = await createdMeanwhile(taken, () => a.put(taken, canary(1), { by: 'a' }), () => b.bulkPut(entries, { by: 'b' }));
      // The first name existed before, the taken one was created by A: the rest are new.
      expect(answer).toEqual({ created: size - 2, updated: 2 });
      expect((await b.versions(taken))!.map((v) => [v.version, v.by])).toEqual([
        [2, 'b'],
        [1, 'a'],
      ]);
      expect((await b.versions(names[0]!))!.map((v) => v.version)).toEqual([2, 1]);
      expect((await b.versions(names[size - 1]!))!.map((v) => v.version)).toEqual([1]);
      const values = await a.values();
      expect(values.size).toBe(size);
      for (const [i, name] of names.entries()) expect(values.get(name)).toBe(canary(10 + i));
      await b.rollback(taken, 1);
      expect((await a.values()).get(taken)).toBe(canary(1));
    });
  }

  it('a bulk write whose second statement fails leaves nothing of the first', async () => {
    const [a, b] = [await open(), await open()];
    await a.put('B_0', canary(0));
    // The name created meanwhile is written by B's second statement: that one is refused.
    await control.unsafe(`
      create function px_test_refuse() returns trigger language plpgsql as $$ begin raise exception 'refused by the test'; end $$;
      create trigger px_test_refuse before update on px_secrets for each row when (new.name = 'B_1') execute function px_test_refuse();`);
    const entries = ['B_0', 'B_1', 'B_2'].map((name, i) => ({ name, value: canary(10 + i) }));
    const answer = createdMeanwhile('B_1', () => a.put('B_1', canary(1)), () => b.bulkPut(entries).then(() => 'written', (error: Error) => error.message));
    expect(await answer).toMatch(/refused by the test/);
    expect(await a.values()).toEqual(new Map([['B_0', canary(0)], ['B_1', canary(1)]]));
    expect((await a.versions('B_0'))!.map((v) => v.version)).toEqual([1]);
  });
});
