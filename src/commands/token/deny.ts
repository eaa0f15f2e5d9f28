import { line, type Io } from '../../cli/io.js';
import type { GlobalArgs } from '../../cli/project-target.js';
import { withTokenEndpoint } from './endpoint.js';
import { checkId } from './revoke.js';

interface DenyArgs extends GlobalArgs {
  id: string;
}

/** `px token deny REQUEST_ID`: the names it asked for stay refused. */
export async function deny(io: Io, args: DenyArgs): Promise<number> {
  checkId(args.id, ['req']);
  return withTokenEndpoint(io, args, async ({ client }) => {
    const request = await client.decideRequest(args.id, 'deny');
    line(io.stdout, `Denied ${request.id}: ${request.tokenName ?? request.tokenId} may not read ${request.names.join(', ')}.`);
    return 0;
  });
}
