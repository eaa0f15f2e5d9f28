// Types of scripts/ink-edits.mjs, for its test.
export declare const mayBeRgiEmoji: (segment: string) => boolean;
export declare function sameStyles(from: ReadonlyArray<{ code: string; endCode: string }>, to: ReadonlyArray<{ code: string; endCode: string }>): boolean;
export declare function lazyGraphemeSegmenter(): { segment(text: string): Intl.Segments };
export declare const isPrintableAscii: (segment: string) => boolean;
export declare const hasAnsiControls: (text: string) => boolean;
export declare const YOGA_BASE64_DECODE: string;
