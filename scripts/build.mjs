// Builds px with esbuild, in two parts, for start-up time (README, Performance):
//   dist/px.cjs  CommonJS: the launcher's entry, the commands run most (list, exists, create, run)
//                and the core they need. CommonJS so those commands never start Node's ES module
//                loader; one file so they load one file.
//   dist/esm/    ES modules, split: the yargs CLI (cli.js) for everything else, and the Ink/React
//                layer (ui.js), which needs ESM for yoga-layout's top-level await. Loaded on demand.
// The two parts share no objects but plain data (argv, streams, env) and exit codes.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

const shared = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: process.env.PX_BUILD_READABLE !== "1", minifySyntax: true, minifyWhitespace: true,
  legalComments: 'linked',
  define: { __PX_VERSION__: JSON.stringify(pkg.version), 'process.env.NODE_ENV': '"production"', 'process.env.DEV': '"false"' },
  logLevel: 'warning',
};

/**
 * Imports that cross from dist/px.cjs into dist/esm/. The launcher runs px.cjs from a V8 code
 * cache, and Node 20 loses the import() callback of cached code, so px.cjs holds no import():
 * a crossing becomes a function that asks the launcher's `__pxImport` (bin/px.cjs) for the module.
 */
const crossings = {
  './cli.js': { file: './esm/cli.js', exports: ['runCli'] },
  '../../components/ui.js': { file: './esm/ui.js', exports: ['createInkUi'] },
};
const toEsm = {
  name: 'px-to-esm',
  setup(b) {
    b.onResolve({ filter: /^(\.\/cli\.js|\.\.\/\.\.\/components\/ui\.js)$/ }, (args) => ({ path: args.path, namespace: 'px-esm' }));
    b.onLoad({ filter: /.*/, namespace: 'px-esm' }, (args) => {
      const { file, exports } = crossings[args.path];
      const contents = exports.map((name) => `export const ${name} = (...args) => __pxImport(${JSON.stringify(file)}).then((m) => m.${name}(...args));`).join('\n');
      return { contents, loader: 'js' };
    });
  },
};

/**
 * yoga-layout loads its WebAssembly with fetch() on a data: URL when fetch exists, which makes
 * Node load its whole built-in HTTP stack (~10 ms) to decode a string already in memory. Without
 * fetch it decodes the bytes directly. Fails the build if yoga's loader no longer looks like this.
 */
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const probe = '"function"!=typeof fetch';
      const count = source.split(probe).length - 1;
      if (count === 0) throw new Error(`yoga-layout's WebAssembly loader changed (no \`${probe}\`): review scripts/build.mjs`);
      return { contents: source.replaceAll(probe, 'true'), loader: 'js' };
    });
  },
};

await build({
  ...shared,
  entryPoints: { px: 'src/main.ts' },
  outfile: 'dist/px.cjs',
  format: 'cjs',
  // Every import() becomes require(): see toEsm.
  supported: { 'dynamic-import': false },
  // The native keychain module ships per-platform binaries: load it from node_modules.
  external: ['@napi-rs/keyring'],
  plugins: [toEsm],
});

await build({
  ...shared,
  entryPoints: { cli: 'src/cli.ts', ui: 'components/ui.tsx' },
  outdir: 'dist/esm',
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  splitting: true,
  format: 'esm',
  external: ['@napi-rs/keyring'],
  // Ink imports react-devtools-core only when DEV=true; never in px.
  alias: { 'react-devtools-core': './scripts/devtools-stub.mjs' },
  // Bundled CommonJS (yargs helpers, signal-exit, …) still calls require.
  banner: { js: "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);" },
  plugins: [yogaWithoutFetch],
});
