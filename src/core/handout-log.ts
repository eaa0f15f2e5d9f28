// Where values went: `px run` and `px deploy` record in the project's audit log (.px/audit.log,
// one JSON object a line, shared with `px server`) which names they handed to which command, so
// that a leaked secret's reach is known before it is revoked. Never a value, never arguments.
import { constants } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ensurePxDir } from './px-dir.js';
import { STORE_DIR } from './project.js';

export const AUDIT_LOG = join(STORE_DIR, 'audit.log');

export interface Handout {
  kind: 'handout';
  time: string;
  /** `run` or `deploy`. */
  via: 'run' | 'deploy';
  /** The environment the values came from (deploy credentials have none of their own: `deploy`). */
  env: string;
  /** The program's name only, without its path or arguments. */
  command: string;
  names: string[];
  by: string;
}

/** The program of a command line, as the audit log names it: never its arguments, never a value. */
export function programName(command: { argv?: string[]; shell?: string }, values: Iterable<string>): string {
  const first = command.argv?.[0] ?? command.shell?.trim().split(/\s+/)[0] ?? '';
  const name = basename(first).slice(0, 128);
  for (const value of values) if (value.length > 0 && (name.includes(value) || first.includes(value))) return '(hidden: holds a value)';
  return name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?') || '(none)';
}

/**
 * Appends one hand-out. A line of this size is one O_APPEND write, so concurrent runs never
 * interleave; a line cut by a crash is skipped when reading.
 */
export async function recordHandout(root: string, entry: Omit<Handout, 'kind' | 'time'>): Promise<void> {
  await ensurePxDir(root);
  const line = `${JSON.stringify({ kind: 'handout', time: new Date().toISOString(), ...entry, names: [...entry.names].sort() })}\n`;
  const file = await open(join(root, AUDIT_LOG), constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  try {
    await file.write(line);
  } finally {
    await file.close();
  }
}

/** The hand-outs that included `name`, newest first. */
export async function handoutsOf(root: string, name: string): Promise<Handout[]> {
  let text: string;
  try {
    text = await readFile(join(root, AUDIT_LOG), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const found: Handout[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('"handout"')) continue;
    try {
      const entry = JSON.parse(line) as Handout;
      if (entry.kind === 'handout' && Array.isArray(entry.names) && entry.names.includes(name)) found.push(entry);
    } catch {
      // a line cut short by a crash
    }
  }
  return found.reverse();
}

/** Records a hand-out; a project whose .px/ cannot be written still runs, with a warning. */
export async function noteHandout(root: string, entry: Omit<Handout, 'kind' | 'time'>, warn: (line: string) => void): Promise<void> {
  if (entry.names.length === 0) return;
  try {
    await recordHandout(root, entry);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'an error';
    warn(`could not record this hand-out in ${AUDIT_LOG} (${code}); px secret history will not show it.`);
  }
}
