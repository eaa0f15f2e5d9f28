// What yargs says about a command line it cannot parse, as one sentence px would say: which
// command, what is missing, what was probably meant. Commands that read a secret value never
// echo what they did not understand: it may be the value, typed where the name or a flag goes.

import { commandPath, findCommand, flagsOf, nextWords, valueFlagNames, type CommandSpec, type Registry } from './command-spec.js';

/** The positional a command demands, as its help names it (NAME). */
function demanded(registry: Registry, key: string): string | undefined {
  const slot = findCommand(registry, key.split(' '))?.positionals?.find((candidate) => candidate.required);
  return slot ? (slot.label ?? slot.name.toUpperCase()) : undefined;
}

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

/** The first word after the command path, skipping flags and their arguments. */
function wordAfter(registry: Registry, argv: readonly string[], path: readonly string[]): string | undefined {
  const takesValue = valueFlagNames(registry);
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

/** A `--word` given to a command that is a typo of one of its flags (`--frce`): never a value. */
function mistypedFlag(registry: Registry, spec: CommandSpec, argv: readonly string[]): { given: string; meant: string } | undefined {
  const flags = Object.entries(flagsOf(registry, spec)).filter(([, flag]) => !flag.hidden).map(([name]) => name);
  for (const arg of argv) {
    if (arg === '--') break;
    const word = /^--([a-z][a-z-]{0,20})$/.exec(arg)?.[1];
    if (!word || flags.includes(word) || (word.startsWith('no-') && flags.includes(word.slice(3)))) continue;
    const meant = closest(word, flags);
    if (meant) return { given: arg, meant: `--${meant}` };
  }
  return undefined;
}

/**
 * One line (without `error: `) for a command line px refused: `message` is what yargs said;
 * `dashValue` marks `--value -…`, refused before yargs sees it.
 */
export function describeParseError(registry: Registry, message: string, argv: readonly string[], dashValue = false): string {
  const path = commandPath(registry, argv);
  const command = ['px', ...path].join(' ');
  const help = `Run \`${command} --help\` for usage.`;
  const key = path.join(' ');
  const spec = findCommand(registry, path);
  if (dashValue) {
    return `--value takes the value right after it, and one that starts with - must be written --value=VALUE (or piped); nothing was stored. ${help}`;
  }
  const unknown = /^Unknown arguments?: (.*)$/.exec(message.split('\n')[0]);
  const mistyped = unknown && spec ? mistypedFlag(registry, spec, argv) : undefined;
  if (mistyped) return `Unknown flag ${mistyped.given}: did you mean ${mistyped.meant}? ${help}`;
  if (unknown && spec?.passThrough) {
    return `${command} takes the command to run after --: \`${command} -- CMD ARGS…\` (px's own flags go before the --). ${help}`;
  }
  if (unknown && spec?.readsValue) {
    const positional = demanded(registry, key);
    const takes = positional ? `${positional} and flags` : 'flags only';
    const secretFlags = Object.entries(flagsOf(registry, spec)).filter(([, flag]) => flag.secret).map(([name]) => `--${name}`);
    const sources = secretFlags.length === 0 ? 'a pipe or the hidden prompt' : `a pipe, the hidden prompt or ${secretFlags.join(', ')}`;
    return `${command} got arguments it does not take (not shown, in case one is a secret value): it takes ${takes}, and the value comes from ${sources}. Nothing was stored. ${help}`;
  }
  const positional = demanded(registry, key);
  if (/^Not enough non-option arguments/.test(message) && positional) {
    return `${command} needs a ${positional}: ${command} ${positional}. ${help}`;
  }
  const meant = /^Did you mean (\S+)\?/.exec(message);
  const group = path.length === 0 ? 'command' : spec && !spec.handler ? `${spec.path} command` : undefined;
  if ((unknown || meant) && group) {
    const word = wordAfter(registry, argv, path);
    if (path.length === 0 && word === 'help') {
      const about = commandPath(registry, argv.slice(argv.indexOf('help') + 1));
      return `px help is not a command: run \`${['px', ...about].join(' ')} --help\`.`;
    }
    if (path.length === 0 && word === 'version') return 'px version is not a command: run `px --version`.';
    const choices = nextWords(registry, path, true);
    const asked = choices.find((choice) => word !== undefined && findCommand(registry, [...path, choice])?.suggestFor?.includes(word));
    // yargs suggests from far away (`add` → get); px only names a command the word is close to.
    const guess = asked ?? (shown(word) ? closest(word, choices) : meant && !word ? meant[1] : undefined);
    // The word is repeated only next to the command it is a typo of: anything else may be a value
    // (a passphrase is lowercase words and dashes too).
    if (!shown(word) || !guess) return `Unknown ${group} (not shown, in case it is a value): ${command} --help lists them.`;
    return `Unknown ${group} ${word}: did you mean \`${command} ${guess}\`? ${help}`;
  }
  if (unknown) {
    // Repeat only flags (given as --name): any other word may be a value.
    const words = unknown[1].split(', ');
    const visible = words.filter((word) => shown(word) && argv.some((arg) => arg === `--${word}` || arg.startsWith(`--${word}=`)));
    const hidden = words.length - visible.length;
    const it = hidden === 1 ? 'it is' : 'one is';
    const named = visible.length > 0 ? `Unknown ${visible.length === 1 ? 'flag' : 'flags'}: ${visible.map((word) => `--${word}`).join(', ')}` : `Unknown ${hidden === 1 ? 'argument' : 'arguments'}`;
    const rest = hidden === 0 ? '' : visible.length > 0 ? ` (and ${hidden} more, not shown in case ${it} a value)` : ` (not shown, in case ${it} a value)`;
    return `${named}${rest}. ${help}`;
  }
  const sentence = message.split('\n')[0].trim();
  return `${/[.?!]$/.test(sentence) ? sentence : `${sentence}.`} ${help}`;
}
