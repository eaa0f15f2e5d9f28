// Where the local store lives under .px/, environment by environment, and the one lock every
// writer of any of its environments takes.
import { existsSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './errors.js';
import { STORE_DIR, STORE_FILE } from './project.js';
import { ensurePxDir } from './px-dir.js';
import { DEFAULT_NAMESPACE } from './store-format.js';

export const JOURNAL_FILE = join(STORE_DIR, 'secrets.journal');

/** The snapshot and journal of one environment, relative to the project root. */
export function storeFiles(namespace: string = DEFAULT_NAMESPACE): { snapshot: string; journal: string } {
  if (namespace === DEFAULT_NAMESPACE) return { snapshot: STORE_FILE, journal: JOURNAL_FILE };
  return { snapshot: join(STORE_DIR, `secrets-${namespace}.enc`), journal: join(STORE_DIR, `secrets-${namespace}.journal`) };
}

const NAMESPACED_SNAPSHOT = /^secrets-([a-z][a-z0-9-]{0,31})\.enc$/;

/** The environments that have a store file under root/.px, development first. */
export function localNamespaces(root: string): string[] {
  let files: string[];
  try {
    files = readdirSync(join(root, STORE_DIR));
  } catch {
    return [];
  }
  const others = files.flatMap((file) => NAMESPACED_SNAPSHOT.exec(file)?.[1] ?? []).filter((ns) => ns !== DEFAULT_NAMESPACE).sort();
  return files.includes('secrets.enc') ? [DEFAULT_NAMESPACE, ...others] : others;
}

/** Runs `work` holding the store's one lock (all environments share it); `work` calls `held()`
 *  right before it writes. */
export async function withStoreLock<T>(root: string, work: (held: () => void) => Promise<T>): Promise<T> {
  const dir = join(root, STORE_DIR);
  if (!existsSync(join(dir, '.gitignore'))) await ensurePxDir(root);
  let compromised: Error | undefined;
  // Loaded on the first write only: reads need no lock (snapshots are replaced by rename, and
  // a record being appended is not yet complete, so readers skip it).
  const { default: lockfile } = await import('proper-lockfile');
  const release = await lockfile.lock(dir, {
    lockfilePath: join(dir, 'store.lock'),
    stale: 5000,
    retries: { retries: 1000, minTimeout: 2, maxTimeout: 50, factor: 1.3, randomize: true },
    onCompromised: (error) => {
      compromised = error;
    },
  });
  const held = (): void => {
    // Another process took the lock over (this one stalled past the stale time): writing now could lose its change.
    if (compromised) throw new UsageError('Lost the lock on the local store (px was stalled for seconds); nothing was written. Try again.');
  };
  try {
    const result = await work(held);
    if (compromised) throw new UsageError('Lost the lock on the local store while writing; the change may not be saved. Check with `px secret list` and try again.');
    return result;
  } finally {
    await release().catch(() => undefined);
  }
}

/** A file's stat, or null when it does not exist. */
export function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** A store's label with the environments something covered: just the label for development alone. */
export const withEnvironments = (label: string, environments: string[]): string =>
  environments.length === 1 && environments[0] === DEFAULT_NAMESPACE ? label : `${label} (${environments.join(', ')})`;
