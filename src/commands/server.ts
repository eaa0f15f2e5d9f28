import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { closeInspectorOpenedBySignal, INSPECTOR_CLOSED } from '../core/debug-signal.js';
import { MemoryAccessStore, type AccessStore, type AuditRecord } from '../core/access/access-store.js';
import { AUDIT_LOG_FILE, FileAccessStore, openAuditLog } from '../core/access/file-access-store.js';
import { projectName, type Scope } from '../core/access/tokens.js';
import { UsageError } from '../core/errors.js';
import { MAX_CONNECTIONS_CEILING } from '../core/limits.js';
import { ensurePxDir } from '../core/px-dir.js';
import { ensureAdminToken } from '../server/admin-token.js';
import { isLoopbackHost, openLocalStore, targetLine } from '../core/target.js';
import { MemoryStore, type SecretStore } from '../core/store.js';
import type { Io } from '../cli/io.js';
import { guardStoreUrlArgument } from '../cli/store-url-argument.js';
import { environmentOf, projectOf, type GlobalArgs } from '../cli/project-target.js';
import type { Environment } from '../core/manifest/manifest.js';

interface ServerArgs extends GlobalArgs {
  port: number;
  host: string;
  memory?: boolean;
  maxConnections: number;
  store?: string;
  tlsCert?: string;
  tlsKey?: string;
}

/** How long a stopping server lets requests in flight finish before it cuts them. */
const SHUTDOWN_GRACE_MS = 10_000;

async function readPem(path: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new UsageError(`Cannot read ${flag} ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}).`);
  }
}

/** The certificate and key, or none; refuses a non-loopback bind without TLS unless --insecure. */
async function tlsOf(args: ServerArgs, warnings: string[]): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  if (Boolean(args.tlsCert) !== Boolean(args.tlsKey)) throw new UsageError('--tls-cert and --tls-key go together: give both PEM files.');
  if (args.tlsCert && args.tlsKey) return { cert: await readPem(args.tlsCert, '--tls-cert'), key: await readPem(args.tlsKey, '--tls-key') };
  if (!isLoopbackHost(args.host)) {
    if (!args.insecure) {
      throw new UsageError(`Refusing to serve ${args.host} over plain HTTP: tokens and values would cross the network readable. Give --tls-cert and --tls-key (or put a TLS proxy in front and bind loopback), or pass --insecure.`);
    }
    warnings.push(`--insecure: serving ${args.host} over plain HTTP; tokens and values cross the network unencrypted.`);
  }
  return undefined;
}

/** The store, the line the log names it by, and `target`: the store alone, as `px secret plan --json` names it. */
async function openStore(io: Io, args: ServerArgs, root: string, env: Environment, warn: (text: string) => void): Promise<{ store: SecretStore; label: string; target: string }> {
  const url = args.store ?? io.env.PX_STORE_URL;
  if (args.memory && url) throw new UsageError(`--memory and ${args.store ? '--store' : 'PX_STORE_URL'} exclude each other: pick one store.`);
  if (args.memory) return { store: new MemoryStore(), label: 'an in-memory store (nothing is saved)', target: 'memory store' };
  if (url) {
    const { PostgresStore } = await import('../core/store/postgres-store.js');
    guardStoreUrlArgument(args.store, warn);
    // 18 connections for writes and 2 for reads (postgres-store.ts): 20 per server, as before.
    const store = await PostgresStore.open({ url, source: args.store ? '--store' : 'PX_STORE_URL', env: io.env, warn, max: 18 });
    return { store, label: store.label, target: store.label };
  }
  const opened = await openLocalStore({ root, cwd: io.cwd, env: io.env, warn, namespace: env.name });
  return { store: opened.store, label: targetLine(opened.label, env), target: opened.label };
}

