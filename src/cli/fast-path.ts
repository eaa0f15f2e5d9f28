// The commands people and scripts run most (those the registry marks `fast`), parsed without
// yargs, whose load alone costs more than these commands themselves (README, Performance). Only
// exact shapes qualify: long flags the command declares, each once (unless it may repeat), with
// a plain value; the command's positionals and nothing more; words after `--` only for a command
// that runs another. Anything else (help, `--flag=value`, short aliases, unknown flags, errors)
// goes to the full CLI, so behaviour is the same either way (test/fast-path.test.ts derives every
// accepted shape from the registry and runs both paths).
import { camelCase, commandPath, findCommand, flagsOf, loadHandler, type CommandSpec, type Registry } from './command-spec.js';
import { runReported } from './error-report.js';
import type { Io } from './io.js';

export interface FastCommand {
  spec: CommandSpec;
  args: Record<string, unknown>;
}

const NUMBER = /^\d+(\.\d+)?$/;

export function matchFastPath(registry: Registry, argv: readonly string[]): FastCommand | null {
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv : argv.slice(0, dash);
  const rest = dash < 0 ? [] : argv.slice(dash + 1);
  const words = commandPath(registry, own);
  const spec = findCommand(registry, words);
  if (!spec?.fast || !spec.handler) return null;
  if (dash >= 0 && (!spec.passThrough || rest.length === 0)) return null;
  const flags = flagsOf(registry, spec);
  // Where each flag may stand: yargs reads a command's own flags only after its words (before
  // them, `--json secret list` reads `secret` as the value of --json).
  const level = new Map<string, number>();
  for (let depth = words.length; depth >= 1; depth--) {
    for (const name of Object.keys(findCommand(registry, words.slice(0, depth))?.flags ?? {})) level.set(name, depth);
  }
  let wordsSeen = 0;
  const args: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(flags)) if (flag.default !== undefined) set(args, name, flag.default);
  const seen = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < own.length; i++) {
    const arg = own[i];
    if (!arg.startsWith('-')) {
      positional.push(arg);
      wordsSeen++;
      continue;
    }
    if (!arg.startsWith('--')) return null;
    const negated = arg.startsWith('--no-') && flags[arg.slice(5)]?.type === 'boolean';
    const name = negated ? arg.slice(5) : arg.slice(2);
    const flag = flags[name];
    if (!flag || (seen.has(name) && !flag.repeat) || (level.get(name) ?? 0) > wordsSeen) return null;
    seen.add(name);
    let value: unknown;
    if (flag.type === 'boolean') value = !negated;
    else {
      const given = own[++i];
      if (given === undefined || given.startsWith('-')) return null;
      if (flag.type === 'number' && !NUMBER.test(given)) return null;
      value = flag.type === 'number' ? Number(given) : given;
    }
    if (flag.repeat) set(args, name, [...((args[name] as unknown[] | undefined) ?? []), value]);
    else set(args, name, value);
  }
  // The command words come first among the words (commandPath stopped at the first other one).
  const given = positional.slice(words.length);
  const declared = spec.positionals ?? [];
  if (positional.slice(0, words.length).join(' ') !== spec.path) return null;
  let at = 0;
  for (const slot of declared) {
    if (slot.variadic) {
      // Commands that run another program take it after `--` only on this path.
      if (at < given.length) return null;
      if (spec.passThrough) args[slot.name] = rest;
      continue;
    }
    if (at < given.length) args[slot.name] = given[at++];
    else if (slot.required) return null;
  }
  if (at < given.length) return null;
  return { spec, args };
}

function set(args: Record<string, unknown>, name: string, value: unknown): void {
  args[name] = value;
  args[camelCase(name)] = value;
}

export async function runFastPath(registry: Registry, command: FastCommand, io: Io): Promise<number> {
  return runReported(io, async (io) => (await loadHandler(command.spec))(io, command.args, registry));
}
