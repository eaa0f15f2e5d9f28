// Whether a plaintext secrets file (.env.secrets, .env.deploy) is safe from `git add`, and the
// fix: one more line in the project's .gitignore. Git answers only inside a work tree; elsewhere
// (no repository, no git installed) there is nothing to check.
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { fsPromises } from './lazy-fs.js';

export type IgnoreState = 'ignored' | 'not-ignored' | 'tracked';

/**
 * Exit status of a quiet git command in `cwd`; null when git cannot run. node:child_process (with
 * its dgram and socket internals) is loaded here, when git runs: `px ui` imports this module, and
 * its first frame runs no git.
 */
function git(cwd: string, args: string[]): { status: number; stdout: string } | null {
  try {
    return { status: 0, stdout: process.getBuiltinModule('node:child_process').execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' }) };
  } catch (error) {
    const status = (error as { status?: number | null }).status;
    return typeof status === 'number' ? { status, stdout: '' } : null;
  }
}

export function insideGitWorkTree(root: string): boolean {
  return git(root, ['rev-parse', '--is-inside-work-tree'])?.stdout.trim() === 'true';
}

/** How git treats `file` (relative to root), or null outside a work tree. */
export function gitIgnoreState(root: string, file: string): IgnoreState | null {
  if (!insideGitWorkTree(root)) return null;
  if (git(root, ['ls-files', '--error-unmatch', '--', file])?.status === 0) return 'tracked';
  const ignored = git(root, ['check-ignore', '-q', '--', file])?.status;
  if (ignored === 0) return 'ignored';
  return ignored === 1 ? 'not-ignored' : null;
}

/** Whether .gitignore's rules name `file`, tracked or not (git ignores the rules for a tracked file). */
export function listedInGitignore(root: string, file: string): boolean {
  return git(root, ['check-ignore', '--no-index', '-q', '--', file])?.status === 0;
}

/**
 * What to do about a tracked plaintext file: take it out of the index, add it to .gitignore unless
 * it is listed there already (then that part would be wrong advice), replace what it held.
 */
export function trackedFileFix(root: string, file: string): string {
  const listed = listedInGitignore(root, file);
  return listed
    ? `${file} is tracked by git (staged or committed) although .gitignore lists it, which does not apply to a tracked file: remove it from the index with \`git rm --cached ${file}\` (the file stays), and if it was ever committed, replace the secrets it held.`
    : `${file} is tracked by git (staged or committed): remove it with \`git rm --cached ${file}\`, add it to .gitignore, and if it was ever committed, replace the secrets it held.`;
}

/** Appends `entry` to root/.gitignore, atomically, keeping the file's mode (0644 when new). */
export async function addToGitignore(root: string, entry: string): Promise<void> {
  const path = join(root, '.gitignore');
  let text = '';
  let mode = 0o644;
  try {
    text = await fsPromises().readFile(path, 'utf8');
    mode = (await fsPromises().stat(path)).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  await writeFileAtomic(path, `${text}${separator}${entry}\n`, mode);
  // The temp file was created through the umask; give the result exactly the old mode.
  await fsPromises().chmod(path, mode);
}
