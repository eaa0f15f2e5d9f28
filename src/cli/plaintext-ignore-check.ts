// .env.secrets and .env.deploy must be git-ignored; px warns when they are not and
// offers to add them. Run by the import commands and `px creds set`, never by the benchmarked
// `secret list`/`secret exists`.
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { DEPLOY_FILE, SECRETS_FILE } from '../core/examples.js';
import { addToGitignore, gitIgnoreState, trackedFileFix } from '../core/git-ignore.js';
import { line, warn, type Io } from './io.js';
import { askConfirm } from './prompts.js';

/**
 * Checks .env.secrets, .env.deploy and `extra` (a file being imported) under `root`. Interactive
 * runs are offered the fix; others get a warning with the exact command.
 */
export async function checkPlaintextIgnored(io: Io, root: string, options: { extra?: string; prompt?: boolean } = {}): Promise<void> {
  const files = new Set([SECRETS_FILE, DEPLOY_FILE]);
  if (options.extra) {
    const inside = relative(root, options.extra);
    if (inside && !inside.startsWith('..') && !isAbsolute(inside)) files.add(inside.split('\\').join('/'));
  }
  const gitignore = relative(io.cwd, join(root, '.gitignore'));
  for (const file of files) {
    if (!existsSync(join(root, file))) continue;
    const state = gitIgnoreState(root, file);
    if (state === 'tracked') {
      warn(io, trackedFileFix(root, file));
    } else if (state === 'not-ignored') {
      const offer = io.interactive && options.prompt !== false;
      if (offer && (await askConfirm(io, `${file} holds plaintext secrets and is not git-ignored. Add it to .gitignore?`, true))) {
        await addToGitignore(root, file);
        line(io.stderr, `Added ${file} to .gitignore.`);
      } else {
        warn(io, `${file} holds plaintext secrets and is not git-ignored: add it with \`echo '${file}' >> ${gitignore}\`.`);
      }
    }
  }
}
