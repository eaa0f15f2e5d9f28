import { readFile } from 'node:fs/promises';
import { closeInspectorOpenedBySignal, INSPECTOR_CLOSED } from '../core/debug-signal.js';
import { MemoryAccessStore, type AccessStore, type AuditRecord } from '../core/access/access-store.js';
import { AuditFile } from '../core/access/audit-file.js';
import { AUDIT_LOG_FILE, FileAccessStore, openAuditLog } from '../core/access/file-access-store.js';
import { projectName, type Scope } from '../core/access/tokens.js';
import { UsageError } from '../core/errors.js';
import { deployCredentialNames } from '../core/examples.js';
import { MAX_CONNECTIONS_CEILING } from '../core/limits.js';
import { ensurePxDir } from '../core/px-dir.js';
import { ensureAdminToken } from '../server/admin-token.js';
import { isLoopbackHost, openLocalStore, targetLine } from '../core/target.js';
import { MemoryStore, type SecretStore } from '../core/store.js';
import type { Io } from '../cli/io.js';
import { guardStoreUrlArgument } from '../cli/store-url-argument.js';
import { environmentOf, projectOf, type GlobalArgs } from '../cli/project-target.js';
import { DEFAULT_ENV, type Environment } from '../core/manifest/manifest.js';
import type { Manifest } from '../core/manifest/types.js';
import type { PostgresStore } from '../core/store/postgres-store.js';

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

interface OpenedStores {
  /** The store of each environment served, by name. */
  stores: Map<string, SecretStore>;
  /** The line the log names the store by, and `target`: the store alone, as `px secret plan --json` names it. */
  label: string;
  target: string;
  /** Set for a team store: its tokens, requests and audit log live in the same database. */
  postgres?: PostgresStore;
  close(): Promise<void>;
}

/**
 * The environments a server serves, each its own namespace: the one it was started with, then
 * development and every one px.config.json declares. A token reads and writes its scope's only.
 */
export function servedEnvironments(env: Environment, manifest: Pick<Manifest, 'defaultEnv' | 'envs'>): string[] {
  return [...new Set([env.name, manifest.defaultEnv ?? DEFAULT_ENV, DEFAULT_ENV, ...Object.keys(manifest.envs)])];
}

async function openStores(io: Io, args: ServerArgs, root: string, env: Environment, served: string[], warn: (text: string) => void): Promise<OpenedStores> {
  const url = args.store ?? io.env.PX_STORE_URL;
  if (args.memory && url) throw new UsageError(`--memory and ${args.store ? '--store' : 'PX_STORE_URL'} exclude each other: pick one store.`);
  if (args.memory) {
    const stores = new Map<string, SecretStore>(served.map((name) => [name, new MemoryStore()]));
    return { stores, label: 'an in-memory store (nothing is saved)', target: 'memory store', close: async () => undefined };
  }
  if (url) {
    const { PostgresStore } = await import('../core/store/postgres-store.js');
    guardStoreUrlArgument(args.store, warn);
    // 18 connections for writes and 2 for reads (postgres-store.ts): 20 per server, as before.
    const store = await PostgresStore.open({ url, source: args.store ? '--store' : 'PX_STORE_URL', env: io.env, warn, max: 18, scope: env.name });
    // One pool for every environment: a scope is a column of the same tables.
    const stores = new Map<string, SecretStore>(served.map((name) => [name, name === env.name ? store : store.withScope(name)]));
    return { stores, label: store.label, target: store.label, postgres: store, close: () => store.close() };
  }
  const stores = new Map<string, SecretStore>();
  let label = '';
  let target = '';
  for (const name of served) {
    const opened = await openLocalStore({ root, cwd: io.cwd, env: io.env, warn, namespace: name });
    if (name === env.name) ({ label, target } = { label: targetLine(opened.label, env), target: opened.label });
    stores.set(name, opened.store);
  }
  return { stores, label, target, close: async () => void (await Promise.all([...stores.values()].map((store) => store.close?.()))) };
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
  const served = servedEnvironments(env, project.manifest);
  const opened = await openStores(io, args, project.root, env, served, (text) => log('warn', text));
  const { stores, label, target, postgres } = opened;
  const store = stores.get(env.name)!;
  // GET /plan answers from the project's manifest, in the environment this server runs in.
  const { manifestPlan } = await import('../server/plan-route.js');
  const plan = project.manifest.source === 'none' ? undefined : manifestPlan(project.manifest, env.name, target);
  await ensurePxDir(project.root);
  const scope: Scope = { project: projectName(project.root), env: env.name };
  let access: AccessStore;
  let auditWhere = AUDIT_LOG_FILE;
  if (postgres) {
    // Shared by every px server of the database: a token revoked on one is refused by all.
    const { PostgresAccessStore } = await import('../core/store/postgres-access.js');
    access = new PostgresAccessStore(postgres.sql, (error) => log('error', 'audit write failed', { error: (error as Error)?.message?.slice(0, 300), code: (error as { code?: string })?.code }));
    auditWhere = `table px_audit of ${postgres.label}`;
  } else if (args.memory) {
    // Tokens live as long as the process, like the secrets; the audit log is still written.
    const auditLog = new AuditFile(await openAuditLog(project.root));
    access = new MemoryAccessStore((records: AuditRecord[]) => auditLog.append(records));
    access.close = () => auditLog.close();
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
    storeFor: (wanted) => (wanted.project === scope.project ? stores.get(wanted.env) : undefined),
    plan,
    // Refused as runtime secrets (400), as the CLI refuses them: the project's own declarations win.
    deployCredentials: deployCredentialNames(project.root, project.manifest),
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
    // The access store writes the audit log; the server's log gets the same lines (never a value:
    // the event has none). Value reads are audited by their route and not logged here.
    onAudited: (event) => log(event.status >= 500 ? 'error' : 'info', 'request', { ...event }),
    // The driver's errors name tables and SQL states, never a value (values leave px sealed).
    onError: (error) => log('error', 'request failed', { error: (error as Error)?.message?.slice(0, 300), code: (error as { code?: string })?.code }),
  }).catch(async (error) => {
    // The access store first: a team server writes its last uses and audit lines over the store's connections.
    await access.close();
    await opened.close();
    throw error;
  });
  if (closeInspectorOpenedBySignal(io.env)) log('warn', INSPECTOR_CLOSED);
  if (!isLoopbackHost(args.host) && tls) log('warn', `listening on ${args.host}: anyone who can reach this address and has a token can use it.`);
  log('info', `px server: serving ${label} at ${server.url}`, { url: server.url, store: label, pid: process.pid });
  const others = served.filter((name) => name !== scope.env);
  const also = others.length > 0 ? ` (tokens of ${others.map((name) => `${scope.project}/${name}`).join(', ')} too)` : '';
  log('info', `Scope: ${scope.project}/${scope.env}${also}. Admin token: ${where}. Audit log: ${auditWhere}. Ctrl+C stops.`);
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
  await access.close();
  await opened.close();
  log('info', 'px server: stopped.');
  return 0;
}
