import { randomBytes } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-file.js';
import { closeInspectorOpenedBySignal, INSPECTOR_CLOSED } from '../core/debug-signal.js';
import { UsageError } from '../core/errors.js';
import { MAX_CONNECTIONS_CEILING } from '../core/limits.js';
import { ensurePxDir, openOwnFile, readPrivateFile } from '../core/px-dir.js';
import { isLoopbackHost, openLocalStore, SERVER_TOKEN_FILE, targetLine } from '../core/target.js';
import { MemoryStore, type SecretStore } from '../core/store.js';
import type { Io } from '../cli/io.js';
import { guardStoreUrlArgument } from '../cli/store-url-argument.js';
import { environmentOf, projectOf, type GlobalArgs } from '../cli/project-target.js';

interface ServerArgs extends GlobalArgs {
  port: number;
  host: string;
  memory?: boolean;
  maxConnections: number;
  store?: string;
  tlsCert?: string;
  tlsKey?: string;
}

export const AUDIT_LOG_FILE = join('.px', 'audit.log');
/** How long a stopping server lets requests in flight finish before it cuts them. */
const SHUTDOWN_GRACE_MS = 10_000;

/** PX_TOKEN, else the project's server token file, created (0600) on first run. */
async function serverToken(io: Io, root: string): Promise<{ token: string; where: string }> {
  if (io.env.PX_TOKEN) return { token: io.env.PX_TOKEN, where: 'PX_TOKEN' };
  const path = join(root, SERVER_TOKEN_FILE);
  await ensurePxDir(root);
  const existing = readPrivateFile(path, SERVER_TOKEN_FILE)?.trim();
  if (existing) return { token: existing, where: SERVER_TOKEN_FILE };
  const token = randomBytes(32).toString('base64url');
  await writeFileAtomic(path, `${token}\n`);
  return { token, where: `${SERVER_TOKEN_FILE} (created now)` };
}

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
async function openStore(io: Io, args: ServerArgs, root: string, warn: (text: string) => void): Promise<{ store: SecretStore; label: string; target: string }> {
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
  const env = environmentOf(io, args, projectOf(io, args));
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
  // GET /plan answers from the project's manifest, in the environment this server runs in.
  const planEnv = project.manifest.source === 'none' ? undefined : environmentOf(io, args, project).name;
  const { store, label, target } = await openStore(io, args, project.root, (text) => log('warn', text));
  const { manifestPlan } = await import('../server/plan-route.js');
  const plan = planEnv === undefined ? undefined : manifestPlan(project.manifest, planEnv, target);
  const { token, where } = await serverToken(io, project.root);
  await ensurePxDir(project.root);
  // Appended to in place: opened without following a link, the user's own, kept 0600.
  const auditFile = await openOwnFile(join(project.root, AUDIT_LOG_FILE), AUDIT_LOG_FILE, constants.O_WRONLY | constants.O_APPEND, { create: true });
  const audit = createWriteStream('', { fd: auditFile, flags: 'a' });
  const { startServer } = await import('../server/listen.js');
  let lastRefusalSaid = -Infinity;
  let draining = false;
  const server = await startServer({
    store,
    token,
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
      // Every change and every refused request; never a value (the event has none).
      const change = event.method !== 'GET' && event.status < 400;
      if (change || event.status >= 400) {
        audit.write(`${JSON.stringify(event)}\n`);
        log(event.status >= 500 ? 'error' : 'info', 'request', { ...event });
      }
    },
    // The driver's errors name tables and SQL states, never a value (values leave px sealed).
    onError: (error) => log('error', 'request failed', { error: (error as Error)?.message?.slice(0, 300), code: (error as { code?: string })?.code }),
  }).catch(async (error) => {
    await store.close?.();
    throw error;
  });
  if (closeInspectorOpenedBySignal(io.env)) log('warn', INSPECTOR_CLOSED);
  if (!isLoopbackHost(args.host) && tls) log('warn', `listening on ${args.host}: anyone who can reach this address and has a token can use it.`);
  log('info', `px server: serving ${label} at ${server.url}`, { url: server.url, store: label, pid: process.pid });
  log('info', `Token: ${where}. Audit log: ${AUDIT_LOG_FILE}. Ctrl+C stops.`);
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
  await new Promise<void>((resolve) => audit.end(resolve));
  log('info', 'px server: stopped.');
  return 0;
}
