import { Refused, UsageError } from '../core/errors.js';
import { deployCredentialNames, readExampleNames, SECRETS_EXAMPLE } from '../core/examples.js';
import type { Project } from '../core/project.js';
import { openLocalStore, resolveTarget, resolveToken, type Target } from '../core/target.js';
import { noteHandout, programName } from '../core/handout-log.js';
import { localActor } from '../core/secret-versions.js';
import { line, warn, type Io } from '../cli/io.js';
import { projectOf, timeoutOf, type GlobalArgs } from '../cli/project-target.js';

export interface RunArgs extends GlobalArgs {
  /** The command and its arguments (everything after `--`). */
  command: string[];
  /** Run even when a declared secret is not stored (endpoint targets). */
  allowMissing?: boolean;
}

/**
 * The values of the names the project declares, from an endpoint, in one request with the service
 * token. Names not stored stop the run (exit 1) unless --allow-missing.
 */
async function endpointValues(io: Io, args: RunArgs, project: Project, target: Extract<Target, { kind: 'url' }>): Promise<Map<string, string>> {
  const names = readExampleNames(project.root, SECRETS_EXAMPLE) ?? [];
  const deployNames = deployCredentialNames(project.root);
  const wanted = names.filter((name) => !deployNames.has(name));
  if (wanted.length === 0) {
    throw new UsageError(`px run on ${target.url} asks for the names the project declares, and ${SECRETS_EXAMPLE} lists none: add the names the app needs there.`);
  }
  const token = await resolveToken(target.url, io.env, project.root, io.keychain?.());
  const { EndpointClient } = await import('../core/endpoint-client.js');
  const { AccessClient } = await import('../core/access/access-client.js');
  const { readServiceValues } = await import('../core/access/service-values.js');
  const endpoint = new EndpointClient({ url: target.url, token, timeoutSeconds: timeoutOf(args) });
  let values: Map<string, string>;
  try {
    values = await readServiceValues(new AccessClient(endpoint), wanted, target.url);
  } finally {
    await endpoint.close();
  }
  const missing = wanted.filter((name) => !values.has(name));
  if (missing.length > 0) {
    const list = missing.join(', ');
    if (!args.allowMissing) throw new Refused(`${target.url} does not store ${list} yet (the admin sees ${missing.length === 1 ? 'it' : 'them'} as missing): not running ${args.command[0]}. Pass --allow-missing to run without.`);
    warn(io, `${target.url} does not store ${list}: running ${args.command[0]} without ${missing.length === 1 ? 'it' : 'them'}.`);
  }
  return values;
}

/** `px run -- CMD …`: the local store's runtime secrets in CMD's environment, masked in its output. */
export async function runCommandWithSecrets(io: Io, args: RunArgs): Promise<number> {
  if (args.command.length === 0) throw new UsageError('Name the command to run after --, e.g. `px run -- npm start`.');
  const project = projectOf(io, args);
  const target = resolveTarget(args.url, io.env, project);
  let values: Map<string, string>;
  let label: string;
  if (target.kind === 'url') {
    values = await endpointValues(io, args, project, target);
    label = target.url;
  } else {
    let store;
    ({ store, label } = await openLocalStore({ root: project.root, cwd: io.cwd, env: io.env, warn: (text) => warn(io, text) }));
    values = await store.values();
  }
  // Deploy credentials never reach an app, even if one was written to the store over the API.
  const deployNames = deployCredentialNames(project.root);
  const skipped = [...values.keys()].filter((name) => deployNames.has(name));
  for (const name of skipped) values.delete(name);
  if (skipped.length > 0) {
    warn(io, `not passing ${skipped.join(', ')}: deploy credentials belong in the keychain (px creds), not in an app's environment.`);
  }
  if (values.size === 0) warn(io, `${label} holds no secrets: running ${args.command[0]} without any. Add some with \`px secret create NAME\`.`);
  else if (io.interactive) line(io.stderr, `px run: ${values.size} ${values.size === 1 ? 'secret' : 'secrets'} from ${label}, masked in the output.`);
  // An endpoint audits its own reads (token, names, client); the local store's hand-outs go here.
  if (target.kind === 'local') {
    const env = (args as { env?: string }).env ?? io.env.PX_ENV ?? 'development';
    const handout = { via: 'run' as const, env, command: programName({ argv: args.command }, values.values()), names: [...values.keys()], by: localActor(io.env) };
    await noteHandout(project.root, handout, (text) => warn(io, text));
  }
  // Loaded here only: child_process is not needed by the other commands of the fast path.
  const { runWithSecrets } = await import('../core/child-run.js');
  return runWithSecrets({
    command: { argv: args.command },
    cwd: io.cwd,
    baseEnv: io.env,
    secrets: values,
    stdin: io.stdin,
    stdout: io.stdout,
    stderr: io.stderr,
  });
}
