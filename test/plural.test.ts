import { describe, expect, it } from 'vitest';
import { count, grouped } from '../src/cli/plural.js';

describe('grouped', () => {
  it('writes whole numbers as toLocaleString("en-US") does', () => {
    for (const n of [0, 1, 12, 999, 1000, 9999, 10000, 12345, 100000, 999999, 1000000, 1234567890, -1, -1000, -123456, Number.MAX_SAFE_INTEGER]) {
      expect(grouped(n)).toBe(n.toLocaleString('en-US'));
    }
  });

  it('leaves other numbers to toLocaleString', () => {
    expect(grouped(1234.5)).toBe((1234.5).toLocaleString('en-US'));
  });

  it('counts with the plural', () => {
    expect(count(1, 'secret')).toBe('1 secret');
    expect(count(10000, 'secret')).toBe('10,000 secrets');
  });
});
