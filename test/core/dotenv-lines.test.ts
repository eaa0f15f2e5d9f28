// Line numbers and order of what parseDotenv and readImportEntries report, in files that mix
// multi-line values, comments, junk lines and names set twice.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDotenv, readImportEntries } from '../../src/core/dotenv.js';

describe('parseDotenv line numbers', () => {
  it('numbers entries and skipped lines after multi-line values, CRLF lines and blank lines', () => {
    const text = ['# head', 'A=1', 'PEM="-----BEGIN', 'abc', '-----END"', '', 'junk line', 'B = 2 # note', 'C=3', '   ', 'more junk', 'D="x\\ny"'].join('\r\n');
    const parsed = parseDotenv(text);
    expect(parsed.entries.map((entry) => [entry.name, entry.line])).toEqual([
      ['A', 2],
      ['PEM', 3],
      ['B', 8],
      ['C', 9],
      ['D', 12],
    ]);
    expect(parsed.entries.find((entry) => entry.name === 'PEM')!.value).toBe('-----BEGIN\nabc\n-----END');
    expect(parsed.errors.map((error) => error.line)).toEqual([7, 11]);
  });

  it('keeps a name set twice once, at its last line, in the order of those last lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'px-dotenv-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'A=1\nB=2\nA=3\nC=4\nB=5\n');
    const { entries, warnings } = readImportEntries(file, '.env', () => null);
    expect(entries).toEqual([
      { name: 'A', value: '3' },
      { name: 'C', value: '4' },
      { name: 'B', value: '5' },
    ]);
    expect(warnings).toEqual(['.env:3: A is also set on line 1; the last one (line 3) wins', '.env:5: B is also set on line 2; the last one (line 5) wins']);
  });

  it('reports a junk last line without a newline at its number', () => {
    expect(parseDotenv('A=1\n\nnot an entry').errors.map((error) => error.line)).toEqual([3]);
  });
});
