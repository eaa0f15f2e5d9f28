// Ink's layout engine, yoga-layout, compiles its WebAssembly asynchronously. Run from sources (the
// tests), importing Ink has already waited for it. The CommonJS build (scripts/build.mjs) puts
// scripts/yoga-shim.mjs in place of yoga-layout and of this module: there the promise resolves
// once yoga is ready, and createInkUi waits for it before the first render.
export const yogaReady: Promise<void> = Promise.resolve();
