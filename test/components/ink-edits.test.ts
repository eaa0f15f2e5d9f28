// The premises of the shortcuts the build puts into Ink's dependencies (scripts/ink-edits.mjs):
// they change how fast the first frame is drawn, never what it shows.
import { ansiCodesToString, diffAnsiCodes, reduceAnsiCodesIncremental, styledCharsFromTokens, styledCharsToString, tokenize, undoAnsiCodes } from '@alcalzone/ansi-tokenize';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import stringWidth from 'string-width';
import { hasAnsiControlCharacters } from '../../node_modules/ink/build/ansi-tokenizer.js';
import isFullwidthCodePoint from 'is-fullwidth-code-point';
import { eastAsianWidth } from 'get-east-asian-width';
import { SINGLE_CLUSTERS, YOGA_BASE64_DECODE, hasAnsiControls, isOwnWidthCharacter, isPrintableAscii, lazyGraphemeSegmenter, mayBeRgiEmoji, monotonicMs, sameStyles, styledCharsOfLine } from '../../scripts/ink-edits.mjs';

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

const plainSegments = (segments: Iterable<Intl.SegmentData>) => Array.from(segments, ({ segment, index, input }) => ({ segment, index, input }));

it('text of the code points split without a segmenter splits as Intl.Segmenter splits it, every ordered pair of them included', () => {
  const intl = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  // The code points the lazy segmenter splits by itself: each alone is a string it does not send on.
  const single: string[] = [];
  const split = lazyGraphemeSegmenter(SINGLE_CLUSTERS);
  for (let code = 0; code <= 0xffff; code++) {
    const char = String.fromCharCode(code);
    if (Array.isArray(split.segment(char))) single.push(char);
  }
  expect(single.length).toBeGreaterThan(1000);
  // For each one, a string where it stands before and after every one of them (itself too):
  // Intl.Segmenter must find a cluster per code point there, so no rule joins any pair.
  for (const left of single) {
    const text = `${single.map((right) => left + right).join('')}${left}`;
    let clusters = 0;
    for (const { segment } of intl.segment(text)) {
      if (segment.length !== 1) throw new Error(`Intl.Segmenter joins ${JSON.stringify(segment)}`);
      clusters++;
    }
    expect(clusters).toBe(text.length);
  }
  for (const text of ['', 'plain', '\u001b[1m· API_KEY ▸ › ─┌┐ ✓ ✗ …\u001b[22m', 'tab\tand\nline']) {
    expect(Array.isArray(split.segment(text))).toBe(true);
    expect(plainSegments(split.segment(text))).toEqual(plainSegments(intl.segment(text)));
  }
});

