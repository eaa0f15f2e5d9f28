// A value as px hands it to a database: AES-256-GCM under one key of the store's key ring, with
// the secret's scope and name (and the key id) bound as associated data, so a ciphertext copied
// into another row, or another environment, does not open. Layout: iv (12) | tag (16) | ciphertext.
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { StoreKey } from './key-ring.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'px-value-1';

const aad = (scope: string, name: string, keyId: string): Buffer => Buffer.from(JSON.stringify([FORMAT, scope, name, keyId]));

export function sealValue(key: StoreKey, scope: string, name: string, value: string): Buffer {
  return sealWithIv(key.key, aad(scope, name, key.id), value, randomBytes(IV_BYTES));
}

/**
 * Many values at once (a bulk write): the same sealing, with every IV taken from one call to the
 * random source rather than one call per value, which cost a bulk of 10,000 about a third of its
 * sealing time. Each IV is still 12 fresh random bytes of its own. The key is handed to OpenSSL
 * once for the bulk (a KeyObject, in this call only), and each value's associated data is the
 * same JSON as aad() writes, from the scope's and key id's parts written once.
 */
export function sealValues(key: StoreKey, scope: string, rows: ReadonlyArray<readonly [name: string, value: string]>): Buffer[] {
  const ivs = randomBytes(IV_BYTES * rows.length);
  const secret = createSecretKey(key.key);
  const head = `${JSON.stringify([FORMAT, scope]).slice(0, -1)},`;
  const tail = `,${JSON.stringify(key.id)}]`;
  return rows.map(([name, value], index) =>
    sealWithIv(secret, Buffer.from(head + JSON.stringify(name) + tail), value, ivs.subarray(index * IV_BYTES, (index + 1) * IV_BYTES)),
  );
}

function sealWithIv(key: Buffer | KeyObject, associated: Buffer, value: string, iv: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(associated);
  const head = cipher.update(value, 'utf8');
  const tail = cipher.final();
  const sealed = Buffer.allocUnsafe(IV_BYTES + TAG_BYTES + head.length + tail.length);
  iv.copy(sealed, 0);
  cipher.getAuthTag().copy(sealed, IV_BYTES);
  head.copy(sealed, IV_BYTES + TAG_BYTES);
  tail.copy(sealed, IV_BYTES + TAG_BYTES + head.length);
  return sealed;
}

/** The value, or null when the sealed bytes do not verify under this key for this row. */
export function openValue(key: StoreKey, scope: string, name: string, sealed: Uint8Array): string | null {
  if (sealed.length < IV_BYTES + TAG_BYTES) return null;
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(aad(scope, name, key.id));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
