// What `px scan` reads from git: the files of the working tree that git does not ignore, the
// lines a staged change adds, and the lines every commit reachable from HEAD added. Diffs are
// read as a stream of bytes (a repository's history can be far larger than memory).
import { spawn, spawnSync } from 'node:child_process';
import { UsageError } from '../errors.js';

/** Added lines of one file in one diff: `text` holds them, each ending in \n, from `firstLine` on. */
export interface AddedLines {
  path: string;
  firstLine: number;
  text: Buffer;
  /** The commit that added them (history only). */
  commit?: string;
}

/** The root of the git work tree holding `dir`, or null outside git (or without git). */
export function gitRoot(dir: string): string | null {
  const result = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

/** Tracked and untracked files under `paths` that .gitignore does not exclude, relative to `cwd`. */
export function gitListedFiles(cwd: string, paths: string[]): string[] {
  const result = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...paths], { cwd, maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new UsageError(`git ls-files failed: ${firstLine(result.stderr)}`);
  // A file deleted from the work tree but still in the index is listed too: the caller skips it.
  return [...new Set(result.stdout.toString('utf8').split('\0').filter(Boolean))];
}

const firstLine = (bytes: Buffer | string): string => bytes.toString().split('\n')[0].trim() || 'no message';

/** git's C-style quoting of odd paths in diff headers ("a\tb", octal escapes for other bytes). */
function unquotePath(raw: string): string {
  if (!raw.startsWith('"')) return raw;
  const bytes: number[] = [];
  const body = raw.slice(1, -1);
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') {
      bytes.push(...Buffer.from(body[i]));
      continue;
    }
    const next = body[++i];
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(simple[next] ?? next.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Runs a git command printing unified diffs with no context (`-U0`) and calls `onAdded` with each
 * hunk's added lines. Commit headers are lines `commit <sha>` (history's --format).
 */
export function readAddedLines(cwd: string, args: string[], onAdded: (added: AddedLines) => void, onCommit?: (sha: string) => void): Promise<void> {
  const child = spawn('git', ['-c', 'core.quotePath=false', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let commit: string | undefined;
  let path: string | null = null;
  let hunk: { firstLine: number; lines: Buffer[] } | null = null;
  const flush = (): void => {
    if (hunk && hunk.lines.length > 0 && path !== null) onAdded({ path, firstLine: hunk.firstLine, text: Buffer.concat(hunk.lines), ...(commit ? { commit } : {}) });
    hunk = null;
  };
  const onLine = (line: Buffer): void => {
    const first = line[0];
    // In a hunk every added line starts with +; the `+++ b/path` header comes before any hunk.
    if (first === 0x2b /* + */ && hunk) {
      hunk.lines.push(Buffer.concat([line.subarray(1), NEWLINE]));
      return;
    }
    if (first === 0x2d /* - */ || first === 0x5c /* \ No newline */ || first === 0x20) return;
    const text = line.toString('utf8');
    if (text.startsWith('@@ ')) {
      flush();
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
      hunk = { firstLine: m ? Number(m[1]) : 0, lines: [] };
      return;
    }
    flush();
    if (text.startsWith('commit ')) {
      commit = text.slice(7).trim();
      onCommit?.(commit);
      path = null;
    } else if (text.startsWith('diff --git ')) path = null;
    else if (text.startsWith('+++ ')) {
      const target = text.slice(4);
      path = target === '/dev/null' ? null : unquotePath(target).replace(/^b\//, '');
    }
  };
  let rest = Buffer.alloc(0);
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let at = data.indexOf(0x0a); at !== -1; at = data.indexOf(0x0a, start)) {
      onLine(data.subarray(start, at));
      start = at + 1;
    }
    rest = Buffer.from(data.subarray(start));
  });
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', (error) => reject(new UsageError(`Could not run git (${(error as NodeJS.ErrnoException).code ?? error.message}): px scan --staged and --history need it.`)));
    child.on('close', (code) => {
      if (rest.length > 0) onLine(rest);
      flush();
      if (code === 0) resolve();
      else reject(new UsageError(`git ${args[0]} failed: ${firstLine(stderr)}`));
    });
  });
}

const NEWLINE = Buffer.from('\n');

/** The lines the staged changes add (what `git commit` would add). */
export function stagedAdditions(root: string, onAdded: (added: AddedLines) => void): Promise<void> {
  return readAddedLines(root, ['diff', '--cached', '-U0', '--no-color', '--no-ext-diff', '--no-renames', '--diff-filter=d', '--src-prefix=a/', '--dst-prefix=b/'], onAdded);
}

/** The lines every commit reachable from HEAD added, newest commit first. */
export function historyAdditions(root: string, onAdded: (added: AddedLines) => void, onCommit?: (sha: string) => void): Promise<void> {
  const head = spawnSync('git', ['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: root });
  if (head.status !== 0) return Promise.resolve(); // no commit yet
  return readAddedLines(
    root,
    ['log', '-p', '-U0', '--no-color', '--no-ext-diff', '--no-renames', '--diff-filter=d', '--format=commit %H', '--src-prefix=a/', '--dst-prefix=b/', 'HEAD'],
    onAdded,
    onCommit,
  );
}
