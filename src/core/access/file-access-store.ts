// The local `px server`'s access state: tokens (hashes only), requests and stubs in one 0600 JSON
// file under .px/, replaced atomically on every change; the audit log appended to .px/audit.log
// (audit-file.ts: one write per event-loop turn, done before a value read is answered).
// Uses (lastUsedAt) are written at most every few seconds and on close: a file write per request
// would cap the server at a few hundred requests per second.
import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { writeFileAtomic } from '../atomic-file.js';
import { UsageError } from '../errors.js';
import { STORE_DIR } from '../project.js';
import { fsPromises } from '../lazy-fs.js';
import { openOwnFile, readPrivateFile } from '../px-dir.js';
import { MemoryAccessStore, type AccessRequest, type AuditRecord } from './access-store.js';
import { AuditFile } from './audit-file.js';
import type { TokenRecord } from './tokens.js';
import { ROLES } from './roles.js';

export const ACCESS_FILE = join(STORE_DIR, 'access.json');
export const AUDIT_LOG_FILE = join(STORE_DIR, 'audit.log');

const FORMAT = 1;
const TOUCH_FLUSH_MS = 5000;

const ScopeShape = z.object({ project: z.string(), env: z.string() });
const FileShape = z.object({
  format: z.literal(FORMAT),
  tokens: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      role: z.enum(ROLES),
      scope: ScopeShape,
      hash: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
      approved: z.boolean(),
      createdAt: z.string(),
      lastUsedAt: z.nullable(z.string()),
    }),
  ),
  requests: z.array(
    z.object({
      id: z.string(),
      tokenId: z.string(),
      names: z.array(z.string()),
      status: z.enum(['pending', 'approved', 'denied']),
      createdAt: z.string(),
      decidedAt: z.nullable(z.string()),
    }),
  ),
  stubs: z.array(z.object({ name: z.string(), scope: ScopeShape, askedBy: z.array(z.string()), since: z.string() })),
});

/** The audit log, opened for appending without following a link, the user's own, kept 0600. */
export function openAuditLog(root: string): Promise<FileHandle> {
  return openOwnFile(join(root, AUDIT_LOG_FILE), AUDIT_LOG_FILE, constants.O_WRONLY | constants.O_APPEND, { create: true });
}

/** The access file of a project as it is on disk, or null when there is none or it is not one. */
export async function readAccessFile(root: string): Promise<{ tokens: TokenRecord[]; requests: AccessRequest[] } | null> {
  let parsed: unknown;
  try {
    const text = readPrivateFile(join(root, ACCESS_FILE), ACCESS_FILE);
    if (text === null) return null;
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const checked = FileShape.safeParse(parsed);
  return checked.success ? { tokens: checked.data.tokens, requests: checked.data.requests } : null;
}

export class FileAccessStore extends MemoryAccessStore {
  private writing: Promise<void> = Promise.resolve();
  private touched = false;
  private timer?: NodeJS.Timeout;
  private readonly path: string;
  private readonly logPath: string;

  private constructor(
    root: string,
    private readonly log: AuditFile,
  ) {
    super((records) => this.log.append(records));
    this.path = join(root, ACCESS_FILE);
    this.logPath = join(root, AUDIT_LOG_FILE);
  }

  /** Opens (or starts) the project's access file; the caller has created .px/. */
  static async open(root: string): Promise<FileAccessStore> {
    // Read as the user's own file, never through a link: a planted one could grant anything.
    const text = readPrivateFile(join(root, ACCESS_FILE), ACCESS_FILE);
    const log = new AuditFile(await openAuditLog(root));
    const store = new FileAccessStore(root, log);
    if (text !== null) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const checked = FileShape.safeParse(parsed);
      if (!checked.success) {
        await log.close();
        throw new UsageError(`${ACCESS_FILE} is not a px access file: restore it from a backup, or move it away to start with no tokens.`);
      }
      store.load({ tokens: checked.data.tokens, requests: checked.data.requests, stubs: checked.data.stubs });
    }
    return store;
  }

  protected override changed(): Promise<void> {
    const snapshot = JSON.stringify({ format: FORMAT, ...this.state });
    this.touched = false;
    // Writes run one after another, each with the state as it was when asked for.
    this.writing = this.writing.catch(() => undefined).then(() => writeFileAtomic(this.path, `${snapshot}\n`));
    return this.writing;
  }

  override touchToken(id: string, at: string): void {
    super.touchToken(id, at);
    this.touched = true;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      if (this.touched) void this.changed().catch(() => undefined);
    }, TOUCH_FLUSH_MS).unref();
  }

  override async readAudit(): Promise<AuditRecord[]> {
    await this.log.written();
    const text = await fsPromises().readFile(this.logPath, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as AuditRecord);
  }

  override async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.touched) await this.changed();
    // A write that failed earlier was reported to its caller; the state on disk is the last good one.
    await this.writing.catch(() => undefined);
    await this.log.close();
  }
}
