import { ROLES } from '../../core/access/roles.js';
import { parseScope, SCOPE_RULE } from '../../core/access/tokens.js';
import { UsageError } from '../../core/errors.js';
import { line, type Io } from '../../cli/io.js';
import type { GlobalArgs } from '../../cli/project-target.js';
import { withTokenEndpoint } from './endpoint.js';

export interface TokenCreateArgs extends GlobalArgs {
  role: string;
  scope?: string;
  name?: string;
  json?: boolean;
}

/** `px token create --role R`: the token goes to stdout once; the server keeps only its SHA-256. */
export async function createToken(io: Io, args: TokenCreateArgs): Promise<number> {
  if (!(ROLES as readonly string[]).includes(args.role)) throw new UsageError(`--role takes one of ${ROLES.join(', ')}.`);
  if (args.scope !== undefined && !parseScope(args.scope)) throw new UsageError(`--scope ${args.scope.slice(0, 80)}: ${SCOPE_RULE}.`);
  return withTokenEndpoint(io, args, async ({ client, url }) => {
    const body = { role: args.role, ...(args.scope === undefined ? {} : { scope: args.scope }), ...(args.name === undefined ? {} : { name: args.name }) };
    const { id, token } = await client.createToken(body);
    if (args.json) {
      line(io.stdout, JSON.stringify({ id, token, role: args.role }));
      return 0;
    }
    line(io.stdout, token);
    line(io.stderr, `Created ${args.role} token ${id} on ${url}. It is shown once: keep it now (the server stores only its SHA-256).`);
    if (args.role === 'service') {
      line(io.stderr, `A service token starts unapproved: the service asks for names (px run does), then approve it with \`px token approve ${id}\`.`);
    }
    return 0;
  });
}
