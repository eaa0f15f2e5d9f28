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

/**
 * The grapheme clusters of `text`: in text of printable ASCII and ESC alone each character is one
 * (no rule joins two of them; the only ASCII pair that is one cluster is CR LF), which is what
 * Intl.Segmenter, walked character by character in cold code, would say. Other text goes to it.
 */
export function graphemes(text, segmenter) {
  if (!/^[\u001b\u0020-\u007e]*$/.test(text)) return segmenter.segment(text);
  const clusters = [];
  for (let index = 0; index < text.length; index++) clusters.push({ segment: text[index], index });
  return clusters;
}

/** One printable ASCII character: string-width's answer for it is 1 (not wide, not ambiguous, nothing trails). */
export const isPrintableAscii = (segment) => segment.length === 1 && segment >= ' ' && segment <= '~';

/**
 * Whether text holds ESC or a C1 control (U+0080–U+009F), as Ink's hasAnsiControlCharacters
 * answers by walking it code point by code point (in cold code, for every text node of a frame):
 * a UTF-16 code unit in that range is always that code point, never half of a surrogate pair.
 */
export const hasAnsiControls = (text) => /[\u001b\u0080-\u009f]/.test(text);
