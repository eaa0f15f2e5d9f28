// TestDevServer's twin for the postgres test run (vitest.postgres.config.ts puts it in place of
// src/server/test-dev-server.ts): the same API, but behind it a real `px server --store
// postgres://…` process of the built binary on its own database (emptied and reused by the next
// test of the worker, as starting one costs seconds). A loopback proxy in front of it
// keeps the request log (method, path, name, status; never a body) and the fault switches; `store`
// is a PostgresStore on the same database and key, so a test's direct writes are what the server reads.
// Its observers see each answer, so the test setup checks the team server against docs/openapi.yaml too.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request as forward, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { afterAll } from 'vitest';
import { join } from 'node:path';
import { PostgresStore } from '../../src/core/store/postgres-store.js';
import { auditRoute, validName } from '../../src/server/app.js';
import { FaultSwitchedServer, type LoggedRequest } from '../../src/server/fault-switches.js';
import type { ObservedExchange } from '../../src/server/listen.js';
import { createDatabase, testStoreKey, type TestDatabase } from './postgres.js';
import { startPxServer, type PxServerProcess } from './px-server-process.js';
import { childEnv } from '../helpers/child-env.js';

export type { LoggedRequest };

export class TestDevServer extends FaultSwitchedServer {
  /** As TestDevServer's: sees every answer of the px server behind the proxy (never an injected fault). */
  static readonly observers = new Set<(exchange: ObservedExchange) => void>();
  private readonly agent = new Agent({ keepAlive: true });
  private proxy?: Server;
  private proxyUrl = '';

  private constructor(
    readonly store: PostgresStore,
    readonly token: string,
    private readonly backend: Backend,
  ) {
    super();
  }

  static async start(options: { token?: string } = {}): Promise<TestDevServer> {
    // A server whose test is over is reused (emptied) by the next test of this worker: starting
    // the built px and a database costs seconds on a busy machine.
    const backend = (options.token === undefined ? idle.pop() : undefined) ?? (await launch(options.token ?? randomBytes(24).toString('base64url'), options.token === undefined));
    const dev = new TestDevServer(backend.store, backend.token, backend);
    await dev.listen();
    return dev;
  }

  get url(): string {
    return this.proxyUrl;
  }

  async close(): Promise<void> {
    this.faults.releaseHung();
    await new Promise<void>((resolve) => {
      this.proxy?.close(() => resolve());
      this.proxy?.closeAllConnections();
    });
    this.agent.destroy();
    const { server } = this.backend;
    if (this.backend.reusable && server.child.exitCode === null && server.child.signalCode === null) {
      await empty(this.backend.store);
      idle.push(this.backend);
      return;
    }
    await retire(this.backend);
  }

  private async listen(): Promise<void> {
    const proxy = createServer(this.faults.wrap((request, response) => void this.pass(request, response)));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const address = proxy.address() as { port: number };
    this.proxy = proxy;
    this.proxyUrl = `http://127.0.0.1:${address.port}`;
  }

  /** Forwards one request to the px server and logs it as TestDevServer's own log would. */
  private async pass(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = (request.url ?? '/').split('?')[0]!;
    const upstream = forward(`${this.backend.server.url}${request.url ?? '/'}`, { method: request.method, headers: request.headers, agent: this.agent });
    upstream.on('error', () => response.destroy());
    // A server that answers before reading the whole body (413) closes the connection while the
    // body is still being written; the EPIPE then arrives after the answer, when the request no
    // longer listens on that connection. The answer has been passed on: the error needs no more.
    upstream.on('socket', (socket) => {
      if (guarded.has(socket)) return;
      guarded.add(socket);
      socket.on('error', () => undefined);
    });
    upstream.on('response', (answer) => {
      const name = validName(nameOf(request.method ?? 'GET', path, body));
      this.requests.push({ method: request.method ?? 'GET', path: auditRoute(path), ...(name ? { name } : {}), status: answer.statusCode ?? 0 });
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      if (TestDevServer.observers.size > 0) observeAnswer(request.method ?? 'GET', path, answer);
      answer.pipe(response);
    });
    upstream.end(body);
  }
}

/** Hands the whole answer to the observers before the client has all of it (this listener runs before pipe's). */
function observeAnswer(method: string, path: string, answer: IncomingMessage): void {
  const parts: Buffer[] = [];
  answer.on('data', (chunk: Buffer) => parts.push(chunk));
  answer.on('end', () => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
    }
    const exchange: ObservedExchange = { method, path, status: answer.statusCode ?? 0, headers, body: Buffer.concat(parts).toString('utf8') };
    for (const observer of TestDevServer.observers) observer(exchange);
  });
}

interface Backend {
  server: PxServerProcess;
  store: PostgresStore;
  database: TestDatabase;
  home: string;
  token: string;
  /** Started with a random token, so any later test may take it over. */
  reusable: boolean;
}

const idle: Backend[] = [];
/** Connections to px servers that already carry the EPIPE listener (kept-alive ones are reused). */
const guarded = new WeakSet<Socket>();
const running = new Set<Backend>();
// Nothing outlives the test file (each file gets this module afresh): its idle servers stop after
// its last test, and any still running are killed if the worker exits first.
afterAll(async () => {
  for (const backend of idle.splice(0)) await retire(backend);
});
process.once('exit', () => {
  for (const backend of running) backend.server.child.kill('SIGKILL');
});

async function launch(token: string, reusable: boolean): Promise<Backend> {
  const key = testStoreKey();
  const database = await createDatabase();
  const home = mkdtempSync(join(tmpdir(), 'px-team-'));
  // The URL holds the database password: in the environment, not in argv where ps shows it.
  const env = childEnv({ HOME: home, XDG_CONFIG_HOME: join(home, '.config'), PX_TOKEN: token, PX_STORE_KEY: key, PX_STORE_URL: database.url });
  const server = await startPxServer([], { cwd: home, env });
  const store = await PostgresStore.open({ url: database.url, env: { PX_STORE_KEY: key }, max: 2 });
  const backend = { server, store, database, home, token, reusable };
  running.add(backend);
  return backend;
}

async function retire(backend: Backend): Promise<void> {
  running.delete(backend);
  await backend.server.stop();
  await backend.store.close();
  await backend.database.drop();
  rmSync(backend.home, { recursive: true, force: true });
}

/** Every row a test may have written, gone; the schema and the store key stay. */
async function empty(store: PostgresStore): Promise<void> {
  const tables = await store.sql<{ tablename: string }[]>`
    select tablename from pg_tables where schemaname = current_schema() and tablename not in ('px_migrations', 'px_meta', 'px_store_keys')`;
  if (tables.length > 0) await store.sql`truncate ${store.sql(tables.map((table) => table.tablename))} cascade`;
}

/** The name the endpoint records for a request: from the path, or a POST /secrets body. */
function nameOf(method: string, path: string, body: Buffer): unknown {
  if (method === 'POST' && path === '/secrets') {
    try {
      return (JSON.parse(body.toString('utf8')) as { name?: unknown })?.name;
    } catch {
      return undefined;
    }
  }
  const match = /^\/secrets\/([^/]+)(\/exists)?$/.exec(path);
  if (!match || (match[1] === 'bulk' && !match[2])) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
}
