// Versions on PostgreSQL (migration 2): px_secrets holds each secret's current version, and
// px_secret_versions the values it replaced (sealed as they were, under their own key id), the
// newest KEPT_VERSIONS per secret. A write is one statement: it locks the current row, copies it
// into the past, writes the new one and drops the oldest past versions, so concurrent writers of
// one name queue on the row lock and every version number is used once.
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
  return sql<WrittenVersion[]>`${versionWrite(sql, scope, keyId, rows, change)} select * from up`;
}

/**
 * The same write, answering only how many names were new: a bulk of 10,000 then gets one row back
 * instead of 10,000 rows of times the server would parse and drop.
 */
export async function writeVersionsCounted(sql: Sql, scope: string, keyId: string, rows: Array<[string, Buffer]>, change: ChangeBy): Promise<number> {
  const [row] = await sql<{ created: number }[]>`${versionWrite(sql, scope, keyId, rows, change)} select count(*) filter (where created)::int as created from up`;
  return row!.created;
}

/** The statement's `with` part: `up` holds the rows written, as writeVersions returns them. */
function versionWrite(sql: Sql, scope: string, keyId: string, rows: Array<[string, Buffer]>, change: ChangeBy): postgres.PendingQuery<postgres.Row[]> {
  // Two arrays, names and base64 values: no JSON to build and parse. The names array also makes
  // both lookups below index scans of the primary key: a join with `input` (of unknown size to the
  // planner) read every row of the scope, which made one create cost milliseconds of the
  // database's CPU in a store of 10,000 secrets.
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
