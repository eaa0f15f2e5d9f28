import type { Argv, CommandModule } from 'yargs';
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

export const getCommand = (run: (work: (io: Io) => Promise<number>) => void): CommandModule<GlobalArgs, GetArgs> => ({
  command: 'get <name>',
  describe: 'Print a value to stdout (to a pipe; on a terminal only with --reveal)',
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .positional('name', { type: 'string', demandOption: true })
      .option('reveal', { type: 'boolean', describe: 'Print it even when stdout is a terminal' })
      .example('$0 secret get STRIPE_SECRET_KEY | pbcopy', 'Copy a value without showing it') as Argv<GetArgs>,
  handler: (args) => run((io) => getSecret(io, args)),
});
