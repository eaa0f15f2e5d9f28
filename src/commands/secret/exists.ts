import { assertValidName } from '../../core/names.js';
import { line, type Io } from '../../cli/io.js';
import { openSecrets, type GlobalArgs } from '../../cli/project-target.js';

interface ExistsArgs extends GlobalArgs {
  name: string;
}

/** Exit 0 when it exists, 1 when not (README "Exit codes"). */
export async function secretExists(io: Io, args: ExistsArgs): Promise<number> {
  assertValidName(args.name, 'find');
  const { backend, target } = await openSecrets(io, args);
  try {
    const exists = await backend.exists(args.name);
    line(io.stdout, exists ? `${args.name} exists in ${target}.` : `${args.name} does not exist in ${target}.`);
    return exists ? 0 : 1;
  } finally {
    await backend.close?.();
  }
}
