// The team server's access state in PostgreSQL (migration 3): tokens as SHA-256 hashes (never a
// token), access requests with their names (the approved ones are the grants), stubs and the audit
// log (names, never a value). Every write is one transaction. Several `px server` processes may
// share the database. A token or grant read from it is used for CACHE_MS (one query per token
// and quarter second, not one per request), and every change to tokens or grants returns only
// CACHE_MS after its commit: by the time a revocation or approval is answered, no server of the
// database holds what it changed, so it holds on all of them at once. Uses (lastUsedAt) and audit
// lines are batched (postgres-access-batch.ts).
import type postgres from 'postgres';
import type { AccessRequest, AccessStore, AuditRecord, Stub } from '../access/access-store.js';
import type { Role } from '../access/roles.js';
import { formatScope, parseScope, type Scope, type TokenRecord } from '../access/tokens.js';
import { AccessBatch } from './postgres-access-batch.js';

/**
 * How long a token or grant read from the database is used before it is read again, counted from
 * when its query was sent; the changes wait as long after their commit (see above).
 */
export const CACHE_MS = 250;
/** Cached tokens and grants past this many are dropped (a busy server sees few distinct tokens). */
const CACHE_LIMIT = 10_000;

interface TokenRow {
  id: string;
  name: string;
  role: Role;
  scope: string;
  hash: string;
  approved: boolean;
  created_at: Date;
  last_used_at: Date | null;
}

interface RequestRow {
  id: string;
  token_id: string;
  names: string[];
  status: AccessRequest['status'];
  created_at: Date;
  decided_at: Date | null;
}

const iso = (time: Date | null): string | null => (time ? time.toISOString() : null);

/** A scope as stored; rows are only written by px, so a bad one means the table was edited. */
function scopeOf(text: string): Scope {
  const scope = parseScope(text);
  if (!scope) throw new Error(`px_tokens holds a scope px does not write (${JSON.stringify(text.slice(0, 100))})`);
  return scope;
}

const tokenOf = (row: TokenRow): TokenRecord => ({
  id: row.id,
  name: row.name,
  role: row.role,
  scope: scopeOf(row.scope),
  hash: row.hash,
  approved: row.approved,
  createdAt: row.created_at.toISOString(),
  lastUsedAt: iso(row.last_used_at),
});

const requestOf = (row: RequestRow): AccessRequest => ({
  id: row.id,
  tokenId: row.token_id,
  names: [...row.names].sort(),
  status: row.status,
  createdAt: row.created_at.toISOString(),
  decidedAt: iso(row.decided_at),
});

interface Cached<T> {
  value: Promise<T>;
  /** performance.now() after which it is read again. */
  until: number;
}

/** A value per key read through `load` and kept CACHE_MS from the moment its query was sent. */
class ReadCache<T> {
  private readonly entries = new Map<string, Cached<T>>();

