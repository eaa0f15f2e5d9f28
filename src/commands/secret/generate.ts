import { Refused, UsageError, Declined } from '../../core/errors.js';
import { CHARSETS, type Charset, type Generator } from '../../core/manifest/types.js';
import { DEFAULT_GENERATOR, describeGenerator, MAX_GENERATED_LENGTH, MIN_GENERATED_LENGTH } from '../../core/manifest/charsets.js';
import { checkValue, manifestSecret } from '../../core/manifest/manifest.js';
import type { Manifest } from '../../core/manifest/types.js';
import { line, type Io } from '../../cli/io.js';
import { askConfirm, withKeystrokesHeld } from '../../cli/prompts.js';
import { openSecrets, projectOf, type GlobalArgs } from '../../cli/project-target.js';
import { checkSecretName } from './create.js';

interface GenerateArgs extends GlobalArgs {
  name: string;
  length?: number;
  charset?: string;
  force?: boolean;
}

/** A format that random values rarely match (`^[A-Z]`) gets this many draws before px gives up. */
const MAX_ATTEMPTS = 1000;

/** The generator: --length/--charset, else the manifest's (with the environment's overrides), else 32 alnum. */
export function generatorFor(manifest: Manifest, env: string, args: Pick<GenerateArgs, 'name' | 'length' | 'charset'>): Generator {
  const declared = manifestSecret(manifest, args.name, env);
  if (args.length !== undefined || args.charset !== undefined) {
    const length = args.length ?? (declared?.generator?.type === 'random' ? declared.generator.length : 32);
    if (!Number.isInteger(length) || length < MIN_GENERATED_LENGTH || length > MAX_GENERATED_LENGTH) {
      throw new UsageError(`--length takes a whole number from ${MIN_GENERATED_LENGTH} to ${MAX_GENERATED_LENGTH}.`);
    }
    const charset = args.charset ?? (declared?.generator?.type === 'random' ? declared.generator.charset : 'alnum');
    if (!CHARSETS.includes(charset as Charset)) throw new UsageError(`--charset takes one of ${CHARSETS.join(', ')}.`);
    return { type: 'random', length, charset: charset as Charset };
  }
  if (declared?.generator) return declared.generator;
  if (declared) {
    throw new UsageError(`${args.name} is a ${declared.class} secret without a generator in px.config.json: set it with \`px secret create ${args.name}\`, or pass --length/--charset to generate one anyway.`);
  }
  return DEFAULT_GENERATOR;
}

/** A value from `generator` that passes NAME's format (drawn again when it does not). */
export async function generateMatching(manifest: Manifest, env: string, name: string, generator: Generator): Promise<string> {
  const { generateValue } = await import('../../core/manifest/generate.js');
  let value = generateValue(generator);
  for (let attempt = 1; checkValue(manifest, env, name, value).problem && attempt < MAX_ATTEMPTS; attempt++) value = generateValue(generator);
  if (checkValue(manifest, env, name, value).problem) {
    throw new UsageError(`${name}: ${MAX_ATTEMPTS} generated values all failed its format; change the generator or the format in px.config.json. Nothing was stored.`);
  }
  return value;
}

/** Keys typed before the question shows must not answer it, nor be echoed. */
export function generateSecret(io: Io, args: GenerateArgs): Promise<number> {
  return withKeystrokesHeld(io, () => generate(io, args));
}

async function generate(io: Io, args: GenerateArgs): Promise<number> {
  const project = projectOf(io, args);
  checkSecretName(args.name, project.root, project.manifest);
  const { backend, target, env } = await openSecrets(io, args, project);
  try {
    const generator = generatorFor(project.manifest, env.name, args);
    const exists = await backend.exists(args.name);
    if (exists && !args.force) {
      if (!io.interactive) throw new Refused(`${args.name} already exists in ${target}: pass --force to replace it with a generated value.`);
      if (!(await askConfirm(io, `${args.name} already exists in ${target}. Replace it with a generated value?`))) {
        throw new Declined(`Kept the existing ${args.name}; nothing changed.`);
      }
    }
    const value = await generateMatching(project.manifest, env.name, args.name, generator);
    // A generated value replacing a stored one is a rotation, and its history says so.
    await backend.put(args.name, value, { rotation: exists });
    line(io.stdout, `${exists ? 'Replaced' : 'Generated'} ${args.name} in ${target} (${describeGenerator(generator)}).`);
    return 0;
  } finally {
    await backend.close?.();
  }
}

