// What scripts/build.mjs changes in Ink's dependencies for the first frame of `px ui` (README,
// Performance), kept here so test/components/ink-edits.test.ts checks each premise.

/**
 * Whether a grapheme cluster could be an RGI emoji: every RGI emoji (a single emoji, a keycap, a
 * flag, a tag, modifier or ZWJ sequence) holds a code point of the Emoji property, and none is a
 * single ASCII character. For any other cluster string-width's answer is no without its RGI
 * expression, which costs about 20 ms to build.
 */
export const mayBeRgiEmoji = (segment) => (segment.length > 1 || segment.charCodeAt(0) > 0x7f) && /\p{Emoji}/u.test(segment);

/**
 * The style difference of two equal style lists is empty: Ink asks it for each cell of a frame
 * (building three Sets and four arrays), and most cells share their neighbour's styles.
 */
export function sameStyles(from, to) {
  return from.length === to.length && from.every((code, i) => code.code === to[i].code && code.endCode === to[i].endCode);
}

/** Text of px's own code points, one grapheme cluster per code point (see lazyGraphemeSegmenter). */
export const SINGLE_CLUSTERS = /^[\t\n\u001b\u0020-\u007e\u00a0-\u00ff\u2010-\u2027\u2030-\u205e\u2190-\u23ff\u2500-\u25ff\u2700-\u27bf]*$/;

/**
 * A grapheme segmenter that Ink's dependencies make as they load (four of them), made on first use
 * instead: the first Intl.Segmenter costs ~8 ms of ICU set-up, and a frame of px's own text never
 * needs one. Text made only of the code points below splits into one cluster per code point, as
 * Intl.Segmenter would split it (test/components/ink-edits.test.ts checks every ordered pair of
 * them against it): none is Extend, ZWJ, SpacingMark, Prepend, CR, a Hangul jamo or syllable, or a
 * regional indicator, so no rule of UAX #29 joins two of them (SINGLE_CLUSTERS, passed in as the
 * build inlines this function's text). Those segments are a plain array
 * with `containing`, the only other method the dependencies call; other text goes to the segmenter.
 */
export function lazyGraphemeSegmenter(singleClusters) {
  let segmenter;
  return {
    segment(text) {
      const input = String(text);
      if (!singleClusters.test(input)) {
        segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
        return segmenter.segment(input);
      }
      const clusters = [];
      for (let index = 0; index < input.length; index++) clusters.push({ segment: input[index], index, input });
      clusters.containing = (at = 0) => {
        const index = Math.trunc(Number(at)) || 0;
        return index >= 0 && index < input.length ? clusters[index] : undefined;
      };
      return clusters;
    },
  };
}

/** One printable ASCII character: string-width's answer for it is 1 (not wide, not ambiguous, nothing trails). */
export const isPrintableAscii = (segment) => segment.length === 1 && segment >= ' ' && segment <= '~';

/**
 * One of px's own characters above ASCII (the ranges of SINGLE_CLUSTERS), alone as a cluster,
 * other than the soft hyphen: string-width's answer for it is its East Asian width under the same
 * options. Each is visible (no control, format, mark or default-ignorable code point), none is a
 * Hangul jamo, and the emoji among them are wide by their East Asian width too, so string-width
 * needs neither its visible-character expression (~1 ms to build on the first non-ASCII cluster)
 * nor its emoji checks for them (test/components/ink-edits.test.ts asks it about every one).
 */
export const isOwnWidthCharacter = (segment) => {
  if (segment.length !== 1) return false;
  const unit = segment.charCodeAt(0);
  return (unit >= 0xa0 && unit <= 0xff && unit !== 0xad) || (unit >= 0x2010 && unit <= 0x2027) || (unit >= 0x2030 && unit <= 0x205e) || (unit >= 0x2190 && unit <= 0x23ff) || (unit >= 0x2500 && unit <= 0x25ff) || (unit >= 0x2700 && unit <= 0x27bf);
};

/**
 * Whether text holds ESC or a C1 control (U+0080–U+009F), as Ink's hasAnsiControlCharacters
 * answers by walking it code point by code point (in cold code, for every text node of a frame):
 * a UTF-16 code unit in that range is always that code point, never half of a surrogate pair.
 */
export const hasAnsiControls = (text) => /[\u001b\u0080-\u009f]/.test(text);

/**
 * How yoga-layout turns its WebAssembly, a base64 data: URL, into bytes (`a` holds the URL, 37
 * characters of prefix): atob, then a loop over 72 KB in cold code. Buffer decodes the same text
 * to the same bytes at once; atob's check of the alphabet only matters for text that is not
 * base64, and this is a literal of yoga's build.
 */
