// Fault switches for the next request, put in front of a request listener: fail with a status,
// hang, answer only after a release, drop the connection, or answer malformed JSON. TestDevServer
// uses them in front of the endpoint app; the tests of the team server in front of a proxy to it.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

export interface LoggedRequest {
  method: string;
  path: string;
  name?: string;
  status: number;
}

type Fault =
  | { kind: 'fail'; status: number; body: unknown; method?: string }
  | { kind: 'hang' }
  | { kind: 'drop' }
  | { kind: 'malformed' }
  | { kind: 'hold'; until: Promise<void>; arrived: () => void };

export class FaultSwitches {
  private faults: Fault[] = [];
  private readonly hung = new Set<ServerResponse>();

  /** `log` records each faulted request (never its body). */
  constructor(private readonly log: (request: LoggedRequest) => void) {}

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

  /** Ends the requests left hanging. */
  releaseHung(): void {
    for (const response of this.hung) response.destroy();
    this.hung.clear();
  }

  wrap(listener: RequestListener): RequestListener {
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
      const path = (request.url ?? '/').split('?')[0]!;
      const name = /^\/secrets\/([^/]+)/.exec(path)?.[1];
      const log = (status: number): void => {
        this.log({ method: request.method ?? 'GET', path, ...(name && name !== 'bulk' ? { name: decodeURIComponent(name) } : {}), status });
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

/** A server with a request log and fault switches: TestDevServer and its team-server twin. */
export abstract class FaultSwitchedServer {
  readonly requests: LoggedRequest[] = [];
  protected readonly faults = new FaultSwitches((request) => this.requests.push(request));

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
}
