// The real endpoint on a random loopback port with an in-memory store, a request log (never
// values) and fault switches for the next request. Tests use it; so does `px server --memory`.
import { randomBytes } from 'node:crypto';
import { MemoryStore } from '../core/store.js';
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

  private constructor(
    readonly store: MemoryStore,
    readonly token: string,
    private running?: RunningServer,
  ) {
    super();
  }

  static async start(options: { token?: string; plan?: PlanSource } = {}): Promise<TestDevServer> {
    const server = new TestDevServer(new MemoryStore(), options.token ?? randomBytes(24).toString('base64url'));
    server.running = await startServer({
      store: server.store,
      token: server.token,
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

  async close(): Promise<void> {
    this.faults.releaseHung();
    await this.running?.close();
  }
}
