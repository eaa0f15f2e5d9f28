// Bundles the CLI with esbuild: one file for the commands and core, and a separate chunk for the
// Ink/React layer so non-interactive runs never load it.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: { px: 'src/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  // The native keychain module ships per-platform binaries: load it from node_modules.
  external: ['@napi-rs/keyring'],
  define: { __PX_VERSION__: JSON.stringify(pkg.version), 'process.env.NODE_ENV': '"production"', 'process.env.DEV': '"false"' },
  // Ink imports react-devtools-core only when DEV=true; never in px.
  alias: { 'react-devtools-core': './scripts/devtools-stub.mjs' },
  // Bundled CommonJS (yargs helpers, signal-exit, …) still calls require.
  banner: { js: "import { createRequire as __pxCreateRequire } from 'node:module'; const require = __pxCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
