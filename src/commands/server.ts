import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { closeInspectorOpenedBySignal, INSPECTOR_CLOSED } from '../core/debug-signal.js';
import { MemoryAccessStore, type AccessStore, type AuditRecord } from '../core/access/access-store.js';
import { AUDIT_LOG_FILE, FileAccessStore, openAuditLog } from '../core/access/file-access-store.js';
import { projectName, type Scope } from '../core/access/tokens.js';
import { UsageError } from '../core/errors.js';
import { ensurePxDir } from '../core/px-dir.js';
import { ensureAdminToken } from '../server/admin-token.js';
import { isLoopbackHost, openLocalStore } from '../core/target.js';
import { MemoryStore, type SecretStore } from '../core/store.js';
import { line, warn, type Io } from '../cli/io.js';
import { projectOf, type GlobalArgs } from '../cli/project-target.js';

interface ServerArgs extends GlobalArgs {
  port: number;
  host: string;
  memory?: boolean;
}

/** The environment a local server serves (its store has one namespace). */
const SERVED_ENV = 'development';

export async function runServer(io: Io, args: ServerArgs): Promise<number> {
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new UsageError('--port takes a number from 0 to 65535.');
  const project = projectOf(io, args);
  let store: SecretStore;
  let label = 'an in-memory store (nothing is saved)';
  if (args.memory) store = new MemoryStore();
  else {
    ({ store, label } = await openLocalStore({ root: project.root, cwd: io.cwd, env: io.env, warn: (text) => warn(io, text) }));
  }
  await ensurePxDir(project.root);
  const scope: Scope = { project: projectName(project.root), env: SERVED_ENV };
  let access: AccessStore;
  if (args.memory) {
    // Tokens live as long as the process, like the secrets; the audit log is still written.
    const log = createWriteStream('', { fd: await openAuditLog(project.root), flags: 'a' });
    access = new MemoryAccessStore((records: AuditRecord[]) => log.write(records.map((record) => `${JSON.stringify(record)}\n`).join('')));
    access.close = () => new Promise<void>((resolve) => log.end(resolve));
  } else {
    access = await FileAccessStore.open(project.root);
  }
  const { envToken, where } = await ensureAdminToken({ root: project.root, env: io.env, access, scope });
  const { startServer } = await import('../server/listen.js');
  const server = await startServer({ store, token: envToken, access, scope, host: args.host, port: args.port });
  if (closeInspectorOpenedBySignal(io.env)) warn(io, INSPECTOR_CLOSED);
  if (!isLoopbackHost(args.host)) warn(io, `listening on ${args.host}: anyone who can reach this address and has the token can read secret names and write secrets.`);
  line(io.stderr, `px server: serving ${label} at ${server.url}`);
  line(io.stderr, `Scope: ${scope.project}/${scope.env}. Admin token: ${where}. Audit log: ${AUDIT_LOG_FILE}. Ctrl+C stops.`);
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
  await access.close();
  line(io.stderr, 'px server: stopped.');
  return 0;
}
