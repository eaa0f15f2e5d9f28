// The access routes from the CLI's side (`px token …`, `px run` and `px secret get` on an
// endpoint): answers are checked by small guards, as EndpointClient does for the secrets routes,
// so that nothing but the expected fields reaches the terminal.
import type { EndpointClient } from '../endpoint-client.js';
import { AuthRejected, EndpointError } from '../errors.js';
import { nameProblem } from '../names.js';
import { ID_PATTERN, type TokenView } from './tokens.js';
import { isRole } from './roles.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
/** Text an endpoint sends that px prints: short, printable, no escape sequences. */
const isPlain = (value: unknown, max = 200): value is string => typeof value === 'string' && value.length <= max && !/[\u0000-\u001f\u007f-\u009f]/.test(value);
const isTimeOrNull = (value: unknown): value is string | null => value === null || (typeof value === 'string' && /^[0-9A-Za-z:.+\- ]{1,40}$/.test(value));
const isNames = (value: unknown): value is string[] => Array.isArray(value) && value.every((name) => typeof name === 'string' && nameProblem(name) === null);

export interface AccessRequestView {
  id: string;
  tokenId: string;
  tokenName?: string;
  names: string[];
  status: 'pending' | 'approved' | 'denied';
  createdAt: string | null;
  decidedAt: string | null;
}

export interface MissingView {
  name: string;
  scope: string;
  askedBy: string[];
  since: string;
}

function asToken(value: unknown): TokenView | null {
  if (!isObject(value)) return null;
  const { id, name, role, scope, approved, createdAt, lastUsedAt } = value;
  if (typeof id !== 'string' || !ID_PATTERN.test(id) || !isPlain(name, 64) || !isRole(role) || !isPlain(scope, 100)) return null;
  if (typeof approved !== 'boolean' || !isTimeOrNull(createdAt) || createdAt === null || !isTimeOrNull(lastUsedAt)) return null;
  return { id, name, role, scope, approved, createdAt, lastUsedAt };
}

function asRequest(value: unknown): AccessRequestView | null {
  if (!isObject(value)) return null;
  const { id, tokenId, tokenName, names, status, createdAt, decidedAt } = value;
  if (!(id === null || (typeof id === 'string' && ID_PATTERN.test(id))) || typeof tokenId !== 'string' || !isNames(names)) return null;
  if (status !== 'pending' && status !== 'approved' && status !== 'denied') return null;
  if (!isTimeOrNull(createdAt) || !isTimeOrNull(decidedAt) || (tokenName !== undefined && !isPlain(tokenName, 64))) return null;
  return { id: id as string, tokenId, ...(tokenName === undefined ? {} : { tokenName: tokenName as string }), names, status, createdAt, decidedAt };
}

function asMissing(value: unknown): MissingView | null {
  if (!isObject(value)) return null;
  const { name, scope, askedBy, since } = value;
  if (typeof name !== 'string' || nameProblem(name) !== null || !isPlain(scope, 100) || !Array.isArray(askedBy) || !askedBy.every((id) => isPlain(id, 40))) return null;
  if (!isTimeOrNull(since) || since === null) return null;
  return { name, scope, askedBy: askedBy as string[], since };
}

const every = <T>(items: unknown, check: (value: unknown) => T | null): T[] | null => {
  if (!Array.isArray(items)) return null;
  const checked = items.map(check);
  return checked.every((item) => item !== null) ? (checked as T[]) : null;
};

/** The names a token was refused (a 403 of POST /secrets/values), for `px run` to ask for. */
export class NotGranted extends AuthRejected {
  constructor(
    message: string,
    readonly names: string[],
  ) {
    super(message);
  }
}

/** Any other 403 of POST /secrets/values: the role may not read values, or it is not approved. */
export class ValuesRefused extends AuthRejected {}

export class AccessClient {
  constructor(private readonly endpoint: EndpointClient) {}

  private check<T>(value: T | null): T {
    if (value === null) throw new EndpointError(`${this.endpoint.label} sent a malformed response. Check that the URL points at a px secrets endpoint.`);
    return value;
  }

  async createToken(body: { role: string; scope?: string; name?: string }): Promise<{ id: string; token: string }> {
    const answer = await this.endpoint.call('POST', '/tokens', body, 201);
    const ok = isObject(answer) && typeof answer.id === 'string' && ID_PATTERN.test(answer.id) && typeof answer.token === 'string' && /^[\x21-\x7e]{16,512}$/.test(answer.token);
    return this.check(ok ? { id: answer.id as string, token: answer.token as string } : null);
  }

  async listTokens(): Promise<TokenView[]> {
    const answer = await this.endpoint.call('GET', '/tokens', undefined, 200);
    return this.check(isObject(answer) ? every(answer.tokens, asToken) : null);
  }

  async revokeToken(id: string): Promise<void> {
    await this.endpoint.call('DELETE', `/tokens/${encodeURIComponent(id)}`, undefined, 204);
  }

  async approveToken(id: string): Promise<TokenView> {
    return this.check(asToken(await this.endpoint.call('POST', `/tokens/${encodeURIComponent(id)}/approve`, {}, 200)));
  }

  async decideRequest(id: string, verb: 'approve' | 'deny'): Promise<AccessRequestView> {
    return this.check(asRequest(await this.endpoint.call('POST', `/access-requests/${encodeURIComponent(id)}/${verb}`, {}, 200)));
  }

  async listRequests(): Promise<{ requests: AccessRequestView[]; missing: MissingView[] }> {
    const answer = await this.endpoint.call('GET', '/access-requests', undefined, 200);
    const requests = isObject(answer) ? every(answer.requests, asRequest) : null;
    const missing = isObject(answer) ? every(answer.missing, asMissing) : null;
    return this.check(requests && missing ? { requests, missing } : null);
  }

  /** Asks for names; 201 a new or extended request, 200 when every name was granted already. */
  async requestAccess(names: string[]): Promise<AccessRequestView> {
    return this.check(asRequest(await this.endpoint.call('POST', '/access-requests', { names }, [200, 201])));
  }

  /**
   * The values of `names` this token may read, in one request. A 403 naming the names it may not
   * read becomes NotGranted; names granted but not stored are absent from the map.
   */
  async values(names: string[]): Promise<Map<string, string>> {
    const answer = await this.endpoint.call('POST', '/secrets/values', { names }, 200, undefined, (status, body, reason) => {
      if (status !== 403) return undefined;
      const message = `${this.endpoint.label} refused this token (403${reason ? `: ${reason}` : ''}).`;
      if (!isObject(body) || !isNames(body.names) || body.names.length === 0) return new ValuesRefused(message);
      return new NotGranted(message, body.names);
    });
    const values = isObject(answer) && isObject(answer.values) ? answer.values : null;
    const wanted = new Set(names);
    const result = new Map<string, string>();
    for (const [name, value] of Object.entries(this.check(values))) {
      if (!wanted.has(name) || typeof value !== 'string') this.check(null);
      result.set(name, value as string);
    }
    return result;
  }
}
