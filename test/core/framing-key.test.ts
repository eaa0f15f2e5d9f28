// The journal's framing key is HKDF-SHA256 of the store key (no salt, info 'px local journal
// framing', 32 bytes), computed from its two HMACs: it must be the very bytes Node's HKDF gives,
// or every journal written so far would fail its integrity check.
import { hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { framingKey } from '../../src/core/store-framing.js';

const byNodeHkdf = (key: Buffer): Buffer => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'px local journal framing', 32));

describe('framingKey', () => {
  it('is the HKDF-SHA256 of the store key that hkdfSync derives', () => {
    for (let i = 0; i < 64; i++) {
      const key = randomBytes(32);
      expect(framingKey(key).equals(byNodeHkdf(key))).toBe(true);
    }
  });

  it('is the same for keys of zeros, of ones and of any length', () => {
    for (const key of [Buffer.alloc(32), Buffer.alloc(32, 0xff), Buffer.alloc(0), randomBytes(1), randomBytes(64), randomBytes(65)]) {
      expect(framingKey(key).toString('hex')).toBe(byNodeHkdf(key).toString('hex'));
    }
  });

  it('differs from the store key and between keys', () => {
    const key = randomBytes(32);
    expect(framingKey(key).equals(key)).toBe(false);
    expect(framingKey(key).equals(framingKey(randomBytes(32)))).toBe(false);
    expect(framingKey(key)).toHaveLength(32);
  });
});
