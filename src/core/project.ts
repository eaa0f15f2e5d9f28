import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';

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
}

/** The nearest ancestor of `start` holding px.config.json; else `start` itself. */
export function findProject(start: string): Project {
  const from = resolve(start);
  let dir = from;
  for (;;) {
    const candidate = join(dir, CONFIG_FILE);
    if (isFile(candidate)) return { root: dir, config: readConfig(candidate), hasConfig: true };
    const parent = dirname(dir);
    if (parent === dir) return { root: from, config: {}, hasConfig: false };
    dir = parent;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function readConfig(path: string): ProjectConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: fix or remove it.`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`${path} must hold a JSON object such as {"url": "https://…"}.`);
  }
  const config = parsed as Record<string, unknown>;
  if (config.url !== undefined && typeof config.url !== 'string') {
    throw new UsageError(`"url" in ${path} must be a string.`);
  }
  const deploy = config.deploy;
  const deployOk =
    deploy === undefined ||
    typeof deploy === 'string' ||
    (Array.isArray(deploy) && deploy.every((part) => typeof part === 'string'));
  if (!deployOk) throw new UsageError(`"deploy" in ${path} must be a command string or an array of strings.`);
  return config as ProjectConfig;
}
