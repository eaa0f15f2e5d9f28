// Puts the endpoint app on a Node HTTP server. Port 0 picks a free port.
import { createServer, type RequestListener } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { UsageError } from '../core/errors.js';
import type { SecretStore } from '../core/store.js';
import { createApp, type AuditEvent } from './app.js';
import type { PlanSource } from './plan-route.js';

export interface ServerOptions {
  store: SecretStore;
  token: string;
  host?: string;
  port?: number;
  onEvent?: (event: AuditEvent) => void;
  /** The project's manifest plan, for `GET /plan`. */
  plan?: PlanSource;
  /** Lets TestDevServer put its fault switches in front of the app. */
  wrap?: (listener: RequestListener) => RequestListener;
  /** Sees each answer of the app before it is sent; TestDevServer's tests check them against the API document. */
  observe?: (exchange: ObservedExchange) => void;
}

export interface ObservedExchange {
  method: string;
  path: string;
  status: number;
  headers: Headers;
  body: string;
}

type Fetch = (request: Request) => Response | Promise<Response>;

function observing(fetch: Fetch, observe: (exchange: ObservedExchange) => void): Fetch {
  return async (request) => {
    const response = await fetch(request);
    // Read before answering, so a test that got its answer has had it checked too.
    const body = await response.clone().text();
    observe({ method: request.method, path: new URL(request.url).pathname, status: response.status, headers: response.headers, body });
    return response;
  };
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8787;
  const app = createApp({ store: options.store, token: options.token, onEvent: options.onEvent, plan: options.plan });
  const fetch: Fetch = options.observe ? observing(app.fetch, options.observe) : app.fetch;
  const listener = getRequestListener(fetch) as RequestListener;
  const server = createServer({ keepAliveTimeout: 5000 }, options.wrap ? options.wrap(listener) : listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new UsageError(`Port ${port} on ${host} is in use: pick another with --port.`));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new UsageError(`Cannot listen on ${host}: it is not an address of this machine.`));
      else if (error.code === 'EACCES') reject(new UsageError(`No permission to listen on port ${port}: pick one above 1023 with --port.`));
      else reject(error);
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
