// Which tokens may read each secret, for an admin's `px secret list`: approved service tokens and
// the names their approved requests granted. From the endpoint (GET /tokens and
// /access-requests, admin only), or from the local px server's access file.
import type { SecretsBackend } from '../backend.js';
import type { EndpointClient } from '../endpoint-client.js';
import type { AccessClient } from './access-client.js';

export interface GrantSource {
  tokens: Array<{ id: string; name: string; role: string; approved: boolean }>;
  requests: Array<{ tokenId: string; names: string[]; status: string }>;
}

/** Name → the names of the tokens that may read it, sorted. */
export function readersByName(source: GrantSource): Map<string, string[]> {
  const readers = new Map<string, string[]>();
  const tokens = new Map(source.tokens.filter((token) => token.role === 'service' && token.approved).map((token) => [token.id, token.name]));
  for (const request of source.requests) {
    const reader = tokens.get(request.tokenId);
    if (request.status !== 'approved' || reader === undefined) continue;
    for (const name of request.names) {
      const list = readers.get(name) ?? [];
      if (!list.includes(reader)) list.push(reader);
      readers.set(name, list.sort());
    }
  }
  return readers;
}

/** The readers an endpoint reports to this token, or null when the token is not an admin's. */
export async function endpointReaders(client: AccessClient): Promise<Map<string, string[]> | null> {
  try {
    const tokens = await client.listTokens();
    const { requests } = await client.listRequests();
    return readersByName({ tokens, requests });
  } catch (error) {
    if ((error as { kind?: string }).kind === 'auth') return null;
    throw error;
  }
}

/**
 * Which service tokens may read each name, when the caller can know: an admin token on an
 * endpoint, or the local px server's access file next to the local store. Null otherwise.
 * For `px secret list` and `px ui`.
 */
export async function readersFor(backend: SecretsBackend, root: string): Promise<Map<string, string[]> | null> {
  if ('call' in backend) {
    const { AccessClient } = await import('./access-client.js');
    return endpointReaders(new AccessClient(backend as EndpointClient));
  }
  const { readAccessFile } = await import('./file-access-store.js');
  const file = await readAccessFile(root);
  return file ? readersByName(file) : null;
}
