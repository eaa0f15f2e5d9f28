// The PostgreSQL schema as numbered migrations, applied in order at start (px_migrations records
// which ran). Add a feature's tables as the next number; never edit one that has shipped. Every
// table whose rows hold a sealed value (value-cipher.ts) names its key in `key_id`, a foreign key
// to px_store_keys: a key can only be dropped once no row uses it, and a writer still holding a
// dropped key fails instead of writing a value nobody can read.
import type postgres from 'postgres';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'store id, store keys, secrets',
    sql: `
      create table px_meta (
        id integer primary key check (id = 1),
        store_id text not null
      );
      insert into px_meta (id, store_id) values (1, substr(md5(random()::text || clock_timestamp()::text), 1, 16));
      -- Key ids (fingerprints) only; keys never reach the database.
      create table px_store_keys (
        key_id text primary key,
        added_at timestamptz not null default now()
      );
      create table px_secrets (
        scope text not null,
        name text not null,
        key_id text not null references px_store_keys (key_id),
        value bytea not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        primary key (scope, name)
      );
      create index px_secrets_key_id on px_secrets (key_id);
    `,
  },
  {
    version: 2,
    name: 'secret versions',
    sql: `
      alter table px_secrets add column version integer not null default 1, add column by text, add column rollback_of integer;
      -- The values a write replaced, sealed as they were (same scope and name, their own key id).
      create table px_secret_versions (
        scope text not null,
        name text not null,
        version integer not null,
        key_id text not null references px_store_keys (key_id),
        value bytea not null,
        created_at timestamptz not null,
        by text,
        rollback_of integer,
        primary key (scope, name, version)
      );
      create index px_secret_versions_key_id on px_secret_versions (key_id);
    `,
  },
  {
    version: 3,
    name: 'tokens, access requests, stubs, audit log',
    sql: `
      -- A token is kept as its SHA-256 (hex) only; the token itself never reaches the database.
      create table px_tokens (
        id text primary key,
        name text not null,
        role text not null check (role in ('admin', 'writer', 'reader', 'service')),
        scope text not null,
        hash text not null unique check (hash ~ '^[0-9a-f]{64}$'),
        approved boolean not null,
        created_at timestamptz not null,
        last_used_at timestamptz
      );
      -- The approved requests' names are the token's grants: they go when the token goes.
      create table px_access_requests (
        id text primary key,
        token_id text not null references px_tokens (id) on delete cascade,
        names text[] not null,
        status text not null check (status in ('pending', 'approved', 'denied')),
        created_at timestamptz not null,
        decided_at timestamptz
      );
      create index px_access_requests_token on px_access_requests (token_id, status);
      -- Names a token asked for that its scope does not store (yet): the admin sees them missing.
      create table px_access_stubs (
        scope text not null,
        name text not null,
        asked_by text[] not null,
        since timestamptz not null,
        primary key (scope, name)
      );
      -- One line per request the server audits (names, never a value), oldest first by id.
      create table px_audit (
        id bigserial primary key,
        time timestamptz not null,
        token_id text,
        record jsonb not null
      );
      create index px_audit_token on px_audit (token_id, time);
    `,
  },
  {
    version: 4,
    name: 'rotation marks',
    sql: `
      -- A version that \`px secret rotate\` wrote: history shows it as a rotation.
      alter table px_secrets add column rotation boolean not null default false;
      alter table px_secret_versions add column rotation boolean not null default false;
    `,
  },
];

/**
 * Tables holding sealed values, for `px store rotate-key`: each row is re-sealed under the new key.
 * `aad` columns are what the value is bound to (value-cipher.ts): scope and name.
 */
export interface SealedTable {
  table: string;
  /** Columns that identify a row. */
  key: string[];
  scope: string;
  name: string;
  value: string;
}
export const SEALED_TABLES: SealedTable[] = [
  { table: 'px_secrets', key: ['scope', 'name'], scope: 'scope', name: 'name', value: 'value' },
  { table: 'px_secret_versions', key: ['scope', 'name', 'version'], scope: 'scope', name: 'name', value: 'value' },
];

/** Any fixed number: the advisory lock that makes two starting servers migrate one at a time. */
const MIGRATION_LOCK = 0x7078_0001;

/** Applies what is missing, inside `tx`; returns the database's px store id. */
export async function migrate(tx: postgres.TransactionSql): Promise<string> {
  await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
  await tx`create table if not exists px_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())`;
  const applied = new Set((await tx<{ version: number }[]>`select version from px_migrations`).map((row) => row.version));
  const newest = Math.max(0, ...applied);
  const known = Math.max(...MIGRATIONS.map((m) => m.version));
  if (newest > known) {
    throw Object.assign(new Error(`schema version ${newest} is newer than this px knows (${known})`), { pxNewerSchema: newest });
  }
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    await tx.unsafe(migration.sql);
    await tx`insert into px_migrations (version, name) values (${migration.version}, ${migration.name})`;
  }
  const [meta] = await tx<{ store_id: string }[]>`select store_id from px_meta where id = 1`;
  return meta!.store_id;
}
