// The value rules: any UTF-8 text up to 64 KiB, never empty.
import { describe, expect, it } from 'vitest';
import { nameProblem, valueProblem, valueWarnings } from '../../src/core/names.js';

describe('valueProblem', () => {
  it('accepts any well-formed text, U+FFFD and astral characters included', () => {
    for (const value of ['x', 'pa ss', 'caf\u00e9', '\uFFFD-replacement-char', 'emoji \u{1F600}', 'a\nb', 'x'.repeat(64 * 1024)]) {
      expect(valueProblem(value), JSON.stringify(value.slice(0, 20))).toBeNull();
    }
  });
  it('refuses empty, too large, and lone surrogates (no UTF-8 form), without quoting the value', () => {
    expect(valueProblem('')).toBe('the value is empty');
    expect(valueProblem('x'.repeat(64 * 1024 + 1))).toBe('the value is larger than 64 KiB');
    expect(valueProblem('\u00e9'.repeat(32 * 1024 + 1))).toBe('the value is larger than 64 KiB');
    for (const value of ['secret\uD800', '\uDC00secret', 'a\uD83Db']) expect(valueProblem(value)).toBe('the value is not valid UTF-8 text');
    // Only whitespace is allowed (any UTF-8 text), with a warning.
    for (const value of [' ', '\n', ' \t\r\n ']) {
      expect(valueProblem(value)).toBeNull();
      expect(valueWarnings(value)).toEqual(['is only whitespace (px run will not mask it)']);
    }
    expect(valueProblem('sk-live\u0000tail')).toBe('the value holds a NUL character, which no environment variable can hold');
  });
  it('counts UTF-8 bytes at the 64 KiB edge whatever the mix of 1-, 3- and 4-byte characters', () => {
    // 21,845 euro signs are 65,535 bytes: the longest strings that could still fit are counted.
    const euros = '\u20ac'.repeat(21_845);
    expect(valueProblem(euros)).toBeNull();
    expect(valueProblem(`${euros}x`)).toBeNull();
    expect(valueProblem(`${euros}xy`)).toBe('the value is larger than 64 KiB');
    expect(valueProblem('\u20ac'.repeat(21_846))).toBe('the value is larger than 64 KiB');
    expect(valueProblem('\u{1F600}'.repeat(16 * 1024))).toBeNull();
    expect(valueProblem(`${'\u{1F600}'.repeat(16 * 1024)}x`)).toBe('the value is larger than 64 KiB');
  });
  it('tells a lone surrogate from a pair anywhere in the value', () => {
    for (const value of ['\u{1F600}', 'a\u{1F600}b\u{1F601}', '\uD83D\uDE00\uD83D\uDE01']) expect(valueProblem(value)).toBeNull();
    for (const value of ['\u{1F600}\uD800', '\uDE00\u{1F600}', 'x\u{1F600}\uDBFFy', '\uD83D\uD83D\uDE00\uDE00']) {
      expect(valueProblem(value)).toBe('the value is not valid UTF-8 text');
    }
  });
});

describe('nameProblem', () => {
  it('follows ^[A-Za-z_][A-Za-z0-9_]*$, at most 256 characters', () => {
    for (const name of ['A', '_x', 'OPENAI_API_KEY', 'a1', 'N'.repeat(256)]) expect(nameProblem(name), name).toBeNull();
    for (const name of ['', '1A', 'A-B', 'A B', 'É', 'N'.repeat(257)]) expect(nameProblem(name), name).not.toBeNull();
  });
});
