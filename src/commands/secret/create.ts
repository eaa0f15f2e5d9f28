import { Refused, UsageError, Declined } from '../../core/errors.js';
import { deployCredentialNames } from '../../core/examples.js';
import { assertValidName } from '../../core/names.js';
import { checkValue } from '../../core/manifest/manifest.js';
import type { Manifest } from '../../core/manifest/types.js';
import { line, warn, type Io } from '../../cli/io.js';
import { askConfirm, withKeystrokesHeld } from '../../cli/prompts.js';
import { readSecretValue, refuseValueInName } from '../../cli/secret-value.js';
import { openSecrets, projectOf, type GlobalArgs } from '../../cli/project-target.js';

interface CreateArgs extends GlobalArgs {
  name: string;
  value?: string;
  force?: boolean;
}

export function checkSecretName(name: string, root: string, manifest?: Manifest): void {
  assertValidName(name);
  if (deployCredentialNames(root, manifest).has(name)) {
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
  const project = projectOf(io, args);
  checkSecretName(args.name, project.root, project.manifest);
  const { backend, target, env } = await openSecrets(io, args, project);
  try {
    const exists = await backend.exists(args.name);
    if (exists && !args.force) {
      if (!io.interactive) throw new Refused(`${args.name} already exists in ${target}: pass --force to replace it.`);
      if (!(await askConfirm(io, `${args.name} already exists in ${target}. Replace it?`))) {
        throw new Declined(`Kept the existing ${args.name}; nothing changed.`);
      }
    }
    const value = await readSecretValue(io, { name: args.name, flagValue: args.value, target });
    const { problem, warnings, undeclared } = checkValue(project.manifest, env.name, args.name, value);
    if (problem) throw new UsageError(`${problem}; nothing was stored.`);
    if (undeclared) warn(io, `${args.name} is not in px.config.json's secrets: add it there so teammates and \`px secret validate\` know of it.`);
    for (const warning of warnings) warn(io, `${warning}.`);
    await backend.put(args.name, value);
    line(io.stdout, `${exists ? 'Updated' : 'Created'} ${args.name} in ${target}.`);
    return 0;
  } finally {
    await backend.close?.();
  }
}
