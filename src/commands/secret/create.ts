import { Refused, UsageError } from '../../core/errors.js';
import { deployCredentialNames } from '../../core/examples.js';
import { assertValidName } from '../../core/names.js';
import { line, type Io } from '../../cli/io.js';
import { askConfirm, withKeystrokesHeld } from '../../cli/prompts.js';
import { readSecretValue, refuseValueInName } from '../../cli/secret-value.js';
import { openSecrets, projectOf, type GlobalArgs } from '../../cli/project-target.js';

interface CreateArgs extends GlobalArgs {
  name: string;
  value?: string;
  force?: boolean;
}

export function checkSecretName(name: string, root: string): void {
  assertValidName(name);
  if (deployCredentialNames(root).has(name)) {
    throw new UsageError(`${name} is a deploy credential: keep it in the keychain with \`px creds set ${name}\`, not in runtime secrets.`);
  }
}

export async function createSecret(io: Io, args: CreateArgs): Promise<number> {
  if (!io.interactive || args.value !== undefined) return create(io, args);
  // The Ink layer is most of the time to the prompt: start loading it while the store is read.
  io.ui().catch(() => undefined);
  return withKeystrokesHeld(io, () => create(io, args));
}

async function create(io: Io, args: CreateArgs): Promise<number> {
  refuseValueInName('px secret create', args.name);
  checkSecretName(args.name, projectOf(io, args).root);
  const { backend, target } = await openSecrets(io, args);
  try {
    const exists = await backend.exists(args.name);
    if (exists && !args.force) {
      if (!io.interactive) throw new Refused(`${args.name} already exists in ${target}: pass --force to replace it.`);
      if (!(await askConfirm(io, `${args.name} already exists in ${target}. Replace it?`))) {
        throw new Refused(`Kept the existing ${args.name}; nothing changed.`);
      }
    }
    const value = await readSecretValue(io, { name: args.name, flagValue: args.value, target });
    await backend.put(args.name, value);
    line(io.stdout, `${exists ? 'Updated' : 'Created'} ${args.name} in ${target}.`);
    return 0;
  } finally {
    await backend.close?.();
  }
}
