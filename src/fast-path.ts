// The commands scripts run most (`px secret list --json`, `px secret exists NAME`) parsed without
// yargs, whose load and help layout cost more than the command itself. Only exact shapes with
// known flags qualify; anything else (help, unknown or `--flag=value` forms) goes to the full
// CLI, so behaviour is the same either way (test/fast-path.test.ts runs both paths).
import type { Io } from './commands/context.js';
import { runReported } from './commands/report.js';
import type { GlobalArgs } from './commands/session.js';
// Static on purpose: each extra chunk costs a module load at start-up.
import { listSecrets } from './commands/secret/list.js';
import { secretExists } from './commands/secret/exists.js';

type FastCommand = { kind: 'list'; args: GlobalArgs & { json?: boolean } } | { kind: 'exists'; args: GlobalArgs & { name: string } };

const VALUE_FLAGS = new Set(['--project', '--url', '--timeout']);

export function matchFastPath(argv: readonly string[]): FastCommand | null {
  const positional: string[] = [];
  const args: GlobalArgs & { json?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (VALUE_FLAGS.has(arg)) {
      const value = argv[++i];
      if (value === undefined || value.startsWith('-')) return null;
      if (arg === '--project') args.project = value;
      else if (arg === '--url') args.url = value;
      else {
        if (!/^\d+(\.\d+)?$/.test(value)) return null;
        args.timeout = Number(value);
      }
    } else if (arg === '--json') args.json = true;
    else if (arg === '--no-color' || arg === '--color') continue;
    else if (arg.startsWith('-')) return null;
    else positional.push(arg);
  }
  if (positional[0] !== 'secret') return null;
  if (positional.length === 2 && positional[1] === 'list') return { kind: 'list', args };
  if (positional.length === 3 && positional[1] === 'exists' && !args.json) return { kind: 'exists', args: { ...args, name: positional[2] } };
  return null;
}

export async function runFastPath(command: FastCommand, io: Io): Promise<number> {
  if (command.kind === 'list') return runReported(io, (io) => listSecrets(io, command.args));
  return runReported(io, (io) => secretExists(io, command.args));
}
