// Sealing of the team server's values: a bulk's batch sealing gives what one-by-one sealing gives,
// each value under an IV of its own, bound to its scope and name.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { storeKey } from '../../src/core/store/key-ring.js';
import { openValue, sealValue, sealValues } from '../../src/core/store/value-cipher.js';

const key = storeKey(randomBytes(32));
const rows = Array.from({ length: 200 }, (_, i) => [`NAME_${i}`, i % 2 ? `value ${i} ✓` : ''] as const);

describe('sealValues', () => {
  it('seals each value so that it opens under its own name and scope only', () => {
    const sealed = sealValues(key, 'development', rows);
    expect(sealed).toHaveLength(rows.length);
    sealed.forEach((bytes, i) => {
      const [name, value] = rows[i]!;
      expect(bytes.length).toBe(28 + Buffer.byteLength(value));
      expect(openValue(key, 'development', name, bytes)).toBe(value);
      expect(openValue(key, 'staging', name, bytes)).toBeNull();
      expect(openValue(key, 'development', rows[(i + 1) % rows.length]![0], bytes)).toBeNull();
    });
  });

  it('binds the same associated data as one-by-one sealing, whatever JSON must escape in scope, name or key id', () => {
    const odd = { ...storeKey(randomBytes(32)), id: 'k"\\1' };
    const scope = 'proj "x"/env\\\u00e9';
    const names = ['A', 'quote"name', 'back\\slash', 'ünï'];
    const sealed = sealValues(odd, scope, names.map((name) => [name, `v-${name}`]));
    sealed.forEach((bytes, i) => expect(openValue(odd, scope, names[i]!, bytes)).toBe(`v-${names[i]}`));
    expect(openValue(odd, 'proj "x"/env', names[0]!, sealed[0]!)).toBeNull();
  });

  it('gives every value an IV of its own, and the one-by-one layout', () => {
    const ivs = sealValues(key, 'development', rows).map((bytes) => bytes.subarray(0, 12).toString('hex'));
    expect(new Set(ivs).size).toBe(rows.length);
    const single = sealValue(key, 'development', 'ONE', 'v');
    expect(single.length).toBe(29);
    expect(openValue(key, 'development', 'ONE', single)).toBe('v');
  });
});
