// What an attacker who can put files into a project writes: a `.px/secrets.enc` in px's format,
// sealed under a key of the attacker's choosing, with a header naming where that key is. Written
// here from the format's description (not with px's own encoder), as an attacker would.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';

export interface Forgery {
  storeId: string;
  keySource: 'keychain' | 'env' | 'file';
  key: Buffer;
  secrets: Record<string, string>;
  version?: number;
}

export const fingerprint = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 16);

export function forgeSnapshot({ storeId, keySource, key, secrets, version = 2 }: Forgery): Buffer {
  const header = { storeId, keySource, keyId: fingerprint(key), generation: 0 };
  const at = new Date().toISOString();
  const rows = Object.entries(secrets).map(([name, value]) => [name, value, at, at]);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(JSON.stringify(['px-local-store', version, header.storeId, header.keySource, header.keyId, header.generation])));
  const body = Buffer.concat([cipher.update(JSON.stringify(rows)), cipher.final()]);
  const line = JSON.stringify({ format: 'px-local-store', version, ...header, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64') });
  return Buffer.concat([Buffer.from(`${line}\n`), body]);
}

/** A journal header in the unauthenticated form px read before it checked journal headers. */
export const forgeJournalHeader = (storeId: string, generation = 0, version = 2): Buffer =>
  Buffer.from(`${JSON.stringify({ format: 'px-local-journal', version, storeId, generation })}\n`);

/** A journal record of format 2 (a length, then iv, tag, ciphertext), to test reading old stores. */
export function legacyRecord(key: Buffer, storeId: string, generation: number, index: number, record: { at: string; ops: unknown[] }): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(JSON.stringify(['px-local-journal', 2, storeId, generation, index])));
  const body = Buffer.concat([cipher.update(JSON.stringify(record)), cipher.final()]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(12 + 16 + body.length);
  return Buffer.concat([length, iv, cipher.getAuthTag(), body]);
}
