// A secret's versions on the endpoint: `GET /secrets/:name/versions` (never a value) and
// `POST /secrets/:name/rollback {version}`, which makes an earlier value current as a new version
// recorded as the caller's.
import type { Context, Hono } from 'hono';
import { PxError } from '../core/errors.js';
import { nameProblem, nameSyntaxProblem } from '../core/names.js';
import { parseVersion, versionMarks } from '../core/secret-versions.js';
import type { SecretStore } from '../core/store.js';

type RouteEnv = { Variables: { name?: string; outcome?: string } };
type Fail<E extends RouteEnv> = (c: Context<E>, status: 400 | 404, error: string) => Response;

export interface VersionRouteOptions<E extends RouteEnv> {
  /** The store the request acts on (the caller's scope). */
  storeOf: (c: Context<E>) => SecretStore;
  /** Who the caller is, as history records it: the token's name. */
  callerName: (c: Context<E>) => string;
  fail: Fail<E>;
}

export const VERSION_ROUTES: Array<[string, string]> = [
  ['/secrets/:name/versions', 'GET'],
  ['/secrets/:name/rollback', 'POST'],
];

export function versionRoutes<E extends RouteEnv>(app: Hono<E>, options: VersionRouteOptions<E>): void {
  const { storeOf, callerName, fail } = options;
  const nameOf = (c: Context<E>): string => {
    const name = c.req.param('name') ?? '';
    (c as unknown as Context<RouteEnv>).set('name', name);
    return name;
  };

  app.get('/secrets/:name/versions', async (c) => {
    const name = nameOf(c);
    // Reading the history of a name px now refuses to store is fine; rolling one back is a write.
    if (nameSyntaxProblem(name)) return fail(c, 400, nameSyntaxProblem(name)!);
    const versions = await storeOf(c).versions(name);
    if (!versions) return fail(c, 404, `no secret named ${name}`);
    return c.json({ versions: versions.map(({ version, createdAt, by, ...marks }) => ({ version, createdAt, by, ...versionMarks(marks) })) });
  });

  app.post('/secrets/:name/rollback', async (c) => {
    const name = nameOf(c);
    if (nameProblem(name)) return fail(c, 400, nameProblem(name)!);
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return fail(c, 400, 'body must be JSON {"version": number}');
    }
    const raw = (body as { version?: unknown } | null)?.version;
    let version: number | undefined;
    if (raw !== undefined) {
      try {
        version = parseVersion(raw, 'version');
      } catch (error) {
        return fail(c, 400, (error as Error).message);
      }
    }
    try {
      const result = await storeOf(c).rollback(name, version, { by: callerName(c) });
      (c as unknown as Context<RouteEnv>).set('outcome', `rolled back to version ${result.rolledBackTo}`);
      return c.json({ name, version: result.version, rolledBackTo: result.rolledBackTo, updatedAt: result.meta.updatedAt }, 201);
    } catch (error) {
      if (error instanceof PxError && (error.kind === 'not-found' || error.kind === 'usage')) {
        return fail(c, error.kind === 'not-found' ? 404 : 400, error.message);
      }
      throw error;
    }
  });
}
