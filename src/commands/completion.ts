// `px completion [bash|zsh|fish]` prints a completion script; `px __complete -- WORDS…` (what the
// scripts call) prints the candidates for the last word: commands, flags, or the names stored in
// this project (never a value).
import { basename } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Registry } from '../cli/command-spec.js';
import { COMPLETION_SCRIPTS, completionFor, type Shell } from '../cli/completion.js';
import { line, type Io } from '../cli/io.js';
import { openCredentials, openSecrets, type GlobalArgs } from '../cli/project-target.js';

interface CompletionArgs extends GlobalArgs {
  shell?: string;
}

const isShell = (name: string): name is Shell => Object.hasOwn(COMPLETION_SCRIPTS, name);

export async function printCompletion(io: Io, args: CompletionArgs): Promise<number> {
  const fromLoginShell = basename(io.env.SHELL ?? '');
  const shell = args.shell ?? (isShell(fromLoginShell) ? fromLoginShell : 'bash');
  if (!isShell(shell)) throw new UsageError(`px completion takes bash, zsh or fish${/^[a-z]{1,16}$/.test(shell) ? `, not ${shell}` : ''}.`);
  io.stdout.write(COMPLETION_SCRIPTS[shell]);
  return 0;
}

/** Never fails: a shell gets candidates or nothing. A short timeout, since someone is waiting. */
export async function completeWords(io: Io, args: { command: string[] }, registry: Registry): Promise<number> {
  const wanted = completionFor(registry, args.command);
  let words: string[] = [];
  if (wanted.kind === 'words') words = wanted.words;
  else {
    try {
      words = wanted.of === 'secret' ? await secretNames(io, wanted.args) : await openCredentials(io, wanted.args).creds.names();
    } catch {
      words = [];
    }
    words = words.filter((name) => name.startsWith(wanted.prefix));
  }
  for (const word of words) line(io.stdout, word);
  return 0;
}

async function secretNames(io: Io, args: GlobalArgs): Promise<string[]> {
  const { backend } = await openSecrets(io, { ...args, timeout: 2 });
  try {
    return (await backend.list()).map((secret) => secret.name);
  } finally {
    await backend.close?.();
  }
}
