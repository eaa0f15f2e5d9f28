// What scripts/build.mjs changes in esbuild's input and output, kept here so that
// test/components/bundle-edits.test.ts checks each premise.

import { readFileSync } from 'node:fs';

/**
 * esbuild's __toESM, which turns a CommonJS module into the namespace an ES module imports, runs
 * at every import of it: it makes a new object with a getter for each of the module's own
 * properties. Ink's files import React and node:process one by one (dozens of namespaces, more
 * than a hundred getters each for process), about 11 M instructions as dist/ui.cjs loads. This
 * wrapper makes the namespace of a module once per mode and hands it out again while the module
 * has the same own property names: a namespace only reads the module through its getters, so a
 * second one would read the same values. A module whose names changed (a cycle that saw it half
 * done) gets a new one, as it would have.
 */
export function memoizedToEsm(toEsm) {
  const made = [new WeakMap(), new WeakMap()];
  return (mod, isNodeMode) => {
    if (mod === null || (typeof mod !== 'object' && typeof mod !== 'function')) return toEsm(mod, isNodeMode);
    const names = Object.getOwnPropertyNames(mod);
    const kept = made[isNodeMode ? 1 : 0];
    const last = kept.get(mod);
    if (last !== undefined && last.names.length === names.length && last.names.every((name, i) => name === names[i])) return last.namespace;
    const namespace = toEsm(mod, isNodeMode);
    kept.set(mod, { names, namespace });
    return namespace;
  };
}

/** esbuild's __toESM helper as it prints it with minifySyntax and minifyWhitespace, any names. */
export const TO_ESM_HELPER =
  /var ([\w$]+)=(\(([\w$]+),([\w$]+),([\w$]+)\)=>\(\5=\3!=null\?[\w$]+\([\w$]+\(\3\)\):\{\},[\w$]+\(\4\|\|!\3\|\|!\3\.__esModule\?[\w$]+\(\5,"default",\{value:\3,enumerable:!0\}\):\5,\3\)\))([,;])/g;

/** `code` with its one __toESM helper wrapped in memoizedToEsm; throws when it has not exactly one. */
export function withMemoizedToEsm(code) {
  const found = code.match(TO_ESM_HELPER) ?? [];
  if (found.length !== 1) throw new Error(`build: expected one __toESM helper in the bundle, found ${found.length}: review scripts/bundle-edits.mjs`);
  return code.replace(TO_ESM_HELPER, (_, name, helper, _mod, _mode, _target, end) => `var ${name}=(${memoizedToEsm})(${helper})${end}`);
}

/**
 * An esbuild plugin that edits a third-party file as it is loaded: each `[from, to]` replaces
 * every `from`. The build fails when a `from` is no longer in the file, and when no file of the
 * build matched `filter` (a dependency that moved its file would otherwise lose the edit silently).
 */
export function sourceEdit(name, filter, replacements) {
  return {
    name,
    setup(b) {
      let matched = false;
      b.onStart(() => {
        matched = false;
      });
      b.onEnd((result) => {
        if (!matched && result.errors.length === 0) throw new Error(`${name}: no file of this build matched ${filter}: review scripts/build.mjs`);
      });
      b.onLoad({ filter }, (args) => {
        matched = true;
        let source = readFileSync(args.path, 'utf8');
        for (const [from, to] of replacements) {
          if (!source.includes(from)) throw new Error(`${name}: \`${from}\` is no longer in ${args.path}: review scripts/build.mjs`);
          source = source.replaceAll(from, to);
        }
        return { contents: source, loader: 'js' };
      });
    },
  };
}
