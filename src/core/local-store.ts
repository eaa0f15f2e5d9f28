// The embedded local store: the project's secrets, encrypted under .px/ (format: store-format.ts).
// A change is one journal record appended and fsynced under an exclusive lock; once the journal
// outgrows the snapshot, the writer folds it into a new snapshot (temp file, fsync, rename). So a
// create costs a small append however many secrets there are, CLI processes and a running
// `px server` can write at once, and a crash at any moment leaves the old or the new state.
// Within one process, writes that arrive while another is in flight are committed together.
// Each environment is a namespace of its own files: `development` is secrets.enc/secrets.journal
// (so stores made before environments existed are development's), any other environment E is
// secrets-E.enc/secrets-E.journal. All of a project's namespaces share one key and store id, and
// each file's authenticated data names its environment. API: LocalStore.open({ root, namespace }),
// storeFiles(namespace), localNamespaces(root).
import { randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, readdirSync, readSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { BulkResult, SecretEntry, SecretMeta } from './backend.js';
import { removeLeftoverTemps, writeFileAtomic } from './atomic-file.js';
import { AuthRejected, UsageError } from './errors.js';
import { openKeychain, type Keychain } from './keychain.js';
import { nameProblem, valueProblem } from './names.js';
import { STORE_DIR, STORE_FILE } from './project.js';
import { assertOwnFile, assertPxDir, ensurePxDir, openOwnFile, openReadOnly, readOwnFile } from './px-dir.js';
import type { PutResult, RollbackResult, SecretStore } from './store.js';
import { localActor, nextVersionNumber, rollbackSource, versionList, withNewVersion, type ChangeBy, type VersionMeta } from './secret-versions.js';
import { createStoreKey, keyFingerprint, loadStoreKey, type KeyContext, type KeySource } from './store-key.js';
import { createRotatedKey, forgetKey } from './store-key-rotation.js';
import {
  applyRecord,
  damaged,
  decryptSnapshot,
  encodeJournalHeader,
  encodeRecord,
  encodeSnapshot,
  FORMAT_VERSION,
  journalDamaged,
  parseJournalHeader,
  parseSnapshot,
  readRecords,
  verifyJournalHeader,
  DEFAULT_NAMESPACE,
  type Doc,
  type JournalOf,
  type JournalRecord,
  type Op,
  type Secret,
  type SnapshotHeader,
} from './store-format.js';

export { STORE_FILE, DEFAULT_NAMESPACE };
export const JOURNAL_FILE = join(STORE_DIR, 'secrets.journal');

/** The snapshot and journal of one environment, relative to the project root. */
export function storeFiles(namespace: string = DEFAULT_NAMESPACE): { snapshot: string; journal: string } {
  if (namespace === DEFAULT_NAMESPACE) return { snapshot: STORE_FILE, journal: JOURNAL_FILE };
  return { snapshot: join(STORE_DIR, `secrets-${namespace}.enc`), journal: join(STORE_DIR, `secrets-${namespace}.journal`) };
}

const NAMESPACED_SNAPSHOT = /^secrets-([a-z][a-z0-9-]{0,31})\.enc$/;

/** The environments that have a store file under root/.px, development first. */
export function localNamespaces(root: string): string[] {
  let files: string[];
  try {
    files = readdirSync(join(root, STORE_DIR));
  } catch {
    return [];
  }
  const others = files.flatMap((file) => NAMESPACED_SNAPSHOT.exec(file)?.[1] ?? []).filter((ns) => ns !== DEFAULT_NAMESPACE).sort();
  return files.includes('secrets.enc') ? [DEFAULT_NAMESPACE, ...others] : others;
}
/** The journal is folded into a new snapshot once it is larger than this and than the snapshot. */
const MIN_COMPACT_BYTES = 64 * 1024;

/** What this process knows of the store, and where on disk that knowledge ends. */
interface State {
  /** The format version of the snapshot (and of the journal continuing it). */
  version: number;
  header: SnapshotHeader;
  key: Buffer;
  doc: Doc;
  snapshotStamp: string;
  snapshotBytes: number;
  /** null: no journal of this generation (missing, or left from before the last snapshot). */
  journal: { id: string; stamp: string; end: number; torn: number; nextIndex: number } | null;
}

/** The document as a batch sees it: what is stored plus the batch's own earlier changes. */
interface DocView {
  has(name: string): boolean;
  get(name: string): Secret | undefined;
}
type Plan = (doc: DocView, at: string) => { ops: Op[]; result: unknown };
type Mutation = { plan: Plan; resolve: (result: unknown) => void; reject: (error: unknown) => void };

const stampOf = (info: Stats): string => `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
const fileId = (info: Stats): string => `${info.dev}:${info.ino}`;

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export class LocalStore implements SecretStore {
  readonly label = 'local store (.px)';
  private readonly dir: string;
  private readonly snapshotPath: string;
  private readonly journalPath: string;
  private state?: State;
  private keys = new Map<string, Buffer>();
  private pending: Mutation[] = [];
  private refreshing?: Promise<void>;
  private flushing = false;

  /** The environment this store holds. */
  readonly namespace: string;
  /** The snapshot and journal, relative to root (for messages). */
  private readonly files: { snapshot: string; journal: string };

  private constructor(
    readonly root: string,
    private readonly ctx: KeyContext,
    /** Who a change without `change.by` is recorded as (the OS user; a server passes its caller). */
    private readonly actorGiven: string | undefined,
    namespace: string,
  ) {
    this.namespace = namespace;
    this.files = storeFiles(namespace);
    this.dir = join(root, STORE_DIR);
    this.snapshotPath = join(root, this.files.snapshot);
    this.journalPath = join(root, this.files.journal);
  }

  /** `namespace`: the environment (default development). */
  static async open(options: { root: string; env: NodeJS.ProcessEnv; keychain?: Keychain; warn?: (line: string) => void; actor?: string; namespace?: string }): Promise<LocalStore> {
    assertPxDir(options.root);
    const ctx = { env: options.env, keychain: options.keychain ?? openKeychain(options.env), warn: options.warn ?? (() => undefined) };
    return new LocalStore(options.root, ctx, options.actor, options.namespace ?? DEFAULT_NAMESPACE);
  }

  /** Asked on the first write only: the OS user's name costs a passwd lookup that reads never need. */
  private get actor(): string {
    return (this.actorOnce ??= this.actorGiven ?? localActor(this.ctx.env));
  }
  private actorOnce?: string;

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

  async valuesOf(names: readonly string[]): Promise<Map<string, string>> {
    const doc = (await this.read())?.doc;
    const found = new Map<string, string>();
    for (const name of names) {
      const secret = doc?.get(name);
      if (secret) found.set(name, secret.value);
    }
    return found;
  }

  async put(name: string, value: string, change: ChangeBy = {}): Promise<PutResult> {
    check([{ name, value }]);
    return this.mutate((doc, at) => {
      const createdAt = doc.get(name)?.createdAt ?? at;
      const created = !doc.has(name);
      const v = nextVersionNumber(doc.get(name));
      return { ops: [['put', name, value, { v, by: change.by ?? this.actor, ...(change.rotation ? { rotation: true } : {}) }]], result: { meta: { name, createdAt, updatedAt: at }, created } };
    });
  }

  async versions(name: string): Promise<VersionMeta[] | null> {
    const secret = (await this.read())?.doc.get(name);
    return secret ? versionList(secret) : null;
  }

  async rollback(name: string, version: number | undefined, change: ChangeBy = {}): Promise<RollbackResult> {
    // Decided under the lock, against the latest state; a refusal writes nothing.
    const outcome = await this.mutate<RollbackResult | { refused: unknown }>((doc, at) => {
      const secret = doc.get(name);
      let source;
      try {
        source = rollbackSource(name, secret, version);
      } catch (refused) {
        return { ops: [], result: { refused } };
      }
      const v = nextVersionNumber(secret);
      const op: Op = ['put', name, source.value, { v, by: change.by ?? this.actor, rollbackOf: source.version }];
      return { ops: [op], result: { meta: { name, createdAt: secret!.createdAt, updatedAt: at }, version: v, rolledBackTo: source.version } };
    });
    if ('refused' in outcome) throw outcome.refused;
    return outcome;
  }

  delete(name: string): Promise<boolean> {
    return this.mutate((doc) => (doc.has(name) ? { ops: [['delete', name]], result: true } : { ops: [], result: false }));
  }

  async bulkPut(entries: SecretEntry[], change: ChangeBy = {}): Promise<BulkResult> {
    check(entries);
    const by = change.by ?? this.actor;
    return this.mutate((doc) => {
      // The version each name gets next; a name given twice makes two versions.
      const next = new Map<string, number>();
      let created = 0;
      const ops = entries.map(({ name, value }): Op => {
        if (!doc.has(name) && !next.has(name)) created++;
        const v = next.get(name) ?? nextVersionNumber(doc.get(name));
        next.set(name, v + 1);
        return ['put', name, value, { v, by }];
      });
      return { ops, result: { created, updated: entries.length - created } };
    });
  }

  /**
   * `px store rotate-key`: every environment of the project rewritten under one new key (all its
   * namespaces share the key), under the store's one lock. The new key is saved before the first
   * rewrite and the old ones are removed after the last, so a crash at any moment leaves each
   * namespace under a key that is still there (store-key-rotation.ts); running it again finishes.
   */
  async rotateKey(): Promise<{ keyId: string; previousKeyIds: string[]; count: number; environments: string[]; oldKey: string }> {
    const others = localNamespaces(this.root).filter((namespace) => namespace !== this.namespace);
    const stores: LocalStore[] = [this, ...others.map((namespace) => new LocalStore(this.root, this.ctx, this.actorGiven, namespace))];
    return this.withLock(async (held) => {
      const present: Array<{ store: LocalStore; header: SnapshotHeader }> = [];
      for (const store of stores) {
        const state = await store.read();
        if (state) present.push({ store, header: state.header });
      }
      if (present.length === 0) throw new UsageError('There is no local store here yet: nothing to rotate.');
      const { storeId, keySource } = present[0].header;
      const previous = [...new Set(present.map(({ header }) => header.keyId))];
      // A killed run leaves the later namespaces under the old key: the new one must differ from it.
      const key = await createRotatedKey(storeId, keySource, present[present.length - 1].header.keyId, this.ctx);
      const keyId = keyFingerprint(key);
      held();
      let count = 0;
      for (const { store } of present) count += await store.rewriteUnder(key, held);
      let oldKey = '';
      for (const id of previous) if (id !== keyId) oldKey = await forgetKey(storeId, keySource, id, this.ctx, keyId);
      const previousKeyIds = previous.filter((id) => id !== keyId);
      return { keyId, previousKeyIds, count, environments: present.map(({ store }) => store.namespace), oldKey: oldKey || 'no old key was left' };
    });
  }

  /** This namespace as one new snapshot under `key` (the lock is held); returns its secret count. */
  private async rewriteUnder(key: Buffer, held: () => void): Promise<number> {
    let current = (await this.read())!;
    // First the journal folded in under the old key: a kill between the new snapshot's rename and
    // its journal's then leaves a journal without records, which the store can skip.
    const emptyJournal = current.journal !== null && current.journal.nextIndex === 0 && current.journal.torn === 0;
    if (!emptyJournal && statOrNull(this.journalPath) !== null) {
      await this.writeSnapshot({ ...current.header, generation: current.header.generation + 1 }, current.key, new Map(current.doc));
      current = this.state!;
      held();
    }
    const { header } = current;
    await this.writeSnapshot({ ...header, keyId: keyFingerprint(key), generation: header.generation + 1 }, key, new Map(current.doc));
    held();
    return current.doc.size;
  }

  private mutate<T>(plan: Plan): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ plan, resolve: resolve as (result: unknown) => void, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** Commits queued mutations in batches: one lock, one record, one fsync per batch. */
  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        const results = await this.withLock(async (held) => {
          const current = await this.read();
          const stored = current?.doc ?? new Map<string, Secret>();
          // Changes stay in this overlay until they are durable, so readers never see them early.
          const overlay: Doc = new Map();
          const deleted = new Set<string>();
          const view: DocView = {
            has: (name) => overlay.has(name) || (!deleted.has(name) && stored.has(name)),
            get: (name) => overlay.get(name) ?? (deleted.has(name) ? undefined : stored.get(name)),
          };
          const record: JournalRecord = { at: new Date().toISOString(), ops: [] };
          // Each mutation checked its input up front, so planning cannot fail half-way; each
          // sees the changes of the ones before it.
          const out = batch.map((mutation) => {
            const { ops, result } = mutation.plan(view, record.at);
            for (const op of ops) {
              if (op[0] === 'delete') {
                overlay.delete(op[1]);
                deleted.add(op[1]);
              } else {
                const previous = view.get(op[1]);
                overlay.set(op[1], withNewVersion(previous, op[2], record.at, op[3]?.v ?? nextVersionNumber(previous), op[3]));
                deleted.delete(op[1]);
              }
            }
            record.ops.push(...ops);
            return result;
          });
          if (record.ops.length > 0) {
            held();
            await this.commit(current, record);
          }
          return out;
        });
        batch.forEach((mutation, i) => mutation.resolve(results[i]));
      } catch (error) {
        this.state = undefined;
        for (const mutation of batch) mutation.reject(error);
      }
    }
    this.flushing = false;
  }

  /** Makes `record` durable, then part of the cached state. Called under the lock. */
  private async commit(current: State | null, record: JournalRecord): Promise<void> {
    if (!current) {
      const { header, key } = (await this.siblingKey()) ?? (await this.newKey());
      const doc: Doc = new Map();
      applyRecord(doc, record);
      await this.writeSnapshot(header, key, doc);
      return;
    }
    const { header, key, journal } = current;
    // A store in an older format is rewritten in this one, rather than mixing formats in a journal.
    const upgrade = current.version < FORMAT_VERSION;
    const encoded = journal && !upgrade ? encodeRecord(key, header.storeId, header.generation, journal.nextIndex, record, this.namespace) : null;
    if (!journal || !encoded || journal.end + encoded.length > Math.max(MIN_COMPACT_BYTES, current.snapshotBytes)) {
      const doc = new Map(current.doc);
      applyRecord(doc, record);
      await this.writeSnapshot({ ...header, generation: header.generation + 1 }, key, doc);
      return;
    }
    const file = await openOwnFile(this.journalPath, this.files.journal, constants.O_RDWR);
    try {
      // Bytes of an append that was cut short are not part of the store: overwrite them.
      if (journal.torn > 0) await file.truncate(journal.end);
      // write() may write less than asked (a disk filling up): go on until all of it is written,
      // so a full disk ends in ENOSPC, never in a record acknowledged with its tail missing.
      for (let done = 0; done < encoded.length; ) {
        done += (await file.write(encoded, done, encoded.length - done, journal.end + done)).bytesWritten;
      }
      await file.datasync();
      const info = await file.stat();
      // A reader in this process may have applied the record from disk already: applying twice is harmless.
      applyRecord(current.doc, record);
      this.state = {
        ...current,
        journal: { id: fileId(info), stamp: stampOf(info), end: journal.end + encoded.length, torn: 0, nextIndex: journal.nextIndex + 1 },
      };
    } finally {
      await file.close();
    }
  }

  private async newKey(): Promise<{ header: SnapshotHeader; key: Buffer }> {
    const storeId = randomBytes(8).toString('hex');
    const created = await createStoreKey(storeId, this.ctx);
    return { header: { storeId, keySource: created.source, keyId: keyFingerprint(created.key), generation: 0 }, key: created.key };
  }

  /** The key of another environment's store in this project, so one key opens them all. */
  private async siblingKey(): Promise<{ header: SnapshotHeader; key: Buffer } | null> {
    for (const namespace of localNamespaces(this.root)) {
      if (namespace === this.namespace) continue;
      const file = storeFiles(namespace).snapshot;
      const raw = readWithStamp(join(this.root, file), file);
      if (!raw) continue;
      const { header } = parseSnapshot(raw.raw, file);
      return { header: { ...header, generation: 0 }, key: await this.keyFor(header) };
    }
    return null;
  }

  /** A new snapshot, then an empty journal that continues it. Either crash point is safe: a
   *  journal older than the snapshot is ignored (its changes are in the snapshot). */
  private async writeSnapshot(header: SnapshotHeader, key: Buffer, doc: Doc): Promise<void> {
    await removeLeftoverTemps(this.snapshotPath);
    await removeLeftoverTemps(this.journalPath);
    const snapshot = encodeSnapshot(header, key, doc, this.namespace);
    await writeFileAtomic(this.snapshotPath, snapshot);
    const journalHeader = encodeJournalHeader(key, header.storeId, header.generation);
    await writeFileAtomic(this.journalPath, journalHeader);
    this.keys.set(header.storeId, key);
    const journal = statSync(this.journalPath);
    this.state = {
      version: FORMAT_VERSION,
      header,
      key,
      doc,
      snapshotStamp: stampOf(statSync(this.snapshotPath)),
      snapshotBytes: snapshot.length,
      journal: { id: fileId(journal), stamp: stampOf(journal), end: journalHeader.length, torn: 0, nextIndex: 0 },
    };
  }

  /** Runs `work` holding the store's lock; `work` calls `held()` right before it writes. */
  private async withLock<T>(work: (held: () => void) => Promise<T>): Promise<T> {
    if (!existsSync(join(this.dir, '.gitignore'))) await ensurePxDir(this.root);
    let compromised: Error | undefined;
    // Loaded on the first write only: reads need no lock (snapshots are replaced by rename, and
    // a record being appended is not yet complete, so readers skip it).
    const { default: lockfile } = await import('proper-lockfile');
    const release = await lockfile.lock(this.dir, {
      lockfilePath: join(this.dir, 'store.lock'),
      stale: 5000,
      retries: { retries: 1000, minTimeout: 2, maxTimeout: 50, factor: 1.3, randomize: true },
      onCompromised: (error) => {
        compromised = error;
      },
    });
    const held = (): void => {
      // Another process took the lock over (this one stalled past the stale time): writing now could lose its change.
      if (compromised) throw new UsageError('Lost the lock on the local store (px was stalled for seconds); nothing was written. Try again.');
    };
    try {
      const result = await work(held);
      if (compromised) throw new UsageError('Lost the lock on the local store while writing; the change may not be saved. Check with `px secret list` and try again.');
      return result;
    } finally {
      await release().catch(() => undefined);
    }
  }

  /**
   * The current state, or null when there is no store yet. Cheap when nothing changed (two stats);
   * otherwise one refresh at a time, so records are applied once and in order.
   */
  private read(): Promise<State | null> {
    if (!this.refreshing && this.state && this.unchanged(this.state)) return Promise.resolve(this.state);
    const next = (this.refreshing ?? Promise.resolve()).then(() => this.refresh());
    const settled: Promise<void> = next.then(
      () => undefined,
      () => undefined,
    );
    this.refreshing = settled;
    void settled.then(() => {
      if (this.refreshing === settled) this.refreshing = undefined;
    });
    return next;
  }

  private unchanged(state: State): boolean {
    const snapshot = statOrNull(this.snapshotPath);
    const journal = statOrNull(this.journalPath);
    if (!snapshot || stampOf(snapshot) !== state.snapshotStamp) return false;
    return state.journal === null ? journal === null : journal !== null && stampOf(journal) === state.journal.stamp;
  }

  private async refresh(): Promise<State | null> {
    const state = this.state;
    if (state) {
      const snapshot = statOrNull(this.snapshotPath);
      const journal = statOrNull(this.journalPath);
      if (snapshot && stampOf(snapshot) === state.snapshotStamp) {
        if (state.journal === null ? journal === null : journal !== null && stampOf(journal) === state.journal.stamp) return state;
        // The same journal file, grown: read just the new records.
        if (journal && state.journal && fileId(journal) === state.journal.id && journal.size >= state.journal.end) {
          return this.readNewRecords(state);
        }
      }
    }
    return this.reload();
  }

  private readNewRecords(state: State): State {
    const journal = state.journal!;
    const fd = openReadOnly(this.journalPath, this.files.journal);
    try {
      const info = fstatSync(fd);
      assertOwnFile(info, this.files.journal);
      const raw = Buffer.alloc(Math.max(0, info.size - journal.end));
      for (let done = 0; done < raw.length; ) {
        const got = readSync(fd, raw, done, raw.length - done, journal.end + done);
        if (got === 0) break;
        done += got;
      }
      const read = readRecords(raw, 0, journal.nextIndex, state.key, this.journalOf(state.version, state.header));
      for (const record of read.records) applyRecord(state.doc, record);
      state.journal = { ...journal, stamp: stampOf(info), end: journal.end + read.end, torn: read.torn, nextIndex: journal.nextIndex + read.records.length };
      return state;
    } finally {
      closeSync(fd);
    }
  }

  /** Reads the snapshot and the journal afresh. Retries when a writer replaced them in between. */
  private async reload(): Promise<State | null> {
    let previousStamp: string | undefined;
    for (let attempt = 0; attempt < 20; attempt++) {
      const snapshot = readWithStamp(this.snapshotPath, this.files.snapshot);
      if (!snapshot) {
        this.state = undefined;
        return null;
      }
      const sealed = parseSnapshot(snapshot.raw, this.files.snapshot);
      const key = await this.keyFor(sealed.header);
      const doc = decryptSnapshot(sealed, key, this.files.snapshot, this.namespace);
      const base = { version: sealed.version, header: sealed.header, key, doc, snapshotStamp: snapshot.stamp, snapshotBytes: snapshot.raw.length };
      const journal = readWithStamp(this.journalPath, this.files.journal);
      if (!journal) return (this.state = { ...base, journal: null });
      const journalHeader = parseJournalHeader(journal.raw, this.files.journal);
      if (journalHeader.storeId !== sealed.header.storeId) throw journalDamaged(this.files.journal, 'it belongs to another store');
      // Verified before its generation is believed: a flipped bit there would otherwise make px
      // skip every record as "older than the snapshot", and the next write erase them.
      try {
        verifyJournalHeader(journalHeader, key, this.files.journal);
      } catch (error) {
        // Under another key: a rotation replaced the snapshot after we read it (read again), or
        // was killed between its two renames, which leaves a journal without records (rotateKey):
        // it holds nothing to lose, and the next write replaces it.
        const now = statOrNull(this.snapshotPath);
        if (!now || stampOf(now) !== snapshot.stamp) continue;
        if (journal.raw.length === journalHeader.start) return (this.state = { ...base, journal: null });
        throw error;
      }
      // Only a journal left from before an upgrade's snapshot may be in another format.
      if (journalHeader.version < sealed.version && journalHeader.generation >= sealed.header.generation) {
        throw journalDamaged(this.files.journal, "its format does not match the snapshot's");
      }
      if (journalHeader.generation > sealed.header.generation) {
        // A writer replaced the snapshot after we read it; if not, the snapshot is older than
        // its journal (restored from a backup without it?) and changes would be lost.
        if (previousStamp === snapshot.stamp) throw damaged(this.files.snapshot, 'it is older than its journal (restored from a backup?)');
        previousStamp = snapshot.stamp;
        continue;
      }
      if (journalHeader.generation < sealed.header.generation) return (this.state = { ...base, journal: null });
      if (journalHeader.version !== sealed.version) throw journalDamaged(this.files.journal, "its format does not match the snapshot's");
      const read = readRecords(journal.raw, journalHeader.start, 0, key, this.journalOf(sealed.version, sealed.header));
      for (const record of read.records) applyRecord(doc, record);
      return (this.state = { ...base, journal: { id: journal.id, stamp: journal.stamp, end: read.end, torn: read.torn, nextIndex: read.records.length } });
    }
    throw new UsageError('The local store (.px) kept changing while px read it; try again.');
  }

  private journalOf(version: number, header: SnapshotHeader): JournalOf {
    return { version, storeId: header.storeId, generation: header.generation, file: this.files.journal, namespace: this.namespace };
  }

  private async keyFor(header: SnapshotHeader): Promise<Buffer> {
    let key = this.keys.get(header.storeId);
    if (!key || keyFingerprint(key) !== header.keyId) {
      key = await loadStoreKey(header.storeId, header.keySource, this.ctx, header.keyId);
      if (keyFingerprint(key) !== header.keyId) {
        throw new AuthRejected(`The key for the local store (.px) from ${describeSource(header.keySource)} is not the one it was encrypted with: restore the right key, or move .px/ away to start over.`);
      }
      this.keys.set(header.storeId, key);
    }
    return key;
  }
}

/** A file's bytes and the stamp of exactly those bytes (fstat on the same descriptor). */
function readWithStamp(path: string, shown: string): { raw: Buffer; stamp: string; id: string } | null {
  const file = readOwnFile(path, shown);
  return file && { raw: file.raw, stamp: stampOf(file.info), id: fileId(file.info) };
}

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
