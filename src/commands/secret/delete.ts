import type { Argv, CommandModule } from 'yargs';
import { NotFound, Refused, UsageError } from '../../core/errors.js';
import { assertValidName } from '../../core/names.js';
import { line, type Io } from '../../cli/io.js';
import { askConfirm, withKeystrokesHeld } from '../../cli/prompts.js';
import { openSecrets, type GlobalArgs } from '../../cli/project-target.js';

interface DeleteArgs extends GlobalArgs {
  name: string;
  yes?: boolean;
}

export async function deleteSecret(io: Io, args: DeleteArgs): Promise<number> {
  assertValidName(args.name, 'find');
  if (!args.yes && !io.interactive) {
    throw new UsageError(`Deleting ${args.name} needs confirmation and this run cannot prompt: pass --yes.`);
  }
  const { backend, target } = await openSecrets(io, args);
  try {
    if (!(await backend.exists(args.name))) throw new NotFound(`No secret named ${args.name} in ${target}.`);
    if (!args.yes && !(await askConfirm(io, `Delete ${args.name} from ${target}? This cannot be undone.`))) {
      throw new Refused(`Kept ${args.name}; nothing changed.`);
    }
    await backend.delete(args.name);
    line(io.stdout, `Deleted ${args.name} from ${target}.`);
    return 0;
  } finally {
    await backend.close?.();
  }
}

export const deleteCommand = (run: (work: (io: Io) => Promise<number>) => void): CommandModule<GlobalArgs, DeleteArgs> => ({
  command: 'delete <name>',
  describe: 'Delete a secret (asks first; --yes to skip)',
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .positional('name', { type: 'string', demandOption: true })
      .option('yes', { alias: 'y', type: 'boolean', describe: 'Do not ask for confirmation' }) as Argv<DeleteArgs>,
  // Keys typed before the question shows must not answer it, nor be echoed.
  handler: (args) => run((io) => withKeystrokesHeld(io, () => deleteSecret(io, args))),
});
