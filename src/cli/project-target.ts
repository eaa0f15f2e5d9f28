// What every project-scoped command needs first: the project, and for `px secret …` the target.
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { SecretsBackend } from '../core/backend.js';
import { findProject, STORE_DIR, type Project } from '../core/project.js';
import { openBackend, resolveTarget, targetLine, type OpenOptions } from '../core/target.js';
import { resolveEnvironment, type Environment } from '../core/manifest/manifest.js';
import { DEFAULT_TIMEOUT_SECONDS } from '../core/limits.js';
import { UsageError } from '../core/errors.js';
import { DeployCredentials } from '../core/deploy-credentials.js';
import { keychainOf, warn, type Io } from './io.js';

export interface GlobalArgs {
  project?: string;
  timeout?: number;
  url?: string;
  /** The environment (else PX_ENV, else `default` in px.config.json, else development). */
  env?: string;
  insecure?: boolean;
}

export function projectOf(io: Io, args: GlobalArgs): Project {
  const home = io.env.HOME ?? io.env.USERPROFILE;
  if (args.project === undefined) return findProject(io.cwd, { home });
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
  return findProject(dir, { home });
}

/** The environment of this run, checked against the project's manifest. */
export function environmentOf(io: Io, args: GlobalArgs, project: Project): Environment {
  return resolveEnvironment(args.env, io.env, project.manifest);
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
  /** One short line naming the target, and the environment when it is not the default one. */
  target: string;
  env: Environment;
  /** True for the project's embedded local store. */
  local: boolean;
}

/** How a command opens a target: the project's root, the environment's namespace and the user's flags. */
export function backendOptions(io: Io, args: GlobalArgs, project: Project, namespace: string, onWarning: (text: string) => void = (text) => warn(io, text)): OpenOptions {
  return {
    namespace,
    root: project.root,
    cwd: io.cwd,
    env: io.env,
    keychain: io.keychain?.(),
    timeoutSeconds: timeoutOf(args),
    warn: onWarning,
    insecure: args.insecure,
    transport: io.transport?.(),
  };
}

export async function openSecrets(io: Io, args: GlobalArgs, known?: Project): Promise<SecretsSession> {
  const project = known ?? projectOf(io, args);
  const env = environmentOf(io, args, project);
  const target = resolveTarget(args.url, io.env, project, env.name);
  const backend = await openBackend(target, backendOptions(io, args, project, env.name));
  return { project, backend, target: targetLine(backend.label, env), env, local: target.kind === 'local' };
}

/** This project's deploy credentials in the keychain (`px creds`, `px deploy`). */
export function openCredentials(io: Io, args: GlobalArgs): { project: Project; creds: DeployCredentials } {
  const project = projectOf(io, args);
  return { project, creds: new DeployCredentials(keychainOf(io), project.root) };
}