it('the lazy segmenter answers as Intl.Segmenter does, also for text it sends on, and for containing()', () => {
  const intl = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const split = lazyGraphemeSegmenter(SINGLE_CLUSTERS);
  const texts = ['', 'a', '› API_KEY', 'a\r\nb', 'e\u0301', '\u{1F468}\u200D\u{1F469}', '\u{1F1E9}\u{1F1EA}x', '가각', '\u001b[32m·ok\u001b[39m'];
  for (const text of texts) {
    expect(plainSegments(split.segment(text))).toEqual(plainSegments(intl.segment(text)));
    for (const at of [undefined, -1, 0, 0.5, 1, 2, text.length - 1, text.length, Number.NaN, Number.POSITIVE_INFINITY, '1']) {
      const ours = split.segment(text).containing(at as number);
      const theirs = intl.segment(text).containing(at as number);
      expect(ours && { segment: ours.segment, index: ours.index, input: ours.input }, `${JSON.stringify(text)} at ${String(at)}`).toEqual(theirs && { segment: theirs.segment, index: theirs.index, input: theirs.input });
    }
  }
  // Text with a cluster of more than one code point goes to Intl.Segmenter itself.
  for (const text of ['a\r\nb', 'e\u0301', '\u{1F468}\u200D\u{1F469}', '가']) expect(Array.isArray(split.segment(text))).toBe(false);
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

it("string-width counts each of px's own characters above ASCII as its East Asian width, and no other goes the short way", () => {
  let own = 0;
  for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
    const char = String.fromCodePoint(codePoint);
    if (!isOwnWidthCharacter(char)) continue;
    own++;
    expect(SINGLE_CLUSTERS.test(char), char).toBe(true);
    for (const ambiguousIsNarrow of [true, false]) {
      const width = stringWidth(char, { ambiguousIsNarrow });
      if (width !== eastAsianWidth(codePoint, { ambiguousAsWide: !ambiguousIsNarrow })) throw new Error(`U+${codePoint.toString(16)}: string-width says ${width}`);
      // Inside a line, as string-width measures it cluster by cluster after a non-ASCII character.
      expect(stringWidth(`é${char}`, { ambiguousIsNarrow }) - stringWidth('é', { ambiguousIsNarrow })).toBe(width);
    }
  }
  expect(own).toBeGreaterThan(1000);
  // What the manager draws goes the short way; a soft hyphen, a mark, an emoji of its own
  // presentation or of several code points, East Asian text and control characters do not.
  expect(['·', '—', '…', '›', '→', '▸', '▏', '✓', '✗', '┌', '─', '│', '•'].every(isOwnWidthCharacter)).toBe(true);
  expect(['\u00ad', '\u0301', '\u200b', '\u2028', '\u2060', '\ufe0f', '\u{1F600}', '\u2714\ufe0f', '中', '가', '\u1100', 'e\u0301', '·\u0301', '\u0085', 'a', 'ab'].filter(isOwnWidthCharacter)).toEqual([]);
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

it("a styled character is the char token's three fields and its styles: the build's literal makes the same object as the spread", () => {
  const lines = ['plain', '\u001b[1mbold\u001b[22m · ▸ ›', '\u001b]8;;https://example.com\u0007link\u001b]8;;\u0007', '\u{1F468}\u200D\u{1F469} 漢字 e\u0301', '\u001b[38;2;1;2;3mrgb\u001b[39m\ttab'];
  let chars = 0;
  for (const line of lines) {
    for (const token of tokenize(line)) {
      if (token.type !== 'char') continue;
      chars++;
      expect(Object.keys(token)).toEqual(['type', 'value', 'fullWidth']);
    }
    const spread = styledCharsFromTokens(tokenize(line));
    const literal = spread.map(({ type, value, fullWidth, styles }) => ({ type, value, fullWidth, styles }));
    expect(JSON.stringify(literal)).toBe(JSON.stringify(spread));
  }
  expect(chars).toBeGreaterThan(30);
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

it("yoga's WebAssembly decodes to the same bytes with Buffer as with its atob loop, and the build still finds that loop", () => {
  const source = readFileSync(join(import.meta.dirname, '..', '..', 'node_modules', 'yoga-layout', 'dist', 'binaries', 'yoga-wasm-base64-esm.js'), 'utf8');
  expect(source).toContain(YOGA_BASE64_DECODE);
  const url = /"(data:application\/octet-stream;base64,[A-Za-z0-9+/=]+)"/.exec(source)?.[1] ?? '';
  expect(url.slice(0, 37)).toBe('data:application/octet-stream;base64,');
  const viaAtob = Uint8Array.from(atob(url.slice(37)), (char) => char.charCodeAt(0));
  const viaBuffer = Buffer.from(url.slice(37), 'base64');
  expect(viaBuffer.length).toBeGreaterThan(50_000);
  expect(Buffer.compare(viaBuffer, viaAtob)).toBe(0);
  expect(WebAssembly.validate(viaBuffer)).toBe(true);
});

it("a line's styled characters made at once are the ones Ink makes from its tokens, and other lines still take Ink's path", () => {
  const whole: string[] = [];
  const counted = (text: string) => {
    whole.push(text);
    return tokenize(text);
  };
  const ofLine = styledCharsOfLine({ tokenize: counted, styledCharsFromTokens, reduceAnsiCodesIncremental, isFullwidthCodePoint }, SINGLE_CLUSTERS);
  const ink = (line: string) => styledCharsFromTokens(tokenize(line));
  /** Ink's answer, and whether the line went to the original path. */
  const check = (line: string) => {
    whole.length = 0;
    expect(ofLine(line), JSON.stringify(line)).toEqual(ink(line));
    return whole.includes(line);
  };
  // Every code point of the set, alone, styled and next to a wide one (⌚ is full-width).
  let single = 0;
  for (let code = 0; code <= 0xffff; code++) {
    const char = String.fromCharCode(code);
    if (code === 0x1b || !SINGLE_CLUSTERS.test(char)) continue;
    single++;
    expect(check(char)).toBe(false);
    expect(check(`\u001b[1m${char}\u001b[22m\u231a${char}`)).toBe(false);
  }
  expect(single).toBeGreaterThan(1000);
  // Styles px's UI draws with, and ones it does not: compound, 256 and 24-bit colours, resets, empty parameters.
  const atOnce = [
    '',
    'plain',
    '\u001b[1m· API_KEY ▸ › ─┌┐ ✓ ✗ …\u001b[22m',
    '\u001b[32m\u001b[7mgreen inverse\u001b[27m\u001b[39m then \u001b[2m\u001b[1mdim bold\u001b[22m',
    '\u001b[1;3;31mcompound\u001b[0m \u001b[38;5;196mred\u001b[49m \u001b[38;2;1;2;3;48;5;4mrgb\u001b[m',
    '\u001b[1mnot closed',
    'tab\there ⌚⌛ ⏩ ◽ ✅ ✨',
    '\u001b[4m\u001b[4munderline twice\u001b[24m\u001b[24m',
  ];
  for (const line of atOnce) expect(check(line)).toBe(false);
  // A link, other escapes, C1 controls, clusters of several code points, wide and emoji text.
  const original = [
    '\u001b]8;;https://example.com\u0007link\u001b]8;;\u0007',
    '\u001b[2Jclear',
    '\u001b[1xbad',
    'ends in ESC\u001b',
    'ESC [ unfinished \u001b[12',
    '\u009b1mC1',
    '漢字',
    'e\u0301',
    '\u{1F468}\u200D\u{1F469}',
    '\u2764\uFE0F',
    '\u{1F1E9}\u{1F1EA}',
  ];
  for (const line of original) expect(check(line)).toBe(true);
  // Lines of random pieces of both kinds, each checked twice (the second time from kept SGR tokens),
  // and more distinct sequences than are kept.
  const pieces = [...atOnce, ...original, 'x', ' ', '·', '⌚', '\u001b[0m', '\u001b[36m', '\u001b[39m', '\u001b[;m', '\u001b[1;22m', '\u001b[38;5m'];
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  for (let i = 0; i < 3000; i++) {
    let line = '';
    for (let n = next() % 6; n >= 0; n--) line += pieces[next() % pieces.length];
    if (i % 3 === 0) line += `\u001b[38;5;${i % 300}mc`;
    check(line);
    check(line);
  }
});

it("the scheduler's clock is Node's monotonic clock in milliseconds, never going back", () => {
  let last = monotonicMs();
  for (let i = 0; i < 1000; i++) {
    const before = process.hrtime.bigint();
    const now = monotonicMs();
    const after = process.hrtime.bigint();
    // The same clock as process.hrtime.bigint(), read between the two readings of it (to float precision).
    expect(now).toBeGreaterThanOrEqual(Number(before) / 1e6 - 1e-3);
    expect(now).toBeLessThanOrEqual(Number(after) / 1e6 + 1e-3);
    expect(now).toBeGreaterThanOrEqual(last);
    last = now;
  }
});
