import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv } from '../helpers/child-env.js';

export interface TempProject {
  root: string;
  env: NodeJS.ProcessEnv;
  cleanup: () => void;
}

/** A fresh project directory and a home/config dir of its own, removed by `cleanup`. */
export function tempProject(): TempProject {
  const base = mkdtempSync(join(tmpdir(), 'px-test-'));
  const root = join(base, 'project');
  const home = join(base, 'home');
  mkdirSync(root, { recursive: true });
  mkdirSync(home, { recursive: true });
  const env = childEnv({ HOME: home, XDG_CONFIG_HOME: join(home, '.config') });
  return { root, env, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/** Distinctive values that must never show up anywhere but the store. */
export const CANARY = 'canary-7f3a9e2b41d8c6';
export const canary = (n: number): string => `${CANARY}-${n}`;
