// The premise of what the build changes in esbuild's own output for dist/ui.cjs
// (scripts/bundle-edits.mjs): it changes how fast the bundle loads, never what an import reads.
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceEdit, withMemoizedToEsm } from '../../scripts/bundle-edits.mjs';

/** Files of a bundle in memory: ESM files importing one CommonJS module each. */
async function bundle(files: Record<string, string>, minifyIdentifiers = false): Promise<string> {
  const result = await build({
    stdin: { contents: files['entry.js']!, resolveDir: '/', sourcefile: 'entry.js' },
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // As scripts/build.mjs bundles, in its readable (PX_BUILD_READABLE=1) and minified forms.
    minifySyntax: true,
    minifyWhitespace: true,
    minifyIdentifiers,
    logLevel: 'silent',
    plugins: [
      {
        name: 'in-memory',
        setup(b) {
          b.onResolve({ filter: /^\.\// }, (args) => ({ path: args.path.slice(2), namespace: 'mem' }));
          b.onLoad({ filter: /.*/, namespace: 'mem' }, (args) => ({ contents: files[args.path], loader: 'js' }));
        },
      },
    ],
  });
  return result.outputFiles[0]!.text;
}

const run = (code: string): Record<string, unknown> => {
  const module = { exports: {} as Record<string, unknown> };
  new Function('module', 'exports', 'require', code)(module, module.exports, require);
  return module.exports;
};

const FILES = {
  'entry.js': "export { ns as a, def as aDefault } from './a.js';\nexport { ns as b, def as bDefault } from './b.js';\nexport { ns as c } from './c.js';\nexport { bump } from './m.cjs';",
  'a.js': "import * as ns from './m.cjs';\nimport def from './m.cjs';\nexport { ns, def };",
  'b.js': "import * as ns from './m.cjs';\nimport def from './m.cjs';\nexport { ns, def };",
  // An importer of a module that grows a property after the others imported it.
  'c.js': "import { bump } from './m.cjs';\nbump();\nexport * as ns from './late.cjs';",
  'm.cjs': 'let count = 1;\nexports.count = count;\nexports.bump = () => { exports.count = ++count; };',
  'late.cjs': "const m = require('./m.cjs');\nm.added = 'late';\nmodule.exports = m;",
};

it('each importer of a CommonJS module reads the same values through one namespace, made once', async () => {
  const code = await bundle(FILES);
  const original = run(code) as { a: Record<string, unknown>; b: Record<string, unknown>; aDefault: unknown; bDefault: unknown; bump: () => void };
  const edited = run(withMemoizedToEsm(code)) as typeof original;
  // Without the edit, each import makes a namespace of its own.
  expect(original.a).not.toBe(original.b);
  expect(edited.a).toBe(edited.b);
  for (const exports of [original, edited]) {
    expect(exports.aDefault).toBe(exports.bDefault);
    expect({ ...exports.a }).toEqual({ ...exports.b });
    // Live: a namespace reads the module's current value through its getter.
    exports.bump();
    expect(exports.a.count).toBe(exports.b.count);
    expect(Object.keys(exports.a).sort()).toEqual(['bump', 'count', 'default']);
  }
  expect(JSON.stringify(edited.a)).toBe(JSON.stringify(original.a));
});

it('a module whose own property names changed gets a new namespace, with the new names, as without the edit', async () => {
  const code = await bundle(FILES);
  const original = run(code) as { a: object; c: Record<string, unknown> };
  const edited = run(withMemoizedToEsm(code)) as typeof original;
  for (const exports of [original, edited]) {
    expect(exports.c).not.toBe(exports.a);
    expect(exports.c.added).toBe('late');
    expect(Object.keys(exports.c).sort()).toEqual(['added', 'bump', 'count', 'default']);
  }
});

it('the build finds exactly one helper to wrap, in minified and readable bundles, and refuses any other count', async () => {
  const code = await bundle(FILES);
  expect(code).toContain('__toESM');
  const minified = await bundle(FILES, true);
  expect(minified).not.toContain('__toESM');
  for (const text of [code, minified]) {
    const edited = withMemoizedToEsm(text);
    expect(edited).toContain('memoizedToEsm');
    const exports = run(edited) as { a: object; b: object };
    expect(exports.a).toBe(exports.b);
  }
  expect(() => withMemoizedToEsm('var x = 1;')).toThrow(/expected one __toESM helper/);
  expect(() => withMemoizedToEsm(`${code}\n${code}`)).toThrow(/found 2/);
});

describe('sourceEdit, the build plugin that edits a dependency file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'px-source-edit-'));
    writeFileSync(join(dir, 'dep.js'), 'module.exports = "old text";\n');
    writeFileSync(join(dir, 'entry.js'), 'console.log(require("./dep.js"));\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (filter: RegExp, replacements: Array<[string, string]>) =>
    build({ entryPoints: [join(dir, 'entry.js')], bundle: true, write: false, platform: 'node', logLevel: 'silent', plugins: [sourceEdit('probe', filter, replacements)] });

  it('replaces the text in the file it matches', async () => {
    const result = await run(/dep\.js$/, [['old text', 'new text']]);
    expect(result.outputFiles[0]!.text).toContain('new text');
    expect(result.outputFiles[0]!.text).not.toContain('old text');
  });

  it('fails the build when the text to edit is gone', async () => {
    await expect(run(/dep\.js$/, [['missing text', 'x']])).rejects.toThrow(/probe: `missing text` is no longer in/);
  });

  it('fails the build when no file of the build matched (a moved file would lose its edit)', async () => {
    await expect(run(/moved\.js$/, [['old text', 'new text']])).rejects.toThrow(/probe: no file of this build matched/);
  });
});
