import { randomBytes } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-file.js';
import { closeInspectorOpenedBySignal, INSPECTOR_CLOSED } from '../core/debug-signal.js';
import { UsageError } from '../core/errors.js';
import { ensurePxDir, openOwnFile, readPrivateFile } from '../core/px-dir.js';
import { isLoopbackHost, openLocalStore, SERVER_TOKEN_FILE } from '../core/target.js';
import { MemoryStore, type SecretStore } from '../core/store.js';
import { line, warn, type Io } from '../cli/io.js';
import { projectOf, type GlobalArgs } from '../cli/project-target.js';

interface ServerArgs extends GlobalArgs {
  port: number;
  host: string;
  memory?: boolean;
}

export const AUDIT_LOG_FILE = join('.px', 'audit.log');

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

export async function runServer(io: Io, args: ServerArgs): Promise<number> {
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new UsageError('--port takes a number from 0 to 65535.');
  const project = projectOf(io, args);
  let store: SecretStore;
  let label = 'an in-memory store (nothing is saved)';
  if (args.memory) store = new MemoryStore();
  else {
    ({ store, label } = await openLocalStore({ root: project.root, cwd: io.cwd, env: io.env, warn: (text) => warn(io, text) }));
  }
  const { token, where } = await serverToken(io, project.root);
  await ensurePxDir(project.root);
  // Appended to in place: opened without following a link, the user's own, kept 0600.
  const auditFile = await openOwnFile(join(project.root, AUDIT_LOG_FILE), AUDIT_LOG_FILE, constants.O_WRONLY | constants.O_APPEND, { create: true });
  const audit = createWriteStream('', { fd: auditFile, flags: 'a' });
  const { startServer } = await import('../server/listen.js');
  const server = await startServer({
    store,
    token,
    host: args.host,
    port: args.port,
    onEvent: (event) => {
      // Every change and every refused request; never a value (the event has none).
      const change = event.method !== 'GET' && event.status < 400;
      if (change || event.status >= 400) audit.write(`${JSON.stringify(event)}\n`);
    },
  });
  if (closeInspectorOpenedBySignal(io.env)) warn(io, INSPECTOR_CLOSED);
  if (!isLoopbackHost(args.host)) warn(io, `listening on ${args.host}: anyone who can reach this address and has the token can read secret names and write secrets.`);
  line(io.stderr, `px server: serving ${label} at ${server.url}`);
  line(io.stderr, `Token: ${where}. Audit log: ${AUDIT_LOG_FILE}. Ctrl+C stops.`);
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
  await server.close();
  await store.close?.();
  await new Promise<void>((resolve) => audit.end(resolve));
  line(io.stderr, 'px server: stopped.');
  return 0;
}
