// The real endpoint on a random loopback port with an in-memory store, a request log (never
// values) and fault switches for the next request. Tests use it; so does `px server --memory`.
import { randomBytes } from 'node:crypto';
import { MemoryAccessStore } from '../core/access/access-store.js';
import type { Role } from '../core/access/roles.js';
import { formatScope, hashToken, newId, newTokenSecret, type Scope } from '../core/access/tokens.js';
import { MemoryStore } from '../core/store.js';
import { DEFAULT_SCOPE } from './app.js';
import { FaultSwitchedServer, type LoggedRequest } from './fault-switches.js';
import { startServer, type ObservedExchange, type RunningServer } from './listen.js';
import type { PlanSource } from './plan-route.js';

export type { LoggedRequest };

export class TestDevServer extends FaultSwitchedServer {
  /**
   * Called with every answer the endpoint code gives (never the injected faults), in every
   * TestDevServer of the process: the test setup checks each one against docs/openapi.yaml.
   */
  static readonly observers = new Set<(exchange: ObservedExchange) => void>();

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
  ) {
    super();
  }

  static async start(options: { token?: string; scope?: Scope; plan?: PlanSource } = {}): Promise<TestDevServer> {
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
      plan: options.plan,
      wrap: (listener) => server.faults.wrap(listener),
      observe: TestDevServer.observers.size > 0 ? (exchange) => TestDevServer.observers.forEach((observer) => observer(exchange)) : undefined,
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

  async close(): Promise<void> {
    this.faults.releaseHung();
    await this.running?.close();
  }
}
