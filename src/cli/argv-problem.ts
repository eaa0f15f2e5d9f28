// What is wrong with a command line, found from the registry alone: which word is not a command,
// which flags the command does not take, how many words it did not expect, which positional is
// missing. The parser asks this when yargs refuses a line, so px's errors never depend on the
// wording (or the language) of yargs' own messages.
import { camelCase, commandPath, findCommand, flagsOf, nextWords, type CommandSpec, type Registry } from './command-spec.js';

export type ParseProblem =
  /** `--value -abc`: refused before yargs reads the value as flags. */
  | { kind: 'dash-value'; path: string[] }
  | { kind: 'repeated'; path: string[]; flag: string }
  /** `px` or a group (`px secret`) without one of its commands. */
  | { kind: 'no-command'; path: string[] }
  /** `word` where a command of `path` goes. */
  | { kind: 'unknown-command'; path: string[]; word: string }
  /** Flags the command does not take (as given: `--frce`, `-x`), and how many words it did not expect. */
  | { kind: 'unknown'; path: string[]; flags: string[]; words: number }
  | { kind: 'missing'; path: string[]; label: string }
  /** yargs refused the line for a reason the registry does not explain: its message, as it is. */
  | { kind: 'other'; path: string[]; message: string };

const HELP_FLAGS = new Set(['--help', '-h', '--version']);

/** The first word after the command path, skipping flags and the values of those that take one. */
export function wordAfter(registry: Registry, argv: readonly string[], path: readonly string[]): string | undefined {
  const takesValue = valueFlags(registry, path);
  let seen = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') return undefined;
    if (arg.startsWith('-')) {
      if (takesValue.has(arg)) i++;
      continue;
    }
    if (seen++ === path.length) return arg;
  }
  return undefined;
}

/** `--name` forms of the flags that take a value, for `path`'s command (or any, for a group). */
function valueFlags(registry: Registry, path: readonly string[]): Set<string> {
  const spec = findCommand(registry, path);
  const flags = spec?.handler ? [flagsOf(registry, spec)] : [registry.globals, ...registry.commands.map((command) => command.flags ?? {})];
  const names = new Set<string>();
  for (const set of flags) for (const [name, flag] of Object.entries(set)) if (flag.type !== 'boolean') names.add(`--${name}`);
  return names;
}

/** Every spelling of a flag yargs takes for `spec`: `--dry-run`, `--dryRun`, `--no-dry-run`, `-y`. */
function spellings(registry: Registry, spec: CommandSpec): { long: Map<string, string>; short: Map<string, string> } {
  const long = new Map<string, string>();
  const short = new Map<string, string>([['h', 'help']]);
  for (const name of ['help', 'version']) long.set(name, name);
  for (const [name, flag] of Object.entries(flagsOf(registry, spec))) {
    for (const form of [name, camelCase(name)]) {
      long.set(form, name);
      if (flag.type === 'boolean') long.set(`no-${form}`, name);
    }
    if (flag.alias) short.set(flag.alias, name);
  }
  return { long, short };
}

/** What is wrong with `argv` for the registry, or undefined when it reads as a command line px takes. */
export function findProblem(registry: Registry, argv: readonly string[]): ParseProblem | undefined {
  const path = commandPath(registry, argv);
  const spec = findCommand(registry, path);
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv : argv.slice(0, dash);
  if (own.some((arg) => HELP_FLAGS.has(arg))) return undefined;
  if (!spec?.handler) {
    const word = wordAfter(registry, argv, path);
    return word === undefined ? { kind: 'no-command', path } : { kind: 'unknown-command', path, word };
  }
  const { long, short } = spellings(registry, spec);
  const flags = flagsOf(registry, spec);
  const unknownFlags: string[] = [];
  const counts = new Map<string, number>();
  const words: string[] = [];
  for (let i = 0; i < own.length; i++) {
    const arg = own[i];
    if (!arg.startsWith('-') || arg === '-') {
      words.push(arg);
      continue;
    }
    const [given, inline] = arg.startsWith('--') ? splitInline(arg.slice(2)) : [undefined, undefined];
    if (given === undefined) {
      const letters = arg.slice(1);
      if (/^\d/.test(letters) || ![...letters].every((letter) => short.has(letter))) unknownFlags.push(arg);
      continue;
    }
    const name = long.get(given);
    if (!name) {
      unknownFlags.push(arg);
      continue;
    }
    const flag = flags[name];
    if (!flag || flag.type === 'boolean') continue;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    // yargs takes the next word as the value unless it is a flag itself.
    if (inline === undefined && own[i + 1] !== undefined && !own[i + 1].startsWith('-')) i++;
  }
  const repeated = [...counts].find(([name, times]) => times > 1 && !flags[name].repeat);
  const given = words.slice(path.length);
  const slots = spec.positionals ?? [];
  const takesAny = slots.some((slot) => slot.variadic);
  let extra = takesAny ? 0 : Math.max(0, given.length - slots.length);
  // After `--`, only a command that runs another takes words.
  if (dash >= 0 && !spec.passThrough) extra += argv.length - dash - 1;
  if (unknownFlags.length > 0 || extra > 0) return { kind: 'unknown', path, flags: unknownFlags, words: extra };
  if (repeated) return { kind: 'repeated', path, flag: repeated[0] };
  const missing = slots.find((slot, index) => slot.required && index >= given.length);
  if (missing) return { kind: 'missing', path, label: missing.label ?? missing.name.toUpperCase() };
  return undefined;
}

function splitInline(flag: string): [string, string | undefined] {
  const equals = flag.indexOf('=');
  return equals < 0 ? [flag, undefined] : [flag.slice(0, equals), flag.slice(equals + 1)];
}

/** Commands of `path`'s group, or anywhere below it, that `word` names or that declare it in suggestFor. */
export function commandsMeant(registry: Registry, path: readonly string[], word: string): string[] {
  const prefix = path.length === 0 ? '' : `${path.join(' ')} `;
  const direct = nextWords(registry, path, true).filter((next) => findCommand(registry, [...path, next])?.suggestFor?.includes(word));
  if (direct.length > 0) return direct;
  return registry.commands
    .filter((spec) => spec.handler && !spec.hidden && spec.path.startsWith(prefix))
    .filter((spec) => spec.path.split(' ').at(-1) === word || spec.suggestFor?.includes(word))
    .map((spec) => spec.path.slice(prefix.length));
}
