// The project a command works on: its root, px.config.json and manifest. API:
//   findProject(start, { home })  the project root (see below), its config and manifest, read once
//   CONFIG_FILE, STORE_DIR, STORE_FILE
import { readFileSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';
import { loadManifest } from './manifest/manifest.js';
import { parseConfigText, type ParsedConfig } from './manifest/parse.js';
import type { Manifest } from './manifest/types.js';

export const CONFIG_FILE = 'px.config.json';
/** The project's px directory: local store, server token, audit log (see px-dir.ts). */
export const STORE_DIR = '.px';
/** The local store's snapshot: its presence is what makes a `.px/` a store. */
export const STORE_FILE = join(STORE_DIR, 'secrets.enc');

export interface ProjectConfig {
  url?: string;
  deploy?: string | string[];
}

export interface Project {
  root: string;
  config: ProjectConfig;
  /** True when root holds a px.config.json. */
  hasConfig: boolean;
  /** What the project declares it needs (px.config.json, else its example files). */
  manifest: Manifest;
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** A directory others may write into (/tmp): a px.config.json or .px/ there could be anyone's. */
const writableByOthers = (info: Stats): boolean => (info.mode & 0o002) !== 0;

/**
 * The project root: the nearest directory from `start` up to the root of its git work tree that
 * holds px.config.json or .px/; else that work-tree root; else `start`. Outside git the search
 * stops below the home directory and at a world-writable directory, so a stray ~/.px or a
 * planted /tmp/.px never becomes every project's store.
 */
export function findRoot(start: string, home?: string): { root: string; hasConfig: boolean } {
  const from = resolve(start);
  const stopAt = home ? resolve(home) : undefined;
  for (let dir = from; ; dir = dirname(dir)) {
    if (dir !== from) {
      const info = statOrNull(dir);
      if (dir === stopAt || !info || writableByOthers(info)) break;
    }
    if (statOrNull(join(dir, CONFIG_FILE))?.isFile()) return { root: dir, hasConfig: true };
    if (statOrNull(join(dir, STORE_DIR))?.isDirectory()) return { root: dir, hasConfig: false };
    // A .git directory, or the .git file of a worktree or submodule: a nested repository is its own project.
    if (statOrNull(join(dir, '.git'))) return { root: dir, hasConfig: false };
    if (dirname(dir) === dir) break;
  }
  return { root: from, hasConfig: false };
}

export function findProject(start: string, options: { home?: string } = {}): Project {
  const { root, hasConfig } = findRoot(start, options.home);
  const parsed = hasConfig ? readConfig(join(root, CONFIG_FILE)) : null;
  return { root, hasConfig, config: { url: parsed?.url, deploy: parsed?.deploy }, manifest: loadManifest(root, parsed) };
}

function readConfig(path: string): ParsedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${CONFIG_FILE} could not be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'}): check its permissions.`, { cause: error });
  }
  return parseConfigText(text, CONFIG_FILE);
}
