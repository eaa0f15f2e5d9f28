// The keys a team server's values are encrypted under. The first key of the ring encrypts; every
// key of it decrypts, so a rotation can add a new key first and keep the old one until no value
// uses it. Where the ring comes from (README, "The team server's store key"):
//   PX_STORE_KEY       one key or several, separated by commas (64 hex characters or base64 each)
//   a key-ring file    PX_STORE_KEY_FILE, else <config>/px/store-keys/pg-<store id>.keys, one key
//                      per line; created 0600 on the first start over a database with no key yet
import { readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from '../atomic-file.js';
import { AuthRejected, UsageError } from '../errors.js';
import { keyFileDir, keyFingerprint, parseEnvKey } from '../store-key.js';

export interface StoreKey {
  /** The key's fingerprint: stored beside each value, never the key itself. */
  id: string;
  key: Buffer;
}

export const storeKey = (key: Buffer): StoreKey => ({ id: keyFingerprint(key), key });

export type RingSource = { kind: 'env' } | { kind: 'file'; path: string };

export class KeyRing {
  private stamp: string | null;

  constructor(
    private keys: StoreKey[],
    readonly source: RingSource,
  ) {
    if (keys.length === 0) throw new UsageError('A store key ring needs at least one key.');
    this.stamp = this.fileStamp();
  }

  get current(): StoreKey {
    return this.keys[0]!;
  }

  get ids(): string[] {
    return this.keys.map((key) => key.id);
  }

  byId(id: string): StoreKey | undefined {
    return this.keys.find((key) => key.id === id);
  }

  /** Re-reads a key-ring file that changed on disk (a rotation by another process); true if it did. */
  reload(): boolean {
    if (this.source.kind !== 'file') return false;
    const stamp = this.fileStamp();
    if (stamp === this.stamp) return false;
    this.keys = readRingFile(this.source.path);
    this.stamp = stamp;
    return true;
  }

  /** Where the keys are, in words for messages (never a key). */
  describe(): string {
    return this.source.kind === 'env' ? 'PX_STORE_KEY' : `the key file ${this.source.path}`;
  }

  private fileStamp(): string | null {
    if (this.source.kind !== 'file') return null;
    try {
      const info = statSync(this.source.path);
      return `${info.ino}:${info.size}:${info.mtimeMs}`;
    } catch {
      return null;
    }
  }
}

/** PX_STORE_KEY as a ring: `NEW,OLD` (or one key). */
export function parseKeyList(text: string): StoreKey[] {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) throw new UsageError('PX_STORE_KEY is empty: make a key with `openssl rand -hex 32`.');
  return parts.map((part) => storeKey(parseEnvKey(part)));
}

function readRingFile(path: string): StoreKey[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AuthRejected(`Cannot read the store's key file ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}).`);
  }
  try {
    return parseKeyList(text.replace(/#[^\n]*/g, ''));
  } catch {
    throw new AuthRejected(`The store's key file ${path} does not hold keys (one per line, 64 hex characters each).`);
  }
}

export const ringFileText = (keys: StoreKey[]): string =>
  `# px store keys: the first encrypts, every one decrypts. Keep this file secret.\n${keys.map((key) => key.key.toString('hex')).join('\n')}\n`;

export async function writeRingFile(path: string, keys: StoreKey[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, ringFileText(keys));
}

export const defaultRingPath = (env: NodeJS.ProcessEnv, storeId: string): string => env.PX_STORE_KEY_FILE || join(keyFileDir(env), `pg-${storeId}.keys`);

/**
 * The ring for a database whose px id is `storeId`. `mayCreate`: the database holds no key yet, so
 * a missing key file is made (and said where). Otherwise a missing key is an error: another
 * instance already encrypts under a key this one must share.
 */
export async function loadKeyRing(env: NodeJS.ProcessEnv, storeId: string, mayCreate: boolean, warn: (line: string) => void): Promise<KeyRing> {
  if (env.PX_STORE_KEY) return new KeyRing(parseKeyList(env.PX_STORE_KEY), { kind: 'env' });
  const path = defaultRingPath(env, storeId);
  let exists = true;
  try {
    statSync(path);
  } catch {
    exists = false;
  }
  if (!exists) {
    if (!mayCreate) {
      throw new AuthRejected(
        `This database's values are encrypted under a store key that this server does not have (no PX_STORE_KEY, no key file ${path}): give every instance the same key (README: "The team server's store key").`,
      );
    }
    await writeRingFile(path, [storeKey(randomBytes(32))]);
    warn(`created the store key in ${path} (mode 0600). Every px server on this database needs this key: set PX_STORE_KEY or PX_STORE_KEY_FILE on each one, and back it up — without it no value can be read.`);
  }
  return new KeyRing(readRingFile(path), { kind: 'file', path });
}
