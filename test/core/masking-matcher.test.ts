// The masking matcher against a plain reference: every occurrence of every value found by
// indexOf, overlapping ones merged into one range, each range replaced by ***. Random values
// from a small alphabet (so they overlap and nest often), random output, random chunkings.
import { describe, expect, it } from 'vitest';
import { MASK, Masker, maskMatcher } from '../../src/core/masking.js';
import { ValueMatcher } from '../../src/core/value-matcher.js';

/** A small seeded generator, so a failing case can be run again. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function naiveMask(text: Buffer, values: Buffer[]): Buffer {
  const found: Array<[number, number]> = [];
  for (const value of values) {
    if (value.length === 0) continue;
    for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + 1)) found.push([at, at + value.length]);
  }
  found.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of found) {
    const last = merged[merged.length - 1];
    if (last && start < last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  const parts: Buffer[] = [];
  let cursor = 0;
  for (const [start, end] of merged) {
    parts.push(text.subarray(cursor, start), Buffer.from(MASK));
    cursor = end;
  }
  parts.push(text.subarray(cursor));
  return Buffer.concat(parts);
}

function maskChunks(values: Buffer[], chunks: Buffer[], matcher = new ValueMatcher(values)): Buffer {
  const masker = new Masker(matcher);
  const out = chunks.map((chunk) => masker.push(chunk));
  out.push(masker.end());
  return Buffer.concat(out);
}

function randomChunks(text: Buffer, next: () => number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < text.length; ) {
    const size = next() < 0.3 ? 1 : 1 + Math.floor(next() * 12);
    chunks.push(text.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

describe('masking matcher', () => {
  it('agrees with a naive replace-all over random values, outputs and chunkings', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const next = random(seed);
      const alphabet = 'abc'.slice(0, 2 + Math.floor(next() * 2));
      const pick = (length: number): string =>
        Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
      const values = Array.from({ length: 1 + Math.floor(next() * 6) }, () => Buffer.from(pick(1 + Math.floor(next() * 6))));
      // Output made of pieces of the values and noise, so matches are frequent and overlap.
      const pieces: string[] = [];
      for (let n = Math.floor(next() * 20); n > 0; n--) {
        const value = values[Math.floor(next() * values.length)].toString();
        pieces.push(next() < 0.6 ? value : value.slice(Math.floor(next() * value.length)), next() < 0.5 ? pick(2) : 'x');
      }
      const text = Buffer.from(pieces.join(''));
      const expected = naiveMask(text, values).toString();
      const matcher = new ValueMatcher(values);
      expect(maskChunks(values, [text], matcher).toString(), `seed ${seed}, whole`).toBe(expected);
      for (let round = 0; round < 5; round++) {
        const chunks = randomChunks(text, next);
        expect(maskChunks(values, chunks, matcher).toString(), `seed ${seed}, ${chunks.map(String).join('|')}`).toBe(expected);
      }
    }
  });

  it('masks the union of overlapping values: one value ending where another begins', () => {
    const a = Buffer.from('AAAA1111BBBBxxxx');
    const b = Buffer.from('BBBBxxxx2222CCCC');
    const printed = Buffer.from('AAAA1111BBBBxxxx2222CCCC\n');
    expect(maskChunks([a, b], [printed]).toString()).toBe('***\n');
    for (let cut = 1; cut < printed.length; cut++) {
      expect(maskChunks([a, b], [printed.subarray(0, cut), printed.subarray(cut)]).toString(), `cut ${cut}`).toBe('***\n');
    }
    // A value inside another, and one that starts before a shorter one that ended first.
    expect(maskChunks([Buffer.from('BC'), Buffer.from('ABCD')], [Buffer.from('xABCDx')]).toString()).toBe('x***x');
  });

  it('masks a value split at every byte offset across two writes', () => {
    const value = Buffer.from('canary-7f3a9e2b41d8c6-ключ');
    const other = Buffer.from('canary-7f3a-other');
    const text = Buffer.concat([Buffer.from('log: '), value, Buffer.from(' ok canary-7f3a '), other, Buffer.from('\n')]);
    const expected = 'log: *** ok canary-7f3a ***\n';
    const matcher = new ValueMatcher([value, other]);
    for (let cut = 0; cut <= text.length; cut++) {
      expect(maskChunks([], [text.subarray(0, cut), text.subarray(cut)], matcher).toString(), `cut ${cut}`).toBe(expected);
    }
  });

  it('masks 1,000 secrets of lengths 4–64 in random output, however it is chunked', () => {
    const next = random(1000);
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const word = (length: number): string => Array.from({ length }, () => chars[Math.floor(next() * chars.length)]).join('');
    const secrets = Array.from({ length: 1000 }, (_, i) => `canary-${i}-${word(60)}`.slice(0, 4 + Math.floor(next() * 61)));
    const values = secrets.map((secret) => Buffer.from(secret));
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(`${word(Math.floor(next() * 30))} ${secrets[Math.floor(next() * secrets.length)]} ${word(5)}`);
    for (const secret of secrets) lines.push(`value=${secret};`);
    const text = Buffer.from(lines.join('\n'));
    const matcher = maskMatcher(values);
    const expected = naiveMask(text, values).toString();
    const masked = maskChunks([], randomChunks(text, next), matcher).toString();
    expect(masked).toBe(expected);
    expect(maskChunks([], [text], matcher).toString()).toBe(expected);
    for (const secret of secrets) expect(masked.includes(secret), secret).toBe(false);
  });

  it('holds back only what could still begin a value, never more than the longest value − 1 bytes', () => {
    const value = Buffer.from('canary-held-back');
    const masker = new Masker(new ValueMatcher([value]));
    expect(masker.push(Buffer.from('plain text ')).toString()).toBe('plain text ');
    expect(masker.push(Buffer.from('then canary-he')).toString()).toBe('then ');
    expect(masker.push(Buffer.from('lp')).toString()).toBe('canary-help');
    expect(masker.push(Buffer.from('x'.repeat(100) + 'canary-held-bac')).length).toBe(100);
    expect(masker.end().toString()).toBe('canary-held-bac');
  });

  it('finds every pattern with its index, also equal and overlapping ones', () => {
    const matcher = new ValueMatcher([Buffer.from('abc'), Buffer.from('bc'), Buffer.from('abc'), Buffer.from('')]);
    const hits: Array<[number, number, number]> = [];
    matcher.findAll(Buffer.from("xabcbc"), 0, (pattern, start, end) => hits.push([pattern, start, end]));
    expect(hits.sort()).toEqual([
      [0, 1, 4],
      [1, 2, 4],
      [1, 4, 6],
      [2, 1, 4],
    ]);
    expect(matcher.size).toBe(2);
    expect(matcher.longest).toBe(3);
  });
});
