import type { SecretEntry } from './backend.js';
import { MAX_BODY_BYTES } from './limits.js';

// An entry's JSON is `{"name":…,"value":…}` and a comma: 18 bytes around its two strings, each of
// which JSON writes in at most 6 bytes per UTF-16 unit (`\u001f`) plus its two quotes.
const ENTRY_FRAME_BYTES = 18 + 1 + 4;
const boundOf = (entry: SecretEntry): number => ENTRY_FRAME_BYTES + 6 * (entry.name.length + entry.value.length);

/** Splits entries into bulk requests under both the entry limit and the body-size limit. */
export function chunkEntries(entries: SecretEntry[], maxEntries: number, maxBytes = MAX_BODY_BYTES - 1024): SecretEntry[][] {
  // When no chunk of maxEntries could reach maxBytes even at the worst escaping, only the count
  // splits: measuring each entry's JSON cost an import of 10,000 entries a few milliseconds.
  let bound = 0;
  for (const entry of entries) bound += boundOf(entry);
  if (bound <= maxBytes) {
    const chunks: SecretEntry[][] = [];
    for (let at = 0; at < entries.length; at += maxEntries) chunks.push(entries.slice(at, at + maxEntries));
    return chunks;
  }
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
