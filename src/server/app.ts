// The secrets endpoint (README "The secrets endpoint API") over any SecretStore. Used by `px server`
// and by TestDevServer. Every route checks the caller's role; responses and events never carry a value.
import { Hono, type Context } from 'hono';
import * as z from 'zod/mini';
import { MemoryAccessStore, type AccessStore, type AuditRecord } from '../core/access/access-store.js';
import type { Scope } from '../core/access/tokens.js';
import { MAX_BODY_BYTES, MAX_BULK_ENTRIES } from '../core/limits.js';
import { UsageError } from '../core/errors.js';
import { nameProblem, nameSyntaxProblem, valueProblem, WELL_KNOWN_DEPLOY_CREDENTIALS } from '../core/names.js';
import type { SecretStore } from '../core/store.js';
import { accessRoutes } from './access-routes.js';
import { authenticate, callerLookup, clientAddress, guard, scoped, type Env, type Fail } from './auth.js';
import { planRoute, type PlanSource } from './plan-route.js';
import { bodyOf, readBody } from './request-body.js';
import { VERSION_ROUTES, versionRoutes } from './version-routes.js';

export interface AuditEvent {
  time: string;
  method: string;
  route: string;
  name?: string;
  /** The names a bulk write created or updated. */
  names?: string[];
  status: number;
  outcome: string;
  /** The caller's token id, once the token was recognised. */
  tokenId?: string;
  client?: string;
}

export interface AppOptions {
  /** The store of the server's own scope (`scope`). */
  store: SecretStore;
  /** An admin token held outside the token table (`px server` with PX_TOKEN). */
  token?: string;
  /** Tokens, grants and the audit log; default: in memory. */
  access?: AccessStore;
  /** The scope the server serves by default: PX_TOKEN's scope and `store`'s. */
  scope?: Scope;
  /** The store for another scope (environments), or undefined when the server does not serve it. */
  storeFor?: (scope: Scope) => SecretStore | undefined;
  /** Called once per request, after the response is decided (TestDevServer's request log). */
  onEvent?: (event: AuditEvent) => void;
  /** Called for each event that goes to the audit log (px server's log): changes and refusals. */
  onAudited?: (event: AuditEvent) => void;
  /** The project's manifest plan, for `GET /plan` (px server inside a project). */
  plan?: PlanSource;
  /** An unexpected error behind a 500 (for the server's log; the client gets a fixed sentence). */
  onError?: (error: unknown) => void;
  /** For `GET /healthz`: false while the server drains or its store is unreachable. */
  healthy?: () => Promise<boolean>;
  /**
   * Names refused as runtime secrets (400): the deploy credentials of the project the server runs
   * in, its own declarations winning over the built-in list. Default: the built-in list.
   */
  deployCredentials?: ReadonlySet<string>;
}

export const DEFAULT_SCOPE: Scope = { project: 'default', env: 'development' };

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const Entry = z.object({ name: z.string(), value: z.string() });
/** `rotation: true` marks the new version as a rotation in the secret's history. */
const PutBody = z.object({ name: z.string(), value: z.string(), rotation: z.optional(z.boolean()) });
const Bulk = z.object({ secrets: z.array(z.unknown()) });

/**
 * The request path for the audit log, with any segment that is not a plain word (a mistyped
 * name may be a value: `/secrets/sk-live-…/exists`) replaced by `…`.
 */
export function auditRoute(path: string): string {
  return path
    .slice(0, 600)
    .split('/')
    .map((segment) => (segment === '' || /^[A-Za-z0-9_]{1,256}$/.test(segment) ? segment : '…'))
    .join('/');
}

/** The name to record: only a valid one; an invalid "name" may be a value sent in its place. */
export const validName = (name: unknown): string | undefined => (typeof name === 'string' && nameSyntaxProblem(name) === null ? name : undefined);

function entryProblem(entry: unknown, deployCredentials: ReadonlySet<string>): string | null {
  const parsed = Entry.safeParse(entry);
  if (!parsed.success) return 'expected {"name": string, "value": string}';
  const { name, value } = parsed.data;
  const problem = nameProblem(name);
  if (problem) return problem;
  // A valid name, so it may be repeated.
  if (deployCredentials.has(name)) return `${name} is a deploy credential: keep it in the OS keychain of the machine that deploys (px creds set ${name}), not in runtime secrets`;
  return valueProblem(value);
}

