// Versions on PostgreSQL (migration 2): px_secrets holds each secret's current version, and
// px_secret_versions the values it replaced (sealed as they were, under their own key id), the
// newest KEPT_VERSIONS per secret. A write is one statement: it locks the current row, copies it
// into the past, writes the new one and drops the oldest past versions, so concurrent writers of
// one name queue on the row lock and every version number is used once. A name that another
// writer created while the statement ran is written by a next one (in the same transaction).
import type postgres from 'postgres';
import { KEPT_VERSIONS, versionMarks, type ChangeBy, type Versioned, type VersionMeta } from '../secret-versions.js';

type Sql = postgres.Sql | postgres.TransactionSql;

export interface WrittenVersion {
  name: string;
  created: boolean;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** `rows`: [name, sealed value] pairs with distinct names, all sealed under `keyId`. */
export async function writeVersions(sql: Sql, scope: string, keyId: string, rows: Array<[string, Buffer]>, change: ChangeBy): Promise<WrittenVersion[]> {
  return oneTransaction(sql, rows, async (tx) => {
    const written = await tx<WrittenVersion[]>`${versionWrite(tx, scope, keyId, rows, change)} select * from up`;
    if (written.length === rows.length) return written;
    const again = unwritten(rows, written.map((row) => row.name));
    return [...written, ...(await writeVersions(tx, scope, keyId, again, change))];
  });
}

/**
 * The same write, answering only how many names were new: a bulk of 10,000 then gets one row back
 * instead of 10,000 rows of times the server would parse and drop (the names written come back
 * only when some were not).
 */
export async function writeVersionsCounted(sql: Sql, scope: string, keyId: string, rows: Array<[string, Buffer]>, change: ChangeBy): Promise<number> {
  return oneTransaction(sql, rows, async (tx) => {
    const [row] = await tx<{ created: number; written: string[] | null }[]>`${versionWrite(tx, scope, keyId, rows, change)}
      select count(*) filter (where created)::int as created, case when count(*) < ${rows.length} then array_agg(name) end as written from up`;
    if (!row!.written) return row!.created;
    return row!.created + (await writeVersionsCounted(tx, scope, keyId, unwritten(rows, row!.written), change));
  });
}

/**
 * A name another writer created after the statement's snapshot is left unwritten by it (see
 * versionWrite): it is written again by a next statement, which sees that row and locks it. Many
 * names are written in a transaction, so that the retry belongs to the same write; one name alone
 * needs none, since a statement that left it unwritten wrote nothing.
 */
async function oneTransaction<T>(sql: Sql, rows: Array<[string, Buffer]>, write: (tx: Sql) => Promise<T>): Promise<T> {
  if (rows.length <= 1 || 'savepoint' in sql) return write(sql);
  return (sql as postgres.Sql).begin((tx) => write(tx)) as Promise<T>;
}

function unwritten(rows: Array<[string, Buffer]>, written: string[]): Array<[string, Buffer]> {
  const done = new Set(written);
  return rows.filter(([name]) => !done.has(name));
}

/** The statement's `with` part: `up` holds the rows written, as writeVersions returns them. */
function versionWrite(sql: Sql, scope: string, keyId: string, rows: Array<[string, Buffer]>, change: ChangeBy): postgres.PendingQuery<postgres.Row[]> {
  // Two arrays, names and base64 values: no JSON to build and parse. The names array also makes
  // both lookups below index scans of the primary key: a join with `input` (of unknown size to the
  // planner) read every row of the scope, which made one create cost milliseconds of the
  // database's CPU in a store of 10,000 secrets.
  // A name that `prev` did not see but another writer inserted meanwhile (committed once this
  // statement's insert waited on it) is not overwritten: `saved` did not copy that version, so it
  // would be lost from the history. The update is only of the row `prev` locked (its version is
  // the one `prev` read); such a name comes back missing from `up`, and the caller writes it again.
  const names = rows.map(([name]) => name);
  const values = rows.map(([, sealed]) => sealed.toString('base64'));
  return sql`
    with input as (
      select i.name, decode(i.value, 'base64') as value from unnest(${names}::text[], ${values}::text[]) as i(name, value)
    ), prev as (
      select s.name, s.version, s.key_id, s.value, s.updated_at, s.by, s.rollback_of, s.rotation
      from px_secrets s where s.scope = ${scope} and s.name = any(${names}::text[])
      order by s.name collate "C" for update of s
    ), saved as (
      insert into px_secret_versions (scope, name, version, key_id, value, created_at, by, rollback_of, rotation)
      select ${scope}, name, version, key_id, value, updated_at, by, rollback_of, rotation from prev
    ), up as (
      insert into px_secrets (scope, name, key_id, value, created_at, updated_at, version, by, rollback_of, rotation)
      select ${scope}, i.name, ${keyId}, i.value, now(), now(), coalesce(p.version, 0) + 1, ${change.by ?? null}, ${change.rollbackOf ?? null}, ${change.rotation === true}
      from input i left join prev p on p.name = i.name
      on conflict (scope, name) do update set key_id = excluded.key_id, value = excluded.value, updated_at = excluded.updated_at,
        version = px_secrets.version + 1, by = excluded.by, rollback_of = excluded.rollback_of, rotation = excluded.rotation
        where px_secrets.version = excluded.version - 1
      returning name, (xmax = 0) as created, created_at as "createdAt", updated_at as "updatedAt", version
    ), pruned as (
      delete from px_secret_versions v using up
      where v.scope = ${scope} and v.name = any(${names}::text[]) and v.name = up.name and v.version < up.version - ${KEPT_VERSIONS}
    )`;
}

interface VersionRow {
  version: number;
  created_at: Date;
  by: string | null;
  rollback_of: number | null;
  rotation: boolean;
  current: boolean;
}

/** Newest first, never a value; null when there is no such secret. */
export async function listVersions(sql: Sql, scope: string, name: string): Promise<VersionMeta[] | null> {
  const rows = await sql<VersionRow[]>`
    select version, updated_at as created_at, by, rollback_of, rotation, true as current from px_secrets where scope = ${scope} and name = ${name}
    union all
    select version, created_at, by, rollback_of, rotation, false from px_secret_versions where scope = ${scope} and name = ${name}
    order by version desc`;
  if (rows.length === 0 || !rows[0]!.current) return null;
  return rows.map((row) => ({
    version: row.version,
    createdAt: row.created_at.toISOString(),
    by: row.by ?? 'unknown',
    ...versionMarks({ rollbackOf: row.rollback_of, rotation: row.rotation }),
    current: row.current,
  }));
}

export interface SealedVersion {
  version: number;
  keyId: string;
  value: Buffer;
}

/**
 * NAME's current row (locked) and its past versions as `Versioned` for rollbackSource, with each
 * past version's sealed bytes beside it; null when there is no such secret.
 */
export async function lockedHistory(tx: postgres.TransactionSql, scope: string, name: string): Promise<{ secret: Versioned; sealed: Map<number, SealedVersion> } | null> {
  const [current] = await tx<{ version: number; created_at: Date; updated_at: Date }[]>`
    select version, created_at, updated_at from px_secrets where scope = ${scope} and name = ${name} for update`;
  if (!current) return null;
  const past = await tx<{ version: number; key_id: string; value: Buffer; created_at: Date }[]>`
    select version, key_id, value, created_at from px_secret_versions where scope = ${scope} and name = ${name} order by version`;
  const secret: Versioned = {
    value: '',
    createdAt: current.created_at.toISOString(),
    updatedAt: current.updated_at.toISOString(),
    version: current.version,
    past: past.map((row) => ({ version: row.version, value: '', at: row.created_at.toISOString() })),
  };
  return { secret, sealed: new Map(past.map((row) => [row.version, { version: row.version, keyId: row.key_id, value: row.value }])) };
}
