import { basename } from 'node:path';
import { runWithSecrets, type ChildCommand } from '../core/child-run.js';
import { AuthRejected, UsageError } from '../core/errors.js';
import { DEPLOY_EXAMPLE, readExampleNames } from '../core/examples.js';
import { CONFIG_FILE, type Project } from '../core/project.js';
import { noteHandout, programName } from '../core/handout-log.js';
import { localActor } from '../core/secret-versions.js';
import { line, warn, type Io } from '../cli/io.js';
import { openCredentials, type GlobalArgs } from '../cli/project-target.js';

export interface DeployArgs extends GlobalArgs {
  /** The command and its arguments (everything after `--`). */
  command: string[];
}

/** The command after `--`, else `deploy` from px.config.json (a string for the shell, or argv). */
export function deployCommand(given: string[], project: Project): { command: ChildCommand; fromConfig: boolean } {
  if (given.length > 0) return { command: { argv: given }, fromConfig: false };
  const configured = project.config.deploy;
  if (typeof configured === 'string' && configured.trim() !== '') return { command: { shell: configured }, fromConfig: true };
  if (Array.isArray(configured) && configured.length > 0) return { command: { argv: configured }, fromConfig: true };
  throw new UsageError(`Name the deploy command after -- (e.g. \`px deploy -- wrangler deploy\`) or set "deploy" in ${CONFIG_FILE}.`);
}

const list = (names: string[]): string => names.join(', ');

/** `px deploy`: the project's deploy credentials in a command's environment, masked in its output. */
export async function runDeploy(io: Io, args: DeployArgs): Promise<number> {
  const { project, creds } = openCredentials(io, args);
  const { command, fromConfig } = deployCommand(args.command, project);
  // Only the program's name: its arguments may hold a token (`deploy --token …`).
  const shown = command.argv ? basename(command.argv[0]) : `the "deploy" command of ${CONFIG_FILE}`;
  // PX_KEYCHAIN=off: the credentials come from the environment (a CI's own secret store).
  const skipKeychain = io.env.PX_KEYCHAIN === 'off';
  const credentials = skipKeychain ? new Map<string, string>() : await creds.values().catch(withCiHint);
  const expected = readExampleNames(project.root, DEPLOY_EXAMPLE) ?? [];
  const missing = expected.filter((name) => !credentials.has(name) && !io.env[name]);
  const howToAdd = `add ${missing.length === 1 ? 'it' : 'them'} with \`px creds set ${missing[0]}\` or \`px creds import\``;
  if (skipKeychain) {
    warn(io, `PX_KEYCHAIN=off: running ${shown} with its own environment only, no credentials from the keychain.`);
    if (missing.length > 0) warn(io, `${DEPLOY_EXAMPLE} expects ${list(missing)}, which ${missing.length === 1 ? 'is' : 'are'} not in the environment.`);
  } else if (credentials.size === 0) {
    // A warning, not an error: deploy tools have logins of their own, and the names may be in
    // the environment already. Only when the example's names are all there is it not worth one.
    if (missing.length > 0) warn(io, `no deploy credentials are stored for this project; ${DEPLOY_EXAMPLE} expects ${list(missing)}: ${howToAdd}. Running ${shown} without them.`);
    else if (expected.length === 0) warn(io, `no deploy credentials are stored for this project: add them with \`px creds set NAME\` or \`px creds import\`. Running ${shown} without any.`);
  } else {
    if (missing.length > 0) warn(io, `${list(missing)} from ${DEPLOY_EXAMPLE} ${missing.length === 1 ? 'is' : 'are'} not stored: ${howToAdd}.`);
    line(io.stderr, `px deploy: ${list([...credentials.keys()].sort())} from the ${creds.label}, masked as *** in the output.`);
  }
  const env = (args as { env?: string }).env ?? io.env.PX_ENV ?? 'development';
  const handout = { via: 'deploy' as const, env, command: programName(command, credentials.values()), names: [...credentials.keys()], by: localActor(io.env) };
  await noteHandout(project.root, handout, (text) => warn(io, text));
  return runWithSecrets({
    command,
    cwd: fromConfig ? project.root : io.cwd,
    baseEnv: io.env,
    secrets: credentials,
    stdin: io.stdin,
    stdout: io.stdout,
    stderr: io.stderr,
  });
}


/** A deploy without a keychain is usually a CI run: name the way px supports there. */
function withCiHint(error: unknown): never {
  if (error instanceof AuthRejected) {
    throw new AuthRejected(`${error.message} In CI, keep the credentials in the CI's secret store and run \`PX_KEYCHAIN=off px deploy\`.`, { cause: error });
  }
  throw error;
}
