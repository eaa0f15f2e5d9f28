// Where a secret's value comes from, for `px secret create` and `px creds set`: --value (with a
// shell-history warning), else piped stdin, else a hidden prompt on an interactive run.
import { UsageError } from '../core/errors.js';
import { valueProblem, valueWarnings } from '../core/names.js';
import { readPipedValue } from '../core/stdin.js';
import { askHidden } from './prompts.js';
import { warn, type Io } from './context.js';

export async function readSecretValue(io: Io, options: { name: string; flagValue?: string; target: string }): Promise<string> {
  const { name, flagValue, target } = options;
  let value: string;
  if (flagValue !== undefined) {
    warn(io, '--value puts the secret in your shell history and process list; pipe it or use the prompt instead.');
    value = flagValue;
  } else if (!io.stdin.isTTY) {
    value = await readPipedValue(io.stdin);
  } else if (io.interactive) {
    value = await askHidden(io, { label: `Value for ${name}:`, target });
  } else {
    throw new UsageError(`A value for ${name} is needed and this run cannot prompt: pipe it (printf %s "$VALUE" | px …) or pass --value.`);
  }
  const problem = valueProblem(value);
  if (problem) throw new UsageError(`Cannot store ${name}: ${problem}.`);
  for (const warning of valueWarnings(value)) warn(io, `the value of ${name} ${warning}.`);
  return value;
}
