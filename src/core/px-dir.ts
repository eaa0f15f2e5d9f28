// The project's `.px/` directory: the local store, the server token and the audit log live there.
// Whoever writes into it first creates it the same way: 0700, and git-ignored from inside.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { UsageError } from './errors.js';
import { STORE_DIR } from './project.js';

/** Refuses (exit 2) a .px that is there but is not a directory. */
export function assertPxDir(root: string): void {
  let isDirectory = true;
  try {
    isDirectory = statSync(join(root, STORE_DIR)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (!isDirectory) throw notADirectory(root);
}

const notADirectory = (root: string, cause?: unknown): UsageError =>
  new UsageError(`${join(root, STORE_DIR)} is not a directory: px keeps the local store there. Move that file away and try again.`, { cause });

/** Creates root/.px (0700) when missing and makes sure it git-ignores itself; returns its path. */
export async function ensurePxDir(root: string): Promise<string> {
  const dir = join(root, STORE_DIR);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw notADirectory(root, error);
    throw error;
  }
  // Checked on every call, not only when px made the directory: a .px/ made by an older px, by a
  // failed start or by hand still gets it. It never touches the project's own .gitignore.
  const ignore = join(dir, '.gitignore');
  if (!existsSync(ignore)) await writeFileAtomic(ignore, '# created by px: never commit the local store\n*\n');
  return dir;
}
