// Builds px with esbuild into three CommonJS files, for start-up time (README, Performance):
//   dist/px.cjs   what the launcher runs: the registry, the fast path and the modules of the
//                 commands it marks `fast` (run without yargs), and the core they need
//   dist/cli.cjs  the yargs CLI for everything else, and the secrets endpoint (px server)
//   dist/ui.cjs   the Ink/React layer, loaded only on interactive runs
//   dist/client.cjs  px-secrets/client for app code (with dist/client.d.ts), no CLI in it
// CommonJS, so no run starts Node's ES module loader and bin/px.cjs can keep a V8 code cache of
// each file. The files share no objects but plain data (argv, streams, env) and exit codes.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { BLANK_CELLS_FROM, BLANK_CELLS_TO, STYLES_DIFF_FROM, STYLES_DIFF_TO, SINGLE_CLUSTERS, YOGA_BASE64_DECODE, hasAnsiControls, isOwnWidthCharacter, isPrintableAscii, lazyGraphemeSegmenter, mayBeRgiEmoji, monotonicMs, sameStyles, styledCharsOfLine } from './ink-edits.mjs';
import { fileURLToPath } from 'node:url';
import { sourceEdit, withMemoizedToEsm } from './bundle-edits.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
const yogaShim = fileURLToPath(new URL('./yoga-shim.mjs', import.meta.url));

/**
 * Imports that cross from one file into another. Node 20 loses the import() callback of code run
 * from a code cache, so the files hold no import(): a crossing becomes a function that asks the
 * launcher's `__pxImport` (bin/px.cjs) for the other file.
 */
const crossings = {
  './cli.js': { file: './cli.cjs', exports: ['runCli'] },
  '../../components/ui.js': { file: './ui.cjs', exports: ['createInkUi'] },
};
const crossTo = (...wanted) => ({
  name: 'px-crossings',
  setup(b) {
    b.onResolve({ filter: /^(\.\/cli\.js|\.\.\/\.\.\/components\/ui\.js)$/ }, (args) =>
      wanted.includes(args.path) ? { path: args.path, namespace: 'px-crossing' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'px-crossing' }, (args) => {
      const { file, exports } = crossings[args.path];
      const contents = exports.map((name) => `export const ${name} = (...args) => __pxImport(${JSON.stringify(file)}).then((m) => m.${name}(...args));`).join('\n');
      return { contents, loader: 'js' };
    });
  },
});

/**
 * The command modules of the registry's fast commands, read from src/registry.ts itself: it is
 * bundled with each command module replaced by its path, and each fast entry's loader asked.
 */
