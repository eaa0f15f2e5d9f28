// A value as px hands it to a database: AES-256-GCM under one key of the store's key ring, with
// the secret's scope and name (and the key id) bound as associated data, so a ciphertext copied
// into another row, or another environment, does not open. Layout: iv (12) | tag (16) | ciphertext.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { StoreKey } from './key-ring.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'px-value-1';

const aad = (scope: string, name: string, keyId: string): Buffer => Buffer.from(JSON.stringify([FORMAT, scope, name, keyId]));

export function sealValue(key: StoreKey, scope: string, name: string, value: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(aad(scope, name, key.id));
  const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
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
