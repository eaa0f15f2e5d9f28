// `px scan [PATH…]`: the files of the working tree (what git does not ignore, or every file
// outside git), read in chunks so a large file costs no more memory than a small one.
import { closeSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { UsageError } from '../errors.js';
import { STORE_DIR } from '../project.js';
import { gitListedFiles, gitRoot } from './git-sources.js';
import type { Hit, ValueFinder } from './value-finder.js';

const CHUNK_BYTES = 1 << 20;
/** Like git: a NUL byte in the first 8,000 bytes makes a file binary. */
const BINARY_SNIFF_BYTES = 8000;

export interface FileHit extends Hit {
  path: string;
}

export interface FileScan {
  hits: FileHit[];
  files: number;
  binaries: number;
}

/** px's own directory (the encrypted store) and git's are never scanned. */
const skipped = (path: string): boolean => path.split(/[\\/]/).some((part) => part === STORE_DIR || part === '.git');

/** The files to scan under `paths` (relative to `cwd`; default `root`), as paths from `cwd`. */
export function filesToScan(cwd: string, root: string, paths: string[]): string[] {
  const given = paths.length > 0 ? paths : [relative(cwd, root) || '.'];
  const files: string[] = [];
  const dirs: string[] = [];
  for (const path of given) {
    let info;
    try {
      info = lstatSync(join(cwd, path));
    } catch {
      throw new UsageError(`px scan: ${path}: no such file or directory.`);
    }
    // A file named on the command line is read even if git ignores it: it was asked for.
    if (info.isDirectory()) dirs.push(path);
    else if (info.isFile()) files.push(path);
  }
  if (dirs.length > 0) {
    if (gitRoot(cwd) !== null) files.push(...gitListedFiles(cwd, dirs));
    else for (const dir of dirs) walk(cwd, dir, files);
  }
  return [...new Set(files)].filter((path) => !skipped(path));
}

/** Every regular file under `dir`, without following symbolic links. */
function walk(cwd: string, dir: string, into: string[]): void {
  let entries;
  try {
    entries = readdirSync(join(cwd, dir), { withFileTypes: true });
  } catch {
    return; // unreadable: nothing of it can be scanned
  }
  for (const entry of entries) {
    if (entry.name === STORE_DIR || entry.name === '.git') continue;
    const path = dir === '.' ? entry.name : `${dir}${sep}${entry.name}`;
    if (entry.isDirectory()) walk(cwd, path, into);
    else if (entry.isFile()) into.push(path);
  }
}

export function scanFiles(cwd: string, files: string[], finder: ValueFinder): FileScan {
  const scan: FileScan = { hits: [], files: 0, binaries: 0 };
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  for (const path of files) {
    let fd: number;
    try {
      fd = openSync(join(cwd, path), 'r');
    } catch {
      continue; // deleted since git listed it, or unreadable
    }
    try {
      const reader = finder.reader();
      let first = true;
      for (let read = readSync(fd, buffer, 0, CHUNK_BYTES, null); read > 0; read = readSync(fd, buffer, 0, CHUNK_BYTES, null)) {
        const chunk = buffer.subarray(0, read);
        if (first && chunk.subarray(0, BINARY_SNIFF_BYTES).includes(0)) {
          scan.binaries++;
          reader.hits.length = 0;
          break;
        }
        if (first) scan.files++;
        first = false;
        reader.push(chunk);
      }
      for (const hit of reader.hits) scan.hits.push({ path, ...hit });
    } catch {
      // a directory or device in the way: not a file to scan
    } finally {
      closeSync(fd);
    }
  }
  return scan;
}