export const YOGA_BASE64_DECODE = 'var b=xa(a.slice(37)),c=new Uint8Array(b.length);for(a=0;a<b.length;++a)c[a]=b.charCodeAt(a);var d=c';

/**
 * Ink's styled characters of one line of a frame (`styledCharsFromTokens(tokenize(line))`), made
 * at once for a line of SINGLE_CLUSTERS text whose escapes are all SGR sequences: one cell per code
 * unit (one cluster per code point, none outside the BMP), no segment or token object per
 * character. A character token is wide exactly when its code point is full-width (no variation
 * selector or regional indicator is in the set); an SGR sequence's tokens are tokenize's own (kept
 * per sequence: a frame repeats a few), and the styles follow them as styledCharsFromTokens has
 * them follow. Any other line (a link, another escape, a cluster of several code points) takes the
 * original path. `parts` are ansi-tokenize's exports and is-fullwidth-code-point.
 */
export function styledCharsOfLine(parts, singleClusters) {
  const { tokenize, styledCharsFromTokens, reduceAnsiCodesIncremental, isFullwidthCodePoint } = parts;
  const sgrTokens = new Map();
  /** Where the SGR sequence starting at `at` (ESC [ digits and semicolons m) ends, or -1. */
  const sgrEnd = (line, at) => {
    if (line.charCodeAt(at + 1) !== 0x5b) return -1;
    for (let index = at + 2; index < line.length; index++) {
      const unit = line.charCodeAt(index);
      if (unit === 0x6d) return index;
      if (unit !== 0x3b && (unit < 0x30 || unit > 0x39)) return -1;
    }
    return -1;
  };
  return (line) => {
    if (!singleClusters.test(line)) return styledCharsFromTokens(tokenize(line));
    const chars = [];
    let styles = [];
    for (let index = 0; index < line.length; index++) {
      const unit = line.charCodeAt(index);
      if (unit === 0x1b) {
        const end = sgrEnd(line, index);
        if (end < 0) return styledCharsFromTokens(tokenize(line));
        const sequence = line.slice(index, end + 1);
        let tokens = sgrTokens.get(sequence);
        if (tokens === undefined) {
          if (sgrTokens.size >= 256) sgrTokens.clear();
          tokens = tokenize(sequence);
          sgrTokens.set(sequence, tokens);
        }
        for (const token of tokens) styles = reduceAnsiCodesIncremental(styles, [token]);
        index = end;
        continue;
      }
      chars.push({ type: 'char', value: line[index], fullWidth: unit > 0x7e && isFullwidthCodePoint(unit), styles });
    }
    return chars;
  };
}

/**
 * A monotonic clock in milliseconds, as React's scheduler reads performance.now(): Node's global
 * `performance` loads perf_hooks (eleven built-in modules) on first touch, and the scheduler
 * touches it as it loads; process.hrtime is the same monotonic clock, already loaded. The
 * scheduler only compares and subtracts its readings, so their origin does not matter.
 */
export function monotonicMs() {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}

/**
 * How Ink's Output.get starts a frame: a blank cell object (with an empty styles list) for each
 * column of each row, and the same with one blank cell for the whole frame. Nothing changes a cell
 * of a frame: a write replaces cells in their row, and the styled string only reads them.
 */
export const BLANK_CELLS_FROM = `        const output = [];
        for (let y = 0; y < this.height; y++) {
            const row = [];
            for (let x = 0; x < this.width; x++) {
                row.push({
                    type: 'char',
                    value: ' ',
                    fullWidth: false,
                    styles: [],
                });
            }`;
export const BLANK_CELLS_TO = `        const output = [];
        const blank = { type: 'char', value: ' ', fullWidth: false, styles: [] };
        for (let y = 0; y < this.height; y++) {
            const row = [];
            for (let x = 0; x < this.width; x++) {
                row.push(blank);
            }`;

/**
 * How styledCharsToString draws a character after the first: the codes of the difference of its
 * neighbour's styles and its own. Neighbours under the same list (styledCharsFromTokens as built,
 * styledCharsOfLine, blank cells) have an empty difference (see sameStyles), so it is skipped.
 */
export const STYLES_DIFF_FROM = '        else {\n            ret += ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));';
export const STYLES_DIFF_TO = '        else if (char.styles !== chars[i - 1].styles) {\n            ret += ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));';
