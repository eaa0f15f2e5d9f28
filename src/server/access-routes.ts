// The access routes: tokens (admin), access requests (a service asks, an admin decides) and
// POST /secrets/values, the one route that returns values (approved service tokens, granted
// names only, every name read audited).
import type { Context, Hono, MiddlewareHandler } from 'hono';
import * as z from 'zod/mini';
import type { AccessRequest, AccessStore } from '../core/access/access-store.js';
import { isRole } from '../core/access/roles.js';
import {
  formatScope,
  hashToken,
  ID_PATTERN,
  newId,
  newTokenSecret,
  parseScope,
  SCOPE_RULE,
  TOKEN_NAME_PATTERN,
  tokenView,
  type Scope,
} from '../core/access/tokens.js';
import { MAX_BULK_ENTRIES } from '../core/limits.js';
import type { SecretStore } from '../core/store.js';
import { nameProblem } from '../core/names.js';
import { clientAddress, guard, type Caller, type Env, type Fail } from './auth.js';

interface RouteOptions {
  access: AccessStore;
  fail: Fail;
  readJson: (c: Context<Env>) => Promise<unknown>;
  inScope: MiddlewareHandler<Env>;
  limitBody: MiddlewareHandler<Env>;
  serverScope: Scope;
  storeFor: (scope: Scope) => SecretStore | undefined;
  /** PX_TOKEN is an admin too, so no token of the table is the last way in. */
  hasAdminToken: boolean;
}

const CreateToken = z.object({ role: z.string(), scope: z.optional(z.string()), name: z.optional(z.string()) });
const Names = z.object({ names: z.array(z.unknown()) });

const sameProject = (a: Scope, b: Scope): boolean => a.project === b.project;

function requestView(request: AccessRequest, tokenName: string | undefined) {
  const { id, tokenId, names, status, createdAt, decidedAt } = request;
  return { id, tokenId, ...(tokenName === undefined ? {} : { tokenName }), names, status, createdAt, decidedAt };
}

/** The names of a `{names}` body, or the reason it is not one. Names are only repeated when valid. */
function namesOf(body: unknown): { names: string[] } | { error: string; bad?: number[] } {
  const parsed = Names.safeParse(body);
  if (!parsed.success) return { error: 'body must be JSON {"names": ["NAME", …]}' };
  const raw = parsed.data.names;
  if (raw.length === 0) return { error: 'names is empty: give at least one name' };
  if (raw.length > MAX_BULK_ENTRIES) return { error: `at most ${MAX_BULK_ENTRIES} names per request` };
  const bad = raw.flatMap((name, index) => (typeof name === 'string' && nameProblem(name) === null ? [] : [index]));
  if (bad.length > 0) return { error: `${bad.length} invalid ${bad.length === 1 ? 'name' : 'names'} (at index ${bad.slice(0, 10).join(', ')}${bad.length > 10 ? ', …' : ''})`, bad };
  return { names: [...new Set(raw as string[])] };
}

