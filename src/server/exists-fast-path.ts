// GET /secrets/:name/exists answered straight from Node's HTTP server: the check a team's deploy
// scripts and health probes send most, where the router, the request and response wrappers and
// the middleware chain cost the team server more CPU than the answer itself. Only the plain case
// is answered here: a valid name, a recognised bearer token whose role may check names, in a
// scope this server serves. Anything else (no or an unknown token, a refusal, a bad name, a query
// string, a store error) goes to the app, which answers, logs and audits it as it always has; a
// success is not audited there either. The answer is the app's, byte for byte.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AccessStore } from '../core/access/access-store.js';
import { mayDo } from '../core/access/roles.js';
import { nameSyntaxProblem } from '../core/names.js';
import { DEFAULT_SCOPE, type AppOptions } from './app.js';
import { callerLookup } from './auth.js';

const EXISTS_PATH = /^\/secrets\/([A-Za-z0-9_]{1,256})\/exists$/;
const ANSWERS = { true: JSON.stringify({ exists: true }), false: JSON.stringify({ exists: false }) };

/** Wraps the app's listener; the app gets every request this does not answer itself. */
export function existsFastPath(options: AppOptions & { access: AccessStore }): (app: RequestListener) => RequestListener {
  const scope = options.scope ?? DEFAULT_SCOPE;
  const lookup = callerLookup({ access: options.access, adminToken: options.token, scope });
  const storeFor =
    options.storeFor ?? ((wanted) => (wanted.project === scope.project && wanted.env === scope.env ? options.store : undefined));

  const answer = async (name: string, request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const caller = await lookup(request.headers.authorization);
    if (typeof caller === 'string' || !mayDo(caller.role, caller.approved, 'secrets.exists')) return false;
    const store = storeFor(caller.scope);
    if (!store) return false;
    const body = ANSWERS[`${await store.exists(name)}`];
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    response.end(body);
    return true;
  };

  return (app) => (request, response) => {
    const name = request.method === 'GET' ? EXISTS_PATH.exec(request.url ?? '')?.[1] : undefined;
    if (name === undefined || nameSyntaxProblem(name) !== null) return app(request, response);
    answer(name, request, response).then(
      (answered) => answered || app(request, response),
      () => app(request, response),
    );
  };
}
