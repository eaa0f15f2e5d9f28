// Where a px server keeps who may do what: tokens (hashes only), access requests (their approved
// names are the grants), stubs (names asked for that are not stored yet) and the audit log.
// MemoryAccessStore serves TestDevServer and `px server --memory`; FileAccessStore (a 0600 file
// under .px/) the local `px server`; a PostgreSQL store implements the same interface.
import type { Scope, TokenRecord } from './tokens.js';

export type RequestStatus = 'pending' | 'approved' | 'denied';

export interface AccessRequest {
  id: string;
  tokenId: string;
  names: string[];
  status: RequestStatus;
  createdAt: string;
  decidedAt: string | null;
}

/** A name a token asked for (access request or value read) that its scope does not store. */
export interface Stub {
  name: string;
  scope: Scope;
  /** Token ids, first asker first. */
  askedBy: string[];
  since: string;
}

/** One line of the audit log. Never a value. */
export interface AuditRecord {
  time: string;
  /** The token's id; absent when the request had no valid token. */
  tokenId?: string;
  method: string;
  route: string;
  name?: string;
  names?: string[];
  status: number;
  outcome: string;
  /** The client's address, as the server's socket saw it. */
  client?: string;
}

export interface AccessStore {
  /** Tokens in the table (not counting PX_TOKEN, which is never stored). */
  countTokens(): Promise<number>;
  addToken(record: TokenRecord): Promise<void>;
  /** The token whose SHA-256 is `hash`, or null. Called on every request: keep it cheap. */
  tokenByHash(hash: string): Promise<TokenRecord | null>;
  getToken(id: string): Promise<TokenRecord | null>;
  listTokens(): Promise<TokenRecord[]>;
  /** Removes the token with its requests and grants; false when absent. */
  removeToken(id: string): Promise<boolean>;
  /**
   * Marks it approved and grants what it asked for so far (its pending requests), as one change:
   * a failure leaves neither done. Null when absent.
   */
  approveToken(id: string, at: string): Promise<TokenRecord | null>;
  /** Records a use; stores may write it later (it is not worth a write per request). */
  touchToken(id: string, at: string): void;

  addRequest(request: AccessRequest): Promise<void>;
  getRequest(id: string): Promise<AccessRequest | null>;
  listRequests(): Promise<AccessRequest[]>;
  /** Adds names to a pending request (a service asking again before anyone decided). */
  extendRequest(id: string, names: string[]): Promise<AccessRequest | null>;
  /** Approving a request also approves its token, as one change (a failure leaves neither done). */
  decideRequest(id: string, status: 'approved' | 'denied', at: string): Promise<AccessRequest | null>;
  /** The names approved requests granted to the token. Called on every value read. */
  grantedNames(tokenId: string): Promise<ReadonlySet<string>>;

  /** Remembers that `tokenId` asked for these names, which `scope` does not store (yet). */
  recordStubs(scope: Scope, names: string[], tokenId: string, at: string): Promise<void>;
  listStubs(): Promise<Stub[]>;

  /**
   * Appends to the audit log; resolves once the records are written as durably as the store writes
   * them (FileAccessStore: in the file, not fsynced; PostgreSQL: committed), rejects when they
   * could not be. A value read is answered only after that. `later`: records nobody waits for
   * (changes, refusals), which a store may keep for a later, larger batch; close() writes them.
   */
  audit(records: AuditRecord[], options?: { later?: boolean }): Promise<void>;
  /** The audit log as written so far, oldest first (tests, `px server` inspection). */
  readAudit?(): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

interface AccessState {
  tokens: TokenRecord[];
  requests: AccessRequest[];
  stubs: Stub[];
}

/** A long-running `px server --memory` must not grow without bound. */
const MEMORY_AUDIT_LIMIT = 100_000;

const sameScope = (a: Scope, b: Scope): boolean => a.project === b.project && a.env === b.env;

/** Everything in memory; FileAccessStore persists the same state. */
export class MemoryAccessStore implements AccessStore {
  protected state: AccessState = { tokens: [], requests: [], stubs: [] };
  private byHash = new Map<string, TokenRecord>();
  private grants = new Map<string, Set<string>>();
  /**
   * A token or request whose approval is still being written: it lets nothing be read until the
   * write is done, so a value is never answered on an approval that a failed write takes back.
   */
  private readonly unsettled = new Set<TokenRecord | AccessRequest>();
  /** The audit log when no sink was given (TestDevServer): the last MEMORY_AUDIT_LIMIT records. */
  readonly auditLog: AuditRecord[] = [];

  constructor(private readonly auditSink?: (records: AuditRecord[]) => Promise<void>) {}

  /** Replaces the whole state (a store read from disk) and rebuilds the indexes. */
  protected load(state: AccessState): void {
    this.state = state;
    this.reindex();
  }

  private reindex(): void {
    this.byHash = new Map(this.state.tokens.map((token) => [token.hash, token]));
    this.grants = new Map();
    for (const request of this.state.requests) {
      if (request.status !== 'approved' || this.unsettled.has(request)) continue;
      const names = this.grants.get(request.tokenId) ?? new Set<string>();
      for (const name of request.names) names.add(name);
      this.grants.set(request.tokenId, names);
    }
  }

  /** Called after every change; FileAccessStore writes the file here. */
  protected async changed(): Promise<void> {}

