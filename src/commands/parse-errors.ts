// What yargs says about a command line it cannot parse, as one sentence px would say: which
// command, what is missing, what was probably meant. Commands that read a secret value never
// echo what they did not understand: it may be the value, typed where the name or a flag goes.

const SUBCOMMANDS: Record<string, readonly string[]> = {
  secret: ['create', 'list', 'delete', 'exists', 'import'],
  creds: ['set', 'list', 'delete', 'import'],
};
const TOP = ['secret', 'creds', 'deploy', 'login', 'logout', 'server', 'run', 'completion'];
/** The positional each command demands. */
const POSITIONAL: Record<string, string> = {
  'secret create': 'NAME',
  'secret delete': 'NAME',
  'secret exists': 'NAME',
  'creds set': 'NAME',
  'creds delete': 'NAME',
};
/** Commands a value is given to: what they did not understand is never repeated. */
const READS_VALUE = new Set(['secret create', 'creds set', 'login']);
const TAKES_ARGUMENT = new Set(['--project', '--url', '--timeout', '--value', '--port', '--host']);

/** The command words of argv (`secret create`), skipping flags and their arguments. */
export function commandPath(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (TAKES_ARGUMENT.has(arg)) i++;
      continue;
    }
    if (words.length === 0 ? TOP.includes(arg) : words.length === 1 && SUBCOMMANDS[words[0]]?.includes(arg)) words.push(arg);
    else break;
  }
  return words;
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

/** One line (without `error: `) for a command line yargs refused. */
export function describeParseError(message: string, argv: readonly string[]): string {
  const path = commandPath(argv);
  const command = ['px', ...path].join(' ');
  const help = `Run \`${command} --help\` for usage.`;
  const key = path.join(' ');
  const dashValue = argv.findIndex((arg, i) => arg === '--value' && argv[i + 1]?.startsWith('-'));
  if (dashValue >= 0) {
    return `--value takes the value right after it, and one that starts with - must be written --value=VALUE (or piped); nothing was stored. ${help}`;
  }
  if (READS_VALUE.has(key) && /^Unknown argument/.test(message)) {
    const takes = POSITIONAL[key] ? `${POSITIONAL[key]} and flags` : 'flags only';
    const sources = key === 'login' ? 'a pipe or the hidden prompt' : 'a pipe, the hidden prompt or --value';
    return `${command} got arguments it does not take (not shown, in case one is a secret value): it takes ${takes}, and the value comes from ${sources}. Nothing was stored. ${help}`;
  }
  if (/^Not enough non-option arguments/.test(message) && POSITIONAL[key]) {
    return `${command} needs a ${POSITIONAL[key]}: ${command} ${POSITIONAL[key]}. ${help}`;
  }
  const first = argv.find((arg) => !arg.startsWith('-'));
  if (path.length === 0 && first !== undefined && /^Unknown argument/.test(message)) {
    const guess = closest(first, TOP);
    return guess ? `Unknown command ${first}: did you mean \`px ${guess}\`? ${help}` : `Unknown command ${first}. ${help}`;
  }
  const meant = /^Did you mean (\S+)\?/.exec(message);
  if (meant && path.length === 1) {
    const word = argv[argv.indexOf(path[0]) + 1];
    return `Unknown ${path[0]} command ${word}: did you mean \`${command} ${meant[1]}\`? ${help}`;
  }
  const sentence = message.split('\n')[0].trim();
  return `${/[.?!]$/.test(sentence) ? sentence : `${sentence}.`} ${help}`;
}
