// Ink's frame as the build edits it (scripts/ink-edits.mjs, scripts/build.mjs): the edited Output
// and styledCharsToString, loaded beside the originals, draw the same strings as the originals.
import { rmSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { styledCharsFromTokens, tokenize } from '@alcalzone/ansi-tokenize';
import { afterAll, expect, it } from 'vitest';
import { BLANK_CELLS_FROM, BLANK_CELLS_TO, STYLES_DIFF_FROM, STYLES_DIFF_TO } from '../../scripts/ink-edits.mjs';

const modules = join(import.meta.dirname, '..', '..', 'node_modules');
const written: string[] = [];
afterAll(() => {
  for (const file of written) rmSync(file, { force: true });
});

/** A copy of a package file with `from` replaced by `to`, beside it (so its imports resolve). */
async function edited<T>(file: string, from: string, to: string): Promise<T> {
  const source = readFileSync(file, 'utf8');
  // The build fails in the same way when the text it edits is gone.
  expect(source).toContain(from);
  const copy = file.replace(/\.js$/, `.px-edited-${process.pid}.js`);
  written.push(copy);
  writeFileSync(copy, source.replace(from, to));
  return (await import(copy)) as T;
}

type Output = new (options: { width: number; height: number }) => {
  write(x: number, y: number, text: string, options: { transformers: Array<(line: string, index: number) => string> }): void;
  clip(clip: { x1?: number; x2?: number; y1?: number; y2?: number }): void;
  unclip(): void;
  get(): { output: string; height: number };
};

let seed = 11;
const next = (below: number): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % below;
};
const PIECES = ['plain', ' ', '·', '›', '─┌┐', '漢字', '\u{1F468}\u200D\u{1F469}', 'e\u0301', '\u001b[1mbold\u001b[22m', '\u001b[32m\u001b[7mgreen\u001b[27m\u001b[39m', '\u001b[2m', '\u001b[0m', '\u001b[38;5;196mred', '\n', 'tab\t'];
const text = (): string => Array.from({ length: 1 + next(5) }, () => PIECES[next(PIECES.length)]).join('');

it('a frame started from one shared blank cell is the frame Ink draws with a blank cell per column', async () => {
  const file = join(modules, 'ink', 'build', 'output.js');
  const { default: Original } = (await import(file)) as { default: Output };
  const { default: Edited } = await edited<{ default: Output }>(file, BLANK_CELLS_FROM, BLANK_CELLS_TO);
  const upper = (line: string) => line.toUpperCase();
  for (let frame = 0; frame < 300; frame++) {
    const width = 1 + next(40);
    const height = 1 + next(12);
    const outputs = [new Original({ width, height }), new Edited({ width, height })];
    const operations = Array.from({ length: next(12) }, () => [next(6), next(width + 4) - 2, next(height + 2) - 1, text(), next(3)] as const);
    for (const output of outputs) {
      for (const [kind, x, y, line, transform] of operations) {
        if (kind === 0) output.clip({ x1: x, x2: x + 8, y1: y, y2: y + 3 });
        else if (kind === 1) output.unclip();
        else output.write(Math.max(0, x), Math.max(0, y), line, { transformers: transform === 0 ? [upper] : [] });
      }
    }
    const [original, edit] = outputs.map((output) => output.get());
    expect(edit).toEqual(original);
  }
});

it('styled characters next to a neighbour under the same styles list are drawn as Ink draws them', async () => {
  const file = join(modules, '@alcalzone', 'ansi-tokenize', 'build', 'styledChars.js');
  type StyledChars = { styledCharsToString: (chars: ReturnType<typeof styledCharsFromTokens>) => string };
  const original = (await import(file)) as StyledChars;
  const edit = await edited<StyledChars>(file, STYLES_DIFF_FROM, STYLES_DIFF_TO);
  for (let line = 0; line < 2000; line++) {
    const chars = styledCharsFromTokens(tokenize(text()));
    // Characters of one run of styles share its list, as the build's styledCharsFromTokens has them.
    const shared = chars.map((char, i) => (i > 0 && JSON.stringify(char.styles) === JSON.stringify(chars[i - 1]!.styles) && next(2) === 0 ? { ...char, styles: chars[i - 1]!.styles } : char));
    expect(edit.styledCharsToString(shared)).toBe(original.styledCharsToString(shared));
    expect(edit.styledCharsToString(chars)).toBe(original.styledCharsToString(chars));
  }
});