  async countTokens(): Promise<number> {
    return this.state.tokens.length;
  }

  async addToken(record: TokenRecord): Promise<void> {
    this.state.tokens.push(record);
    this.byHash.set(record.hash, record);
    await this.changed();
  }

  async tokenByHash(hash: string): Promise<TokenRecord | null> {
    const record = this.byHash.get(hash) ?? null;
    return record && this.unsettled.has(record) ? { ...record, approved: false } : record;
  }

  async getToken(id: string): Promise<TokenRecord | null> {
    return this.state.tokens.find((token) => token.id === id) ?? null;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return [...this.state.tokens].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  }

  async removeToken(id: string): Promise<boolean> {
    const before = this.state.tokens.length;
    this.state.tokens = this.state.tokens.filter((token) => token.id !== id);
    if (this.state.tokens.length === before) return false;
    this.state.requests = this.state.requests.filter((request) => request.tokenId !== id);
    this.reindex();
    await this.changed();
    return true;
  }

  async approveToken(id: string, at: string): Promise<TokenRecord | null> {
    const token = this.state.tokens.find((candidate) => candidate.id === id);
    if (!token) return null;
    const pending = this.state.requests.filter((request) => request.tokenId === id && request.status === 'pending');
    if (token.approved && pending.length === 0) return token;
    await this.changeTogether(token, pending, 'approved', at);
    return token;
  }

  touchToken(id: string, at: string): void {
    const token = this.state.tokens.find((candidate) => candidate.id === id);
    if (token) token.lastUsedAt = at;
  }

  async addRequest(request: AccessRequest): Promise<void> {
    this.state.requests.push(request);
    if (request.status === 'approved') this.reindex();
    await this.changed();
  }

  async getRequest(id: string): Promise<AccessRequest | null> {
    return this.state.requests.find((request) => request.id === id) ?? null;
  }

  async listRequests(): Promise<AccessRequest[]> {
    return [...this.state.requests];
  }

  async extendRequest(id: string, names: string[]): Promise<AccessRequest | null> {
    const request = this.state.requests.find((candidate) => candidate.id === id);
    if (!request || request.status !== 'pending') return null;
    request.names = [...new Set([...request.names, ...names])].sort();
    await this.changed();
    return request;
  }

  async decideRequest(id: string, status: 'approved' | 'denied', at: string): Promise<AccessRequest | null> {
    const request = this.state.requests.find((candidate) => candidate.id === id);
    if (!request) return null;
    const token = status === 'approved' ? this.state.tokens.find((candidate) => candidate.id === request.tokenId) : undefined;
    await this.changeTogether(token, [request], status, at);
    return request;
  }

  /**
   * Approves `token` (when given) and decides `requests`, then writes the state once. Until that
   * write is done the approval grants nothing; when it fails, the state is put back as it was, so
   * neither shows as done, here or on disk.
   */
  private async changeTogether(token: TokenRecord | undefined, requests: AccessRequest[], status: 'approved' | 'denied', at: string): Promise<void> {
    const wasApproved = token?.approved;
    const before = requests.map((request) => ({ request, status: request.status, decidedAt: request.decidedAt }));
    if (token) token.approved = true;
    if (token && !wasApproved) this.unsettled.add(token);
    for (const request of requests) {
      if (status === 'approved' && request.status !== 'approved') this.unsettled.add(request);
      request.status = status;
      request.decidedAt = at;
    }
    this.reindex();
    try {
      await this.changed();
      this.settle(token, requests);
    } catch (error) {
      if (token && wasApproved !== undefined) token.approved = wasApproved;
      for (const { request, status: was, decidedAt } of before) Object.assign(request, { status: was, decidedAt });
      this.settle(token, requests);
      // A change made meanwhile may have queued a write holding this one: the state as put back
      // is written after it.
      void this.changed().catch(() => undefined);
      throw error;
    }
  }

  private settle(token: TokenRecord | undefined, requests: AccessRequest[]): void {
    if (token) this.unsettled.delete(token);
    for (const request of requests) this.unsettled.delete(request);
    this.reindex();
  }

  async grantedNames(tokenId: string): Promise<ReadonlySet<string>> {
    return this.grants.get(tokenId) ?? new Set();
  }

  async recordStubs(scope: Scope, names: string[], tokenId: string, at: string): Promise<void> {
    let changed = false;
    for (const name of names) {
      const stub = this.state.stubs.find((candidate) => candidate.name === name && sameScope(candidate.scope, scope));
      if (!stub) this.state.stubs.push({ name, scope, askedBy: [tokenId], since: at });
      else if (!stub.askedBy.includes(tokenId)) stub.askedBy.push(tokenId);
      else continue;
      changed = true;
    }
    if (changed) await this.changed();
  }

  async listStubs(): Promise<Stub[]> {
    return [...this.state.stubs];
  }

  async audit(records: AuditRecord[]): Promise<void> {
    if (this.auditSink) return this.auditSink(records);
    this.auditLog.push(...records);
    if (this.auditLog.length > MEMORY_AUDIT_LIMIT) this.auditLog.splice(0, this.auditLog.length - MEMORY_AUDIT_LIMIT);
  }

  async readAudit(): Promise<AuditRecord[]> {
    return [...this.auditLog];
  }

  async close(): Promise<void> {}
}