export function accessRoutes(app: Hono<Env>, options: RouteOptions): void {
  const { access, fail, readJson, inScope, limitBody } = options;
  const caller = (c: Context<Env>): Caller => c.get('caller')!;
  const now = (): string => new Date().toISOString();

  // ─── tokens (admin) ───

  app.post('/tokens', guard('tokens.manage', fail), limitBody, async (c) => {
    const parsed = CreateToken.safeParse(await readJson(c));
    if (!parsed.success) return fail(c, 400, 'body must be JSON {"role": "admin|writer|reader|service", "scope": "PROJECT/ENV", "name": "…"}');
    const { role, name } = parsed.data;
    if (!isRole(role)) return fail(c, 400, 'role must be one of admin, writer, reader, service');
    const scope = parsed.data.scope === undefined ? caller(c).scope : parseScope(parsed.data.scope);
    if (!scope) return fail(c, 400, `${SCOPE_RULE}`);
    if (!sameProject(scope, caller(c).scope)) return fail(c, 403, `an admin of project ${caller(c).scope.project} may not create tokens for project ${scope.project}`);
    if (name !== undefined && !TOKEN_NAME_PATTERN.test(name)) return fail(c, 400, 'a token name is 1 to 64 letters, digits, spaces and . _ @ -, starting with a letter or digit');
    const id = newId('tok');
    const token = newTokenSecret();
    const record = { id, name: name ?? `${role}-${id.slice(4, 10)}`, role, scope, hash: hashToken(token), approved: role !== 'service', createdAt: now(), lastUsedAt: null };
    await access.addToken(record);
    c.set('outcome', `token created ${id} ${role} ${formatScope(scope)}`);
    return c.json({ id, token }, 201);
  });

  app.get('/tokens', guard('tokens.manage', fail), async (c) => {
    const tokens = (await access.listTokens()).filter((token) => sameProject(token.scope, caller(c).scope));
    return c.json({ tokens: tokens.map(tokenView) });
  });

  /** The token `:id` of the caller's project, or a 404 answer. */
  const tokenParam = async (c: Context<Env>) => {
    const id = c.req.param('id') ?? '';
    const token = ID_PATTERN.test(id) ? await access.getToken(id) : null;
    return token && sameProject(token.scope, caller(c).scope) ? token : null;
  };

  app.delete('/tokens/:id', guard('tokens.manage', fail), async (c) => {
    const token = await tokenParam(c);
    if (!token) return fail(c, 404, 'no such token');
    if (token.role === 'admin' && !options.hasAdminToken) {
      const admins = (await access.listTokens()).filter((other) => other.role === 'admin');
      if (admins.length === 1) return fail(c, 409, 'this is the last admin token: create another admin token first, or the server has no admin');
    }
    await access.removeToken(token.id);
    c.set('outcome', `token revoked ${token.id}`);
    return c.body(null, 204);
  });

  app.post('/tokens/:id/approve', guard('tokens.manage', fail), async (c) => {
    const token = await tokenParam(c);
    if (!token) return fail(c, 404, 'no such token');
    // Approving a service approves what it asked for when it registered, in the same change.
    const approved = await access.approveToken(token.id, now());
    if (!approved) return fail(c, 404, 'no such token');
    c.set('outcome', `token approved ${token.id}`);
    return c.json(tokenView(approved));
  });

  // ─── access requests ───

  app.post('/access-requests', guard('access.request', fail), inScope, limitBody, async (c) => {
    const given = namesOf(await readJson(c));
    if ('error' in given) return fail(c, 400, given.error);
    const me = caller(c);
    const granted = await access.grantedNames(me.id);
    const wanted = given.names.filter((name) => !granted.has(name)).sort();
    c.set('names', given.names);
    const store = c.get('store')!;
    const absent: string[] = [];
    for (const name of given.names) if (!(await store.exists(name))) absent.push(name);
    if (absent.length > 0) await access.recordStubs(me.scope, absent, me.id, now());
    if (wanted.length === 0) {
      c.set('outcome', 'already granted');
      return c.json({ id: null, tokenId: me.id, names: [], status: 'approved', createdAt: null, decidedAt: null });
    }
    const pending = (await access.listRequests()).find((request) => request.tokenId === me.id && request.status === 'pending');
    const request = pending
      ? await access.extendRequest(pending.id, wanted)
      : { id: newId('req'), tokenId: me.id, names: wanted, status: 'pending' as const, createdAt: now(), decidedAt: null };
    if (!pending) await access.addRequest(request!);
    c.set('outcome', `access requested ${request!.id}`);
    return c.json(requestView(request!, undefined), 201);
  });

  app.get('/access-requests', guard('access.decide', fail), async (c) => {
    const mine = caller(c).scope;
    const tokens = new Map((await access.listTokens()).filter((token) => sameProject(token.scope, mine)).map((token) => [token.id, token]));
    const requests = (await access.listRequests()).filter((request) => tokens.has(request.tokenId));
    // Stubs: names asked for that the asker's scope does not store, which the admin sees as missing.
    const missing = [];
    for (const stub of await access.listStubs()) {
      if (!sameProject(stub.scope, mine)) continue;
      const store = options.storeFor(stub.scope);
      if (store && (await store.exists(stub.name))) continue;
      missing.push({ name: stub.name, scope: formatScope(stub.scope), askedBy: stub.askedBy, since: stub.since });
    }
    return c.json({ requests: requests.map((request) => requestView(request, tokens.get(request.tokenId)?.name)), missing });
  });

  for (const [verb, status] of [['approve', 'approved'], ['deny', 'denied']] as const) {
    app.post(`/access-requests/:id/${verb}`, guard('access.decide', fail), async (c) => {
      const id = c.req.param('id') ?? '';
      const request = ID_PATTERN.test(id) ? await access.getRequest(id) : null;
      const token = request ? await access.getToken(request.tokenId) : null;
      if (!request || !token || !sameProject(token.scope, caller(c).scope)) return fail(c, 404, 'no such access request');
      // The admin has seen who asks: granting what it asked for approves the token too (one change).
      const decided = await access.decideRequest(id, status, now());
      c.set('names', request.names);
      c.set('outcome', `access ${status} ${id}`);
      return c.json(requestView(decided!, token.name));
    });
  }

  // ─── values (approved service tokens, granted names only) ───

  app.post('/secrets/values', guard('secrets.values', fail), inScope, limitBody, async (c) => {
    const given = namesOf(await readJson(c));
    if ('error' in given) return fail(c, 400, given.error);
    const me = caller(c);
    const granted = await access.grantedNames(me.id);
    const refused = given.names.filter((name) => !granted.has(name));
    if (refused.length > 0) {
      c.set('names', refused);
      const shown = refused.slice(0, 20).join(', ') + (refused.length > 20 ? `, and ${refused.length - 20} more` : '');
      return fail(c, 403, `this token may not read ${shown}: ask for access (POST /access-requests) and have an admin approve it`, { names: refused });
    }
    const values = await c.get('store')!.valuesOf(given.names);
    const time = now();
    const client = clientAddress(c);
    const absent = given.names.filter((name) => !values.has(name));
    if (absent.length > 0) await access.recordStubs(me.scope, absent, me.id, time);
    // Answered only once the reads are in the audit log (a failed write is a 500, no values).
    await access.audit(
      given.names.map((name) => ({
        time,
        tokenId: me.id,
        method: 'POST',
        route: '/secrets/values',
        name,
        status: 200,
        outcome: values.has(name) ? 'read' : 'missing',
        ...(client ? { client } : {}),
      })),
    );
    c.set('outcome', `read ${values.size} of ${given.names.length}`);
    return c.json({ values: Object.fromEntries(values) });
  });
}
