// Types of scripts/bundle-edits.mjs, for its test.
export declare function memoizedToEsm<T>(toEsm: (mod: T, isNodeMode?: number) => object): (mod: T, isNodeMode?: number) => object;
export declare const TO_ESM_HELPER: RegExp;
export declare function withMemoizedToEsm(code: string): string;
export declare function sourceEdit(name: string, filter: RegExp, replacements: Array<[string, string]>): import('esbuild').Plugin;
