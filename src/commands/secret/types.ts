import { renderSecretTypes } from '../../core/access/secret-types.js';
import { UsageError } from '../../core/errors.js';
import { deployCredentialNames, readExampleNames, SECRETS_EXAMPLE } from '../../core/examples.js';
import { type Io } from '../../cli/io.js';
import { projectOf, type GlobalArgs } from '../../cli/project-target.js';

/** `px secret types > secrets.d.ts`: the project's secret names as types for px-secrets/client. */
export async function printSecretTypes(io: Io, args: GlobalArgs): Promise<number> {
  const project = projectOf(io, args);
  const names = readExampleNames(project.root, SECRETS_EXAMPLE);
  if (names === null) throw new UsageError(`No names to type: declare the project's secrets in ${SECRETS_EXAMPLE} (one NAME= per line).`);
  const deploy = deployCredentialNames(project.root);
  io.stdout.write(renderSecretTypes(names.filter((name) => !deploy.has(name)).map((name) => ({ name })), SECRETS_EXAMPLE));
  return 0;
}
