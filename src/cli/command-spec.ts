// The shape of a command declaration (src/registry.ts explains each trait) and the questions the
// parser, the fast path, parse errors and completion ask of the registry they are handed.
import type { Io } from './io.js';

export type FlagType = 'boolean' | 'string' | 'number';

export interface FlagSpec {
  type: FlagType;
  describe?: string;
  alias?: string;
  default?: boolean | string | number;
  repeat?: true;
  secret?: true;
  hidden?: true;
}

export interface PositionalSpec {
  name: string;
  label?: string;
  describe?: string;
  required?: true;
  variadic?: true;
  complete?: 'secret' | 'credential';
}

/** Commands get the registry too, for the few that describe px itself (completion). */
// biome-ignore lint/suspicious/noExplicitAny: each command's module types its own arguments
export type Handler = (io: Io, args: any, registry: Registry) => Promise<number>;

/** A handler imported on first use: `load` gives its module, `name` the export. */
export interface LazyHandler {
  load: () => Promise<unknown>;
  name: string;
}

export interface CommandSpec {
  path: string;
  describe: string;
  positionals?: readonly PositionalSpec[];
  flags?: Readonly<Record<string, FlagSpec>>;
  examples?: ReadonlyArray<readonly [string, string]>;
  fast?: true;
  readsValue?: true;
  passThrough?: true;
  /** Words people type for this command (`set`, `add` for create): errors suggest it for them. */
  suggestFor?: readonly string[];
  /** Left out of help and of did-you-mean (`__complete`, which completion scripts call). */
  hidden?: true;
  /** Absent on a group (`secret`, `creds`): it only holds commands. */
  handler?: LazyHandler;
}

export interface Registry {
  globals: Readonly<Record<string, FlagSpec>>;
  commands: readonly CommandSpec[];
}

/** `lazy(() => import('./commands/x.js'), 'runX')`: the type checker sees that runX is exported. */
export function lazy<M, K extends keyof M & string>(load: () => Promise<M>, name: K): LazyHandler {
  return { load, name };
}

export async function loadHandler(spec: CommandSpec): Promise<Handler> {
  if (!spec.handler) throw new Error(`px ${spec.path} is a group of commands, not a command`);
  const module = (await spec.handler.load()) as Record<string, Handler>;
  return module[spec.handler.name];
}

export const wordsOf = (spec: CommandSpec): string[] => spec.path.split(' ');

export function findCommand(registry: Registry, words: readonly string[]): CommandSpec | undefined {
  const path = words.join(' ');
  return registry.commands.find((spec) => spec.path === path);
}

/** The command words that may follow `words` (the top-level commands for `[]`); `shown`: only those help lists. */
export function nextWords(registry: Registry, words: readonly string[], shown = false): string[] {
  const prefix = words.length === 0 ? '' : `${words.join(' ')} `;
  const next: string[] = [];
  for (const spec of registry.commands) {
    if (!spec.path.startsWith(prefix)) continue;
    const rest = spec.path.slice(prefix.length);
    if (rest !== '' && !rest.includes(' ') && !(shown && spec.hidden)) next.push(rest);
  }
  return next;
}

/** Every flag a command takes: the globals, its groups' flags, then its own. */
export function flagsOf(registry: Registry, spec: CommandSpec): Record<string, FlagSpec> {
  const flags: Record<string, FlagSpec> = { ...registry.globals };
  const words = wordsOf(spec);
  for (let i = 1; i <= words.length; i++) Object.assign(flags, findCommand(registry, words.slice(0, i))?.flags);
  return flags;
}

/** `--name` forms of every flag of any command that takes a value, to skip its value in argv. */
export function valueFlagNames(registry: Registry): Set<string> {
  const names = new Set<string>();
  const add = (flags: Readonly<Record<string, FlagSpec>> | undefined): void => {
    for (const [name, flag] of Object.entries(flags ?? {})) if (flag.type !== 'boolean') names.add(`--${name}`);
  };
  add(registry.globals);
  for (const spec of registry.commands) add(spec.flags);
  return names;
}

/** Whether argv word `arg` is `--name` of a flag that takes a value (valueFlagNames has it). */
function takesValue(registry: Registry, arg: string): boolean {
  if (!arg.startsWith('--')) return false;
  const name = arg.slice(2);
  const valued = (flags: Readonly<Record<string, FlagSpec>> | undefined): boolean => flags !== undefined && Object.hasOwn(flags, name) && flags[name].type !== 'boolean';
  return valued(registry.globals) || registry.commands.some((spec) => valued(spec.flags));
}

/** Whether `word` is one of nextWords(registry, words). */
function isNextWord(registry: Registry, words: readonly string[], word: string): boolean {
  if (word === '' || word.includes(' ')) return false;
  const path = words.length === 0 ? word : `${words.join(' ')} ${word}`;
  return registry.commands.some((spec) => spec.path === path);
}

/**
 * The command words of argv (`secret create`), skipping flags and their values. On the start-up
 * path of every run: it asks the registry about each word, rather than listing every flag name and
 * next word first.
 */
export function commandPath(registry: Registry, argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (takesValue(registry, arg)) i++;
      continue;
    }
    if (isNextWord(registry, words, arg)) words.push(arg);
    else break;
  }
  return words;
}

export const camelCase = (name: string): string => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
