// The on-disk format of the local store: a snapshot (`secrets.enc`, replaced atomically) and a
// journal (`secrets.journal`, appended to) of changes made since that snapshot. Both are sealed
// with AES-256-GCM; the authenticated data binds each piece to its store, its snapshot generation
// and, for journal records, its position, so pieces cannot be swapped, reordered or replayed.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { UsageError } from './errors.js';
import type { KeySource } from './store-key.js';

export const SNAPSHOT_FORMAT = 'px-local-store';
export const JOURNAL_FORMAT = 'px-local-journal';
const VERSION = 2;
/** The environment of a store file without a namespace in its name (`secrets.enc`). */
export const DEFAULT_NAMESPACE = 'development';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Every journal record starts with its length (4 bytes, big-endian), then iv, tag, ciphertext. */
const LENGTH_BYTES = 4;

export interface Secret {
  value: string;
  createdAt: string;
  updatedAt: string;
}
export type Doc = Map<string, Secret>;

export type Op = ['put', string, string] | ['delete', string];
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

// The environment namespace is bound too, so one environment's file cannot stand in for another's.
// `development` (the only namespace before environments existed) adds nothing: stores made before
// then read unchanged.
const namespaced = (parts: unknown[], namespace: string | undefined): Buffer =>
  Buffer.from(JSON.stringify(namespace === undefined || namespace === DEFAULT_NAMESPACE ? parts : [...parts, namespace]));
const snapshotAad = (h: SnapshotHeader, namespace?: string): Buffer => namespaced([SNAPSHOT_FORMAT, VERSION, h.storeId, h.keySource, h.keyId, h.generation], namespace);
const recordAad = (storeId: string, generation: number, index: number, namespace?: string): Buffer =>
  namespaced([JOURNAL_FORMAT, VERSION, storeId, generation, index], namespace);

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
  const rows = [...doc].map(([name, s]) => [name, s.value, s.createdAt, s.updatedAt]);
  const { iv, tag, body } = seal(key, snapshotAad(header, namespace), Buffer.from(JSON.stringify(rows), 'utf8'));
  const line = JSON.stringify({ format: SNAPSHOT_FORMAT, version: VERSION, ...header, iv: iv.toString('base64'), tag: tag.toString('base64') });
  return Buffer.concat([Buffer.from(`${line}\n`), body]);
}

export interface SealedSnapshot {
  header: SnapshotHeader;
  iv: Buffer;
  tag: Buffer;
  body: Buffer;
}

/** Reads the plaintext header; the contents stay sealed until the key is known. */
export function parseSnapshot(raw: Buffer, file: string): SealedSnapshot {
  const newline = raw.indexOf(0x0a);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(raw.subarray(0, newline < 0 ? raw.length : newline).toString('utf8'));
  } catch {
    throw damaged(file, 'its header is unreadable');
  }
  if (parsed?.format !== SNAPSHOT_FORMAT) throw damaged(file, 'it is not a px store');
  if (parsed.version !== VERSION) throw new UsageError(`The local store (${file}) has format version ${String(parsed.version)}, which this px cannot read: update px.`);
  const { storeId, keySource, keyId, generation, iv, tag } = parsed;
  const valid =
    newline >= 0 &&
    typeof storeId === 'string' &&
    (keySource === 'keychain' || keySource === 'env' || keySource === 'file') &&
    typeof keyId === 'string' &&
    Number.isSafeInteger(generation) &&
    typeof iv === 'string' &&
    typeof tag === 'string';
  if (!valid) throw damaged(file, 'its header is incomplete');
  return {
    header: { storeId, keySource, keyId, generation: generation as number },
    iv: Buffer.from(iv, 'base64'),
    tag: Buffer.from(tag, 'base64'),
    body: raw.subarray(newline + 1),
  };
}

export function decryptSnapshot(sealed: SealedSnapshot, key: Buffer, file: string, namespace?: string): Doc {
  const plain = open(key, snapshotAad(sealed.header, namespace), sealed.iv, sealed.tag, sealed.body);
  if (!plain) throw damaged(file, 'its contents fail the integrity check');
  const rows = JSON.parse(plain.toString('utf8')) as Array<[string, string, string, string]>;
  return new Map(rows.map(([name, value, createdAt, updatedAt]) => [name, { value, createdAt, updatedAt }]));
}

// ── journal ───────────────────────────────────────────────────────────────────────────────

export function encodeJournalHeader(storeId: string, generation: number): Buffer {
  return Buffer.from(`${JSON.stringify({ format: JOURNAL_FORMAT, version: VERSION, storeId, generation })}\n`);
}

/** The journal's header and where its records start. */
export function parseJournalHeader(raw: Buffer, file: string): { storeId: string; generation: number; start: number } {
  const newline = raw.indexOf(0x0a);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(raw.subarray(0, newline).toString('utf8'));
  } catch {
    throw damaged(file, 'its header is unreadable');
  }
  if (newline < 0 || parsed?.format !== JOURNAL_FORMAT || parsed.version !== VERSION || typeof parsed.storeId !== 'string' || !Number.isSafeInteger(parsed.generation)) {
    throw damaged(file, 'its header is not a px journal header');
  }
  return { storeId: parsed.storeId, generation: parsed.generation as number, start: newline + 1 };
}

export function encodeRecord(key: Buffer, storeId: string, generation: number, index: number, record: JournalRecord, namespace?: string): Buffer {
  const { iv, tag, body } = seal(key, recordAad(storeId, generation, index, namespace), Buffer.from(JSON.stringify(record), 'utf8'));
  const length = Buffer.alloc(LENGTH_BYTES);
  length.writeUInt32BE(IV_BYTES + TAG_BYTES + body.length);
  return Buffer.concat([length, iv, tag, body]);
}

export interface RecordsRead {
  records: JournalRecord[];
  /** Offset just past the last complete record. */
  end: number;
  /** Bytes after `end` that do not form a complete record: a write in progress or cut short. */
  torn: number;
}

/**
 * Decodes the records in raw[offset…], the first one having number `index`. A last record that is
 * cut short (or zero-filled, as some file systems leave an interrupted append) was never
 * acknowledged and is not part of the store; any complete record that fails to verify is damage.
 */
export function readRecords(raw: Buffer, offset: number, index: number, key: Buffer, storeId: string, generation: number, file: string, namespace?: string): RecordsRead {
  const records: JournalRecord[] = [];
  let at = offset;
  while (at < raw.length) {
    if (raw.length - at < LENGTH_BYTES) break;
    const length = raw.readUInt32BE(at);
    const end = at + LENGTH_BYTES + length;
    if (length === 0 && raw.subarray(at).every((byte) => byte === 0)) break;
    if (length < IV_BYTES + TAG_BYTES) throw damaged(file, `record ${index + records.length + 1} has an impossible length`);
    if (end > raw.length) break;
    const iv = raw.subarray(at + LENGTH_BYTES, at + LENGTH_BYTES + IV_BYTES);
    const tag = raw.subarray(at + LENGTH_BYTES + IV_BYTES, at + LENGTH_BYTES + IV_BYTES + TAG_BYTES);
    const plain = open(key, recordAad(storeId, generation, index + records.length, namespace), iv, tag, raw.subarray(at + LENGTH_BYTES + IV_BYTES + TAG_BYTES, end));
    if (!plain) throw damaged(file, `record ${index + records.length + 1} fails the integrity check`);
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
    const [, name, value] = op;
    doc.set(name, { value, createdAt: doc.get(name)?.createdAt ?? record.at, updatedAt: record.at });
  }
}
