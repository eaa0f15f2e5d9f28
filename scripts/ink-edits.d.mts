// Types of scripts/ink-edits.mjs, for its test.
export declare const mayBeRgiEmoji: (segment: string) => boolean;
export declare function sameStyles(from: ReadonlyArray<{ code: string; endCode: string }>, to: ReadonlyArray<{ code: string; endCode: string }>): boolean;
export declare function graphemes(text: string, segmenter: Intl.Segmenter): Iterable<{ segment: string; index: number }>;
export declare const isPrintableAscii: (segment: string) => boolean;
export declare const hasAnsiControls: (text: string) => boolean;
