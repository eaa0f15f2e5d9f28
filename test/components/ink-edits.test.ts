// The premises of the shortcuts the build puts into Ink's dependencies (scripts/ink-edits.mjs):
// they change how fast the first frame is drawn, never what it shows.
import { ansiCodesToString, diffAnsiCodes, reduceAnsiCodesIncremental, styledCharsFromTokens, styledCharsToString, tokenize, undoAnsiCodes } from '@alcalzone/ansi-tokenize';
import { expect, it } from 'vitest';
import stringWidth from 'string-width';
import { hasAnsiControlCharacters } from '../../node_modules/ink/build/ansi-tokenizer.js';
import { graphemes, hasAnsiControls, isPrintableAscii, mayBeRgiEmoji, sameStyles } from '../../scripts/ink-edits.mjs';

it('every cluster that is an RGI emoji is one the shortcut still asks about', () => {
  // biome-ignore lint/complexity/useRegexLiterals: a /v literal needs a newer TypeScript target than px's
  const rgi = new RegExp('^\\p{RGI_Emoji}$', 'v');
  // Each code point alone, as an emoji presentation, with a skin tone and as a keycap; and the
  // sequences made of several emoji: a flag, a tag sequence and a ZWJ family.
  const suffixes = ['', '\uFE0F', '\u{1F3FB}', '\uFE0F\u20E3'];
  let emoji = 0;
  for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
    const base = String.fromCodePoint(codePoint);
    for (const suffix of suffixes) {
      const cluster = base + suffix;
      if (!rgi.test(cluster)) continue;
      emoji++;
      if (!mayBeRgiEmoji(cluster)) throw new Error(`U+${codePoint.toString(16)} with ${JSON.stringify(suffix)} is an RGI emoji the shortcut skips`);
    }
  }
  expect(emoji).toBeGreaterThan(1000);
  for (const sequence of ['\u{1F1E9}\u{1F1EA}', '\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}', '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}']) {
    expect(rgi.test(sequence)).toBe(true);
    expect(mayBeRgiEmoji(sequence)).toBe(true);
  }
  // What the manager draws is never asked about: its marks and ASCII.
  for (const cluster of ['a', '1', '#', '*', '·', '—', '…', '›', '▸', '▏', '✓', '✗', '┌', '─']) expect(mayBeRgiEmoji(cluster)).toBe(false);
});

it('the style difference of two equal style lists is empty, and the shortcut tells them from unequal ones', () => {
  const styles = (text: string) => styledCharsFromTokens(tokenize(text)).map((char) => char.styles);
  const cells = [
    ...styles('plain'),
    ...styles('\u001b[1mbold\u001b[22m'),
    ...styles('\u001b[32m\u001b[7mgreen inverse\u001b[27m\u001b[39m'),
    ...styles('\u001b[2m\u001b[1mdim bold\u001b[22m'),
    ...styles('\u001b[38;5;196mred\u001b[39m'),
  ];
  let equal = 0;
  for (const from of cells) {
    for (const to of cells) {
      const same = sameStyles(from, to);
      if (same) {
        equal++;
        expect(diffAnsiCodes(from, to)).toEqual([]);
      }
      expect(same).toBe(JSON.stringify(from) === JSON.stringify(to));
    }
  }
  expect(equal).toBeGreaterThan(cells.length);
});

it('a line of printable ASCII and ESC splits into the graphemes Intl.Segmenter finds; other lines go to it', () => {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const asIntl = (text: string) => Array.from(segmenter.segment(text), ({ segment, index }) => ({ segment, index }));
  const alphabet = '\u001b[m;0123456789 abcXYZ~!#*_-()';
  for (let n = 0; n < 500; n++) {
    let text = '';
    for (let i = 0; i < n % 60; i++) text += alphabet[(n * 7 + i * 13) % alphabet.length];
    expect(Array.from(graphemes(text, segmenter))).toEqual(asIntl(text));
  }
  for (const text of ['a\r\nb', 'e\u0301', '› API_KEY', '\u{1F468}\u200D\u{1F469}']) expect(Array.from(graphemes(text, segmenter), ({ segment, index }) => ({ segment, index }))).toEqual(asIntl(text));
});

it('string-width counts one printable ASCII character as 1 inside any line', () => {
  for (let code = 0; code < 0x80; code++) {
    const char = String.fromCharCode(code);
    if (!isPrintableAscii(char)) continue;
    // After a non-ASCII character, string-width measures cluster by cluster, as the shortcut does.
    expect(stringWidth(`·${char}`) - stringWidth('·'), JSON.stringify(char)).toBe(1);
  }
  expect(['\u001b', '\t', '\u007f', 'ab', '·'].filter(isPrintableAscii)).toEqual([]);
});

it('no style list is changed once made, so characters may share one', () => {
  const lines = ['plain', '\u001b[1mbold\u001b[22m then \u001b[2mdim\u001b[0m', '\u001b[32m\u001b[7mgreen inverse\u001b[27m\u001b[39m', '\u001b[38;5;196mred\u001b[49m'];
  for (const line of lines) {
    // Frozen: any change to a list, or to a code in it, throws.
    const chars = styledCharsFromTokens(tokenize(line)).map((char) => ({ ...char, styles: Object.freeze(char.styles.map((code) => Object.freeze({ ...code }))) as typeof char.styles }));
    const text = styledCharsToString(chars);
    expect(text.replace(/\u001b\[[0-9;]*m/g, '')).toBe(line.replace(/\u001b\[[0-9;]*m/g, ''));
    for (const char of chars) {
      undoAnsiCodes(char.styles);
      for (const other of chars) diffAnsiCodes(char.styles, other.styles);
      for (const token of tokenize(line).filter((t) => t.type === 'ansi')) expect(reduceAnsiCodesIncremental(char.styles, [token])).not.toBe(char.styles);
    }
  }
});

it('the codes of no style are the empty string: the edit answers at once what the original builds', () => {
  // The tests run the unedited package: this is what the shortcut must agree with.
  expect(ansiCodesToString([])).toBe('');
  const bold = styledCharsFromTokens(tokenize('\u001b[1mb\u001b[22m'))[0]!.styles;
  expect(ansiCodesToString(bold)).not.toBe('');
});

it("one expression finds ESC and the C1 controls where Ink's code-point walk does", () => {
  // The unedited function (the tests run the package as published) is what the edit must agree with.
  const texts = ['', 'APP_SECRET_0001', '· ▸ ›', '\u001b[1mbold\u001b[22m', '\ud83d\ude00', '\ud800', '\udfff x', 'a\u0080', '\u009fz', '\u00a0'];
  for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
    // Lone surrogates too: a code point walk sees them as themselves.
    const char = codePoint >= 0xd800 && codePoint <= 0xdfff ? String.fromCharCode(codePoint) : String.fromCodePoint(codePoint);
    texts.push(char, `ab${char}cd`);
  }
  let controls = 0;
  for (const text of texts) {
    const expected = hasAnsiControlCharacters(text);
    if (hasAnsiControls(text) !== expected) throw new Error(`they differ on ${JSON.stringify(text)}`);
    if (expected) controls++;
  }
  // ESC and the 32 C1 controls, each alone and inside text; the styled text and the two with a C1 control.
  expect(controls).toBe(2 * 33 + 3);
});
