import { NotFound, Declined, UsageError } from '../../core/errors.js';
import { assertValidName } from '../../core/names.js';
import { line, type Io } from '../../cli/io.js';
import { askConfirm, withKeystrokesHeld } from '../../cli/prompts.js';
import { openCredentials, type GlobalArgs } from '../../cli/project-target.js';

interface DeleteArgs extends GlobalArgs {
  name: string;
  yes?: boolean;
}

/** Keys typed before the question shows must not answer it, nor be echoed. */
export async function deleteCredential(io: Io, args: DeleteArgs): Promise<number> {
  return withKeystrokesHeld(io, () => removeCredential(io, args));
}

async function removeCredential(io: Io, args: DeleteArgs): Promise<number> {
  assertValidName(args.name, 'find');
  const { creds } = openCredentials(io, args);
  if (!(await creds.has(args.name))) throw new NotFound(`No deploy credential named ${args.name} in the ${creds.label}.`);
  if (!args.yes && !io.interactive) {
    throw new UsageError(`Deleting ${args.name} needs confirmation and this run cannot prompt: pass --yes.`);
  }
  if (!args.yes && !(await askConfirm(io, `Delete ${args.name} from the keychain for this project? This cannot be undone.`))) {
    throw new Declined(`Kept ${args.name}; nothing changed.`);
  }
  if (!(await creds.delete(args.name))) throw new NotFound(`No deploy credential named ${args.name} in the ${creds.label}.`);
  line(io.stdout, `Deleted ${args.name} from the ${creds.label}.`);
  return 0;
}
