// A refused command line as one sentence px would say: which command, what is missing, what was
// probably meant. It is worded from what the registry says is wrong (./argv-problem.ts), never
// from yargs' messages. Commands that read a secret value never echo what they did not
// understand: it may be the value, typed where the name or a flag goes.

import { commandsMeant, type ParseProblem } from './argv-problem.js';
import { commandPath, findCommand, flagsOf, nextWords, type CommandSpec, type Registry } from './command-spec.js';

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The closest of `choices` to `word` (a typo or a prefix), if any is close. */
function closest(word: string, choices: readonly string[]): string | undefined {
  const scored = choices.map((choice) => ({ choice, score: choice.startsWith(word) ? 0 : distance(word, choice) }));
  const best = scored.sort((a, b) => a.score - b.score)[0];
  return best && best.score <= 2 ? best.choice : undefined;
}

/** A word px repeats in an error: one that looks like a mistyped command or flag, never like a value. */
const shown = (word: string | undefined): word is string => word !== undefined && /^[a-z][a-z-]{0,20}$/.test(word);

/** The long flag (`--frce`) among `given` that is a typo of one of the command's flags: never a value. */
function mistypedFlag(registry: Registry, spec: CommandSpec, given: readonly string[]): { given: string; meant: string } | undefined {
  const flags = Object.entries(flagsOf(registry, spec)).filter(([, flag]) => !flag.hidden).map(([name]) => name);
  for (const arg of given) {
    const word = /^--([a-z][a-z-]{0,20})$/.exec(arg)?.[1];
    const meant = word ? closest(word, flags) : undefined;
    if (meant) return { given: arg, meant: `--${meant}` };
  }
  return undefined;
}

/** "create, list or import" */
const choices = (words: string[]): string => (words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`);

function unknownCommand(registry: Registry, argv: readonly string[], path: string[], word: string): string {
  const command = ['px', ...path].join(' ');
  const group = path.length === 0 ? 'command' : `${path.join(' ')} command`;
  if (path.length === 0 && word === 'help') {
    const about = commandPath(registry, argv.slice(argv.indexOf('help') + 1));
    return `px help is not a command: run \`${['px', ...about].join(' ')} --help\`.`;
  }
  if (path.length === 0 && word === 'version') return 'px version is not a command: run `px --version`.';
  const guess = commandsMeant(registry, path, word)[0] ?? (shown(word) ? closest(word, nextWords(registry, path, true)) : undefined);
  // The word is repeated only next to the command it is a typo of: anything else may be a value
  // (a passphrase is lowercase words and dashes too).
  if (!shown(word) || !guess) return `Unknown ${group} (not shown, in case it is a value): ${command} --help lists them.`;
  return `Unknown ${group} ${word}: did you mean \`${command} ${guess}\`? Run \`${command} --help\` for usage.`;
}

function unknownArguments(registry: Registry, spec: CommandSpec, flags: readonly string[], words: number): string {
  const command = `px ${spec.path}`;
  const help = `Run \`${command} --help\` for usage.`;
  const mistyped = mistypedFlag(registry, spec, flags);
  if (mistyped) return `Unknown flag ${mistyped.given}: did you mean ${mistyped.meant}? ${help}`;
  if (spec.passThrough) return `${command} takes the command to run after --: \`${command} -- CMD ARGS…\` (px's own flags go before the --). ${help}`;
  if (spec.readsValue) {
    const positional = spec.positionals?.find((slot) => slot.required);
    const takes = positional ? `${positional.label ?? positional.name.toUpperCase()} and flags` : 'flags only';
    const secretFlags = Object.entries(flagsOf(registry, spec)).filter(([, flag]) => flag.secret).map(([name]) => `--${name}`);
    const sources = secretFlags.length === 0 ? 'a pipe or the hidden prompt' : `a pipe, the hidden prompt or ${secretFlags.join(', ')}`;
    return `${command} got arguments it does not take (not shown, in case one is a secret value): it takes ${takes}, and the value comes from ${sources}. Nothing was stored. ${help}`;
  }
  // Repeat only flags given as --name: any other word may be a value.
  const visible = flags.filter((flag) => /^--[a-z][a-z-]{0,20}(=|$)/.test(flag)).map((flag) => flag.split('=')[0]);
  const hidden = flags.length - visible.length + words;
  const it = hidden === 1 ? 'it is' : 'one is';
  const named = visible.length > 0 ? `Unknown ${visible.length === 1 ? 'flag' : 'flags'}: ${visible.join(', ')}` : `Unknown ${hidden === 1 ? 'argument' : 'arguments'}`;
  const rest = hidden === 0 ? '' : visible.length > 0 ? ` (and ${hidden} more, not shown in case ${it} a value)` : ` (not shown, in case ${it} a value)`;
  return `${named}${rest}. ${help}`;
}

/** One line (without `error: `) for a command line px refused. */
export function describeParseError(registry: Registry, problem: ParseProblem, argv: readonly string[]): string {
  const command = ['px', ...problem.path].join(' ');
  const help = `Run \`${command} --help\` for usage.`;
  const spec = findCommand(registry, problem.path);
  switch (problem.kind) {
    case 'dash-value':
      return `--value takes the value right after it, and one that starts with - must be written --value=VALUE (or piped); nothing was stored. ${help}`;
    case 'repeated':
      return `--${problem.flag} was given more than once: give it once. ${help}`;
    case 'no-command':
      return problem.path.length === 0 ? 'Name a command; px --help lists them.' : `Name a ${problem.path.join(' ')} command: ${choices(nextWords(registry, problem.path, true))}.`;
    case 'unknown-command':
      return unknownCommand(registry, argv, problem.path, problem.word);
    case 'unknown':
      return spec ? unknownArguments(registry, spec, problem.flags, problem.words) : `Unknown arguments. ${help}`;
    case 'missing':
      return `${command} needs a ${problem.label}: ${command} ${problem.label}. ${help}`;
    case 'other': {
      const sentence = problem.message.split('\n')[0].trim();
      return `${/[.?!]$/.test(sentence) ? sentence : `${sentence}.`} ${help}`;
    }
  }
}
