import { NotFound, UsageError } from '../../core/errors.js';
import { assertValidName } from '../../core/names.js';
import { openLocalStore, resolveTarget, resolveToken } from '../../core/target.js';
import { warn, type Io } from '../../cli/io.js';
import { projectOf, timeoutOf, type GlobalArgs } from '../../cli/project-target.js';

interface GetArgs extends GlobalArgs {
  name: string;
  reveal?: boolean;
}

/**
 * `px secret get NAME`: the one way to read a value, to stdout with no newline added. On a
 * terminal only with --reveal. From an endpoint it takes a service token granted NAME.
 */
export async function getSecret(io: Io, args: GetArgs): Promise<number> {
  assertValidName(args.name);
  if (io.stdout.isTTY && !args.reveal) {
    throw new UsageError(`px secret get would show the value of ${args.name} on the terminal: pipe it (px secret get ${args.name} | pbcopy) or pass --reveal.`);
  }
  const project = projectOf(io, args);
  const target = resolveTarget(args.url, io.env, project);
  let value: string | undefined;
  let label: string;
  if (target.kind === 'url') {
    label = target.url;
    const token = await resolveToken(target.url, io.env, project.root, io.keychain?.());
    const { EndpointClient } = await import('../../core/endpoint-client.js');
    const { AccessClient } = await import('../../core/access/access-client.js');
    const { readServiceValues } = await import('../../core/access/service-values.js');
    const endpoint = new EndpointClient({ url: target.url, token, timeoutSeconds: timeoutOf(args) });
    try {
      value = (await readServiceValues(new AccessClient(endpoint), [args.name], target.url)).get(args.name);
    } finally {
      await endpoint.close();
    }
  } else {
    const opened = await openLocalStore({ root: project.root, cwd: io.cwd, env: io.env, keychain: io.keychain?.(), warn: (text) => warn(io, text) });
    label = opened.label;
    value = (await opened.store.valuesOf([args.name])).get(args.name);
  }
  if (value === undefined) throw new NotFound(`No secret named ${args.name} in ${label}.`);
  io.stdout.write(value);
  return 0;
}
