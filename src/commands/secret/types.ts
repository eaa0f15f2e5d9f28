import { renderSecretTypes } from '../../core/access/secret-types.js';
import { UsageError } from '../../core/errors.js';
import { deployCredentialNames } from '../../core/examples.js';
import { type Io } from '../../cli/io.js';
import { projectOf, type GlobalArgs } from '../../cli/project-target.js';

/**
 * `px secret types > secrets.d.ts`: the manifest's secret names (px.config.json, else
 * .env.secrets.example) as types for px-secrets/client, each with its description. Every
 * environment's names: an environment overrides how a secret is checked, not which ones exist.
 */
export async function printSecretTypes(io: Io, args: GlobalArgs): Promise<number> {
  const project = projectOf(io, args);
  const { manifest } = project;
  if (manifest.source === 'none') {
    throw new UsageError('No names to type: declare the secrets the app reads in px.config.json ("secrets") or .env.secrets.example (one NAME= per line).');
  }
  const deploy = deployCredentialNames(project.root, manifest);
  const secrets = [...manifest.secrets.values()].filter((spec) => !deploy.has(spec.name)).map(({ name, description }) => ({ name, description }));
  io.stdout.write(renderSecretTypes(secrets, manifest.source === 'px.config.json' ? 'px.config.json' : '.env.secrets.example'));
  return 0;
}
