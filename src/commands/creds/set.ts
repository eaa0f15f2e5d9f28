import { Refused, UsageError, Declined } from '../../core/errors.js';
import { runtimeSecretNames } from '../../core/examples.js';
import { assertValidName } from '../../core/names.js';
import { checkPlaintextIgnored } from '../../cli/plaintext-ignore-check.js';
import { line, type Io } from '../../cli/io.js';
import { askConfirm, withKeystrokesHeld } from '../../cli/prompts.js';
import { readSecretValue, refuseValueInName } from '../../cli/secret-value.js';
import { openCredentials, type GlobalArgs } from '../../cli/project-target.js';

interface SetArgs extends GlobalArgs {
  name: string;
  value?: string;
  force?: boolean;
}

/** A valid name that is not a runtime secret (those go to `px secret`). */
export function runtimeRefusal(name: string, runtimeNames: Set<string>): string | null {
  return runtimeNames.has(name) ? `${name} is a runtime secret: keep it in .env.secrets and use \`px secret\`` : null;
}

export async function setCredential(io: Io, args: SetArgs): Promise<number> {
  return args.value === undefined ? withKeystrokesHeld(io, () => set(io, args)) : set(io, args);
}

async function set(io: Io, args: SetArgs): Promise<number> {
  refuseValueInName('px creds set', args.name);
  assertValidName(args.name);
  const { project, creds } = openCredentials(io, args);
  const refusal = runtimeRefusal(args.name, runtimeSecretNames(project.root, project.manifest));
  if (refusal) throw new UsageError(`${refusal}, not in the keychain.`);
  // Ask the keychain first: an unreachable one fails (exit 4) before anything is typed.
  const exists = await creds.has(args.name);
  if (exists && !args.force) {
    if (!io.interactive) throw new Refused(`${args.name} is already in the ${creds.label}: pass --force to replace it.`);
    if (!(await askConfirm(io, `${args.name} is already in the keychain for this project. Replace it?`))) {
      throw new Declined(`Kept the existing ${args.name}; nothing changed.`);
    }
  }
  await checkPlaintextIgnored(io, project.root);
  const value = await readSecretValue(io, { name: args.name, flagValue: args.value, target: creds.label });
  await creds.set(args.name, value);
  line(io.stdout, `${exists ? 'Updated' : 'Stored'} ${args.name} in the ${creds.label}.`);
  return 0;
}
