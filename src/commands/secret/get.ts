import { NotFound, UsageError } from '../../core/errors.js';
import { assertValidName } from '../../core/names.js';
import type { EndpointClient } from '../../core/endpoint-client.js';
import type { Io } from '../../cli/io.js';
import { openSecrets, type GlobalArgs } from '../../cli/project-target.js';

interface GetArgs extends GlobalArgs {
  name: string;
  reveal?: boolean;
}

/**
 * `px secret get NAME`: the value on stdout, nothing added; on a terminal only with --reveal.
 * From the environment's namespace of the local store, or from an endpoint with a service token
 * granted NAME (`POST /secrets/values`; a missing grant is asked for on the spot).
 */
export async function getSecret(io: Io, args: GetArgs): Promise<number> {
  assertValidName(args.name);
  // Checked before anything is read: a value must not reach a screen (or a recording of one) by accident.
  if (io.stdout.isTTY && !args.reveal) {
    throw new UsageError(`px secret get prints the value of ${args.name}, and stdout is a terminal: pipe it (\`px secret get ${args.name} | pbcopy\`) or pass --reveal to show it.`);
  }
  const { backend, target, local } = await openSecrets(io, args);
  let value: string | undefined;
  try {
    if (local) {
      value = (await backend.values!([args.name])).get(args.name);
    } else {
      const { AccessClient } = await import('../../core/access/access-client.js');
      const { readServiceValues } = await import('../../core/access/service-values.js');
      value = (await readServiceValues(new AccessClient(backend as EndpointClient), [args.name], backend.label)).get(args.name);
    }
  } finally {
    await backend.close?.();
  }
  if (value === undefined) throw new NotFound(`No secret named ${args.name} in ${target}.`);
  io.stdout.write(value);
  return 0;
}
