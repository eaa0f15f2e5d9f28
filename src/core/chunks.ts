import type { SecretEntry } from './backend.js';
import { MAX_BODY_BYTES } from './limits.js';

/** Splits entries into bulk requests under both the entry limit and the body-size limit. */
export function chunkEntries(entries: SecretEntry[], maxEntries: number, maxBytes = MAX_BODY_BYTES - 1024): SecretEntry[][] {
  const chunks: SecretEntry[][] = [];
  let current: SecretEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(JSON.stringify(entry)) + 1; // +1 for the comma
    if (current.length > 0 && (current.length >= maxEntries || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
