// Where a secret's value comes from, for `px secret create`, `px creds set` and `px login`:
// --value (with a shell-history warning), else piped stdin, else a hidden prompt on an
// interactive run.
import { UsageError } from '../core/errors.js';
import { valueProblem, valueWarnings } from '../core/names.js';
import { readPipedValue } from '../core/stdin.js';
import { askHidden } from './prompts.js';
import { warn, type Io } from './io.js';

export interface ValueSource {
  /** What the value is, in messages: `OPENAI_API_KEY`, `the token`. */
  name: string;
  /** The value given as a flag; commands without a --value flag leave it out. */
  flagValue?: string;
  target: string;
  /** The prompt's label; default `Value for NAME:`. */
  label?: string;
  /** Whether the command has a --value flag to suggest (default true). */
  valueFlag?: boolean;
}

export async function readSecretValue(io: Io, options: ValueSource): Promise<string> {
  const { name, flagValue, target } = options;
  let value: string;
  const flag = options.valueFlag === false ? '' : ' or pass --value';
  if (flagValue !== undefined) {
    warn(io, '--value puts the secret in your shell history and process list; pipe it or use the prompt instead.');
    value = flagValue;
  } else if (!io.stdin.isTTY) {
    value = await readPipedValue(io.stdin);
    // Nothing piped (stdin is /dev/null, closed, or an empty pipe): a CI step or a script that
    // forgot the value, not an empty secret. Say where px looked and what to give it.
    if (value === '') {
      throw new UsageError(`Cannot store ${name}: stdin is not a terminal and gave no value. Pipe it (printf %s "$VALUE" | px …)${flag}, or run in a terminal to type it.`);
    }
  } else if (io.interactive) {
    value = await askHidden(io, { label: options.label ?? `Value for ${name}:`, target });
  } else {
    throw new UsageError(`A value for ${name} is needed and this run cannot prompt: pipe it (printf %s "$VALUE" | px …)${flag}.`);
  }
  const problem = valueProblem(value);
  if (problem) throw new UsageError(`Cannot store ${name}: ${problem}.`);
  for (const warning of valueWarnings(value)) warn(io, `the value of ${name} ${warning}.`);
  return value;
}

/**
 * `px secret create NAME=value`: a value typed as an argument lands in shell history and the
 * process list, so px never takes one; say the ways it does take it. Neither part is repeated (a
 * value may contain `=`, and base64 ends with it).
 */
export function refuseValueInName(command: string, name: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(name)) return;
  throw new UsageError(
    `${command} takes only a NAME: px never takes a value as an argument (it would stay in your shell history and the process list), and nothing was stored. ` +
      `Type it at the hidden prompt with \`${command} NAME\`, or pipe it: printf %s "$VALUE" | ${command} NAME`,
  );
}
