// What every project-scoped command needs first: the project, and for `px secret …` the target.
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { SecretsBackend } from '../core/backend.js';
import { findProject, STORE_DIR, type Project } from '../core/project.js';
import { openBackend, resolveTarget } from '../core/target.js';
import { DEFAULT_TIMEOUT_SECONDS } from '../core/limits.js';
import { UsageError } from '../core/errors.js';
import { DeployCredentials } from '../core/deploy-credentials.js';
import { keychainOf, warn, type Io } from './io.js';

export interface GlobalArgs {
  project?: string;
  timeout?: number;
  url?: string;
  insecure?: boolean;
}

export function projectOf(io: Io, args: GlobalArgs): Project {
  if (args.project === undefined) return findProject(io.cwd);
  // An explicit --project must exist: a typo or an unset variable must not quietly start an
  // empty store somewhere new.
  if (args.project === '') throw new UsageError('--project is empty: give the project directory.');
  const dir = resolve(io.cwd, args.project);
  if (basename(dir) === STORE_DIR) throw new UsageError(`--project ${args.project} is px's own directory: give the project directory that holds it.`);
  let isDirectory = false;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`--project ${args.project}: no such directory.`);
  }
  if (!isDirectory) throw new UsageError(`--project ${args.project} is not a directory.`);
  return findProject(dir);
}

/** Node's timers cannot wait longer than ~24.8 days; nobody waits a day for a secrets endpoint. */
const MAX_TIMEOUT_SECONDS = 86_400;

export function timeoutOf(args: GlobalArgs): number {
  const seconds = args.timeout ?? DEFAULT_TIMEOUT_SECONDS;
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(`--timeout takes a number of seconds greater than 0 and at most ${MAX_TIMEOUT_SECONDS} (a day).`);
  }
  return seconds;
}

export interface SecretsSession {
  project: Project;
  backend: SecretsBackend;
  /** One short line naming the target. */
  target: string;
}

export async function openSecrets(io: Io, args: GlobalArgs): Promise<SecretsSession> {
  const project = projectOf(io, args);
  const target = resolveTarget(args.url, io.env, project);
  const backend = await openBackend(target, {
    root: project.root,
    cwd: io.cwd,
    env: io.env,
    keychain: io.keychain?.(),
    timeoutSeconds: timeoutOf(args),
    warn: (text) => warn(io, text),
    insecure: args.insecure,
    transport: io.transport?.(),
  });
  return { project, backend, target: backend.label };
}

/** This project's deploy credentials in the keychain (`px creds`, `px deploy`). */
export function openCredentials(io: Io, args: GlobalArgs): { project: Project; creds: DeployCredentials } {
  const project = projectOf(io, args);
  return { project, creds: new DeployCredentials(keychainOf(io), project.root) };
}
