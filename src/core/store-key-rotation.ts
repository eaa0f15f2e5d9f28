// Keys for `px store rotate-key` on the local store. The new key is saved beside the old one, in
// the same kind of place, before the store is rewritten under it; the old one is removed only
// after the rewrite, so a crash at any moment leaves the key the store on disk needs.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file.js';
import { UsageError } from './errors.js';
import { fsPromises } from './lazy-fs.js';
import {
  envKeys,
  keyFileDir,
  keyFilePath,
  keyFingerprint,
  rotatedKeyAccount,
  STORE_KEY_SERVICE,
  storeKeyAccount,
  type KeyContext,
  type KeySource,
} from './store-key.js';

export async function createRotatedKey(storeId: string, source: KeySource, currentKeyId: string, ctx: KeyContext): Promise<Buffer> {
  if (source === 'env') {
    const first = envKeys(ctx.env)[0];
    if (!first || keyFingerprint(first) === currentKeyId) {
      throw new UsageError('The local store is encrypted with PX_STORE_KEY: put a new key first (PX_STORE_KEY="$(openssl rand -hex 32),$PX_STORE_KEY") and run rotate-key again.');
    }
    return first;
  }
  const key = randomBytes(32);
  const keyId = keyFingerprint(key);
  if (source === 'keychain') {
    await ctx.keychain.set(STORE_KEY_SERVICE, rotatedKeyAccount(storeId, keyId), key.toString('hex'));
  } else {
    await fsPromises().mkdir(keyFileDir(ctx.env), { recursive: true, mode: 0o700 });
    await writeFileAtomic(keyFilePath(ctx.env, storeId, keyId), `${key.toString('hex')}\n`);
  }
  return key;
}

/**
 * Removes every key of `storeId` but `currentKeyId` (the one it replaced, and any a killed
 * rotation made but never used); says what became of the old one.
 */
export async function forgetKey(storeId: string, source: KeySource, keyId: string, ctx: KeyContext, currentKeyId: string): Promise<string> {
  if (source === 'env') return 'remove the old key from PX_STORE_KEY';
  if (source === 'keychain') {
    const prefix = `${storeKeyAccount(storeId)}:`;
    for (const account of await ctx.keychain.accounts(STORE_KEY_SERVICE)) {
      if (account.startsWith(prefix) && account !== rotatedKeyAccount(storeId, currentKeyId)) await ctx.keychain.delete(STORE_KEY_SERVICE, account);
    }
  } else {
    const orphan = new RegExp(`^${storeId}\\.([0-9a-f]{16})\\.key$`);
    for (const name of await fsPromises().readdir(keyFileDir(ctx.env)).catch(() => [] as string[])) {
      const id = orphan.exec(name)?.[1];
      if (id && id !== currentKeyId && id !== keyId) await fsPromises().unlink(keyFilePath(ctx.env, storeId, id)).catch(() => undefined);
    }
  }
  const holds = (hex: string | null | undefined): boolean => Boolean(hex) && keyFingerprint(Buffer.from(hex!.trim(), 'hex')) === keyId;
  if (source === 'keychain') {
    await ctx.keychain.delete(STORE_KEY_SERVICE, rotatedKeyAccount(storeId, keyId));
    const legacy = storeKeyAccount(storeId);
    if (holds(await ctx.keychain.get(STORE_KEY_SERVICE, legacy))) await ctx.keychain.delete(STORE_KEY_SERVICE, legacy);
    return 'the old key was removed from the OS keychain';
  }
  for (const path of [keyFilePath(ctx.env, storeId, keyId), keyFilePath(ctx.env, storeId)]) {
    if (existsSync(path) && holds(readFileSync(path, 'utf8'))) await fsPromises().unlink(path);
  }
  return 'the old key file was removed';
}
