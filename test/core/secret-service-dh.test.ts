// The DH half of the Secret Service session (src/core/secret-service-dh.ts): two key pairs of the
// group agree on one AES-128 key from each other's bare public values, whatever their leading zeros.
import { createDiffieHellmanGroup, hkdfSync } from 'node:crypto';
import { expect, it } from 'vitest';
import { ALGORITHM, dhKeyPair, sessionKey } from '../../src/core/secret-service-dh.js';

it('names the algorithm the Secret Service opens an encrypted session with', () => {
  expect(ALGORITHM).toBe('dh-ietf1024-sha256-aes128-cbc-pkcs7');
});

it('makes key pairs of the 1024-bit IETF group whose sessions agree on one 16-byte key', async () => {
  const [a, b] = await Promise.all([dhKeyPair(), dhKeyPair()]);
  expect(a.publicValue.length).toBeLessThanOrEqual(128);
  expect(a.publicValue[0]).not.toBe(0);
  expect(a.publicValue.equals(b.publicValue)).toBe(false);
  const key = sessionKey(a, b.publicValue);
  expect(key).toHaveLength(16);
  expect(sessionKey(b, a.publicValue).equals(key)).toBe(true);
  // A peer's value padded with zeros to the prime's size is the same value.
  expect(sessionKey(b, Buffer.concat([Buffer.alloc(128 - a.publicValue.length + 3), a.publicValue])).equals(key)).toBe(true);
});

it('agrees with a peer that does DH with the group by the book (the Secret Service side)', async () => {
  const own = await dhKeyPair();
  const peer = createDiffieHellmanGroup('modp2');
  const peerValue = peer.generateKeys();
  const shared = peer.computeSecret(own.publicValue);
  const padded = Buffer.concat([Buffer.alloc(128 - shared.length), shared]);
  const expected = Buffer.from(hkdfSync('sha256', padded, Buffer.alloc(0), Buffer.alloc(0), 16));
  expect(sessionKey(own, peerValue).equals(expected)).toBe(true);
});
