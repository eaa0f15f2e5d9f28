// The real endpoint on a random loopback port with an in-memory store, a request log (never
// values) and fault switches for the next request. Tests use it; so does `px server --memory`.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { MemoryStore } from '../core/store.js';
import { startServer, type ObservedExchange, type RunningServer } from './listen.js';
import type { PlanSource } from './plan-route.js';

export interface LoggedRequest {
  method: string;
  path: string;
  name?: string;
  status: number;
}

type Fault = { kind: 'fail'; status: number; body: unknown; method?: string } | { kind: 'hang' } | { kind: 'drop' } | { kind: 'malformed' } | { kind: 'hold'; until: Promise<void>; arrived: () => void };

export class TestDevServer {
  /**
   * Called with every answer the endpoint code gives (never the injected faults), in every
   * TestDevServer of the process: the test setup checks each one against docs/openapi.yaml.
   */
  static readonly observers = new Set<(exchange: ObservedExchange) => void>();
  readonly requests: LoggedRequest[] = [];
  private faults: Fault[] = [];
  private readonly hung = new Set<ServerResponse>();

  private constructor(
    readonly store: MemoryStore,
    readonly token: string,
    private running?: RunningServer,
  ) {}

  static async start(options: { token?: string; plan?: PlanSource } = {}): Promise<TestDevServer> {
    const server = new TestDevServer(new MemoryStore(), options.token ?? randomBytes(24).toString('base64url'));
    server.running = await startServer({
      store: server.store,
      token: server.token,
      host: '127.0.0.1',
      port: 0,
      onEvent: (event) => server.requests.push({ method: event.method, path: event.route, ...(event.name ? { name: event.name } : {}), status: event.status }),
      plan: options.plan,
      wrap: (listener) => server.withFaults(listener),
      observe: TestDevServer.observers.size > 0 ? (exchange) => TestDevServer.observers.forEach((observer) => observer(exchange)) : undefined,
    });
    return server;
  }

  get url(): string {
    return this.running!.url;
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
