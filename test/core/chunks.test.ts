import { describe, expect, it } from 'vitest';
import { chunkEntries } from '../../src/core/chunks.js';

const bodyBytes = (chunk: Array<{ name: string; value: string }>): number => Buffer.byteLength(JSON.stringify(chunk));
const entries = (n: number, value: (i: number) => string) => Array.from({ length: n }, (_, i) => ({ name: `N_${i}`, value: value(i) }));

describe('chunkEntries', () => {
  it('splits by count alone when no chunk can reach the byte limit', () => {
    const list = entries(25, (i) => `v${i}`);
    const chunks = chunkEntries(list, 10, 1_000_000);
    expect(chunks.map((c) => c.length)).toEqual([10, 10, 5]);
    expect(chunks.flat()).toEqual(list);
  });

  it('keeps every chunk under the byte limit, even for values JSON escapes at 6 bytes a character', () => {
    // \u0001 is written \u0001 in JSON: 6 bytes for one character.
    const list = entries(40, () => '\u0001'.repeat(50));
    const maxBytes = 2_000;
    const chunks = chunkEntries(list, 100, maxBytes);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(bodyBytes(chunk)).toBeLessThanOrEqual(maxBytes);
    expect(chunks.flat()).toEqual(list);
  });

  it('splits by bytes where multi-byte characters make the body large', () => {
    const list = entries(30, () => '€'.repeat(100)); // 3 bytes each in UTF-8
    const chunks = chunkEntries(list, 100, 3_500);
    for (const chunk of chunks) expect(bodyBytes(chunk)).toBeLessThanOrEqual(3_500);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(chunks.flat()).toEqual(list);
  });
});
