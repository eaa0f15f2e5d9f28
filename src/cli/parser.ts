// The full command line parser: yargs, built from the registry it is handed, with its help.
// `runParser` parses, runs the chosen command and turns any error into one line on stderr and an
// exit code.
import yargs, { type Argv, type Options } from 'yargs';
import { VERSION } from '../version.js';
import { camelCase, commandPath, flagsOf, loadHandler, nextWords, wordsOf, type CommandSpec, type FlagSpec, type Registry } from './command-spec.js';
import { runReported } from './error-report.js';
import { line, type Io } from './io.js';
import { findProblem, type ParseProblem } from './argv-problem.js';
import { describeParseError } from './parse-errors.js';

type Work = (io: Io) => Promise<number>;

/** Only the keys a flag sets: yargs reads a `default: undefined` as a default (`--url` alone gives undefined, not ''). */
function yargsOption(flag: FlagSpec, global = false): Options {
  const option: Options = { type: flag.type, global };
  if (flag.describe !== undefined) option.describe = flag.describe;
  if (flag.alias !== undefined) option.alias = flag.alias;
  if (flag.default !== undefined) option.default = flag.default;
  if (flag.hidden) option.hidden = true;
  if (flag.repeat) option.array = true;
  return option;
}

function commandString(spec: CommandSpec): string {
  const slots = (spec.positionals ?? []).map((slot) => (slot.variadic ? `[${slot.name}..]` : slot.required ? `<${slot.name}>` : `[${slot.name}]`));
  return [wordsOf(spec).at(-1), ...slots].join(' ');
}

/** Commands that run another program take everything after `--` verbatim. */
function splitPassThrough(registry: Registry, argv: string[]): { own: string[]; rest: string[] } {
  const dash = argv.indexOf('--');
  const spec = registry.commands.find((candidate) => candidate.path === commandPath(registry, argv).join(' '));
  if (dash < 0 || !spec?.passThrough) return { own: argv, rest: [] };
  return { own: argv.slice(0, dash), rest: argv.slice(dash + 1) };
}

function addCommands(registry: Registry, parser: Argv, words: string[], rest: string[], schedule: (work: Work) => void): Argv {
  for (const word of nextWords(registry, words)) {
    const spec = registry.commands.find((candidate) => candidate.path === [...words, word].join(' '));
    if (!spec) continue;
    const own = Object.entries(spec.flags ?? {});
    if (!spec.handler) {
      parser.command(word, spec.describe, (group: Argv) => {
        for (const [name, flag] of own) group.option(name, yargsOption(flag, true));
        // px words the refusal itself (parse-errors.ts), from the registry.
        return addCommands(registry, group, wordsOf(spec), rest, schedule).demandCommand(1).strict();
      });
      continue;
    }
    parser.command({
      command: commandString(spec),
      describe: spec.hidden ? false : spec.describe,
      builder: (command: Argv) => {
        for (const slot of spec.positionals ?? []) {
          command.positional(slot.name, {
            type: 'string',
            ...(slot.variadic ? { array: true } : {}),
            ...(slot.required ? { demandOption: true } : {}),
            ...(slot.describe ? { describe: slot.describe } : {}),
          });
        }
        for (const [name, flag] of own) command.option(name, yargsOption(flag));
        for (const [example, meaning] of spec.examples ?? []) command.example(example, meaning);
        return command;
      },
      handler: (parsed: Record<string, unknown>) => {
        const args = { ...parsed };
        for (const slot of spec.positionals ?? []) {
          if (slot.variadic && spec.passThrough) args[slot.name] = [...((parsed[slot.name] as string[] | undefined) ?? []), ...rest];
        }
        schedule(async (io) => (await loadHandler(spec))(io, args, registry));
      },
    });
  }
  return parser;
}

function buildParser(registry: Registry, argv: string[], rest: string[], schedule: (work: Work) => void): Argv {
  const parser = yargs(argv)
    .scriptName('px')
    // English whatever the user's locale: px's own sentences are English, and a translated
    // message would read differently from every other line px prints.
    .locale('en')
    .usage('px — project secrets from the terminal\n\nUsage: $0 <command> [options]')
    .version(VERSION);
  for (const [name, flag] of Object.entries(registry.globals)) parser.option(name, yargsOption(flag, true));
  return addCommands(registry, parser, [], rest, schedule)
    .demandCommand(1)
    .recommendCommands()
    .strict()
    .help()
    .alias('h', 'help')
    .wrap(null)
    .exitProcess(false);
}

/** Flags given twice that the command takes once (yargs would hand over an array). */
function repeatedFlag(registry: Registry, argv: string[], parsed: Record<string, unknown> | undefined): string | undefined {
  const spec = registry.commands.find((candidate) => candidate.path === commandPath(registry, argv).join(' '));
  const flags = spec ? flagsOf(registry, spec) : registry.globals;
  return Object.entries(flags).find(([name, flag]) => !flag.repeat && flag.type !== 'boolean' && Array.isArray(parsed?.[camelCase(name)]))?.[0];
}

/** `--value -abc`: yargs would read the value as flags (-h even prints help) and name its letters. */
function dashAfterSecretFlag(registry: Registry, argv: string[]): boolean {
  const secret = new Set<string>();
  for (const spec of registry.commands) for (const [name, flag] of Object.entries(spec.flags ?? {})) if (flag.secret) secret.add(`--${name}`);
  return argv.some((arg, i) => secret.has(arg) && argv[i + 1]?.startsWith('-'));
}

/** Runs px with `argv` (without node and script) and returns the exit code. */
export async function runParser(registry: Registry, argv: string[], io: Io): Promise<number> {
  let work: Work | undefined;
  let yargsError: Error | undefined;
  let parsed: Record<string, unknown> | undefined;
  let output = '';
  const { own, rest } = splitPassThrough(registry, argv);
  const refuse = (problem: ParseProblem): number => {
    line(io.stderr, `error: ${describeParseError(registry, problem, own)}`);
    return 2;
  };
  if (dashAfterSecretFlag(registry, own)) return refuse({ kind: 'dash-value', path: commandPath(registry, own) });
  const parser = buildParser(registry, own, rest, (next) => {
    work = next;
  });
  try {
    await parser.parseAsync(own, {}, (error: Error | undefined, args: Record<string, unknown>, out: string) => {
      yargsError = error ?? undefined;
      parsed = args;
      output = out;
    });
  } catch (error) {
    yargsError = error as Error;
  }
  const path = commandPath(registry, own);
  if (yargsError) {
    // What is wrong comes from the registry; yargs' own sentence only when the registry cannot say.
    return refuse(findProblem(registry, own) ?? { kind: 'other', path, message: yargsError.message });
  }
  // What yargs accepts and px does not: a flag given twice that the command takes once (yargs
  // hands over an array), and words after `--` for a command that runs nothing (yargs puts them in `_`).
  const repeated = repeatedFlag(registry, own, parsed);
  if (repeated) return refuse({ kind: 'repeated', path, flag: repeated });
  const words = (parsed?._ as unknown[] | undefined) ?? [];
  if (rest.length === 0 && words.length > path.length) return refuse({ kind: 'unknown', path, flags: [], words: words.length - path.length });
  if (output) line(io.stdout, output);
  if (!work) return 0;
  return runReported(io, work);
}
