// `px store rotate-key` on PostgreSQL. Order matters, so that a kill at any moment leaves every
// value readable with the keys on hand:
//   1. the new key joins the ring (key file: written atomically with the old keys kept; or the
//      operator put it first in PX_STORE_KEY) and px_store_keys;
//   2. rows are re-sealed under it in batches, one transaction each;
//   3. an old key leaves px_store_keys, which its foreign key allows only once no row uses it
//      (a server still writing with it fails that write, re-reads the ring and writes again);
//   4. only then does the key file drop the old keys.
// Run again after an interruption, it finishes the rotation it finds instead of starting another.
import { randomBytes } from 'node:crypto';
import { UsageError } from '../errors.js';
import { storeKey, writeRingFile, type StoreKey } from './key-ring.js';
import { SEALED_TABLES, type SealedTable } from './postgres-migrations.js';
import type { PostgresStore } from './postgres-store.js';
import { sealValue } from './value-cipher.js';

export interface RotationReport {
  keyId: string;
  previousKeyIds: string[];
  reencrypted: number;
  /** Where the old keys were, and whether px removed them (the key file) or you must (PX_STORE_KEY). */
  oldKeys: 'removed from the key file' | 'remove them from PX_STORE_KEY' | 'none';
}

export interface RotationOptions {
  batchSize: number;
  onBatch?: (done: number, total: number) => void;
}

const FOREIGN_KEY = '23503';

async function keyIdsInUse(store: PostgresStore): Promise<string[]> {
  const rows = await store.sql<{ key_id: string }[]>`select key_id from px_store_keys order by added_at`;
  return rows.map((row) => row.key_id);
}

async function pendingRows(store: PostgresStore, table: SealedTable, keyId: string): Promise<number> {
  const [row] = await store.sql<{ n: number }[]>`select count(*)::int as n from ${store.sql(table.table)} where key_id <> ${keyId}`;
  return row!.n;
}

/** The key to rotate to: a new one in the key file, or the first of PX_STORE_KEY. */
async function targetKey(store: PostgresStore): Promise<StoreKey> {
  const ring = store.keyRing;
  const registered = await keyIdsInUse(store);
  const unfinished = registered.length > 1 && registered.includes(ring.current.id);
  if (ring.source.kind === 'env') {
    if (registered.length === 1 && registered[0] === ring.current.id) {
      throw new UsageError('Every value is already under the first key of PX_STORE_KEY: put a new key first (PX_STORE_KEY="$(openssl rand -hex 32),$PX_STORE_KEY") and run rotate-key again.');
    }
    return ring.current;
  }
  if (unfinished) return ring.current; // an interrupted rotation: finish it
  const fresh = storeKey(randomBytes(32));
  const ids = ring.ids;
  await writeRingFile(ring.source.path, [fresh, ...ids.map((id) => ring.byId(id)!)]);
  ring.reload();
  return fresh;
}

export async function rotatePostgresKey(store: PostgresStore, options: RotationOptions): Promise<RotationReport> {
  const ring = store.keyRing;
  const key = await targetKey(store);
  await store.sql`insert into px_store_keys (key_id) values (${key.id}) on conflict do nothing`;
  const previous = (await keyIdsInUse(store)).filter((id) => id !== key.id);
  let total = 0;
  for (const table of SEALED_TABLES) total += await pendingRows(store, table, key.id);
  let done = 0;
  for (;;) {
    for (const table of SEALED_TABLES) {
      for (;;) {
        const moved = await reencryptBatch(store, table, key, options.batchSize);
        if (moved === 0) break;
        done += moved;
        options.onBatch?.(done, Math.max(total, done));
      }
    }
    if (await retire(store, previous)) break;
  }
  if (ring.source.kind === 'file') {
    await writeRingFile(ring.source.path, [key]);
    ring.reload();
  }
  return {
    keyId: key.id,
    previousKeyIds: previous,
    reencrypted: done,
    oldKeys: previous.length === 0 && ring.ids.length === 1 ? 'none' : ring.source.kind === 'file' ? 'removed from the key file' : 'remove them from PX_STORE_KEY',
  };
}

/** Re-seals up to `limit` rows not under `key`, in one transaction; returns how many. */
async function reencryptBatch(store: PostgresStore, table: SealedTable, key: StoreKey, limit: number): Promise<number> {
  const sql = store.sql;
  return sql.begin(async (tx) => {
    // Rows a writer holds right now are skipped; the next pass gets them.
    const rows = await tx<Record<string, unknown>[]>`
      select ${tx(table.key)}, ${tx(table.scope)} as px_scope, ${tx(table.name)} as px_name, key_id, ${tx(table.value)} as px_value
      from ${tx(table.table)} where key_id <> ${key.id}
      order by ${tx(table.key)} limit ${limit} for update skip locked`;
    for (const row of rows) {
      const scope = row.px_scope as string;
      const name = row.px_name as string;
      const value = store.withScope(scope).open(name, row.key_id as string, row.px_value as Buffer);
      const sealed = sealValue(key, scope, name, value);
      const where = table.key.map((column) => tx`${tx(column)} = ${row[column] as string}`);
      const condition = where.reduce((all, part) => tx`${all} and ${part}`);
      await tx`update ${tx(table.table)} set key_id = ${key.id}, ${tx(table.value)} = ${sealed} where ${condition}`;
    }
    return rows.length;
  });
}

/** Drops the old keys from px_store_keys; false when a row still uses one (written meanwhile). */
async function retire(store: PostgresStore, previous: string[]): Promise<boolean> {
  try {
    await store.sql.begin(async (tx) => {
      for (const id of previous) await tx`delete from px_store_keys where key_id = ${id}`;
    });
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === FOREIGN_KEY) return false;
    throw error;
  }
}
