// The scan's finder on its own: line numbers of multiline values, values split across chunks,
// names that share a value.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanFiles } from '../../src/core/scan/file-scan.js';
import { ValueFinder } from '../../src/core/scan/value-finder.js';
import { canary } from '../helpers/project.js';

describe('ValueFinder', () => {
  it('reports the line a value starts on, also for a multiline one and for each name holding it', () => {
    const pem = `-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEF${canary(1)}\n-----END KEY-----`;
    const finder = new ValueFinder([
      ['PEM', pem],
      ['A', canary(2)],
      ['B', canary(2)],
      ['TINY', 'abc'],
    ]);
    const text = Buffer.from(`one\ntwo ${canary(2)}\nkey:\n${pem}\nabc\n`);
    expect(finder.find(text)).toEqual([
      { line: 2, name: 'A' },
      { line: 2, name: 'B' },
      { line: 5, name: 'PEM' }, // its long middle line, on its own (never its armour lines)
      { line: 4, name: 'PEM' },
    ]);
    expect(finder.find(text, 10).map((hit) => hit.line)).toEqual([11, 11, 14, 13]);
    // Another key's armour is not a finding.
    expect(finder.find(Buffer.from('-----BEGIN KEY-----\nMIIother\n-----END KEY-----\n'))).toEqual([]);
  });

  it('finds a value split across the chunks a large file is read in, at the right line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'px-finder-'));
    try {
      const filler = `${'x'.repeat(99)}\n`.repeat(10_485); // just under 1 MiB, 10,485 lines
      const value = canary(3);
      writeFileSync(join(dir, 'big.log'), `${filler}${'y'.repeat(1_048_576 - filler.length - 5)}${value}\nend\n`);
      const scan = scanFiles(dir, ['big.log'], new ValueFinder([['BIG', value]]));
      expect(scan.hits).toEqual([{ path: 'big.log', line: 10_486, name: 'BIG' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