export function createApp(options: AppOptions): Hono<Env> {
  const { store, onEvent, onAudited, onError, healthy, plan } = options;
  const access = options.access ?? new MemoryAccessStore();
  const scope = options.scope ?? DEFAULT_SCOPE;
  const deployCredentials = options.deployCredentials ?? WELL_KNOWN_DEPLOY_CREDENTIALS;
  const storeFor =
    options.storeFor ?? ((wanted: Scope) => (wanted.project === scope.project && wanted.env === scope.env ? store : undefined));
  const app = new Hono<Env>();

  // Before auth and the audit log: load balancers ask it without a token, often. It says nothing
  // about the secrets.
  app.get('/healthz', async (c) => {
    const ok = await (healthy ?? (async () => true))().catch(() => false);
    return c.json({ status: ok ? 'ok' : 'unavailable' }, ok ? 200 : 503);
  });

  const fail: Fail = (c, status, error, extra = {}) => {
    c.set('outcome', error);
    return c.json({ error, ...extra }, status);
  };

  // The audit log: every change and every refused request (value reads are written by their route,
  // one record per name). TestDevServer's request log sees every request.
  app.use('*', async (c, next) => {
    await next();
    // Value reads are audited by their route; a read that succeeds builds no event unless asked.
    const audited = c.res.status >= 400 || (c.req.method !== 'GET' && c.req.path !== '/secrets/values');
    if (!audited && !onEvent) return;
    const name = validName(c.get('name'));
    const names = c.get('names');
    const caller = c.get('caller');
    const client = clientAddress(c);
    const event: AuditEvent = {
      time: new Date().toISOString(),
      method: c.req.method,
      route: auditRoute(c.req.path),
      ...(name ? { name } : {}),
      ...(names ? { names } : {}),
      status: c.res.status,
      outcome: c.get('outcome') ?? (c.res.status < 400 ? 'ok' : 'refused'),
      ...(caller ? { tokenId: caller.id } : {}),
      ...(client ? { client } : {}),
    };
    onEvent?.(event);
    if (!audited) return;
    onAudited?.(event);
    // Not waited for: the answer is decided, and a store may batch these (a failure is logged).
    access.audit([event satisfies AuditRecord], { later: true }).catch((error) => onError?.(error));
  });

  app.use('*', authenticate(callerLookup({ access, adminToken: options.token, scope }), fail));

  // Only on routes that read a body.
  const limitBody = readBody(MAX_BODY_BYTES, (c) => fail(c as Context<Env>, 413, `request body is larger than ${MAX_BODY_BYTES} bytes`));
  const inScope = scoped(storeFor, fail);
  const storeOf = (c: Context<Env>): SecretStore => c.get('store')!;

  // Decoded strictly: invalid UTF-8 would otherwise be stored with U+FFFD in place of its bytes,
  // a changed value that nobody asked for. The usage error becomes a 400 (onError below).
  const readJson = async (c: Context<Env>): Promise<unknown> => {
    const bytes = bodyOf(c);
    if (bytes === undefined) return undefined;
    let text: string;
    try {
      text = STRICT_UTF8.decode(bytes);
    } catch {
      throw new UsageError('the request body is not valid UTF-8 text; nothing was stored');
    }
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  };

  app.get('/secrets', guard('secrets.list', fail), inScope, async (c) => {
    const secrets = await storeOf(c).list();
    return c.json({ secrets: secrets.map(({ name, createdAt, updatedAt }) => ({ name, createdAt, updatedAt })), count: secrets.length });
  });

  accessRoutes(app, { access, fail, readJson, inScope, limitBody, serverScope: scope, storeFor, hasAdminToken: options.token !== undefined });
  // The manifest's plan, with what the caller's environment holds: for whoever may list it.
  app.get('/plan', guard('secrets.list', fail), inScope);
  planRoute(app, { plan, storeOf, fail });

  // History records who changed a secret by the token's name.
  const callerName = (c: Context<Env>): string => c.get('caller')!.name;
  app.get('/secrets/:name/versions', guard('secrets.versions', fail), inScope);
  app.post('/secrets/:name/rollback', guard('secrets.rollback', fail), inScope);
  versionRoutes(app, { storeOf, callerName, fail });

  app.post('/secrets', guard('secrets.write', fail), inScope, limitBody, async (c) => {
    const body = await readJson(c);
    const parsed = PutBody.safeParse(body);
    if (!parsed.success) return fail(c, 400, 'body must be JSON {"name": string, "value": string} (and optionally "rotation": true)');
    c.set('name', parsed.data.name);
    const problem = entryProblem(parsed.data, deployCredentials);
    if (problem) return fail(c, 400, problem);
    const { meta, created } = await storeOf(c).put(parsed.data.name, parsed.data.value, { by: callerName(c), rotation: parsed.data.rotation === true });
    c.set('outcome', created ? 'created' : 'updated');
    return c.json({ name: meta.name, createdAt: meta.createdAt, updatedAt: meta.updatedAt }, 201);
  });

  app.post('/secrets/bulk', guard('secrets.write', fail), inScope, limitBody, async (c) => {
    const parsed = Bulk.safeParse(await readJson(c));
    if (!parsed.success) return fail(c, 400, 'body must be JSON {"secrets": [{"name", "value"}]}');
    const entries = parsed.data.secrets;
    if (entries.length > MAX_BULK_ENTRIES) return fail(c, 413, `at most ${MAX_BULK_ENTRIES} entries per request`);
    if (entries.length === 0) return fail(c, 400, 'no entries');
    const bad: Array<{ index: number; name?: string; error: string }> = [];
    entries.forEach((entry, index) => {
      const problem = entryProblem(entry, deployCredentials);
      if (!problem) return;
      // The name is repeated only when valid: fields swapped by a client put the value there.
      const name = validName((entry as { name?: unknown })?.name);
      bad.push({ index, ...(name ? { name } : {}), error: problem });
    });
    if (bad.length > 0) return fail(c, 400, `${bad.length} invalid ${bad.length === 1 ? 'entry' : 'entries'}; nothing was written`, { entries: bad });
    const result = await storeOf(c).bulkPut(entries as Array<{ name: string; value: string }>, { by: callerName(c) });
    c.set('outcome', `bulk created=${result.created} updated=${result.updated}`);
    c.set('names', entries.map((entry) => (entry as { name: string }).name));
    return c.json(result, 201);
  });

  app.get('/secrets/:name/exists', guard('secrets.exists', fail), inScope, async (c) => {
    const name = c.req.param('name');
    c.set('name', name);
    if (nameSyntaxProblem(name)) return fail(c, 400, nameSyntaxProblem(name)!);
    return c.json({ exists: await storeOf(c).exists(name) });
  });

  app.delete('/secrets/:name', guard('secrets.delete', fail), inScope, async (c) => {
    const name = c.req.param('name');
    c.set('name', name);
    if (nameSyntaxProblem(name)) return fail(c, 400, nameSyntaxProblem(name)!);
    if (!(await storeOf(c).delete(name))) return fail(c, 404, `no secret named ${name}`);
    c.set('outcome', 'deleted');
    return c.body(null, 204);
  });

  // A known route with another method: 405 and the methods it takes, not "no such route".
  const allowed: Array<[string, string]> = [
    ['/secrets', 'GET, POST'],
    ['/secrets/bulk', 'POST'],
    ['/secrets/values', 'POST'],
    ['/secrets/:name/exists', 'GET'],
    ['/secrets/:name', 'DELETE'],
    ['/healthz', 'GET'],
    ['/plan', 'GET'],
    ...VERSION_ROUTES,
    ['/tokens', 'GET, POST'],
    ['/tokens/:id', 'DELETE'],
    ['/tokens/:id/approve', 'POST'],
    ['/access-requests', 'GET, POST'],
    ['/access-requests/:id/approve', 'POST'],
    ['/access-requests/:id/deny', 'POST'],
  ];
  for (const [path, methods] of allowed) {
    app.all(path, (c) => {
      c.header('allow', methods);
      return fail(c, 405, `${path} takes ${methods}`);
    });
  }

  app.notFound((c) => fail(c, 404, 'no such route'));
  app.onError((error, c) => {
    // Store errors may describe internals; the client gets a fixed sentence only.
    const status = (error as { kind?: string }).kind === 'usage' ? 400 : 500;
    if (status === 500) onError?.(error);
    return fail(c as Context<Env>, status, status === 400 ? error.message : 'internal error');
  });
  return app;
}
