import { ID_PATTERN } from '../../core/access/tokens.js';
import { UsageError } from '../../core/errors.js';
import { line, type Io } from '../../cli/io.js';
import type { GlobalArgs } from '../../cli/project-target.js';
import { withTokenEndpoint } from './endpoint.js';

interface TokenIdArgs extends GlobalArgs {
  id: string;
}

/** An id as `px token list` shows it; anything else is refused without being repeated. */
export function checkId(id: string, kinds: Array<'tok' | 'req'>): void {
  const kind = id.slice(0, 3) as 'tok' | 'req';
  if (!ID_PATTERN.test(id) || !kinds.includes(kind)) {
    const what = kinds.length === 2 ? 'a token id (tok_…) or an access request id (req_…)' : kinds[0] === 'tok' ? 'a token id (tok_…)' : 'an access request id (req_…)';
    throw new UsageError(`Give ${what} as \`px token list\` shows it.`);
  }
}

/** `px token revoke ID`: the token stops working at once (401), its grants go with it. */
export async function revokeToken(io: Io, args: TokenIdArgs): Promise<number> {
  checkId(args.id, ['tok']);
  return withTokenEndpoint(io, args, async ({ client, url }) => {
    await client.revokeToken(args.id);
    line(io.stdout, `Revoked ${args.id} on ${url}: it is refused from now on.`);
    return 0;
  });
}
