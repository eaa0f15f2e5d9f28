// The on-disk format of the local store: a snapshot (`secrets.enc`, replaced atomically) and a
// journal (`secrets.journal`, appended to) of changes made since that snapshot. Both are sealed
// with AES-256-GCM; the authenticated data binds each piece to its store, its snapshot generation
// and, for journal records, its position, so pieces cannot be swapped, reordered or replayed.
// Since format 3 the journal's header and each record's length carry a MAC too, so that a flipped
// bit there is damage that is reported, not a reason to skip records (see readRecords).
import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { framingMac } from './store-framing.js';
import { UsageError } from './errors.js';
import { STORE_ID_PATTERN, type KeySource } from './store-key.js';
import { secretOfRow, snapshotRow, withNewVersion, type ChangeBy, type SnapshotRow, type Versioned } from './secret-versions.js';

export const SNAPSHOT_FORMAT = 'px-local-store';
export const JOURNAL_FORMAT = 'px-local-journal';
/** The format this px writes. It reads every version in READABLE_VERSIONS; a store in an older
 *  one is rewritten in this one by its next write. */
export const FORMAT_VERSION = 3;
const READABLE_VERSIONS: ReadonlySet<number> = new Set([2, 3]);
const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Every journal record starts with its length (4 bytes, big-endian), then (format 3) a 4-byte
 *  MAC of that length, then iv, tag, ciphertext. */
const LENGTH_BYTES = 4;
const LENGTH_MAC_BYTES = 4;

/** A stored secret: its value, times and (secret-versions.ts) its version and earlier values. */
export type Secret = Versioned;
export type Doc = Map<string, Secret>;

/** A put carries the version it makes (so applying it twice is harmless), who made it and, for a
 *  rollback, the version it restores; puts from before history have three fields. */
export type PutInfo = ChangeBy & { v: number };
export type Op = ['put', string, string] | ['put', string, string, PutInfo] | ['delete', string];
export interface JournalRecord {
  at: string;
  ops: Op[];
}

export interface SnapshotHeader {
  storeId: string;
  keySource: KeySource;
  /** Fingerprint of the key, to tell "wrong key" from "damaged file". */
  keyId: string;
  /** Bumped by every snapshot; the journal names the generation it continues. */
  generation: number;
}

export const damaged = (file: string, why: string): UsageError =>
  new UsageError(`The local store (${file}) is damaged: ${why}. Nothing was read. Restore .px/ from a backup, or move it away to start over.`);

/** Damage in the journal: the snapshot before it is intact, which gives the user a way out. */
export const journalDamaged = (file: string, why: string): UsageError =>
  new UsageError(
    `The local store's journal (${file}) is damaged: ${why}. Nothing was read or changed. Restore .px/ from a backup, or move ${file} away to open the store as of its last snapshot (the changes saved after it are lost).`,
  );

/** The environment of a store file without a namespace in its name (`secrets.enc`). */
export const DEFAULT_NAMESPACE = 'development';

// The environment namespace is bound too, so one environment's file cannot stand in for another's.
// `development` (the only namespace before environments existed) adds nothing: stores made before
// then read unchanged.
const namespaced = (parts: unknown[], namespace: string | undefined): Buffer =>
  Buffer.from(JSON.stringify(namespace === undefined || namespace === DEFAULT_NAMESPACE ? parts : [...parts, namespace]));
const snapshotAad = (version: number, h: SnapshotHeader, namespace?: string): Buffer =>
  namespaced([SNAPSHOT_FORMAT, version, h.storeId, h.keySource, h.keyId, h.generation], namespace);
const recordAad = (version: number, storeId: string, generation: number, index: number, namespace?: string): Buffer =>
  namespaced([JOURNAL_FORMAT, version, storeId, generation, index], namespace);

const sameBytes = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

function seal(key: Buffer, aad: Buffer, plain: Buffer): { iv: Buffer; tag: Buffer; body: Buffer } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), body };
}

/** The plaintext, or null when the tag does not verify. */
function open(key: Buffer, aad: Buffer, iv: Buffer, tag: Buffer, body: Buffer): Buffer | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return null;
  }
}

// ── snapshot ──────────────────────────────────────────────────────────────────────────────

