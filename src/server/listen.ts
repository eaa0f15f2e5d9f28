// Puts the endpoint app on a Node HTTP (or, given a certificate, HTTPS) server. Port 0 picks a
// free port. close() drains: no new connections, requests in flight finish (up to a grace time),
// idle keep-alive connections are closed as soon as they are idle.
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { getRequestListener } from '@hono/node-server';
import { UsageError } from '../core/errors.js';
import { DEFAULT_MAX_CONNECTIONS } from '../core/limits.js';
import { createApp, type AppOptions } from './app.js';
import { existsFastPath } from './exists-fast-path.js';

/**
 * How much of the server one client can hold. Node's defaults keep a connection that sends half a
 * request head open for a minute and a slow body for five, with no cap on connections: a few
 * slow clients would hold the server. A person raises the cap with `px server --max-connections`.
 */
export interface ConnectionLimits {
  /** The whole request head must have arrived this long after the request began. */
  headersMs: number;
  /** The whole request, body included. */
  requestMs: number;
  /** A connection with no traffic at all is closed after this. */
  idleMs: number;
  /** Between requests on a kept-alive connection. */
  keepAliveMs: number;
  /** Connections past this many are closed as they arrive. */
  maxConnections: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = { headersMs: 10_000, requestMs: 60_000, idleMs: 30_000, keepAliveMs: 5_000, maxConnections: DEFAULT_MAX_CONNECTIONS };

export interface ServerOptions extends AppOptions {
  host?: string;
  port?: number;
  /** PEM certificate chain and private key: serve HTTPS. */
  tls?: { cert: Buffer; key: Buffer };
  /** Lets TestDevServer put its fault switches in front of the app. */
  wrap?: (listener: RequestListener) => RequestListener;
  limits?: Partial<ConnectionLimits>;
  /** Called when a connection is refused because maxConnections are open. */
  onConnectionRefused?: (limit: number) => void;
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
  /** Stops accepting; waits up to `graceMs` for requests in flight (0: cut every connection now). */
  close(graceMs?: number): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8787;
  const { host: _host, port: _port, tls, wrap, observe, limits: _limits, onConnectionRefused: _refused, ...appOptions } = options;
  const app = createApp(appOptions);
  const fetch: Fetch = observe ? observing(app.fetch, observe) : app.fetch;
  const routed = getRequestListener(fetch) as RequestListener;
  // TestDevServer sees (observe, onEvent) every answer of the app: there, the app answers all.
  const fast = observe || appOptions.onEvent || !appOptions.access ? undefined : existsFastPath({ ...appOptions, access: appOptions.access });
  const listener = fast ? fast(routed) : routed;
  const handler = wrap ? wrap(listener) : listener;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const httpOptions = {
    keepAliveTimeout: limits.keepAliveMs,
    headersTimeout: limits.headersMs,
    requestTimeout: limits.requestMs,
    // How often the two timeouts above are checked (Node's default, 30 s, would let them overrun).
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(limits.headersMs / 4))),
  };
  let server: Server;
  try {
    server = tls ? createTlsServer({ ...httpOptions, cert: tls.cert, key: tls.key }, handler) : createServer(httpOptions, handler);
  } catch (error) {
    throw new UsageError(`The TLS certificate or key is not usable (${(error as Error).message.split('\n')[0]}): give PEM files that belong together.`);
  }
  server.setTimeout(limits.idleMs);
  server.maxConnections = limits.maxConnections;
  server.on('drop', () => options.onConnectionRefused?.(limits.maxConnections));
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
    url: `${tls ? 'https' : 'http'}://${shownHost}:${actualPort}`,
    port: actualPort,
    close: (graceMs = 0) =>
      new Promise<void>((resolve) => {
        server.close(() => {
          clearInterval(idle);
          clearTimeout(cut);
          resolve();
        });
        if (graceMs <= 0) server.closeAllConnections();
        // A keep-alive connection becomes idle once its request is answered: close it then.
        const idle = setInterval(() => server.closeIdleConnections(), 20);
        const cut = setTimeout(() => server.closeAllConnections(), Math.max(graceMs, 0));
        server.closeIdleConnections();
      }),
  };
}
