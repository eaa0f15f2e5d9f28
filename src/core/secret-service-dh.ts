// The Diffie-Hellman half of the Secret Service's encrypted session (secret-service.ts): the
// algorithm dh-ietf1024-sha256-aes128-cbc-pkcs7 is DH on the 1024-bit IETF group (modp2), whose
// shared secret, padded to the prime's size, goes through HKDF-SHA256 to a 16-byte AES key.
//
// Through KeyObjects: getDiffieHellman('modp2') would first test the group's prime (OpenSSL's
// DH_check), which costs more than the whole lookup. The Secret Service exchanges bare public
// values, KeyObjects come as DER SubjectPublicKeyInfo: these convert between the two.
import { createPublicKey, diffieHellman, generateKeyPair, hkdfSync, type KeyObject } from 'node:crypto';

export const ALGORITHM = 'dh-ietf1024-sha256-aes128-cbc-pkcs7';
/** The prime's size: the shared secret is padded to it before HKDF, as the Secret Service does. */
const PRIME_BYTES = 128;

/** A DER element: its tag, a definite length, its content. */
function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), content]);
}

/** Where the content of the DER element at `at` starts and ends. */
function derElement(bytes: Buffer, at: number): { start: number; end: number } {
  let length = bytes[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + bytes[start + i];
    start += octets;
  }
  if (start + length > bytes.length) throw new Error('a truncated DER element');
  return { start, end: start + length };
}

const withoutLeadingZeros = (bytes: Buffer): Buffer => {
  let at = 0;
  while (at < bytes.length - 1 && bytes[at] === 0) at++;
  return bytes.subarray(at);
};

export interface DhKeyPair {
  privateKey: KeyObject;
  spki: Buffer;
  algorithmEnd: number;
  /** The public value, as the Secret Service wants it in OpenSession. */
  publicValue: Buffer;
}

/**
 * A fresh key pair of the 1024-bit IETF group, and its public value as bytes. Made on libuv's
 * thread pool (the modular exponentiation and the public key's encoding), so the caller goes on
 * connecting to the bus meanwhile.
 */
export function dhKeyPair(): Promise<DhKeyPair> {
  // Node's types lack the 'dh' overload that Node itself has.
  const generate = generateKeyPair as unknown as (
    type: 'dh',
    options: { group: string; publicKeyEncoding: { type: 'spki'; format: 'der' } },
    done: (error: Error | null, spki: Buffer, privateKey: KeyObject) => void,
  ) => void;
  return new Promise((resolve, reject) => {
    generate('dh', { group: 'modp2', publicKeyEncoding: { type: 'spki', format: 'der' } }, (error, spki, privateKey) => {
      if (error) return reject(error);
      const outer = derElement(spki, 0);
      const algorithmEnd = derElement(spki, outer.start).end;
      const bits = derElement(spki, algorithmEnd);
      const value = derElement(spki, bits.start + 1); // after the BIT STRING's unused-bits octet
      resolve({ privateKey, spki, algorithmEnd, publicValue: withoutLeadingZeros(spki.subarray(value.start, value.end)) });
    });
  });
}

/** The session's AES-128 key, from the own key pair and the peer's public value. */
export function sessionKey(own: DhKeyPair, peerValue: Buffer): Buffer {
  const value = withoutLeadingZeros(peerValue);
  const integer = der(0x02, value[0] & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);
  const algorithm = own.spki.subarray(derElement(own.spki, 0).start, own.algorithmEnd);
  const peer = createPublicKey({ key: der(0x30, Buffer.concat([algorithm, der(0x03, Buffer.concat([Buffer.from([0]), integer]))])), format: 'der', type: 'spki' });
  const shared = diffieHellman({ privateKey: own.privateKey, publicKey: peer });
  const padded = Buffer.concat([Buffer.alloc(Math.max(0, PRIME_BYTES - shared.length)), shared]);
  shared.fill(0);
  const key = Buffer.from(hkdfSync('sha256', padded, Buffer.alloc(0), Buffer.alloc(0), 16));
  padded.fill(0);
  return key;
}
