// The local store journal's framing MAC and its key.
import { createHmac } from 'node:crypto';

// The journal's framing (its header, each record's length) is authenticated with a key derived
// from the store key, so one key is never used for two algorithms.
const FRAMING_INFO = 'px local journal framing';
const framingKeys = new WeakMap<Buffer, Buffer>();

/**
 * HKDF-SHA256 (RFC 5869) of the store key with no salt and FRAMING_INFO, 32 bytes: the same bytes
 * as hkdfSync('sha256', key, '', FRAMING_INFO, 32), from the two HMACs it is made of. hkdfSync
 * makes a KeyObject and fetches OpenSSL's KDF, which cost every local command reading the journal
 * ~1.5 M instructions more than the HMACs the framing MAC needs anyway.
 */
export function framingKey(key: Buffer): Buffer {
  // Extract: no salt is HashLen zero bytes. Expand: one block, T(1) = HMAC(PRK, info || 0x01).
  const prk = createHmac('sha256', Buffer.alloc(32)).update(key).digest();
  return createHmac('sha256', prk).update(FRAMING_INFO).update(Buffer.of(1)).digest();
}

export function framingMac(key: Buffer, parts: unknown[]): Buffer {
  let framing = framingKeys.get(key);
  if (!framing) {
    framing = framingKey(key);
    framingKeys.set(key, framing);
  }
  return createHmac('sha256', framing).update(JSON.stringify(parts)).digest();
}
