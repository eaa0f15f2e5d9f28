// The embedded local store: the project's secrets in one AES-256-GCM encrypted file under .px/.
// Writes take an exclusive lock, re-read, change and replace the file atomically, so CLI
// processes and a running `px server` can write at once without losing anything. Within one
// process, writes that arrive while another is in flight are committed together (group commit).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BulkResult, SecretEntry, SecretMeta } from './backend.js';
import { writeFileAtomic } from './atomic-file.js';
import { PxError, UsageError } from './errors.js';
import { openKeychain, type Keychain } from './keychain.js';
import { nameProblem, valueProblem } from './names.js';
import type { PutResult, SecretStore } from './store.js';
import { createStoreKey, keyFingerprint, loadStoreKey, type KeyContext, type KeySource } from './store-key.js';

export const STORE_DIR = '.px';
export const STORE_FILE = join(STORE_DIR, 'secrets.enc');
const FORMAT = 'px-local-store';

interface Header {
  format: typeof FORMAT;
  version: 1;
  storeId: string;
  keySource: KeySource;
  keyId: string;
}
interface Secret {
  value: string;
  createdAt: string;
  updatedAt: string;
}
type Doc = Map<string, Secret>;
type Mutation = { apply: (doc: Doc, now: string) => unknown; resolve: (result: unknown) => void; reject: (error: unknown) => void };

const damaged = (path: string, why: string): UsageError =>
  new UsageError(`The local store ${path} is damaged (${why}); nothing was read. Restore .px/ from a backup, or move it away to start over.`);

export class LocalStore implements SecretStore {
  readonly label = 'local store (.px)';
  private readonly path: string;
  private readonly dir: string;
  private cache?: { stamp: string; header: Header; key: Buffer; doc: Doc };
  private pending: Mutation[] = [];
  private flushing = false;
  /** How many file writes this instance made (tests check that writes coalesce). */
  writes = 0;

  private constructor(
    readonly root: string,
    private readonly ctx: KeyContext,
  ) {
    this.dir = join(root, STORE_DIR);
    this.path = join(root, STORE_FILE);
  }

  static async open(options: { root: string; env: NodeJS.ProcessEnv; keychain?: Keychain; warn?: (line: string) => void }): Promise<LocalStore> {
    const ctx = { env: options.env, keychain: options.keychain ?? openKeychain(options.env), warn: options.warn ?? (() => undefined) };
    return new LocalStore(options.root, ctx);
  }

  async list(): Promise<SecretMeta[]> {
    const doc = (await this.read())?.doc ?? new Map<string, Secret>();
    return [...doc.entries()]
      .map(([name, s]) => ({ name, createdAt: s.createdAt, updatedAt: s.updatedAt }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async exists(name: string): Promise<boolean> {
    return (await this.read())?.doc.has(name) ?? false;
  }

  async values(): Promise<Map<string, string>> {
    const doc = (await this.read())?.doc ?? new Map<string, Secret>();
    return new Map([...doc].map(([name, s]) => [name, s.value]));
  }

  put(name: string, value: string): Promise<PutResult> {
    check([{ name, value }]);
    return this.mutate((doc, now) => {
      const previous = doc.get(name);
      const createdAt = previous?.createdAt ?? now;
      doc.set(name, { value, createdAt, updatedAt: now });
      return { meta: { name, createdAt, updatedAt: now }, created: !previous };
    });
  }

  delete(name: string): Promise<boolean> {
    return this.mutate((doc) => doc.delete(name));
  }

  bulkPut(entries: SecretEntry[]): Promise<BulkResult> {
    check(entries);
    return this.mutate((doc, now) => {
      let created = 0;
      for (const { name, value } of entries) {
        const previous = doc.get(name);
        if (!previous) created++;
        doc.set(name, { value, createdAt: previous?.createdAt ?? now, updatedAt: now });
      }
      return { created, updated: entries.length - created };
    });
  }

  private mutate<T>(apply: (doc: Doc, now: string) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ apply, resolve: resolve as (result: unknown) => void, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** Commits queued mutations in batches: one lock, one read, one write per batch. */
  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        const results = await this.withLock(async () => {
          const current = await this.read(true);
          const doc = current?.doc ?? new Map<string, Secret>();
          const now = new Date().toISOString();
          // Each mutation validated its input up front, so applying cannot fail half-way.
          const out = batch.map((mutation) => mutation.apply(doc, now));
          await this.write(doc, current ?? undefined);
          return out;
        });
        batch.forEach((mutation, i) => mutation.resolve(results[i]));
      } catch (error) {
        // The cache may hold changes that never reached the disk.
        this.cache = undefined;
        for (const mutation of batch) mutation.reject(error);
      }
    }
    this.flushing = false;
  }

  private async withLock<T>(work: () => Promise<T>): Promise<T> {
    if (!existsSync(this.dir)) await this.createDir();
    let compromised: Error | undefined;
    // Loaded on the first write only: reads need no lock (the file is replaced by rename).
    const { default: lockfile } = await import('proper-lockfile');
    const release = await lockfile.lock(this.dir, {
      lockfilePath: join(this.dir, 'store.lock'),
      stale: 5000,
      retries: { retries: 400, minTimeout: 5, maxTimeout: 50, factor: 1.2, randomize: true },
      onCompromised: (error) => {
        compromised = error;
      },
    });
    try {
      const result = await work();
      if (compromised) throw new UsageError('Lost the lock on the local store while writing; try again.');
      return result;
    } finally {
      await release().catch(() => undefined);
    }
  }

  private async createDir(): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    // Git-ignores all of .px/ without touching the project's own .gitignore.
    await writeFileAtomic(join(this.dir, '.gitignore'), '# created by px: never commit the local store\n*\n');
  }

