// Generators: node:crypto, every character of the alphabet equally likely, always the declared shape.
import { describe, expect, it } from 'vitest';
import { ALPHABETS, sampleValues } from '../../src/core/manifest/charsets.js';
import { generateValue } from '../../src/core/manifest/generate.js';
import { CHARSETS } from '../../src/core/manifest/types.js';

const escapeForClass = (text: string): string => text.replace(/[-\\\]^]/g, '\\$&');

describe('generateValue', () => {
  it.each(CHARSETS.map((charset) => [charset]))('10,000 %s values all match their charset and length', (charset) => {
    const length = 8 + (charset.length % 5) * 7;
    const shape = new RegExp(`^[${escapeForClass(ALPHABETS[charset])}]{${length}}$`);
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const value = generateValue({ type: 'random', length, charset });
      expect(shape.test(value)).toBe(true);
      seen.add(value);
    }
    expect(seen.size).toBe(10_000);
  });

  it('10,000 UUIDs are version 4', () => {
    for (let i = 0; i < 10_000; i++) expect(generateValue({ type: 'uuid' })).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('has no modulo bias: each alnum character comes up about equally often', () => {
    const counts = new Map<string, number>();
    const values = 4000;
    for (let i = 0; i < values; i++) for (const ch of generateValue({ type: 'random', length: 62, charset: 'alnum' })) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // 4,000 draws per character: a bias from `byte % 62` would give the first 8 characters 5/4 of that.
    const expected = values;
    const firstEight = [...ALPHABETS.alnum.slice(0, 8)].reduce((sum, ch) => sum + counts.get(ch)!, 0) / 8;
    const rest = [...ALPHABETS.alnum.slice(8)].reduce((sum, ch) => sum + counts.get(ch)!, 0) / 54;
    expect(Math.abs(firstEight - expected) / expected).toBeLessThan(0.05);
    expect(Math.abs(rest - expected) / expected).toBeLessThan(0.05);
  });

  it('samples for the parse-time format check cover the whole alphabet, the same every time', () => {
    const samples = sampleValues({ type: 'random', length: 16, charset: 'base64url' });
    expect(new Set(samples.join(''))).toEqual(new Set(ALPHABETS.base64url));
    expect(sampleValues({ type: 'random', length: 16, charset: 'base64url' })).toEqual(samples);
  });
});
