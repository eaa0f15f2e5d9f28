// Atomic file replacement: temp file in the same directory, fsync, rename, fsync the directory.
// Hand-rolled (rather than write-file-atomic) for the directory fsync, which makes the rename
// itself durable, and to keep this hot path free of extra dependencies.
import { constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsPromises } from './lazy-fs.js';

const tempPrefix = (path: string): string => `.${basename(path)}.`;
/** 0 on Windows, which has no such flag. */
export const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
/** A new file only (never an existing one, never through a link). */
const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW;

export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const { open, rename, unlink } = fsPromises();
  const temp = join(dirname(path), `${tempPrefix(path)}${process.pid}.${process.getBuiltinModule('node:crypto').randomBytes(4).toString('hex')}.tmp`);
  try {
    const file = await open(temp, CREATE_NEW, mode);
    try {
      // The mode asked for, whatever the umask: the renamed file replaces one of any mode.
      if (process.platform !== 'win32') await file.chmod(mode);
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/**
 * Removes temp files that a writer of `path` left when it was killed before its rename. Only safe
 * while holding the lock that every writer of `path` takes.
 */
export async function removeLeftoverTemps(path: string): Promise<void> {
  const { readdir, unlink } = fsPromises();
  const prefix = tempPrefix(path);
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  await Promise.all(names.filter((name) => name.startsWith(prefix) && name.endsWith('.tmp')).map((name) => unlink(join(dirname(path), name)).catch(() => undefined)));
}
