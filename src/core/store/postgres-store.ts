// The team server's store: secrets in PostgreSQL, each value sealed by px (value-cipher.ts) before
// it is sent, so the database and its dumps hold no value in plaintext. Every write is one
// transaction; a bulk write is all or nothing. Several `px server` processes may share a database:
// nothing is cached between requests, and upserts let PostgreSQL settle concurrent writers.
import type postgres from 'postgres';
import type { BulkResult, SecretEntry, SecretMeta } from '../backend.js';
import { AuthRejected, UsageError } from '../errors.js';
import { nameProblem, valueProblem } from '../names.js';
import { rollbackSource, type ChangeBy, type VersionMeta } from '../secret-versions.js';
import type { PutResult, RollbackResult, SecretStore } from '../store.js';
import { KeyRing, loadKeyRing, type StoreKey } from './key-ring.js';
import { connect, connectionProblem, parseStoreUrl, type DatabaseAddress } from './postgres-connection.js';
import { migrate } from './postgres-migrations.js';
import { openValue, sealValue, sealValues } from './value-cipher.js';
import { listVersions, lockedHistory, writeVersions, writeVersionsCounted } from './postgres-versions.js';
import { BULK_SLICE_ROWS, bulkSlices } from './bulk-slices.js';

/** The environment a store opened without one serves (existing stores are `development`). */
export const DEFAULT_SCOPE = 'development';

export interface PostgresOpenOptions {
  url: string;
  /** Where the URL came from, for messages: `--store` or `PX_STORE_URL`. */
  source?: string;
  env: NodeJS.ProcessEnv;
  scope?: string;
  warn?: (line: string) => void;
  /** Connections in the pool for writes (the pool for reads has READ_CONNECTIONS more). */
  max?: number;
}

/**
 * Reads (exists, list, values, versions) go through a pool of their own with few connections:
 * the driver pipelines queries on a busy connection and sends those of one event-loop turn in one
 * write, so under load each read costs the database and the server fewer wake-ups than one
 * connection per query would (about half the database's CPU per `exists`). Writes keep a wide
 * pool: each commit waits for its WAL flush, and commits on separate connections share one.
 */
const READ_CONNECTIONS = 2;

export { BULK_SLICE_ROWS, bulkSlices };

interface Shared {
  sql: postgres.Sql;
  reads: postgres.Sql;
  ring: KeyRing;
  address: DatabaseAddress;
  storeId: string;
}

const iso = (time: Date): string => time.toISOString();
const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock
const FOREIGN_KEY = '23503';

export class PostgresStore implements SecretStore {
  readonly label: string;
  /** The exists() calls of this event-loop turn, answered by one query (see exists). */
  private existsTurn?: { names: Set<string>; found: Promise<Set<string>> };

  private constructor(
    private readonly shared: Shared,
    readonly scope: string,
  ) {
    this.label = `PostgreSQL ${shared.address.label}`;
  }

  /** Connects, applies missing migrations and checks the store key, or fails saying why. */
  static async open(options: PostgresOpenOptions): Promise<PostgresStore> {
    const address = parseStoreUrl(options.url, options.source ?? '--store');
    const sql = connect(options.url, { max: options.max });
    const reads = connect(options.url, { max: READ_CONNECTIONS });
    try {
      const { storeId, ring } = await sql.begin(async (tx) => {
        const storeId = await migrate(tx);
        const registered = (await tx<{ key_id: string }[]>`select key_id from px_store_keys`).map((row) => row.key_id);
        const ring = await loadKeyRing(options.env, storeId, registered.length === 0, options.warn ?? (() => undefined));
        const missing = registered.filter((id) => !ring.byId(id));
        if (missing.length > 0) {
          throw new AuthRejected(
            `Values in ${address.label} are encrypted under store key ${missing.join(', ')}, which ${ring.describe()} does not hold: give every px server the same keys (README: "The team server's store key").`,
          );
        }
        await tx`insert into px_store_keys (key_id) values (${ring.current.id}) on conflict do nothing`;
        return { storeId, ring };
      });
      return new PostgresStore({ sql, reads, ring, address, storeId }, options.scope ?? DEFAULT_SCOPE);
    } catch (error) {
      await Promise.all([sql.end({ timeout: 1 }), reads.end({ timeout: 1 })]).catch(() => undefined);
      const newer = (error as { pxNewerSchema?: number }).pxNewerSchema;
      if (newer !== undefined) throw new UsageError(`${address.label} was set up by a newer px (schema version ${newer}): update px on this machine.`);
      throw connectionProblem(error, address) ?? error;
    }
  }