async function fastCommandModules() {
  const result = await build({
    entryPoints: ['src/registry.ts'],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    logLevel: 'warning',
    plugins: [
      {
        name: 'module-paths',
        setup(b) {
          b.onResolve({ filter: /^\.\.?\/commands\// }, (args) => ({ path: resolve(args.resolveDir, args.path), namespace: 'module-path' }));
          b.onLoad({ filter: /.*/, namespace: 'module-path' }, (args) => ({ contents: `export const modulePath = ${JSON.stringify(args.path)};`, loader: 'js' }));
        },
      },
    ],
  });
  const { REGISTRY } = await import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`);
  const fast = REGISTRY.commands.filter((spec) => spec.fast && spec.handler);
  return new Set(await Promise.all(fast.map(async (spec) => (await spec.handler.load()).modulePath)));
}

/** In dist/px.cjs, the registry's other commands are left out: they run from dist/cli.cjs. */
const launcherCommands = (fast) => ({
  name: 'launcher-commands',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\// }, (args) => {
      if (!/[\\/]src[\\/]registry(-secret)?\.ts$/.test(args.importer)) return undefined;
      const path = resolve(args.resolveDir, args.path);
      return fast.has(path) ? undefined : { path, namespace: 'not-in-launcher' };
    });
    b.onLoad({ filter: /.*/, namespace: 'not-in-launcher' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not in dist/px.cjs: only the fast path's commands are`)});`,
      loader: 'js',
    }));
  },
});

/** A filter for one file of the repository, `path` relative to this script. */
const exactly = (path) => new RegExp(`^${fileURLToPath(new URL(path, import.meta.url)).replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}$`);

const edit = sourceEdit;

const shared = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: process.env.PX_BUILD_READABLE !== '1',
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'linked',
  // Every import() becomes require(): see crossTo.
  supported: { 'dynamic-import': false },
  // The native keychain module ships per-platform binaries: load it from node_modules.
  external: ['@napi-rs/keyring'],
  define: {
    __PX_VERSION__: JSON.stringify(pkg.version),
    'process.env.NODE_ENV': '"production"',
    'process.env.DEV': '"false"',
    // Bundled ES modules that locate files next to themselves (yargs) get the bundle's own URL,
    // made when first asked for: most runs never ask, and making it costs start-up time.
    'import.meta.url': '__pxModule.url',
  },
  banner: { js: "var __pxModule = { get url() { return require('node:url').pathToFileURL(__filename).href; } };" },
  logLevel: 'warning',
};

await build({ ...shared, entryPoints: ['src/main.ts'], outfile: 'dist/px.cjs', plugins: [launcherCommands(await fastCommandModules()), crossTo('./cli.js', '../../components/ui.js')] });

// yargs renders a command's whole help text each time it runs the command's handler, in case the
// handler asks for it (showHelp); px's handlers never do (help is only ever asked for with
// --help, which yargs renders afresh), so that text cost ~5 ms on every yargs-parsed run.
const yargsWithoutHelpPerRun = edit('yargs-no-help-per-run', /yargs[\\/]build[\\/]lib[\\/]command\.js$/, [
  ['            if (!isDefaultCommand) {\n                yargs.getInternalMethods().getUsageInstance().cacheHelpMessage();\n            }\n', ''],
]);

await build({ ...shared, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.cjs', plugins: [crossTo('../../components/ui.js'), yargsWithoutHelpPerRun] });

await build({
  ...shared,
  entryPoints: ['components/ui.tsx'],
  outfile: 'dist/ui.cjs',
  // Ink imports react-devtools-core only in development; never in px.
  alias: { 'react-devtools-core': './scripts/devtools-stub.mjs' },
  plugins: [
    // yoga-layout awaits its WebAssembly at top level, which CommonJS cannot: see yoga-shim.mjs.
    {
      name: 'yoga-shim',
      setup(b) {
        b.onResolve({ filter: /^yoga-layout$|[\\/]yoga-ready\.js$/ }, () => ({ path: yogaShim }));
      },
    },
    // Without fetch, yoga decodes its WebAssembly directly instead of loading Node's whole fetch
    // stack (~10 ms) to read a data: URL; and with Buffer, not atob and a loop over 72 KB of cold
    // code (~3 ms): the same bytes (test/components/ink-edits.test.ts).
    edit('yoga-without-fetch', /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/, [
      ['"function"!=typeof fetch', 'true'],
      [YOGA_BASE64_DECODE, 'var d=Buffer.from(a.slice(37),"base64")'],
    ]),
    // The first frame of `px ui` is 3,000 cells of cold code: shortcuts, see ink-edits.mjs.
    edit('ansi-diff-of-equal-styles', /@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]diff\.js$/, [
      ['export function diffAnsiCodes(from, to) {', `const sameStyles = ${sameStyles};\nexport function diffAnsiCodes(from, to) {\n    if (sameStyles(from, to)) return [];`],
    ]),
    edit('ansi-codes-of-none', /@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]ansiCodes\.js$/, [
      ['export function ansiCodesToString(codes) {', 'export function ansiCodesToString(codes) {\n    if (codes.length === 0) return "";'],
    ]),
    // Characters under the same styles share one list of them: nothing changes such a list
    // (reducing codes makes a new one), so a copy for each character only costs allocations.
    // And each is an object literal of the char token's three fields rather than a spread of it:
    // the same object (test/components/ink-edits.test.ts), cheaper to make in cold code and of
    // one shape for every cell of a frame (~24 M fewer instructions for px ui's first frame).
    edit('ansi-shared-styles', /@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]styledChars\.js$/, [
      ['                ...token,\n', '                type: token.type,\n                value: token.value,\n                fullWidth: token.fullWidth,\n'],
      ['                styles: [...codes],', '                styles: codes,'],
      // Neighbours under the same list (above, and styledCharsOfLine) need no difference of
      // styles: the difference of a list and itself is empty (see sameStyles), so nothing changes.
      [STYLES_DIFF_FROM, STYLES_DIFF_TO],
    ]),
    // Ink's string-width (wrap-ansi keeps an older copy, without the expression) builds its RGI
    // emoji expression on the first cluster that could be one, rather than as Ink loads.
    edit('string-width-emoji-when-needed', exactly('../node_modules/string-width/index.js'), [
      ['const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;', `const mayBeRgiEmoji = ${mayBeRgiEmoji};\nlet rgiEmojiRegex;\nconst isRgiEmoji = (segment) => mayBeRgiEmoji(segment) && (rgiEmojiRegex ??= /^\\p{RGI_Emoji}$/v).test(segment);`],
      ['if (rgiEmojiRegex.test(segment) ||', 'if (isRgiEmoji(segment) ||'],
      ['const segmenter = new Intl.Segmenter();', `const segmenter = (${lazyGraphemeSegmenter})(${SINGLE_CLUSTERS});`],
      ['\tfor (const {segment} of segmenter.segment(string)) {', `const isPrintableAscii = ${isPrintableAscii};\nconst isOwnWidthCharacter = ${isOwnWidthCharacter};\n\tfor (const {segment} of segmenter.segment(string)) {\n\t\tif (isPrintableAscii(segment)) {\n\t\t\twidth += 1;\n\t\t\tcontinue;\n\t\t}\n\t\tif (isOwnWidthCharacter(segment)) {\n\t\t\twidth += eastAsianWidth(segment.charCodeAt(0), eastAsianWidthOptions);\n\t\t\tcontinue;\n\t\t}`],
    ]),
    // Ink's grapheme segmenters (string-width above, wrap-ansi's, its tokenizer's, slice-ansi's)
    // are made on first use, and a line of px's own characters is split without one: see
    // lazyGraphemeSegmenter. (esbuild runs one edit per file: string-width's is the one above.)
    ...[
      ['wrap-ansi-string-width', exactly('../node_modules/wrap-ansi/node_modules/string-width/index.js'), 'new Intl.Segmenter()'],
      ['ansi-tokenize', /@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize\.js$/, 'new Intl.Segmenter(undefined, { granularity: "grapheme" })'],
      ['slice-ansi', exactly('../node_modules/slice-ansi/tokenize-ansi.js'), "new Intl.Segmenter(undefined, {granularity: 'grapheme'})"],
    ].map(([name, filter, from]) => edit(`${name}-lazy-segmenter`, filter, [[from, `(${lazyGraphemeSegmenter})(${SINGLE_CLUSTERS})`]])),
    // Built-ins that Ink's dependencies load as they load, for a path a frame never takes: the
    // size asked of `tput` when no stream knows it, and signal-exit's check of its argument (a
    // function each time: Ink's own).
    edit('terminal-size-child-process-when-needed', exactly('../node_modules/terminal-size/index.js'), [
      ["import {execFileSync} from 'node:child_process';", "const execFileSync = (...args) => require('node:child_process').execFileSync(...args);"],
    ]),
    edit('signal-exit-assert-when-needed', exactly('../node_modules/signal-exit/index.js'), [
      // assert.equal throws when `actual != expected`: only then is node:assert needed, to throw the same.
      ["var assert = require('assert')", "var assert = { equal: (actual, expected, message) => actual != expected && require('assert').equal(actual, expected, message) }"],
    ]),
    // Ink's styled characters of a line of px's own text, without a segment and a token object
    // per character: see styledCharsOfLine.
    edit('ink-styled-chars-at-once', /ink[\\/]build[\\/]output\.js$/, [
      [
        "import { styledCharsFromTokens, styledCharsToString, tokenize, } from '@alcalzone/ansi-tokenize';",
        `import { reduceAnsiCodesIncremental, styledCharsFromTokens, styledCharsToString, tokenize, } from '@alcalzone/ansi-tokenize';\nimport isFullwidthCodePoint from 'is-fullwidth-code-point';\nconst styledCharsOfLine = (${styledCharsOfLine})({ tokenize, styledCharsFromTokens, reduceAnsiCodesIncremental, isFullwidthCodePoint }, ${SINGLE_CLUSTERS});`,
      ],
      ['cached = styledCharsFromTokens(tokenize(line));', 'cached = styledCharsOfLine(line);'],
      // A frame starts as a blank cell per column per row (3,000 on a 100x30 screen), each an
      // object and an empty styles list of its own: one blank cell serves them all, since a cell
      // is only ever replaced in its row, never changed.
      [BLANK_CELLS_FROM, BLANK_CELLS_TO],
    ]),
    // Ink's error overview (drawn only when a component throws) makes its stack parser as Ink
    // loads: stack-utils loads node:module (with Node's ES module loader) and builds a pattern per
    // built-in module. Made on the first error instead, with the working directory of the load.
    edit('ink-stack-utils-when-needed', /ink[\\/]build[\\/]components[\\/]ErrorOverview\.js$/, [
      ["import StackUtils from 'stack-utils';\n", ''],
      [
        'const stackUtils = new StackUtils({\n    cwd: cwd(),\n    internals: StackUtils.nodeInternals(),\n});',
        "const loadCwd = cwd();\nlet stackUtils;\nconst getStackUtils = () => {\n    if (stackUtils === undefined) {\n        const StackUtils = require('stack-utils');\n        stackUtils = new StackUtils({ cwd: loadCwd, internals: StackUtils.nodeInternals() });\n    }\n    return stackUtils;\n};",
      ],
      ['stackUtils.parseLine(', 'getStackUtils().parseLine('],
    ]),
    // Node's global \`performance\` loads perf_hooks when first touched: React's scheduler reads the
    // same monotonic clock from process.hrtime (see monotonicMs), and Ink times a render only
    // for an onRender callback, which px never passes.
    edit('scheduler-clock-without-perf-hooks', exactly('../node_modules/scheduler/cjs/scheduler.production.js'), [
      ['if ("object" === typeof performance && "function" === typeof performance.now) {\n  var localPerformance = performance;', `if (true) {\n  var localPerformance = { now: ${monotonicMs} };`],
    ]),
    edit('ink-render-time-when-asked', /ink[\\/]build[\\/]ink\.js$/, [
      ['const startTime = performance.now();', 'const startTime = this.options.onRender ? performance.now() : 0;'],
    ]),
    // Ink asks every text node of a frame whether it holds ESC or a C1 control: one expression.
    edit('ink-ansi-controls-at-once', /ink[\\/]build[\\/]ansi-tokenizer\.js$/, [
      ['export const hasAnsiControlCharacters = (text) => {', `const hasAnsiControls = ${hasAnsiControls};\nexport const hasAnsiControlCharacters = (text) => {\n    return hasAnsiControls(text);`],
    ]),
    // Ink's only top-level awaits load its devtools when DEV=true, which px never sets.
    edit('ink-without-devtools', /ink[\\/]build[\\/]reconciler\.js$/, [
      ["await import('./devtools.js')", 'undefined'],
      ['? await loadPackageJson()', '? undefined'],
    ]),
  ],
});
// Ink's files import React and node:process one by one: each namespace is made once (see memoizedToEsm).
writeFileSync('dist/ui.cjs', withMemoizedToEsm(readFileSync('dist/ui.cjs', 'utf8')));

// The typed client: its own bundle, and its declarations from the TypeScript compiler (only the
// entry's: its public types are declared in it, so they need no other file).
await build({ ...shared, entryPoints: ['src/client/index.ts'], outfile: 'dist/client.cjs', banner: {}, define: { ...shared.define, 'import.meta.url': 'undefined' } });
const clientEntry = fileURLToPath(new URL('../src/client/index.ts', import.meta.url));
const program = ts.createProgram([clientEntry], {
  declaration: true,
  emitDeclarationOnly: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  strict: true,
  skipLibCheck: true,
  // Only the entry: its public types need no other file, and resolving the core costs seconds.
  noResolve: true,
  types: ['node'],
  outDir: fileURLToPath(new URL('../dist/types', import.meta.url)),
});
let declared = false;
program.emit(undefined, (file, text) => {
  if (!file.endsWith('/index.d.ts')) return;
  if (/^import /m.test(text)) throw new Error('build: the client declarations import other files: keep its public types in src/client/index.ts');
  writeFileSync(new URL('../dist/client.d.ts', import.meta.url), text);
  declared = true;
}, undefined, true);
if (!declared) throw new Error('build: no declarations for src/client/index.ts');

// px-secrets/spec: the endpoint conformance suite for a backend's own tests (package.json
// "exports"), as ES module and CommonJS, readable, with its type declarations.
for (const [format, outfile] of [['esm', 'dist/spec.mjs'], ['cjs', 'dist/spec.cjs']]) {
  await build({ entryPoints: ['src/spec.ts'], outfile, bundle: true, platform: 'node', target: 'node20', format, legalComments: 'linked', logLevel: 'warning' });
}
execFileSync(process.execPath, [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.spec-types.json'], { stdio: 'inherit' });