export function encodeSnapshot(header: SnapshotHeader, key: Buffer, doc: Doc, namespace?: string): Buffer {
  const rows = [...doc].map(([name, s]) => snapshotRow(name, s));
  const { iv, tag, body } = seal(key, snapshotAad(FORMAT_VERSION, header, namespace), Buffer.from(JSON.stringify(rows), 'utf8'));
  const line = JSON.stringify({ format: SNAPSHOT_FORMAT, version: FORMAT_VERSION, ...header, iv: iv.toString('base64'), tag: tag.toString('base64') });
  return Buffer.concat([Buffer.from(`${line}\n`), body]);
}

export interface SealedSnapshot {
  /** The format version it was written in. */
  version: number;
  header: SnapshotHeader;
  iv: Buffer;
  tag: Buffer;
  body: Buffer;
}

/**
 * Reads the plaintext header; the contents stay sealed until the key is known. The header only
 * picks which of the user's own keys to try (its fields are authenticated with the contents):
 * a store id that is not one px makes is refused before any key is looked up, since it names the
 * keychain entry and the key file.
 */
export function parseSnapshot(raw: Buffer, file: string): SealedSnapshot {
  const newline = raw.indexOf(0x0a);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(raw.subarray(0, newline < 0 ? raw.length : newline).toString('utf8'));
  } catch {
    throw damaged(file, 'its header is unreadable');
  }
  if (parsed?.format !== SNAPSHOT_FORMAT) throw damaged(file, 'it is not a px store');
  const version = parsed.version;
  if (typeof version !== 'number' || !READABLE_VERSIONS.has(version)) {
    throw new UsageError(`The local store (${file}) has format version ${String(version)}, which this px cannot read: update px.`);
  }
  const { storeId, keySource, keyId, generation, iv, tag } = parsed;
  if (typeof storeId !== 'string' || !STORE_ID_PATTERN.test(storeId)) throw damaged(file, 'its store id is not one px generates (a store px did not make?)');
  const valid =
    newline >= 0 &&
    (keySource === 'keychain' || keySource === 'env' || keySource === 'file') &&
    typeof keyId === 'string' &&
    KEY_ID_PATTERN.test(keyId) &&
    Number.isSafeInteger(generation) &&
    (generation as number) >= 0 &&
    typeof iv === 'string' &&
    typeof tag === 'string';
  if (!valid) throw damaged(file, 'its header is incomplete');
  return {
    version,
    header: { storeId, keySource, keyId, generation: generation as number },
    iv: Buffer.from(iv, 'base64'),
    tag: Buffer.from(tag, 'base64'),
    body: raw.subarray(newline + 1),
  };
}

export function decryptSnapshot(sealed: SealedSnapshot, key: Buffer, file: string, namespace?: string): Doc {
  const plain = open(key, snapshotAad(sealed.version, sealed.header, namespace), sealed.iv, sealed.tag, sealed.body);
  if (!plain) throw damaged(file, 'its contents fail the integrity check');
  const rows = JSON.parse(plain.toString('utf8')) as SnapshotRow[];
  return new Map(rows.map(secretOfRow));
}

// ── journal ───────────────────────────────────────────────────────────────────────────────

const headerParts = (version: number, storeId: string, generation: number): unknown[] => [JOURNAL_FORMAT, version, storeId, generation];

export function encodeJournalHeader(key: Buffer, storeId: string, generation: number): Buffer {
  const mac = framingMac(key, headerParts(FORMAT_VERSION, storeId, generation)).toString('base64');
  return Buffer.from(`${JSON.stringify({ format: JOURNAL_FORMAT, version: FORMAT_VERSION, storeId, generation, mac })}\n`);
}

export interface JournalHeader {
  version: number;
  storeId: string;
  generation: number;
  /** Where its records start. */
  start: number;
  mac?: string;
}

/** The journal's header, as written; verifyJournalHeader checks it once the key is known. */
export function parseJournalHeader(raw: Buffer, file: string): JournalHeader {
  const newline = raw.indexOf(0x0a);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(raw.subarray(0, newline).toString('utf8'));
  } catch {
    throw journalDamaged(file, 'its header is unreadable');
  }
  const { version, storeId, generation, mac } = parsed ?? {};
  const valid =
    newline >= 0 &&
    parsed?.format === JOURNAL_FORMAT &&
    typeof version === 'number' &&
    READABLE_VERSIONS.has(version) &&
    typeof storeId === 'string' &&
    STORE_ID_PATTERN.test(storeId) &&
    Number.isSafeInteger(generation) &&
    (version < 3 || typeof mac === 'string');
  if (!valid) throw journalDamaged(file, 'its header is not a px journal header');
  return { version: version as number, storeId: storeId as string, generation: generation as number, start: newline + 1, ...(typeof mac === 'string' ? { mac } : {}) };
}

