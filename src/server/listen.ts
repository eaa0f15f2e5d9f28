// Puts the endpoint app on a Node HTTP server. Port 0 picks a free port.
import { createServer, type RequestListener } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { UsageError } from '../core/errors.js';
import { DEFAULT_MAX_CONNECTIONS } from '../core/limits.js';
import type { SecretStore } from '../core/store.js';
import { createApp, type AuditEvent } from './app.js';

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

export interface ServerOptions {
  store: SecretStore;
  token: string;
  host?: string;
  port?: number;
  onEvent?: (event: AuditEvent) => void;
  /** Lets TestDevServer put its fault switches in front of the app. */
  wrap?: (listener: RequestListener) => RequestListener;
  limits?: Partial<ConnectionLimits>;
  /** Called when a connection is refused because maxConnections are open. */
  onConnectionRefused?: (limit: number) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8787;
  const app = createApp({ store: options.store, token: options.token, onEvent: options.onEvent });
  const listener = getRequestListener(app.fetch) as RequestListener;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const server = createServer(
    {
      keepAliveTimeout: limits.keepAliveMs,
      headersTimeout: limits.headersMs,
      requestTimeout: limits.requestMs,
      // How often the two timeouts above are checked (Node's default, 30 s, would let them overrun).
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(limits.headersMs / 4))),
    },
    options.wrap ? options.wrap(listener) : listener,
  );
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
    url: `http://${shownHost}:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
