// px reads every file of the corpus exactly as the dotenv package does; where dotenv would drop or
// garble a line silently, px refuses it with its line number instead (test/fixtures/dotenv/refusals.json).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { readDotenvFile } from '../../src/core/dotenv.js';
import { CANARY } from '../helpers/project.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'dotenv');
const files = readdirSync(DIR).filter((file) => file.endsWith('.env')).sort();
const refusals = JSON.parse(readFileSync(join(DIR, 'refusals.json'), 'utf8')) as Record<string, number[]>;
const accepted = files.filter((file) => !(file in refusals));

describe('dotenv conformance', () => {
  it('has a corpus of at least 60 files', () => {
    expect(files.length).toBeGreaterThanOrEqual(60);
    expect(accepted.length).toBeGreaterThanOrEqual(60);
    for (const file of Object.keys(refusals)) expect(files).toContain(file);
  });

  it.each(accepted.map((file) => [file]))('%s: the same entries as dotenv', (file) => {
    const path = join(DIR, file);
    const parsed = readDotenvFile(path);
    expect(parsed.errors).toEqual([]);
    const px = Object.fromEntries(parsed.entries.map((entry) => [entry.name, entry.value]));
    expect(px).toEqual(dotenv.parse(readFileSync(path)));
    expect(parsed.entries.length).toBeGreaterThan(0);
  });

  it.each(Object.entries(refusals))('%s: refused at lines %j, never quoting a value or a refused name', (file, lines) => {
    const path = join(DIR, file);
    const parsed = readDotenvFile(path);
    expect(parsed.errors.map((error) => error.line)).toEqual(lines);
    const text = readFileSync(path, 'utf8');
    for (const error of parsed.errors) {
      expect(error.message).not.toContain(CANARY);
      expect(error.message).not.toMatch(/my\.key|my-key|1A|MIIE|abc|junk|def|BEGIN/);
    }
    // Each refused line is one dotenv reads differently from what it says: dropped, cut, or kept with its quote.
    expect(Object.keys(dotenv.parse(text)).length).toBeGreaterThan(0);
  });
});
