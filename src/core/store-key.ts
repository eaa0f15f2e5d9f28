// The local store's 32-byte key: in the OS keychain when one is reachable, else PX_STORE_KEY,
// else a 0600 key file in the user's config directory (README "Files").
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { AuthRejected, UsageError } from './errors.js';
import { firstFound, keychainUnreachableReason, type Keychain } from './keychain.js';
import { fsPromises } from './lazy-fs.js';

export type KeySource = 'keychain' | 'env' | 'file';

export const STORE_KEY_SERVICE = 'px';
/** A store id is 8 random bytes in hex, made by px. It names the keychain entry and the key file,
 *  so one from a header is checked against this before it names anything: never a path. */
export const STORE_ID_PATTERN = /^[0-9a-f]{16}$/;
const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;
export const storeKeyAccount = (storeId: string): string => `store-key:${checkedId(storeId)}`;

function checkedId(storeId: string, pattern = STORE_ID_PATTERN): string {
  if (!pattern.test(storeId)) throw new UsageError('The local store (.px) names a store id that px does not generate: move .px/ away and try again.');
  return storeId;
}
/** A key made by `px store rotate-key` is kept under its own id, beside the one it replaces. */
export const rotatedKeyAccount = (storeId: string, keyId: string): string => `store-key:${checkedId(storeId)}:${checkedId(keyId, KEY_ID_PATTERN)}`;
export const keyFilePath = (env: NodeJS.ProcessEnv, storeId: string, keyId?: string): string =>
  join(keyFileDir(env), keyId ? `${checkedId(storeId)}.${checkedId(keyId, KEY_ID_PATTERN)}.key` : `${checkedId(storeId)}.key`);

/** A short fingerprint stored next to the ciphertext to tell "wrong key" from "damaged file". */
export const keyFingerprint = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 16);

/** Throws unless `key` has the fingerprint `keyId` that a store's header gives its key. */
export function assertKeyId(key: Buffer, keyId: string, source: KeySource): void {
  if (keyFingerprint(key) === keyId) return;
  const from = source === 'env' ? 'PX_STORE_KEY' : source === 'keychain' ? 'the OS keychain' : 'its key file';
  throw new AuthRejected(`The key for the local store (.px) from ${from} is not the one it was encrypted with: restore the right key, or move .px/ away to start over.`);
}

/** $XDG_CONFIG_HOME/px/store-keys (XDG_CONFIG_HOME defaults to ~/.config on every platform). */
export function keyFileDir(env: NodeJS.ProcessEnv): string {
  const config = env.XDG_CONFIG_HOME || join(env.HOME || process.getBuiltinModule('node:os').homedir(), '.config');
  return join(config, 'px', 'store-keys');
}

export function parseEnvKey(raw: string): Buffer {
  const text = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(text) && key.toString('base64').replace(/=+$/, '') !== text.replace(/=+$/, ''))) {
    throw new UsageError('PX_STORE_KEY must be 32 bytes as 64 hex characters or base64: make one with `openssl rand -hex 32`.');
  }
  return key;
}

/** PX_STORE_KEY: one key, or a ring `NEW,OLD` while a store is rotated to NEW. */
export function envKeys(env: NodeJS.ProcessEnv): Buffer[] {
  return (env.PX_STORE_KEY ?? '').split(/[\s,]+/).filter(Boolean).map(parseEnvKey);
}

export interface KeyContext {
  env: NodeJS.ProcessEnv;
  keychain: Keychain;
  warn: (line: string) => void;
}

