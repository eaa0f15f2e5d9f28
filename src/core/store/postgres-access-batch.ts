// The team server's uses (lastUsedAt) and audit lines, batched: a write per request would cost the
// team server most of its throughput. Uses, the reads' audit lines and the other audit lines are
// separate statements, each its own transaction: none depends on another being written. Value reads' lines are
// written in the batch of their event-loop turn and their callers wait for the commit; changes
// and refusals wait for the next batch (at most FLUSH_MS), so a SIGKILL may lose those, and go
// again with the next batch when their write fails. close() writes what is left.
import type postgres from 'postgres';
import type { AuditRecord } from '../access/access-store.js';

/** How long uses and audit lines wait before they are written, at most. */
const FLUSH_MS = 200;
/** Audit lines written at once when they pile up faster than FLUSH_MS. */
const AUDIT_BATCH = 1000;
/**
 * Lines nobody waits for that are kept while their writes fail (the database away for a while):
 * past this many the oldest go, and the log says how many.
 */
export const AUDIT_KEPT = 50_000;

interface Waiting {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class AccessBatch {
  private readonly touched = new Map<string, string>();
  /** Lines nobody waits for (changes, refusals), and lines kept from a batch that failed. */
  private pendingAudit: AuditRecord[] = [];
  /** Lines whose callers wait for their commit (value reads), and those callers. */
  private awaitedAudit: AuditRecord[] = [];
  private auditWaiting: Waiting[] = [];
  private flushThisTurn = false;
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly sql: postgres.Sql,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** A use of token `id` at `at`, written with the next batch. */
  touch(id: string, at: string): void {
    this.touched.set(id, at);
    this.schedule();
  }

  /** A removed token's use is not written. */
  forget(id: string): void {
    this.touched.delete(id);
  }

  audit(records: AuditRecord[], options: { later?: boolean } = {}): Promise<void> {
    if (options.later) {
      this.pendingAudit.push(...records);
      if (this.pendingAudit.length >= AUDIT_BATCH) void this.flush();
      else this.schedule();
      return Promise.resolve();
    }
    this.awaitedAudit.push(...records);
    const written = new Promise<void>((resolve, reject) => this.auditWaiting.push({ resolve, reject }));
    if (!this.flushThisTurn) {
      this.flushThisTurn = true;
      setImmediate(() => {
        this.flushThisTurn = false;
        void this.flush();
      });
    }
    return written;
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pendingAudit.length > 0) this.onError(new Error(`${this.pendingAudit.length} audit lines could not be written before closing`));
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_MS).unref();
  }

  /**
   * Writes the batched uses and audit lines after any flush already running: each takes what is
   * pending when its turn comes, so records that pile up during one write go together in the next.
   */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeBatch());
    return this.flushing;
  }

  /**
   * The reads' audit lines, the other audit lines and the uses are three statements, each its own
   * transaction, sent together: none waits for nor depends on another. Callers waiting for their
   * lines (value reads) hear their insert's outcome only; lines nobody waits for that failed to be
   * written are kept for the next batch (up to AUDIT_KEPT), so a passing fault loses none of them.
   */
  private async writeBatch(): Promise<void> {
    const touched = [...this.touched];
    const later = this.pendingAudit;
    const awaited = this.awaitedAudit;
    const waiting = this.auditWaiting;
    this.touched.clear();
    this.pendingAudit = [];
    this.awaitedAudit = [];
    this.auditWaiting = [];
    await Promise.all([
      awaited.length === 0 ? undefined : this.writeAwaited(awaited, waiting),
      later.length === 0 ? undefined : this.writeLater(later),
      touched.length === 0 ? undefined : this.writeUses(touched),
    ]);
  }

  private insertAudit(records: AuditRecord[]): Promise<unknown> {
    return this.sql`
      insert into px_audit (time, token_id, record)
      select (r ->> 'time')::timestamptz, r ->> 'tokenId', r from json_array_elements(${this.sql.json(records as unknown as postgres.JSONValue)}::json) as r`;
  }

  /** The reads' lines, on their own: no other line can fail them. */
  private async writeAwaited(awaited: AuditRecord[], waiting: Waiting[]): Promise<void> {
    try {
      await this.insertAudit(awaited);
      for (const { resolve } of waiting) resolve();
    } catch (error) {
      this.onError(error);
      // Those requests are answered 500, no value, and their refusal is audited.
      for (const { reject } of waiting) reject(error);
    }
  }

  private async writeLater(later: AuditRecord[]): Promise<void> {
    try {
      await this.insertAudit(later);
    } catch (error) {
      this.onError(error);
      this.keep(later);
    }
  }

  /** Lines of a failed batch back in front of those that came meanwhile, the newest AUDIT_KEPT. */
  private keep(lines: AuditRecord[]): void {
    if (lines.length === 0) return;
    const kept = [...lines, ...this.pendingAudit];
    const dropped = kept.length - AUDIT_KEPT;
    if (dropped > 0) {
      kept.splice(0, dropped);
      this.onError(new Error(`${dropped} audit lines were dropped: their writes kept failing`));
    }
    this.pendingAudit = kept;
    this.schedule();
  }

  private async writeUses(touched: Array<[string, string]>): Promise<void> {
    try {
      await this.sql`
        update px_tokens t set last_used_at = greatest(t.last_used_at, u.at::timestamptz)
        from (select r ->> 0 as id, r ->> 1 as at from json_array_elements(${this.sql.json(touched)}::json) as r) as u
        where t.id = u.id`;
    } catch (error) {
      // Only the times of last use: the next use of each token writes its time again.
      this.onError(error);
    }
  }
}
