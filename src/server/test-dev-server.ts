// The real endpoint on a random loopback port with an in-memory store, a request log (never
// values) and fault switches for the next request. Tests use it; so does `px server --memory`.
import { randomBytes } from 'node:crypto';
import { MemoryStore } from '../core/store.js';
import { FaultSwitches, type LoggedRequest } from './fault-switches.js';
import { startServer, type RunningServer } from './listen.js';

export type { LoggedRequest };

export class TestDevServer {
  readonly requests: LoggedRequest[] = [];
  private readonly faults = new FaultSwitches((request) => this.requests.push(request));

  private constructor(
    readonly store: MemoryStore,
    readonly token: string,
    private running?: RunningServer,
  ) {}

  static async start(options: { token?: string } = {}): Promise<TestDevServer> {
    const server = new TestDevServer(new MemoryStore(), options.token ?? randomBytes(24).toString('base64url'));
    server.running = await startServer({
      store: server.store,
      token: server.token,
      host: '127.0.0.1',
      port: 0,
      onEvent: (event) => server.requests.push({ method: event.method, path: event.route, ...(event.name ? { name: event.name } : {}), status: event.status }),
      wrap: (listener) => server.faults.wrap(listener),
    });
    return server;
  }

  get url(): string {
    return this.running!.url;
  }

  failNext(status: number, body?: unknown, method?: 'GET' | 'POST' | 'DELETE'): void {
    this.faults.failNext(status, body, method);
  }
  hangNext(): void {
    this.faults.hangNext();
  }
  holdNext(): { arrived: Promise<void>; release: () => void } {
    return this.faults.holdNext();
  }
  dropNext(): void {
    this.faults.dropNext();
  }
  malformedNext(): void {
    this.faults.malformedNext();
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    this.faults.releaseHung();
    await this.running?.close();
  }
}
