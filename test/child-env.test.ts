// Every process a test starts gets an explicit, minimal environment (test/helpers/child-env.ts,
// or a project's env built from it), so a developer's PX_*, NO_COLOR, CI or XDG_* settings cannot
// change what a test sees. Checked over the test sources, and for the helper itself.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childEnv } from './helpers/child-env.js';
import { tempProject } from './helpers/project.js';

const TEST_DIR = import.meta.dirname;
const START = /\b(spawnSync|spawn|execFileSync|execFile|execSync|exec|fork)\(/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : sources(path);
    return /\.(ts|tsx)$/.test(entry.name) ? [path] : [];
  });
}

/** The text of the call whose `(` is at `open`: up to its matching `)`, skipping strings. */
function callText(text: string, open: number): string {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === "'" || char === '"' || char === '`') quote = char;
    else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return text.slice(open, i + 1);
  }
  return text.slice(open);
}

describe('the environment of test children', () => {
  it('every call that starts a process names its env, and none copies process.env', () => {
    const offenders: string[] = [];
    for (const file of sources(TEST_DIR)) {
      if (file === import.meta.filename) continue;
      const text = readFileSync(file, 'utf8');
      const where = (index: number): string => `${relative(TEST_DIR, file)}:${text.slice(0, index).split('\n').length}`;
      for (const match of text.matchAll(START)) {
        // Not a call: a method of something else (`.exec(` of a RegExp) or an import list.
        if (text[match.index - 1] === '.' || /import\s*\{[^}]*$/.test(text.slice(Math.max(0, match.index - 200), match.index))) continue;
        const call = callText(text, match.index + match[0].length - 1);
        if (!/\benv\b/.test(call)) offenders.push(`${where(match.index)} ${match[1]} without env`);
      }
      for (const match of text.matchAll(/\.\.\.process\.env\b/g)) offenders.push(`${where(match.index)} copies process.env`);
    }
    expect(offenders).toEqual([]);
  });

  it('holds PATH and a fixed locale only, whatever the developer has set', () => {
    const saved = { ...process.env };
    Object.assign(process.env, { PX_KEYCHAIN: 'off', NO_COLOR: '1', CI: 'true', XDG_CACHE_HOME: 'a-developer-cache', LANG: 'de_DE.UTF-8', PX_URL: 'http://127.0.0.1:9' });
    try {
      expect(Object.keys(childEnv()).sort()).toEqual(['LANG', 'PATH']);
      expect(childEnv().LANG).toBe('C.UTF-8');
      const project = tempProject();
      expect(Object.keys(project.env).sort()).toEqual(['HOME', 'LANG', 'PATH', 'XDG_CONFIG_HOME']);
      project.cleanup();
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});