export async function runServer(io: Io, args: ServerArgs): Promise<number> {
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new UsageError('--port takes a number from 0 to 65535.');
  if (!Number.isInteger(args.maxConnections) || args.maxConnections < 1 || args.maxConnections > MAX_CONNECTIONS_CEILING) {
    throw new UsageError(`--max-connections takes a whole number from 1 to ${MAX_CONNECTIONS_CEILING}.`);
  }
  const project = projectOf(io, args);
  const warnings: string[] = [];
  const tls = await tlsOf(args, warnings);
  const { jsonLog } = await import('../server/log.js');
  const log = jsonLog(io.stderr);
  for (const text of warnings) log('warn', text);
  // The environment served: the local store's namespace, and the scope of the tokens it makes.
  const env = environmentOf(io, args, project);
  const { store, label, target } = await openStore(io, args, project.root, env, (text) => log('warn', text));
  // GET /plan answers from the project's manifest, in the environment this server runs in.
  const { manifestPlan } = await import('../server/plan-route.js');
  const plan = project.manifest.source === 'none' ? undefined : manifestPlan(project.manifest, env.name, target);
  await ensurePxDir(project.root);
  const scope: Scope = { project: projectName(project.root), env: env.name };
  let access: AccessStore;
  if (args.memory) {
    // Tokens live as long as the process, like the secrets; the audit log is still written.
    const auditLog = createWriteStream('', { fd: await openAuditLog(project.root), flags: 'a' });
    access = new MemoryAccessStore((records: AuditRecord[]) => auditLog.write(records.map((record) => `${JSON.stringify(record)}\n`).join('')));
    access.close = () => new Promise<void>((resolve) => auditLog.end(resolve));
  } else {
    access = await FileAccessStore.open(project.root);
  }
  const { envToken, where } = await ensureAdminToken({ root: project.root, env: io.env, access, scope });
  const { startServer } = await import('../server/listen.js');
  let lastRefusalSaid = -Infinity;
  let draining = false;
  const server = await startServer({
    store,
    token: envToken,
    access,
    scope,
    plan,
    host: args.host,
    port: args.port,
    limits: { maxConnections: args.maxConnections },
    onConnectionRefused: (limit) => {
      // Said once a minute at most: a flood of refusals must not flood the terminal too.
      const now = Date.now();
      if (now - lastRefusalSaid < 60_000) return;
      lastRefusalSaid = now;
      log('warn', `refused a connection: ${limit} are open, the most it takes (raise it with --max-connections).`);
    },
    tls,
    healthy: async () => {
      if (draining) return false;
      await store.ping?.();
      return true;
    },
    onEvent: (event) => {
      // The access store writes the audit log; the server's log gets the same lines (never a value:
      // the event has none). Value reads are audited by their route and not logged here.
      const change = event.method !== 'GET' && event.status < 400 && event.route !== '/secrets/values';
      if (change || event.status >= 400) log(event.status >= 500 ? 'error' : 'info', 'request', { ...event });
    },
    // The driver's errors name tables and SQL states, never a value (values leave px sealed).
    onError: (error) => log('error', 'request failed', { error: (error as Error)?.message?.slice(0, 300), code: (error as { code?: string })?.code }),
  }).catch(async (error) => {
    await store.close?.();
    await access.close();
    throw error;
  });
  if (closeInspectorOpenedBySignal(io.env)) log('warn', INSPECTOR_CLOSED);
  if (!isLoopbackHost(args.host) && tls) log('warn', `listening on ${args.host}: anyone who can reach this address and has a token can use it.`);
  log('info', `px server: serving ${label} at ${server.url}`, { url: server.url, store: label, pid: process.pid });
  log('info', `Scope: ${scope.project}/${scope.env}. Admin token: ${where}. Audit log: ${AUDIT_LOG_FILE}. Ctrl+C stops.`);
  // The handlers stay installed until exit: proper-lockfile's signal-exit re-raises a signal
  // that nobody else listens to, which would kill the server in the middle of shutting down.
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143); // a second signal: stop now
      stopping = true;
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  draining = true;
  log('info', 'px server: stopping (requests in flight finish first)');
  await server.close(SHUTDOWN_GRACE_MS);
  await store.close?.();
  await access.close();
  log('info', 'px server: stopped.');
  return 0;
}
