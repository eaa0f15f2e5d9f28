// Types of scripts/ink-edits.mjs, for its test.
export declare const mayBeRgiEmoji: (segment: string) => boolean;
export declare function sameStyles(from: ReadonlyArray<{ code: string; endCode: string }>, to: ReadonlyArray<{ code: string; endCode: string }>): boolean;
export declare const SINGLE_CLUSTERS: RegExp;
export declare function lazyGraphemeSegmenter(singleClusters: RegExp): { segment(text: string): Intl.Segments };
type StyledChar = { type: 'char'; value: string; fullWidth: boolean; styles: Array<{ type: 'ansi'; code: string; endCode: string }> };
export declare function styledCharsOfLine(
  parts: { tokenize: (text: string) => unknown[]; styledCharsFromTokens: (tokens: never[]) => StyledChar[]; reduceAnsiCodesIncremental: (codes: never[], tokens: never[]) => unknown[]; isFullwidthCodePoint: (codePoint: number) => boolean },
  singleClusters: RegExp,
): (line: string) => StyledChar[];
export declare const isPrintableAscii: (segment: string) => boolean;
export declare const isOwnWidthCharacter: (segment: string) => boolean;
export declare const hasAnsiControls: (text: string) => boolean;
export declare const YOGA_BASE64_DECODE: string;
export declare function monotonicMs(): number;
export declare const BLANK_CELLS_FROM: string;
export declare const BLANK_CELLS_TO: string;
export declare const STYLES_DIFF_FROM: string;
export declare const STYLES_DIFF_TO: string;
