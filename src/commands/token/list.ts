import { line, type Io } from '../../cli/io.js';
import type { GlobalArgs } from '../../cli/project-target.js';
import { withTokenEndpoint } from './endpoint.js';

interface TokenListArgs extends GlobalArgs {
  json?: boolean;
}

/** The server's tokens (never a secret or hash) and the access requests waiting for an admin. */
export async function listTokens(io: Io, args: TokenListArgs): Promise<number> {
  return withTokenEndpoint(io, args, async ({ client, url }) => {
    const tokens = await client.listTokens();
    const { requests, missing } = await client.listRequests();
    if (args.json) {
      line(io.stdout, JSON.stringify({ tokens, requests, missing }));
      return 0;
    }
    line(io.stdout, `Target: ${url}`);
    const rows = tokens.map((t) => [t.id, t.name, t.role, t.scope, t.role === 'service' && !t.approved ? 'no' : 'yes', t.createdAt, t.lastUsedAt ?? 'never']);
    const head = ['ID', 'NAME', 'ROLE', 'SCOPE', 'APPROVED', 'CREATED', 'LAST USED'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    for (const row of [head, ...rows]) line(io.stdout, row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
    line(io.stdout, `${tokens.length} ${tokens.length === 1 ? 'token' : 'tokens'}`);
    const pending = requests.filter((request) => request.status === 'pending');
    if (pending.length > 0) {
      line(io.stdout, '');
      line(io.stdout, 'Waiting for approval:');
      for (const request of pending) {
        line(io.stdout, `  ${request.id}  ${request.tokenName ?? request.tokenId} (${request.tokenId}) asks for ${request.names.join(', ')}`);
      }
      line(io.stdout, `Approve with \`px token approve ${pending[0].id}\`, or refuse with \`px token deny ${pending[0].id}\`.`);
    }
    if (missing.length > 0) {
      line(io.stdout, '');
      line(io.stdout, `Asked for but not stored (missing): ${missing.map((stub) => `${stub.name} (${stub.scope}, by ${stub.askedBy.join(', ')})`).join(', ')}`);
    }
    return 0;
  });
}
