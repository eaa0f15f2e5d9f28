import { AuthRejected, NotFound, UsageError } from '../../core/errors.js';
import { assertValidName } from '../../core/names.js';
import type { Io } from '../../cli/io.js';
import { openSecrets, type GlobalArgs } from '../../cli/project-target.js';

interface GetArgs extends GlobalArgs {
  name: string;
  reveal?: boolean;
}

/** `px secret get NAME`: the value on stdout, nothing added; on a terminal only with --reveal. */
export async function getSecret(io: Io, args: GetArgs): Promise<number> {
  assertValidName(args.name);
  // Checked before anything is read: a value must not reach a screen (or a recording of one) by accident.
  if (io.stdout.isTTY && !args.reveal) {
    throw new UsageError(`px secret get prints the value of ${args.name}, and stdout is a terminal: pipe it (\`px secret get ${args.name} | pbcopy\`) or pass --reveal to show it.`);
  }
  const { backend, target } = await openSecrets(io, args);
  let value: string | undefined;
  try {
    if (!backend.values) throw new AuthRejected(`${target} does not hand values to px secret get: read them from the local store, or with a token whose role may read values.`);
    value = (await backend.values([args.name])).get(args.name);
  } finally {
    await backend.close?.();
  }
  if (value === undefined) throw new NotFound(`No secret named ${args.name} in ${target}.`);
  io.stdout.write(value);
  return 0;
}

