// The commands people and scripts run most, parsed without yargs, whose load alone costs more than
// these commands themselves (README, Performance). Only exact shapes with known flags qualify;
// anything else (help, `--flag=value` forms, unknown flags) goes to the full CLI, so behaviour is
// the same either way (test/fast-path.test.ts runs both paths and compares).
import type { Io } from './cli/io.js';
import { runReported } from './cli/error-report.js';
import type { GlobalArgs } from './cli/project-target.js';
// Static on purpose: each extra module costs a load at start-up.
import { listSecrets } from './commands/secret/list.js';
import { secretExists } from './commands/secret/exists.js';
import { createSecret } from './commands/secret/create.js';
import { runCommandWithSecrets } from './commands/run.js';

type Flags = GlobalArgs & { json?: boolean; force?: boolean; value?: string };
type FastCommand =
  | { kind: 'list'; args: Flags }
  | { kind: 'exists'; args: Flags & { name: string } }
  | { kind: 'create'; args: Flags & { name: string } }
  | { kind: 'run'; args: GlobalArgs & { command: string[] } };

/** Flags each command accepts here, as yargs defines them for it (globals, then its own). */
const GLOBAL = ['--project', '--timeout', '--color', '--no-color'];
const ALLOWED: Record<FastCommand['kind'], string[]> = {
  list: [...GLOBAL, '--url', '--json'],
  exists: [...GLOBAL, '--url'],
  create: [...GLOBAL, '--url', '--force', '--value'],
  run: GLOBAL,
};
const TAKES_VALUE = new Set(['--project', '--url', '--timeout', '--value']);

function parse(argv: readonly string[]): { positional: string[]; flags: Flags; seen: Set<string> } | null {
  const positional: string[] = [];
  const flags: Flags = {};
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    if (seen.has(arg)) return null; // yargs would make an array of it
    seen.add(arg);
    if (TAKES_VALUE.has(arg)) {
      const value = argv[++i];
      if (value === undefined || value.startsWith('-')) return null;
      if (arg === '--project') flags.project = value;
      else if (arg === '--url') flags.url = value;
      else if (arg === '--value') flags.value = value;
      else {
        if (!/^\d+(\.\d+)?$/.test(value)) return null;
        flags.timeout = Number(value);
      }
    } else if (arg === '--json') flags.json = true;
    else if (arg === '--force') flags.force = true;
    else if (arg !== '--color' && arg !== '--no-color') return null;
  }
  return { positional, flags, seen };
}

export function matchFastPath(argv: readonly string[]): FastCommand | null {
  const dash = argv.indexOf('--');
  if (dash >= 0) {
    // `px [globals] run -- CMD …`: everything after -- is the command, verbatim.
    const parsed = parse(argv.slice(0, dash));
    if (!parsed || parsed.positional.length !== 1 || parsed.positional[0] !== 'run' || dash === argv.length - 1) return null;
    if (![...parsed.seen].every((flag) => ALLOWED.run.includes(flag))) return null;
    const { project, timeout } = parsed.flags;
    return { kind: 'run', args: { project, timeout, command: argv.slice(dash + 1) } };
  }
  const parsed = parse(argv);
  if (!parsed || parsed.positional[0] !== 'secret') return null;
  const [, sub, name, ...extra] = parsed.positional;
  const kind = sub === 'list' && name === undefined ? 'list' : (sub === 'exists' || sub === 'create') && name !== undefined && extra.length === 0 ? sub : null;
  if (!kind || ![...parsed.seen].every((flag) => ALLOWED[kind].includes(flag))) return null;
  if (kind === 'list') return { kind, args: parsed.flags };
  return { kind, args: { ...parsed.flags, name: name! } };
}

export async function runFastPath(command: FastCommand, io: Io): Promise<number> {
  switch (command.kind) {
    case 'list':
      return runReported(io, (io) => listSecrets(io, command.args));
    case 'exists':
      return runReported(io, (io) => secretExists(io, command.args));
    case 'create':
      return runReported(io, (io) => createSecret(io, command.args));
    case 'run':
      return runReported(io, (io) => runCommandWithSecrets(io, command.args));
  }
}
