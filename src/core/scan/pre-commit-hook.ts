// `px scan --install-hook`: a git pre-commit hook that runs `px scan --staged`, so a commit that
// adds a value px holds is refused. A hook that is already there keeps running first: it is moved
// aside and called by px's hook, whose exit it respects.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { UsageError } from '../errors.js';

export const HOOK_MARKER = '# px scan pre-commit hook';
export const CHAINED_HOOK = 'pre-commit.before-px';

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** The hook's text: the earlier hook (if any), then px scan --staged of this project. */
export function hookScript(options: { node: string; launcher: string; root: string }): string {
  return `#!/bin/sh
${HOOK_MARKER} (written by \`px scan --install-hook\`): refuses a commit that adds a value px holds.
# To commit anyway once (you checked the finding): git commit --no-verify
hooks=$(dirname "$0")
if [ -x "$hooks/${CHAINED_HOOK}" ]; then
  "$hooks/${CHAINED_HOOK}" "$@" || exit $?
fi
node=${quote(options.node)}
px=${quote(options.launcher)}
if [ -x "$node" ] && [ -f "$px" ]; then
  exec "$node" "$px" scan --staged --project ${quote(options.root)}
fi
exec px scan --staged --project ${quote(options.root)}
`;
}

export type HookInstall = 'installed' | 'updated' | 'installed, keeping the existing hook';

/** Writes the hook into the repository holding `root` (its hooks directory, core.hooksPath too). */
export async function installHook(root: string, script: string): Promise<{ path: string; outcome: HookInstall }> {
  const result = spawnSync('git', ['rev-parse', '--git-path', 'hooks'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new UsageError(`px scan --install-hook needs a git repository: ${root} is not in one.`);
  const raw = result.stdout.trim();
  const dir = isAbsolute(raw) ? raw : join(root, raw);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'pre-commit');
  let outcome: HookInstall = 'installed';
  if (existsSync(path)) {
    if (readFileSync(path, 'utf8').includes(HOOK_MARKER)) outcome = 'updated';
    else {
      if (existsSync(join(dir, CHAINED_HOOK))) {
        throw new UsageError(`${join(dir, CHAINED_HOOK)} exists already: px keeps the existing pre-commit hook there, so move one of them away first.`);
      }
      renameSync(path, join(dir, CHAINED_HOOK));
      outcome = 'installed, keeping the existing hook';
    }
  }
  // Executable for its owner only, like the rest of what px writes.
  await writeFileAtomic(path, script, 0o700);
  chmodSync(path, 0o700);
  return { path, outcome };
}