/** A key for a new store, saved where it will be found again. */
export async function createStoreKey(storeId: string, ctx: KeyContext): Promise<{ key: Buffer; source: KeySource }> {
  if (keychainUnreachableReason(ctx.env) === null) {
    const key = randomBytes(32);
    try {
      await ctx.keychain.set(STORE_KEY_SERVICE, storeKeyAccount(storeId), key.toString('hex'));
      return { key, source: 'keychain' };
    } catch {
      // A keychain that is there but refuses (locked, no Secret Service): use the next source.
    }
  }
  if (ctx.env.PX_STORE_KEY) return { key: envKeys(ctx.env)[0]!, source: 'env' };
  const key = randomBytes(32);
  const dir = keyFileDir(ctx.env);
  await fsPromises().mkdir(dir, { recursive: true, mode: 0o700 });
  const path = keyFilePath(ctx.env, storeId);
  await writeFileAtomic(path, `${key.toString('hex')}\n`);
  ctx.warn(`no OS keychain and no PX_STORE_KEY: the local store's key is in ${path} (mode 0600). Anyone who can read that file and .px/ can read your secrets.`);
  return { key, source: 'file' };
}

/**
 * The key of an existing store, from the source its header names. PX_STORE_KEY also opens a store
 * whose key lives in the keychain or a key file when it is that same key (`keyId` matches): the
 * way to reach a desktop-made store over SSH or in a container, where there is no keychain.
 */
export async function loadStoreKey(storeId: string, source: KeySource, ctx: KeyContext, keyId?: string): Promise<Buffer> {
  if (source === 'env') {
    if (!ctx.env.PX_STORE_KEY) throw new AuthRejected('The local store (.px) was encrypted with PX_STORE_KEY, which is not set: set it to the same key.');
    const keys = envKeys(ctx.env);
    return (keyId !== undefined ? keys.find((key) => keyFingerprint(key) === keyId) : undefined) ?? keys[0]!;
  }
  const overrides = ctx.env.PX_STORE_KEY ? envKeys(ctx.env) : [];
  const match = keyId !== undefined ? overrides.find((key) => keyFingerprint(key) === keyId) : undefined;
  if (match) return match;
  const override = overrides[0];
  const unlike = override ? ' (PX_STORE_KEY is set, but to another key)' : '';
  if (source === 'keychain') {
    const account = storeKeyAccount(storeId);
    let hex: string | undefined;
    try {
      // The key of a rotation first, then the store's own: asked together (one round trip on the desktop path).
      hex = (await firstFound(ctx.keychain, STORE_KEY_SERVICE, keyId !== undefined ? [rotatedKeyAccount(storeId, keyId), account] : [account]))?.value;
    } catch (error) {
      if (!(error instanceof AuthRejected)) throw error;
      throw new AuthRejected(
        `The local store (.px) is encrypted with a key kept in the OS keychain (service ${STORE_KEY_SERVICE}, account ${account}), which px cannot reach here${unlike}: run px where the keychain is, or set PX_STORE_KEY to that key (README: "The local store's key"). ${error.message}`,
        { cause: error },
      );
    }
    if (!hex) throw new AuthRejected(`The key of the local store (.px) is not in the OS keychain (entry ${account})${unlike}: restore it, or move .px/ away to start a new store.`);
    if (override) ctx.warn("PX_STORE_KEY is set but is not this store's key: using the key from the OS keychain.");
    return Buffer.from(hex.trim(), 'hex');
  }
  const rotated = keyId !== undefined ? keyFilePath(ctx.env, storeId, keyId) : undefined;
  const path = rotated && existsSync(rotated) ? rotated : keyFilePath(ctx.env, storeId);
  const text = readKeyFile(path);
  if (text === null) throw new AuthRejected(`The key file of the local store (.px) is missing: ${path}${unlike}. Restore it, or move .px/ away to start a new store.`);
  const key = Buffer.from(text.trim(), 'hex');
  if (override) ctx.warn(`PX_STORE_KEY is set but is not this store's key: using the key file ${path}.`);
  return key;
}

/** The key file's text, or null when it is missing. One that others own or can write is not the
 *  user's key (whoever can replace it chooses the key), so it is refused. Read synchronously, as
 *  the store's own files are: one small file, on the start-up path of every local command. */
function readKeyFile(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const info = fstatSync(fd);
    const uid = process.getuid?.();
    if (process.platform !== 'win32' && ((uid !== undefined && info.uid !== uid) || (info.mode & 0o022) !== 0)) {
      throw new UsageError(`The key file ${path} is owned or writable by another user: px uses only a key that is yours alone. Make it yours with mode 0600, or move it away.`);
    }
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
