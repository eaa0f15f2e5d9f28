// Who is calling: the bearer token resolved to a caller (a token of the table, or the admin token
// given to `px server` as PX_TOKEN), and the role check every route runs before its work.
import type { Context, MiddlewareHandler } from 'hono';
import type { AccessStore } from '../core/access/access-store.js';
import { ALLOWED, mayDo, rolesFor, type Action, type Role } from '../core/access/roles.js';
import { formatScope, hashToken, sameHash, type Scope } from '../core/access/tokens.js';
import type { SecretStore } from '../core/store.js';

export interface Caller {
  /** The token's id (`env` for PX_TOKEN, which has no row). */
  id: string;
  /** The token's name: history records changes by it. */
  name: string;
  role: Role;
  scope: Scope;
  approved: boolean;
}

export type Env = {
  Variables: { caller?: Caller; name?: string; names?: string[]; outcome?: string; store?: SecretStore };
};

export type Fail = (c: Context<Env>, status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 500, error: string, extra?: object) => Response;

/** The id PX_TOKEN goes by in the audit log. */
export const ENV_ADMIN_ID = 'env';

const WHAT: Record<Action, string> = {
  'secrets.list': 'list secrets',
  'secrets.write': 'write secrets',
  'secrets.delete': 'delete secrets',
  'secrets.exists': 'check whether a secret exists',
  'secrets.versions': "list a secret's versions",
  'secrets.rollback': 'roll a secret back',
  'secrets.values': 'read values',
  'tokens.manage': 'manage tokens',
  'access.request': 'ask for access',
  'access.decide': 'approve or deny access requests',
};

const article = (word: string): string => (/^[aeiou]/.test(word) ? 'an' : 'a');

/** Who a bearer token is, or why it is refused (the 401's words). */
export type CallerLookup = (header: string | undefined) => Promise<Caller | 'missing bearer token' | 'wrong or revoked bearer token'>;

/**
 * Resolves `Authorization: Bearer …` to a caller. The token is hashed first and looked up by its
 * SHA-256 (which tells an attacker nothing about any stored token), then the digests are compared
 * in constant time. A token of the table is counted as used.
 */
export function callerLookup(options: { access: AccessStore; adminToken?: string; scope: Scope }): CallerLookup {
  const adminHash = options.adminToken ? hashToken(options.adminToken) : undefined;
  const envAdmin: Caller = { id: ENV_ADMIN_ID, name: 'admin token', role: 'admin', scope: options.scope, approved: true };
  return async (header = '') => {
    const given = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!given) return 'missing bearer token';
    const hash = hashToken(given);
    if (adminHash && sameHash(hash, adminHash)) return envAdmin;
    const record = await options.access.tokenByHash(hash);
    if (!record || !sameHash(record.hash, hash)) return 'wrong or revoked bearer token';
    options.access.touchToken(record.id, new Date().toISOString());
    return { id: record.id, name: record.name, role: record.role, scope: record.scope, approved: record.approved };
  };
}

/** Puts the caller on the context, or answers 401. */
export function authenticate(lookup: CallerLookup, fail: Fail): MiddlewareHandler<Env> {
  return async (c, next) => {
    const caller = await lookup(c.req.header('authorization'));
    if (typeof caller === 'string') return fail(c, 401, caller);
    c.set('caller', caller);
    await next();
  };
}

/** Answers 403 unless the caller's role (and approval) allows `action`. */
export function guard(action: Action, fail: Fail): MiddlewareHandler<Env> {
  return async (c, next) => {
    const caller = c.get('caller')!;
    if (!mayDo(caller.role, caller.approved, action)) {
      if (caller.role === 'service' && !caller.approved && ALLOWED[action].includes('service')) {
        return fail(c, 403, `this service token (${caller.id}) is not approved yet: it may only ask for access (POST /access-requests) until an admin runs \`px token approve ${caller.id}\``);
      }
      return fail(c, 403, `${article(caller.role)} ${caller.role} token may not ${WHAT[action]}: that takes ${article(rolesFor(action))} ${rolesFor(action)} token`);
    }
    await next();
  };
}

/** Puts the store of the caller's scope on the context, or answers 403 for a scope not served. */
export function scoped(storeFor: (scope: Scope) => SecretStore | undefined, fail: Fail): MiddlewareHandler<Env> {
  return async (c, next) => {
    const caller = c.get('caller')!;
    const store = storeFor(caller.scope);
    if (!store) return fail(c, 403, `this server does not serve ${formatScope(caller.scope)}, the scope of this token`);
    c.set('store', store);
    await next();
  };
}

/** The address of the client, as the server's socket saw it (absent in in-process requests). */
export const clientAddress = (c: Context<Env>): string | undefined =>
  (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
