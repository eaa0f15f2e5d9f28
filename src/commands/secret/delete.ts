import { NotFound, Declined, UsageError } from '../../core/errors.js';
import { assertValidName } from '../../core/names.js';
import { line, type Io } from '../../cli/io.js';
import { askConfirm, withKeystrokesHeld } from '../../cli/prompts.js';
import { openSecrets, type GlobalArgs } from '../../cli/project-target.js';

interface DeleteArgs extends GlobalArgs {
  name: string;
  yes?: boolean;
}

/** Keys typed before the question shows must not answer it, nor be echoed. */
export async function deleteSecret(io: Io, args: DeleteArgs): Promise<number> {
  return withKeystrokesHeld(io, () => removeSecret(io, args));
}

async function removeSecret(io: Io, args: DeleteArgs): Promise<number> {
  assertValidName(args.name, 'find');
  const { backend, target } = await openSecrets(io, args);
  try {
    if (!(await backend.exists(args.name))) throw new NotFound(`No secret named ${args.name} in ${target}.`);
    if (!args.yes && !io.interactive) {
      throw new UsageError(`Deleting ${args.name} needs confirmation and this run cannot prompt: pass --yes.`);
    }
    if (!args.yes && !(await askConfirm(io, `Delete ${args.name} from ${target}? This cannot be undone.`))) {
      throw new Declined(`Kept ${args.name}; nothing changed.`);
    }
    await backend.delete(args.name);
    line(io.stdout, `Deleted ${args.name} from ${target}.`);
    return 0;
  } finally {
    await backend.close?.();
  }
}