/** Throws unless the header was written with `key` (format 3; earlier ones carry no MAC). */
export function verifyJournalHeader(header: JournalHeader, key: Buffer, file: string): void {
  if (header.version < 3) return;
  const expected = framingMac(key, headerParts(header.version, header.storeId, header.generation));
  if (!sameBytes(Buffer.from(header.mac ?? '', 'base64'), expected)) throw journalDamaged(file, 'its header fails the integrity check');
}

const prefixBytes = (version: number): number => LENGTH_BYTES + (version >= 3 ? LENGTH_MAC_BYTES : 0);
const lengthMac = (key: Buffer, storeId: string, generation: number, index: number, length: number): Buffer =>
  framingMac(key, ['length', storeId, generation, index, length]).subarray(0, LENGTH_MAC_BYTES);

export function encodeRecord(key: Buffer, storeId: string, generation: number, index: number, record: JournalRecord, namespace?: string): Buffer {
  const { iv, tag, body } = seal(key, recordAad(FORMAT_VERSION, storeId, generation, index, namespace), Buffer.from(JSON.stringify(record), 'utf8'));
  const length = IV_BYTES + TAG_BYTES + body.length;
  const prefix = Buffer.alloc(LENGTH_BYTES);
  prefix.writeUInt32BE(length);
  return Buffer.concat([prefix, lengthMac(key, storeId, generation, index, length), iv, tag, body]);
}

export interface RecordsRead {
  records: JournalRecord[];
  /** Offset just past the last complete record. */
  end: number;
  /** Bytes after `end` that do not form a complete record: a write in progress or cut short. */
  torn: number;
}

/** Which journal the records are read from: the store it continues and its format. */
export interface JournalOf {
  version: number;
  storeId: string;
  generation: number;
  file: string;
  /** The environment whose file it is (default development). */
  namespace?: string;
}

/**
 * Decodes the records in raw[offset…], the first one having number `index`. Only an incomplete
 * last record is a torn tail (an append cut short by a crash, never acknowledged; or zero-filled,
 * as some file systems leave one): it is not part of the store. Anything else that fails to verify
 * is damage, reported without reading further, so no acknowledged write is skipped silently. In
 * format 3 a record's length carries its own MAC: a flipped length is damage, not a "tail".
 */
export function readRecords(raw: Buffer, offset: number, index: number, key: Buffer, journal: JournalOf): RecordsRead {
  const { version, storeId, generation, file, namespace } = journal;
  const prefix = prefixBytes(version);
  const records: JournalRecord[] = [];
  let at = offset;
  while (at < raw.length) {
    const number = index + records.length;
    if (raw.length - at < prefix) break;
    if (raw.subarray(at).every((byte) => byte === 0)) break;
    const length = raw.readUInt32BE(at);
    if (version >= 3 && !sameBytes(raw.subarray(at + LENGTH_BYTES, at + prefix), lengthMac(key, storeId, generation, number, length))) {
      throw journalDamaged(file, `record ${number + 1}'s length fails its integrity check`);
    }
    if (length < IV_BYTES + TAG_BYTES) throw journalDamaged(file, `record ${number + 1} has an impossible length`);
    const end = at + prefix + length;
    if (end > raw.length) break;
    const iv = raw.subarray(at + prefix, at + prefix + IV_BYTES);
    const tag = raw.subarray(at + prefix + IV_BYTES, at + prefix + IV_BYTES + TAG_BYTES);
    const plain = open(key, recordAad(version, storeId, generation, number, namespace), iv, tag, raw.subarray(at + prefix + IV_BYTES + TAG_BYTES, end));
    if (!plain) throw journalDamaged(file, `record ${number + 1} fails the integrity check`);
    records.push(JSON.parse(plain.toString('utf8')) as JournalRecord);
    at = end;
  }
  return { records, end: at, torn: raw.length - at };
}

export function applyRecord(doc: Doc, record: JournalRecord): void {
  for (const op of record.ops) {
    if (op[0] === 'delete') {
      doc.delete(op[1]);
      continue;
    }
    const [, name, value, info] = op;
    const previous = doc.get(name);
    const { v, ...change } = info ?? { v: previous ? (previous.version ?? 1) + 1 : 1 };
    doc.set(name, withNewVersion(previous, value, record.at, v, change));
  }
}
