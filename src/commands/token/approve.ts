import { line, type Io } from '../../cli/io.js';
import type { GlobalArgs } from '../../cli/project-target.js';
import { withTokenEndpoint } from './endpoint.js';
import { checkId } from './revoke.js';

interface DecideArgs extends GlobalArgs {
  id: string;
}

/**
 * `px token approve ID`: a token id approves the service token and what it asked for so far; an
 * access request id grants that request's names (and approves its token).
 */
export async function approve(io: Io, args: DecideArgs): Promise<number> {
  checkId(args.id, ['tok', 'req']);
  return withTokenEndpoint(io, args, async ({ client, url }) => {
    if (args.id.startsWith('tok_')) {
      const token = await client.approveToken(args.id);
      line(io.stdout, `Approved ${token.id} (${token.name}, ${token.role}, ${token.scope}) on ${url}, with the names it asked for.`);
    } else {
      const request = await client.decideRequest(args.id, 'approve');
      line(io.stdout, `Approved ${request.id}: ${request.tokenName ?? request.tokenId} may read ${request.names.join(', ')}.`);
    }
    return 0;
  });
}
