// The real endpoint on a random loopback port with an in-memory store, a request log (never
// values) and fault switches for the next request. Tests use it; so does `px server --memory`.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { MemoryAccessStore } from '../core/access/access-store.js';
import type { Role } from '../core/access/roles.js';
import { formatScope, hashToken, newId, newTokenSecret, type Scope } from '../core/access/tokens.js';
import { MemoryStore } from '../core/store.js';
import { DEFAULT_SCOPE } from './app.js';
import { startServer, type RunningServer } from './listen.js';

export interface LoggedRequest {
  method: string;
  path: string;
  name?: string;
  status: number;
}

type Fault = { kind: 'fail'; status: number; body: unknown; method?: string } | { kind: 'hang' } | { kind: 'drop' } | { kind: 'malformed' } | { kind: 'hold'; until: Promise<void>; arrived: () => void };

export class TestDevServer {
  readonly requests: LoggedRequest[] = [];
  private faults: Fault[] = [];
  private readonly hung = new Set<ServerResponse>();
  /** Tokens, requests, grants and the audit log (`access.auditLog`). */
  readonly access = new MemoryAccessStore();
  /** The stores of the other environments of the project, made on first use. */
  private readonly envStores = new Map<string, MemoryStore>();

  private constructor(
    readonly store: MemoryStore,
    /** An admin token outside the token table, as PX_TOKEN is for `px server`. */
    readonly token: string,
    readonly scope: Scope,
    private running?: RunningServer,
  ) {}

  static async start(options: { token?: string; scope?: Scope } = {}): Promise<TestDevServer> {
    const scope = options.scope ?? DEFAULT_SCOPE;
    const server = new TestDevServer(new MemoryStore(), options.token ?? randomBytes(24).toString('base64url'), scope);
    server.running = await startServer({
      store: server.store,
      token: server.token,
      access: server.access,
      scope,
      storeFor: (wanted) => server.storeOf(wanted),
      host: '127.0.0.1',
      port: 0,
      onEvent: (event) => server.requests.push({ method: event.method, path: event.route, ...(event.name ? { name: event.name } : {}), status: event.status }),
      wrap: (listener) => server.withFaults(listener),
    });
    return server;
  }

  get url(): string {
    return this.running!.url;
  }

  /** The store of `scope`: the main one for the server's scope, one per other environment. */
  storeOf(scope: Scope): MemoryStore | undefined {
    if (scope.project !== this.scope.project) return undefined;
    if (scope.env === this.scope.env) return this.store;
    let store = this.envStores.get(scope.env);
    if (!store) this.envStores.set(scope.env, (store = new MemoryStore()));
    return store;
  }

  /**
   * A token in the table, as `POST /tokens` makes one; `grant` also approves it and grants it
   * those names, as an approved access request does.
   */
  async addToken(role: Role, options: { scope?: Scope; name?: string; approved?: boolean; grant?: string[] } = {}): Promise<{ id: string; token: string }> {
    const id = newId('tok');
    const token = newTokenSecret();
    const scope = options.scope ?? this.scope;
    const approved = options.approved ?? (role !== 'service' || options.grant !== undefined);
    await this.access.addToken({ id, name: options.name ?? `${role}-${formatScope(scope)}`, role, scope, hash: hashToken(token), approved, createdAt: new Date().toISOString(), lastUsedAt: null });
    if (options.grant) {
      const at = new Date().toISOString();
      await this.access.addRequest({ id: newId('req'), tokenId: id, names: [...options.grant], status: 'approved', createdAt: at, decidedAt: at });
    }
    return { id, token };
  }

  /** The next request (of `method`, when given) gets `status` (JSON body `{error}` unless given). */
  failNext(status: number, body: unknown = { error: `injected failure ${status}` }, method?: 'GET' | 'POST' | 'DELETE'): void {
    this.faults.push({ kind: 'fail', status, body, method });
  }
  /** The next request never gets an answer. */
  hangNext(): void {
    this.faults.push({ kind: 'hang' });
  }
  /** The next request is answered normally, but only after `release()`; `arrived` says it came. */
  holdNext(): { arrived: Promise<void>; release: () => void } {
    let release!: () => void;
    let arrived!: () => void;
    const until = new Promise<void>((resolve) => (release = resolve));
    const came = new Promise<void>((resolve) => (arrived = resolve));
    this.faults.push({ kind: 'hold', until, arrived });
    return { arrived: came, release };
  }
  /** The next request's connection is closed without an answer. */
  dropNext(): void {
    this.faults.push({ kind: 'drop' });
  }
  /** The next request gets a 200 whose body is not JSON. */
  malformedNext(): void {
    this.faults.push({ kind: 'malformed' });
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    for (const response of this.hung) response.destroy();
    this.hung.clear();
    await this.running?.close();
  }

  private withFaults(listener: RequestListener): RequestListener {
    return (request: IncomingMessage, response: ServerResponse) => {
      // A fault for one method waits for the first request of that method.
      const index = this.faults.findIndex((candidate) => candidate.kind !== 'fail' || !candidate.method || candidate.method === request.method);
      const fault = index >= 0 ? this.faults.splice(index, 1)[0] : undefined;
      if (!fault) return listener(request, response);
      if (fault.kind === 'hold') {
        fault.arrived();
        void fault.until.then(() => listener(request, response));
        return;
      }
      const path = (request.url ?? '/').split('?')[0];
      const name = /^\/secrets\/([^/]+)/.exec(path)?.[1];
      const log = (status: number): void => {
        this.requests.push({ method: request.method ?? 'GET', path, ...(name && name !== 'bulk' ? { name: decodeURIComponent(name) } : {}), status });
      };
      request.resume(); // discard the body: it may hold a value
      if (fault.kind === 'hang') {
        log(0);
        this.hung.add(response);
        return;
      }
      if (fault.kind === 'drop') {
        log(0);
        request.socket.destroy();
        return;
      }
      const status = fault.kind === 'fail' ? fault.status : 200;
      const body = fault.kind === 'fail' ? JSON.stringify(fault.body) : '{"secrets": [oops, not json';
      log(status);
      response.writeHead(status, { 'content-type': 'application/json' }).end(body);
    };
  }
}
