// `px secret rotate NAME`: a new value for a secret that has one already, the old one kept in
// history (so `px secret rollback` undoes a rotation). A secret with a generator (its class's or
// the manifest's) gets a freshly generated value; any other needs a person: a hidden prompt on a
// terminal, or a piped value with --yes in a script. px never takes the value as an argument.
import { Declined, NotFound, UsageError } from '../../core/errors.js';
import { describeGenerator } from '../../core/manifest/charsets.js';
import { checkValue, manifestSecret } from '../../core/manifest/manifest.js';
import type { VersionMeta } from '../../core/secret-versions.js';
import { line, warn, type Io } from '../../cli/io.js';
import { askConfirm, withKeystrokesHeld } from '../../cli/prompts.js';
import { readSecretValue, refuseValueInName } from '../../cli/secret-value.js';
import { openSecrets, projectOf, type GlobalArgs, type SecretsSession } from '../../cli/project-target.js';
import { checkSecretName } from './create.js';
import { generateMatching } from './generate.js';

interface RotateArgs extends GlobalArgs {
  name: string;
  yes?: boolean;
}

/** Keys typed before the question shows must not answer it, nor be echoed. */
export function rotateSecret(io: Io, args: RotateArgs): Promise<number> {
  // The Ink layer is most of the time to the question: start loading it while the store is read.
  if (io.interactive && !args.yes) io.ui().catch(() => undefined);
  return withKeystrokesHeld(io, () => rotate(io, args));
}

async function rotate(io: Io, args: RotateArgs): Promise<number> {
  refuseValueInName('px secret rotate', args.name);
  const project = projectOf(io, args);
  checkSecretName(args.name, project.root, project.manifest);
  const session = await openSecrets(io, args, project);
  const { backend, target, env } = session;
  try {
    const current = await currentVersion(session, args.name);
    const generator = manifestSecret(project.manifest, args.name, env.name)?.generator;
    if (!args.yes && !io.interactive) {
      const pipe = generator ? '' : ` and pipe the new value (printf %s "$VALUE" | px secret rotate ${args.name} --yes)`;
      throw new UsageError(`Rotating ${args.name} needs confirmation and this run cannot prompt: pass --yes${pipe}.`);
    }
    const question = generator
      ? `Rotate ${args.name} in ${target}? It gets a new generated value (${describeGenerator(generator)}); the current one stays in history as version ${current.version}.`
      : `Rotate ${args.name} in ${target}? You type its new value next; the current one stays in history as version ${current.version}.`;
    if (!args.yes && !(await askConfirm(io, question))) throw new Declined(`Kept the current ${args.name}; nothing changed.`);
    const value = generator ? await generateMatching(project.manifest, env.name, args.name, generator) : await typedValue(io, session, args.name);
    await backend.put(args.name, value, { rotation: true });
    const how = generator ? `a new generated value (${describeGenerator(generator)})` : 'the new value';
    line(io.stdout, `Rotated ${args.name} in ${target}: ${how} is current; version ${current.version} stays in history (\`px secret rollback ${args.name}\` brings it back).`);
    return 0;
  } finally {
    await backend.close?.();
  }
}

/** The version being replaced; a missing secret is refused before anything is asked (exit 1). */
async function currentVersion(session: SecretsSession, name: string): Promise<VersionMeta> {
  let versions: VersionMeta[];
  try {
    versions = await session.backend.versions(name);
  } catch (error) {
    if (!(error instanceof NotFound)) throw error;
    versions = [];
  }
  const current = versions.find((v) => v.current) ?? versions[0];
  if (!current) throw new NotFound(`No secret named ${name} in ${session.target}: there is nothing to rotate (create it with \`px secret create ${name}\` or \`px secret generate ${name}\`).`);
  return current;
}

/** A value a person gives (hidden prompt, or a pipe), checked like `create` checks it. */
async function typedValue(io: Io, session: SecretsSession, name: string): Promise<string> {
  const { project, env, target } = session;
  const value = await readSecretValue(io, { name, target, label: `New value for ${name}:`, valueFlag: false });
  const { problem, warnings } = checkValue(project.manifest, env.name, name, value);
  if (problem) throw new UsageError(`${problem}; nothing was stored.`);
  for (const warning of warnings) warn(io, `${warning}.`);
  // Only the local store hands the current value to px; an endpoint would audit the read.
  if (session.local && session.backend.values) {
    const now = (await session.backend.values([name])).get(name);
    if (now === value) throw new UsageError(`That is the value ${name} has now: a rotation needs a new one. Nothing was stored.`);
  }
  return value;
}