  /** `keep`: whether a value read is kept (an unknown token is not: it is asked again each time). */
  get(key: string, load: () => Promise<T>, keep: (value: T) => boolean = () => true): Promise<T> {
    const now = performance.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.value;
    if (this.entries.size >= CACHE_LIMIT) this.entries.clear();
    // A query in flight is shared too: it was sent less than CACHE_MS ago.
    const value = load();
    const entry = { value, until: now + CACHE_MS };
    this.entries.set(key, entry);
    const forget = () => this.entries.get(key) === entry && this.entries.delete(key);
    value.then((read) => keep(read) || forget(), forget);
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class PostgresAccessStore implements AccessStore {
  private readonly tokens = new ReadCache<TokenRecord | null>();
  private readonly grants = new ReadCache<ReadonlySet<string>>();
  private readonly batch: AccessBatch;

  /** `onError`: a batched write that failed (the server logs it; the request was answered already). */
  constructor(
    private readonly sql: postgres.Sql,
    onError: (error: unknown) => void = () => undefined,
  ) {
    this.batch = new AccessBatch(sql, onError);
  }

  async countTokens(): Promise<number> {
    const [row] = await this.sql<{ count: number }[]>`select count(*)::int as count from px_tokens`;
    return row!.count;
  }

  async addToken(record: TokenRecord): Promise<void> {
    await this.sql`
      insert into px_tokens (id, name, role, scope, hash, approved, created_at, last_used_at)
      values (${record.id}, ${record.name}, ${record.role}, ${formatScope(record.scope)}, ${record.hash}, ${record.approved}, ${record.createdAt}, ${record.lastUsedAt})`;
  }

  tokenByHash(hash: string): Promise<TokenRecord | null> {
    return this.tokens.get(hash, async () => {
      const [row] = await this.sql<TokenRow[]>`select * from px_tokens where hash = ${hash}`;
      return row ? tokenOf(row) : null;
    }, (record) => record !== null);
  }

  /**
   * After a change to tokens or grants has committed: this server forgets what it read, and the
   * change returns once every other server's copy has expired too.
   */
  private async changedAccess(): Promise<void> {
    this.tokens.clear();
    this.grants.clear();
    await settle(CACHE_MS);
  }

  async getToken(id: string): Promise<TokenRecord | null> {
    const [row] = await this.sql<TokenRow[]>`select * from px_tokens where id = ${id}`;
    return row ? tokenOf(row) : null;
  }

  async listTokens(): Promise<TokenRecord[]> {
    const rows = await this.sql<TokenRow[]>`select * from px_tokens order by created_at, id collate "C"`;
    return rows.map(tokenOf);
  }

  async removeToken(id: string): Promise<boolean> {
    // Its requests (and so its grants) go with it: the foreign key cascades, in the same statement.
    const rows = await this.sql`delete from px_tokens where id = ${id} returning 1`;
    this.batch.forget(id);
    if (rows.length > 0) await this.changedAccess();
    return rows.length > 0;
  }

  async approveToken(id: string, at: string): Promise<TokenRecord | null> {
    // One transaction: the token is never approved without what it asked for, nor the other way round.
    const approved = await this.sql.begin(async (tx) => {
      const [row] = await tx<TokenRow[]>`update px_tokens set approved = true where id = ${id} returning *`;
      if (!row) return null;
      await tx`update px_access_requests set status = 'approved', decided_at = ${at} where token_id = ${id} and status = 'pending'`;
      return tokenOf(row);
    });
    if (approved) await this.changedAccess();
    return approved;
  }

  touchToken(id: string, at: string): void {
    this.batch.touch(id, at);
  }

  async addRequest(request: AccessRequest): Promise<void> {
    await this.sql`
      insert into px_access_requests (id, token_id, names, status, created_at, decided_at)
      values (${request.id}, ${request.tokenId}, ${this.sql.array(request.names)}, ${request.status}, ${request.createdAt}, ${request.decidedAt})`;
    if (request.status === 'approved') await this.changedAccess();
  }

  async getRequest(id: string): Promise<AccessRequest | null> {
    const [row] = await this.sql<RequestRow[]>`select * from px_access_requests where id = ${id}`;
    return row ? requestOf(row) : null;
  }

  async listRequests(): Promise<AccessRequest[]> {
    const rows = await this.sql<RequestRow[]>`select * from px_access_requests order by created_at, id collate "C"`;
    return rows.map(requestOf);
  }

  async extendRequest(id: string, names: string[]): Promise<AccessRequest | null> {
    // One statement: two services' askings cannot lose each other's names.
    const [row] = await this.sql<RequestRow[]>`
      update px_access_requests
      set names = (select array_agg(distinct n order by n) from unnest(names || ${this.sql.array(names)}::text[]) as n)
      where id = ${id} and status = 'pending'
      returning *`;
    return row ? requestOf(row) : null;
  }

  async decideRequest(id: string, status: 'approved' | 'denied', at: string): Promise<AccessRequest | null> {
    // One transaction: a granted request and its token's approval are written together or not at all.
    const decided = await this.sql.begin(async (tx) => {
      const [row] = await tx<RequestRow[]>`update px_access_requests set status = ${status}, decided_at = ${at} where id = ${id} returning *`;
      if (!row) return null;
      if (status === 'approved') await tx`update px_tokens set approved = true where id = ${row.token_id} and not approved`;
      return requestOf(row);
    });
    if (decided) await this.changedAccess();
    return decided;
  }

  grantedNames(tokenId: string): Promise<ReadonlySet<string>> {
    return this.grants.get(tokenId, async () => {
      const rows = await this.sql<{ name: string }[]>`
        select distinct unnest(names) as name from px_access_requests where token_id = ${tokenId} and status = 'approved'`;
      return new Set(rows.map((row) => row.name));
    });
  }

  async recordStubs(scope: Scope, names: string[], tokenId: string, at: string): Promise<void> {
    if (names.length === 0) return;
    // One statement for all names; an asker already listed is not added twice.
    await this.sql`
      insert into px_access_stubs (scope, name, asked_by, since)
      select ${formatScope(scope)}, n, array[${tokenId}::text], ${at} from unnest(${this.sql.array(names)}::text[]) as n
      on conflict (scope, name) do update
        set asked_by = px_access_stubs.asked_by || excluded.asked_by
        where not (${tokenId}::text = any (px_access_stubs.asked_by))`;
  }

  async listStubs(): Promise<Stub[]> {
    const rows = await this.sql<{ scope: string; name: string; asked_by: string[]; since: Date }[]>`
      select scope, name, asked_by, since from px_access_stubs order by since, name collate "C"`;
    return rows.map((row) => ({ name: row.name, scope: scopeOf(row.scope), askedBy: row.asked_by, since: row.since.toISOString() }));
  }

  audit(records: AuditRecord[], options: { later?: boolean } = {}): Promise<void> {
    return this.batch.audit(records, options);
  }

  async readAudit(): Promise<AuditRecord[]> {
    await this.batch.flush();
    const rows = await this.sql<{ record: AuditRecord }[]>`select record from px_audit order by id`;
    return rows.map((row) => row.record);
  }

  close(): Promise<void> {
    return this.batch.close();
  }
}