  /** The current document, or null when no store file exists. `fresh` skips the cache check. */
  private async read(fresh = false): Promise<{ header: Header; key: Buffer; doc: Doc } | null> {
    let stamp: string;
    try {
      const info = await stat(this.path);
      stamp = `${info.ino}:${info.size}:${info.mtimeMs}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    if (this.cache && this.cache.stamp === stamp && !fresh) return this.cache;
    if (this.cache && this.cache.stamp === stamp) return this.cache;
    const raw = await readFile(this.path);
    const { header, key, doc } = await this.decrypt(raw);
    this.cache = { stamp, header, key, doc };
    return this.cache;
  }

  private async decrypt(raw: Buffer): Promise<{ header: Header; key: Buffer; doc: Doc }> {
    const newline = raw.indexOf(0x0a);
    let header: Header & { iv: string; tag: string };
    try {
      header = JSON.parse(raw.subarray(0, newline).toString('utf8'));
    } catch {
      throw damaged(STORE_FILE, 'unreadable header');
    }
    if (newline < 0 || header.format !== FORMAT || header.version !== 1 || !header.iv || !header.tag) throw damaged(STORE_FILE, 'unknown format');
    const key = await loadStoreKey(header.storeId, header.keySource, this.ctx);
    if (keyFingerprint(key) !== header.keyId) {
      throw new PxError('auth', `The key for the local store (.px) from ${describeSource(header.keySource)} is not the one it was encrypted with.`);
    }
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(header.iv, 'base64'));
      decipher.setAAD(Buffer.from(aad(header)));
      decipher.setAuthTag(Buffer.from(header.tag, 'base64'));
      plain = Buffer.concat([decipher.update(raw.subarray(newline + 1)), decipher.final()]);
    } catch {
      throw damaged(STORE_FILE, 'its contents fail the integrity check');
    }
    const rows = JSON.parse(plain.toString('utf8')) as Array<[string, string, string, string]>;
    const doc: Doc = new Map(rows.map(([name, value, createdAt, updatedAt]) => [name, { value, createdAt, updatedAt }]));
    return { header: { format: header.format, version: 1, storeId: header.storeId, keySource: header.keySource, keyId: header.keyId }, key, doc };
  }

  private async write(doc: Doc, current?: { header: Header; key: Buffer }): Promise<void> {
    let header = current?.header;
    let key = current?.key;
    if (!header || !key) {
      const storeId = randomBytes(8).toString('hex');
      const created = await createStoreKey(storeId, this.ctx);
      key = created.key;
      header = { format: FORMAT, version: 1, storeId, keySource: created.source, keyId: keyFingerprint(key) };
    }
    const rows = [...doc].map(([name, s]) => [name, s.value, s.createdAt, s.updatedAt]);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(aad(header)));
    const body = Buffer.concat([cipher.update(JSON.stringify(rows), 'utf8'), cipher.final()]);
    const line = JSON.stringify({ ...header, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64') });
    await writeFileAtomic(this.path, Buffer.concat([Buffer.from(`${line}\n`), body]));
    this.writes++;
    const info = await stat(this.path);
    this.cache = { stamp: `${info.ino}:${info.size}:${info.mtimeMs}`, header, key, doc };
  }
}

const aad = (h: Header): string => JSON.stringify([h.format, h.version, h.storeId, h.keySource, h.keyId]);

function describeSource(source: KeySource): string {
  return source === 'env' ? 'PX_STORE_KEY' : source === 'keychain' ? 'the OS keychain' : 'its key file';
}

/** All-or-nothing validation before anything is queued. Messages never hold a value. */
function check(entries: SecretEntry[]): void {
  const problems: string[] = [];
  entries.forEach(({ name, value }, index) => {
    const problem = nameProblem(name) ?? valueProblem(value);
    if (problem) problems.push(`entry ${index + 1} (${JSON.stringify(name.slice(0, 80))}): ${problem}`);
  });
  if (problems.length > 0) throw new UsageError(`${problems.length} invalid ${problems.length === 1 ? 'entry' : 'entries'}; nothing was written.`, { details: problems });
}