  /** The same database and keys, for another environment. */
  withScope(scope: string): PostgresStore {
    return new PostgresStore(this.shared, scope);
  }

  get storeId(): string {
    return this.shared.storeId;
  }

  get keyRing(): KeyRing {
    return this.shared.ring;
  }

  /** The driver, for `px store rotate-key` and tests; closed by close(). */
  get sql(): postgres.Sql {
    return this.shared.sql;
  }

  async ping(): Promise<void> {
    await this.shared.reads`select 1`;
  }

  async list(): Promise<SecretMeta[]> {
    const rows = await this.shared.reads<{ name: string; created_at: Date; updated_at: Date }[]>`
      select name, created_at, updated_at from px_secrets where scope = ${this.scope} order by name collate "C"`;
    return rows.map((row) => ({ name: row.name, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at) }));
  }

  /**
   * The names asked in one event-loop turn go in one query, sent once the turn is over: every
   * request of the batch had arrived by then, so each sees every write answered before it came.
   */
  exists(name: string): Promise<boolean> {
    let turn = this.existsTurn;
    if (!turn) {
      const names = new Set<string>();
      const found = new Promise<void>((resolve) =>
        setImmediate(() => {
          this.existsTurn = undefined;
          resolve();
        }),
      ).then(async () => {
        const rows = await this.shared.reads<{ name: string }[]>`
          select name from px_secrets where scope = ${this.scope} and name in ${this.shared.reads([...names])}`;
        return new Set(rows.map((row) => row.name));
      });
      turn = this.existsTurn = { names, found };
    }
    turn.names.add(name);
    return turn.found.then((found) => found.has(name));
  }

  async put(name: string, value: string, change: ChangeBy = {}): Promise<PutResult> {
    check([{ name, value }]);
    const [row] = await this.writing((key) => writeVersions(this.shared.sql, this.scope, key.id, [[name, sealValue(key, this.scope, name, value)]], change));
    return { meta: { name, createdAt: iso(row!.createdAt), updatedAt: iso(row!.updatedAt) }, created: row!.created };
  }

  async delete(name: string): Promise<boolean> {
    // The secret and its history go together.
    return this.shared.sql.begin(async (tx) => {
      await tx`delete from px_secret_versions where scope = ${this.scope} and name = ${name}`;
      return (await tx`delete from px_secrets where scope = ${this.scope} and name = ${name} returning 1`).length > 0;
    });
  }

  async bulkPut(entries: SecretEntry[], change: ChangeBy = {}): Promise<BulkResult> {
    check(entries);
    // One row per name (the last value wins, as in a dotenv file), in name order so that two
    // bulk writes over the same names lock rows in the same order and cannot deadlock.
    const last = new Map<string, string>();
    for (const { name, value } of entries) last.set(name, value);
    const names = [...last.keys()].sort();
    const created = await this.writing((key) => {
      const slice = (from: number, to: number): Array<[string, Buffer]> => {
        const part = names.slice(from, to);
        const sealed = sealValues(key, this.scope, part.map((name) => [name, last.get(name)!]));
        return part.map((name, index) => [name, sealed[index]!]);
      };
      if (names.length <= BULK_SLICE_ROWS) return writeVersionsCounted(this.shared.sql, this.scope, key.id, slice(0, names.length), change);
      return this.shared.sql.begin(async (tx) => {
        // Planned for each slice's own arrays: after five runs on a connection PostgreSQL may
        // switch the prepared statement to a generic plan, and with the rows of the earlier
        // slices in the table that plan took 100+ ms a slice instead of ~20 (several imports of
        // 10,000 took 600+ ms instead of ~250). Local: the setting ends with this transaction.
        await tx`set local plan_cache_mode = force_custom_plan`;
        return this.writeSlices(tx, names.length, slice, change, key.id);
      });
    });
    return { created, updated: entries.length - created };
  }

  /**
   * A large bulk write as statements of up to BULK_SLICE_ROWS names each (bulkSlices), in name order, in the one
   * transaction: each is sent as soon as its slice is sealed, so PostgreSQL writes one slice while
   * this process seals the next (on another core) instead of waiting for all of them. Rows are
   * still locked in name order, and a failure in any slice rolls back all of them.
   */
  private async writeSlices(tx: postgres.TransactionSql, count: number, slice: (from: number, to: number) => Array<[string, Buffer]>, change: ChangeBy, keyId: string): Promise<number> {
    const sent: Promise<number>[] = [];
    let failed = false;
    for (const [from, to] of bulkSlices(count)) {
      if (failed) break;
      const written = writeVersionsCounted(tx, this.scope, keyId, slice(from, to), change);
      // Handled here at once: a slice may fail while the next is being sealed (then none follows).
      written.catch(() => {
        failed = true;
      });
      sent.push(written);
      // The driver writes a query on a later tick: let it go out before sealing the next slice.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const counts = await Promise.all(sent);
    return counts.reduce((sum, n) => sum + n, 0);
  }

  async versions(name: string): Promise<VersionMeta[] | null> {
    return listVersions(this.shared.reads, this.scope, name);
  }

  async rollback(name: string, version: number | undefined, change: ChangeBy = {}): Promise<RollbackResult> {
    return this.writing(async (key) =>
      this.shared.sql.begin(async (tx) => {
        const history = await lockedHistory(tx, this.scope, name);
        const source = rollbackSource(name, history?.secret, version);
        const sealed = history!.sealed.get(source.version)!;
        const value = this.open(name, sealed.keyId, sealed.value);
        const [row] = await writeVersions(tx, this.scope, key.id, [[name, sealValue(key, this.scope, name, value)]], { ...change, rollbackOf: source.version });
        return { meta: { name, createdAt: iso(row!.createdAt), updatedAt: iso(row!.updatedAt) }, version: row!.version, rolledBackTo: source.version };
      }),
    );
  }

  async values(): Promise<Map<string, string>> {
    const rows = await this.shared.reads<{ name: string; key_id: string; value: Buffer }[]>`
      select name, key_id, value from px_secrets where scope = ${this.scope} order by name collate "C"`;
    return new Map(rows.map((row) => [row.name, this.open(row.name, row.key_id, row.value)]));
  }

  /** Only these names' rows are read and decrypted (a service asks for a few of many). */
  async valuesOf(names: readonly string[]): Promise<Map<string, string>> {
    if (names.length === 0) return new Map();
    const rows = await this.shared.sql<{ name: string; key_id: string; value: Buffer }[]>`
      select name, key_id, value from px_secrets where scope = ${this.scope} and name in ${this.shared.sql([...names])}`;
    return new Map(rows.map((row) => [row.name, this.open(row.name, row.key_id, row.value)]));
  }

  /** One value, decrypted; throws when no key of the ring opens it. */
  open(name: string, keyId: string, sealed: Uint8Array): string {
    let key = this.shared.ring.byId(keyId);
    if (!key && this.shared.ring.reload()) key = this.shared.ring.byId(keyId);
    if (!key) throw new AuthRejected(`The value of ${name} is encrypted under store key ${keyId}, which ${this.shared.ring.describe()} does not hold.`);
    const value = openValue(key, this.scope, name, sealed);
    if (value === null) throw new UsageError(`The value of ${name} in ${this.shared.address.label} fails its integrity check: it was altered or moved.`);
    return value;
  }

  async close(): Promise<void> {
    await Promise.all([this.shared.sql.end({ timeout: 5 }), this.shared.reads.end({ timeout: 5 })]);
  }

  /**
   * Runs a write under the ring's current key, retrying a deadlock or serialization failure, and,
   * once, a key that a rotation retired meanwhile (the ring is re-read first).
   */
  private async writing<T>(work: (key: StoreKey) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work(this.shared.ring.current);
      } catch (error) {
        const code = String((error as { code?: unknown }).code ?? '');
        if (attempt < 5 && RETRYABLE.has(code)) continue;
        if (attempt < 5 && code === FOREIGN_KEY) {
          if (this.shared.ring.reload()) {
            await this.shared.sql`insert into px_store_keys (key_id) values (${this.shared.ring.current.id}) on conflict do nothing`;
            continue;
          }
          throw new AuthRejected(`The store key ${this.shared.ring.current.id} was retired by a key rotation: restart this px server with the new key (${this.shared.ring.describe()}).`);
        }
        throw error;
      }
    }
  }
}

/** All-or-nothing validation before anything is sent. Messages never hold a value. */
function check(entries: SecretEntry[]): void {
  const problems: string[] = [];
  entries.forEach(({ name, value }, index) => {
    const problem = nameProblem(name) ?? valueProblem(value);
    if (problem) problems.push(`entry ${index + 1}: ${problem}`);
  });
  if (problems.length > 0) throw new UsageError(`${problems.length} invalid ${problems.length === 1 ? 'entry' : 'entries'}; nothing was written.`, { details: problems });
}
