// What every `px token …` command needs: the px server it manages (a URL target: tokens belong to
// a server, not to the local store) and the access client on it.
import { AccessClient } from '../../core/access/access-client.js';
import { UsageError } from '../../core/errors.js';
import { resolveTarget, resolveToken } from '../../core/target.js';
import type { Io } from '../../cli/io.js';
import { projectOf, timeoutOf, type GlobalArgs } from '../../cli/project-target.js';

export interface TokenSession {
  client: AccessClient;
  url: string;
  close(): Promise<void>;
}

export async function openTokenEndpoint(io: Io, args: GlobalArgs): Promise<TokenSession> {
  const project = projectOf(io, args);
  const target = resolveTarget(args.url, io.env, project);
  if (target.kind === 'local') {
    throw new UsageError('px token manages the tokens of a px server: give its URL with --url or PX_URL (px server prints it when it starts).');
  }
  const token = await resolveToken(target.url, io.env, project.root, io.keychain?.());
  const { EndpointClient } = await import('../../core/endpoint-client.js');
  const endpoint = new EndpointClient({ url: target.url, token, timeoutSeconds: timeoutOf(args) });
  return { client: new AccessClient(endpoint), url: target.url, close: () => endpoint.close() };
}

/** Runs `work` on the endpoint and always lets go of its connection. */
export async function withTokenEndpoint<T>(io: Io, args: GlobalArgs, work: (session: TokenSession) => Promise<T>): Promise<T> {
  const session = await openTokenEndpoint(io, args);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}
