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
import { validateSecrets } from './commands/secret/validate.js';
import { planSecrets } from './commands/secret/plan.js';
import { getSecret } from './commands/secret/get.js';

type Flags = GlobalArgs & { json?: boolean; force?: boolean; value?: string; allowMissing?: boolean; tier?: string; reveal?: boolean };
type FastCommand =
  | { kind: 'list'; args: Flags }
  | { kind: 'exists'; args: Flags & { name: string } }
  | { kind: 'create'; args: Flags & { name: string } }
  | { kind: 'get'; args: Flags & { name: string } }
  | { kind: 'validate'; args: Flags }
  | { kind: 'plan'; args: Flags }
  | { kind: 'run'; args: GlobalArgs & { command: string[]; allowMissing?: boolean } };

/** Flags each command accepts here, as yargs defines them for it (globals, then its own). */
const GLOBAL = ['--project', '--timeout', '--env', '--color', '--no-color'];
const ALLOWED: Record<FastCommand['kind'], string[]> = {
  list: [...GLOBAL, '--url', '--json'],
  exists: [...GLOBAL, '--url'],
  create: [...GLOBAL, '--url', '--force', '--value'],
  get: [...GLOBAL, '--url', '--reveal'],
  validate: [...GLOBAL, '--url', '--tier', '--json'],
  plan: [...GLOBAL, '--url', '--tier', '--json'],
  run: [...GLOBAL, '--allow-missing'],
};
const TAKES_VALUE = new Set(['--project', '--url', '--timeout', '--value', '--env', '--tier']);

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
      else if (arg === '--env') flags.env = value;
      else if (arg === '--tier') flags.tier = value;
      else {
        if (!/^\d+(\.\d+)?$/.test(value)) return null;
        flags.timeout = Number(value);
      }
    } else if (arg === '--json') flags.json = true;
    else if (arg === '--force') flags.force = true;
    else if (arg === '--allow-missing') flags.allowMissing = true;
    else if (arg === '--reveal') flags.reveal = true;
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
    const { project, timeout, env, allowMissing } = parsed.flags;
    return { kind: 'run', args: { project, timeout, env, allowMissing, command: argv.slice(dash + 1) } };
  }
  const parsed = parse(argv);
  if (!parsed || parsed.positional[0] !== 'secret') return null;
  const [, sub, name, ...extra] = parsed.positional;
  const bare = sub === 'list' || sub === 'validate' || sub === 'plan';
  const named = sub === 'exists' || sub === 'create' || sub === 'get';
  const kind = bare && name === undefined ? sub : named && name !== undefined && extra.length === 0 ? sub : null;
  if (!kind || ![...parsed.seen].every((flag) => ALLOWED[kind].includes(flag))) return null;
  if (kind === 'list' || kind === 'validate' || kind === 'plan') return { kind, args: parsed.flags };
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
    case 'get':
      return runReported(io, (io) => getSecret(io, command.args));
    case 'validate':
      return runReported(io, (io) => validateSecrets(io, command.args));
    case 'plan':
      return runReported(io, (io) => planSecrets(io, command.args));
    case 'run':
      return runReported(io, (io) => runCommandWithSecrets(io, command.args));
  }
}
