// What a terminal shows of a text from elsewhere (an endpoint's error message), on one line.
// Escape sequences, control and format characters (zero-width, joiners, bidi overrides, the BOM)
// and combining marks that do not compose are removed, and line breaks and tabs become spaces
// (they show as space), so nothing invisible can sit between the characters of a value: masking
// runs on this form, with the values put in this form too.
const ESCAPE_SEQUENCES = [
  '\\u001b\\[[0-?]*[ -/]*[@-~]', // CSI (colours, cursor moves)
  '\\u009b[0-?]*[ -/]*[@-~]', // CSI in its one-byte (C1) form
  '[\\u001b][\\]PX^_][\\s\\S]*?(?:\\u0007|\\u001b\\\\|$)', // OSC, DCS, SOS, PM, APC strings up to their terminator
  '[\\u0090\\u0098\\u009d\\u009e\\u009f][\\s\\S]*?(?:\\u0007|\\u009c|\\u001b\\\\|$)', // the same in C1 form
  '\\u001b[ -/]*[0-~]', // every other escape
].join('|');

// Built on first use, not as the module loads: the Unicode property classes take a good part of a
// millisecond to build, and most runs (every answer without an error) never need them.
let patterns: { escapes: RegExp; breaks: RegExp; invisible: RegExp } | undefined;

export function visibleText(text: string): string {
  patterns ??= {
    escapes: new RegExp(ESCAPE_SEQUENCES, 'g'),
    breaks: /[\t\n\v\f\r\u0085\u2028\u2029]/g,
    invisible: /[\p{Cc}\p{Cf}\p{M}\u115F\u1160\u3164\uFFA0]/gu,
  };
  return text.normalize('NFC').replace(patterns.escapes, '').replace(patterns.breaks, ' ').replace(patterns.invisible, '');
}
