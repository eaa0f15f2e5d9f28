// The files of one environment of the local store (format: store-format.ts): what this process
// knows of them (State), reading them afresh or just the journal's new records, and writing a
// record or a new snapshot. Writers call commit() and writeSnapshot() holding the store's lock
// (local-store-paths.ts); LocalStore (local-store.ts) batches the changes and plans them.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, readSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { removeLeftoverTemps, writeFileAtomic } from './atomic-file.js';
import { UsageError } from './errors.js';
import { localNamespaces, statOrNull, storeFiles } from './local-store-paths.js';
import { assertOwnFile, openOwnFile, openReadOnly, readOwnFile } from './px-dir.js';
import { KnownKeys } from './local-store-keys.js';
import { assertKeyId, createStoreKey, keyFingerprint, type KeyContext } from './store-key.js';
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
  type Doc,
  type JournalOf,
  type JournalRecord,
  type SnapshotHeader,
} from './store-format.js';

/** The journal is folded into a new snapshot once it is larger than this and than the snapshot. */
const MIN_COMPACT_BYTES = 64 * 1024;

/** What this process knows of the store, and where on disk that knowledge ends. */
export interface State {
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

const stampOf = (info: Stats): string => `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
const fileId = (info: Stats): string => `${info.dev}:${info.ino}`;

/** A file's bytes and the stamp of exactly those bytes (fstat on the same descriptor). */
function readWithStamp(path: string, shown: string): { raw: Buffer; stamp: string; id: string } | null {
  const file = readOwnFile(path, shown);
  return file && { raw: file.raw, stamp: stampOf(file.info), id: fileId(file.info) };
}

export class StoreFiles {
  /** The snapshot and journal, relative to root (for messages). */
  readonly files: { snapshot: string; journal: string };
  readonly snapshotPath: string;
  readonly journalPath: string;
  /** What this process last read or wrote; undefined: read afresh next time. */
  state?: State;
  private readonly keys: KnownKeys;
  private refreshing?: Promise<void>;

  constructor(
    readonly root: string,
    private readonly ctx: KeyContext,
    /** The environment these files hold. */
    readonly namespace: string,
  ) {
    this.keys = new KnownKeys(ctx);
    this.files = storeFiles(namespace);
    this.snapshotPath = join(root, this.files.snapshot);
    this.journalPath = join(root, this.files.journal);
  }

  /** After a failed write: what is on disk is read afresh. */
  forget(): void {
    this.state = undefined;
  }

  /** Makes `record` durable, then part of the cached state. Called under the lock. */
  async commit(current: State | null, record: JournalRecord): Promise<void> {
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
      return { header: { ...header, generation: 0 }, key: await this.keys.checked(header) };
    }
    return null;
  }

  /** A new snapshot, then an empty journal that continues it. Either crash point is safe: a
   *  journal older than the snapshot is ignored (its changes are in the snapshot). */
  async writeSnapshot(header: SnapshotHeader, key: Buffer, doc: Doc): Promise<void> {
    await removeLeftoverTemps(this.snapshotPath);
    await removeLeftoverTemps(this.journalPath);
    const snapshot = encodeSnapshot(header, key, doc, this.namespace);
    await writeFileAtomic(this.snapshotPath, snapshot);
    const journalHeader = encodeJournalHeader(key, header.storeId, header.generation);
    await writeFileAtomic(this.journalPath, journalHeader);
    this.keys.remember(header, key);
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

  /**
   * The current state, or null when there is no store yet. Cheap when nothing changed (two stats);
   * otherwise one refresh at a time, so records are applied once and in order.
   */
  read(): Promise<State | null> {
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
      // The key's fingerprint only tells a wrong key from damage, so it is computed only when the
      // contents do not open: opening proves the key (the header, key id included, is authenticated).
      const key = await this.keys.unchecked(sealed.header);
      let doc: Doc;
      try {
        doc = decryptSnapshot(sealed, key, this.files.snapshot, this.namespace);
      } catch (error) {
        assertKeyId(key, sealed.header.keyId, sealed.header.keySource);
        throw error;
      }
      this.keys.remember(sealed.header, key);
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
}
