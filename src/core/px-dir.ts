// The project's `.px/` directory: the local store, the server token and the audit log live there.
// Whoever writes into it first creates it the same way: 0700, and git-ignored from inside.
//
// A `.px/` can also arrive with a cloned repository or be planted in a directory others can write.
// px uses one only when it is the current user's own: a real directory (no link), owned by the
// user, writable by nobody else, holding no links and nothing others own or can write. Files are
// opened without following links and checked on the open descriptor, so a swap after the check
// is caught too. Windows has neither owners nor mode bits of this kind: there only links are refused.
import { constants, existsSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, closeSync, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { O_NOFOLLOW, writeFileAtomic } from './atomic-file.js';
import { UsageError } from './errors.js';
import { fsPromises } from './lazy-fs.js';
import { STORE_DIR } from './project.js';

const POSIX = process.platform !== 'win32';

const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');

/** Why px will not use the file or directory `shown` with these stats, or null when it may. */
function distrust(info: Stats, shown: string, kind: 'directory' | 'file'): string | null {
  if (info.isSymbolicLink()) {
    return `${shown} is a symbolic link: px does not follow links in .px/ (they can send its reads and writes anywhere). Replace it with the real ${kind}, or move ${STORE_DIR} away.`;
  }
  const uid = process.getuid?.();
  if (POSIX && uid !== undefined && info.uid !== uid) {
    return `${shown} is owned by another user (uid ${info.uid}), not you: px does not use a store someone else controls. Move ${STORE_DIR} away (or, if it is yours, chown it to yourself) and try again.`;
  }
  if (POSIX && (info.mode & 0o022) !== 0) {
    return `${shown} is writable by other users (mode ${octal(info.mode)}): px does not use a store others can change. If it is yours, run \`chmod go-w ${shown}\`; otherwise move ${STORE_DIR} away.`;
  }
  return null;
}

/** Refuses (exit 2) what `shown` is unless it is the user's own regular file. For fstat results. */
export function assertOwnFile(info: Stats, shown: string): void {
  const problem = distrust(info, shown, 'file') ?? (info.isFile() ? null : `${shown} is not a regular file: move it away and try again.`);
  if (problem) throw new UsageError(problem);
}

/**
 * Refuses (exit 2) a .px that is there but is not the user's own directory, or that holds an entry
 * that is a link, owned by someone else or writable by others. A missing .px is fine.
 */
export function assertPxDir(root: string): void {
  const dir = join(root, STORE_DIR);
  let info: Stats;
  try {
    info = lstatSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!info.isDirectory() && !info.isSymbolicLink()) throw notADirectory(root);
  const problem = distrust(info, STORE_DIR, 'directory');
  if (problem) throw new UsageError(problem);
  for (const entry of readdirSync(dir)) {
    const shown = join(STORE_DIR, entry);
    const entryInfo = lstatSync(join(dir, entry), { throwIfNoEntry: false });
    const entryProblem = entryInfo && distrust(entryInfo, shown, entryInfo.isDirectory() ? 'directory' : 'file');
    if (entryProblem) throw new UsageError(entryProblem);
  }
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
  assertPxDir(root);
  // Checked on every call, not only when px made the directory: a .px/ made by an older px, by a
  // failed start or by hand still gets it. It never touches the project's own .gitignore.
  const ignore = join(dir, '.gitignore');
  if (!existsSync(ignore)) await writeFileAtomic(ignore, '# created by px: never commit the local store\n*\n');
  return dir;
}

/** Refuses a link with the same sentence as assertPxDir; other open errors pass through. */
function linkRefused(error: unknown, shown: string): unknown {
  if ((error as NodeJS.ErrnoException).code !== 'ELOOP') return error;
  return new UsageError(`${shown} is a symbolic link: px does not follow links in .px/ (they can send its reads and writes anywhere). Replace it with the real file, or move ${STORE_DIR} away.`);
}

/**
 * Opens a file of .px/ that px reads or writes in place (`flags` from fs.constants), never through
 * a link, and only when it is the user's own; a file px writes is made 0600 whatever it was.
 */
export async function openOwnFile(path: string, shown: string, flags: number, options: { create?: boolean } = {}): Promise<FileHandle> {
  let file: FileHandle;
  try {
    file = await fsPromises().open(path, flags | O_NOFOLLOW | (options.create ? constants.O_CREAT : 0), 0o600);
  } catch (error) {
    throw linkRefused(error, shown);
  }
  try {
    const info = await file.stat();
    assertOwnFile(info, shown);
    const writes = (flags & (constants.O_WRONLY | constants.O_RDWR)) !== 0;
    if (writes && POSIX && (info.mode & 0o777) !== 0o600) await file.chmod(0o600);
    return file;
  } catch (error) {
    await file.close();
    throw error;
  }
}

/** A descriptor of a file of .px/ opened for reading, never through a link (refused as above). */
export function openReadOnly(path: string, shown: string): number {
  try {
    return openSync(path, constants.O_RDONLY | O_NOFOLLOW);
  } catch (error) {
    throw linkRefused(error, shown);
  }
}

/**
 * The bytes of a file of .px/ that px only reads, with the stats of the same descriptor (so they
 * describe exactly those bytes), or null when it does not exist; the same refusals as openOwnFile.
 */
export function readOwnFile(path: string, shown: string): { raw: Buffer; info: Stats } | null {
  let fd: number;
  try {
    fd = openReadOnly(path, shown);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const info = fstatSync(fd);
    assertOwnFile(info, shown);
    return { raw: readFileSync(fd), info };
  } finally {
    closeSync(fd);
  }
}

/**
 * A credential file of .px/ (the server token): its text, or null when there is none. Beyond
 * openOwnFile's checks it must be private (mode 0600, as px writes it): one readable by others has
 * leaked, and one that came with a checkout (0644) was chosen by whoever committed it.
 */
export function readPrivateFile(path: string, shown: string): string | null {
  const file = readOwnFile(path, shown);
  if (!file) return null;
  if (POSIX && (file.info.mode & 0o077) !== 0) {
    throw new UsageError(
      `${shown} is readable by other users (mode ${octal(file.info.mode)}): px writes it 0600 and trusts no other (one from a checkout was chosen by whoever committed it). If you made it, run \`chmod 600 ${shown}\`; otherwise delete it and px server makes a new one.`,
    );
  }
  return file.raw.toString('utf8');
}
