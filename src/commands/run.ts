import { Refused, UsageError } from '../core/errors.js';
import { deployCredentialNames } from '../core/examples.js';
import { manifestSecret, validationProblems } from '../core/manifest/manifest.js';
import { openBackend, openLocalStore, resolveTarget, targetLine, type Target } from '../core/target.js';
import { noteHandout, programName } from '../core/handout-log.js';
import { localActor } from '../core/secret-versions.js';
import { line, warn, type Io } from '../cli/io.js';
import { backendOptions, environmentOf, projectOf, type GlobalArgs } from '../cli/project-target.js';
import type { Project } from '../core/project.js';
import type { EndpointClient } from '../core/endpoint-client.js';

export interface RunArgs extends GlobalArgs {
  /** The command and its arguments (everything after `--`). */
  command: string[];
  /** Start even when a required secret is missing. */
  allowMissing?: boolean;
}

/**
 * The values of the names the manifest declares for the environment (px.config.json, else
 * .env.secrets.example), from an endpoint, in one request with the service token (PX_TOKEN).
 */
async function endpointValues(io: Io, args: RunArgs, project: Project, envName: string, target: Extract<Target, { kind: 'url' }>): Promise<{ values: Map<string, string>; label: string }> {
  const deployNames = deployCredentialNames(project.root, project.manifest);
  const wanted = [...project.manifest.secrets.keys()].filter((name) => !deployNames.has(name));
  if (wanted.length === 0) {
    throw new UsageError(`px run on ${target.url} asks for the names the project declares, and neither px.config.json nor .env.secrets.example lists any: declare the names the app needs there.`);
  }
  const endpoint = (await openBackend(target, backendOptions(io, args, project, envName))) as EndpointClient;
  try {
    const { AccessClient } = await import('../core/access/access-client.js');
    const { readServiceValues } = await import('../core/access/service-values.js');
    return { values: await readServiceValues(new AccessClient(endpoint), wanted, endpoint.label), label: endpoint.label };
  } finally {
    await endpoint.close();
  }
}

/** `px run -- CMD …`: the environment's runtime secrets in CMD's environment, sensitive ones masked in its output. */
export async function runCommandWithSecrets(io: Io, args: RunArgs): Promise<number> {
  if (args.command.length === 0) throw new UsageError('Name the command to run after --, e.g. `px run -- npm start`.');
  const project = projectOf(io, args);
  const env = environmentOf(io, args, project);
  const target = resolveTarget(args.url, io.env, project, env.name);
  let values: Map<string, string>;
  let label: string;
  let stored: Map<string, { updatedAt: string }>;
  if (target.kind === 'url') {
    ({ values, label } = await endpointValues(io, args, project, env.name, target));
    label = targetLine(label, env);
    // Only presence matters below: staleness is never a reason to refuse a start.
    stored = new Map([...values.keys()].map((name) => [name, { updatedAt: new Date().toISOString() }]));
  } else {
    const opened = await openLocalStore({ root: project.root, cwd: io.cwd, env: io.env, warn: (text) => warn(io, text), namespace: env.name });
    label = targetLine(opened.label, env);
    values = await opened.store.values();
    stored = new Map((await opened.store.list()).map((meta) => [meta.name, meta]));
  }
  // Checked before CMD starts: an app must not come up half-configured or with a pasted wrong key.
  const problems = validationProblems(project.manifest, env.name, undefined, stored, values).filter((p) => p.problem !== 'stale');
  const missing = problems.filter((p) => p.problem === 'missing');
  const invalid = problems.filter((p) => p.problem === 'invalid');
  if (invalid.length > 0) {
    throw new Refused(`Not starting ${args.command[0]}: ${invalid.map((p) => p.name).join(', ')} ${invalid.length === 1 ? 'fails its' : 'fail their'} format in ${label}.`, {
      details: invalid.map((p) => p.message),
    });
  }
  if (missing.length > 0 && !args.allowMissing) {
    throw new Refused(`Not starting ${args.command[0]}: ${missing.length} required ${missing.length === 1 ? 'secret is' : 'secrets are'} missing in ${label} (pass --allow-missing to start anyway).`, {
      details: missing.map((p) => p.message),
    });
  }
  if (missing.length > 0) warn(io, `starting without ${missing.map((p) => p.name).join(', ')} (--allow-missing).`);
  // Deploy credentials never reach an app, even if one was written to the store over the API.
  const deployNames = deployCredentialNames(project.root, project.manifest);
  const skipped = [...values.keys()].filter((name) => deployNames.has(name));
  for (const name of skipped) values.delete(name);
  if (skipped.length > 0) {
    warn(io, `not passing ${skipped.join(', ')}: deploy credentials belong in the keychain (px creds), not in an app's environment.`);
  }
  if (values.size === 0) warn(io, `${label} holds no secrets: running ${args.command[0]} without any. Add some with \`px secret create NAME\`.`);
  else if (io.interactive) line(io.stderr, `px run: ${values.size} ${values.size === 1 ? 'secret' : 'secrets'} from ${label}, masked in the output.`);
  // `sensitive: false` marks configuration (PORT, LOG_LEVEL): passed on, never masked.
  const masked = [...values.keys()].filter((name) => manifestSecret(project.manifest, name, env.name)?.sensitive !== false);
  // An endpoint audits its own reads (token, names, client); the local store's hand-outs go here.
  if (target.kind === 'local') {
    const handout = { via: 'run' as const, env: env.name, command: programName({ argv: args.command }, values.values()), names: [...values.keys()], by: localActor(io.env) };
    await noteHandout(project.root, handout, (text) => warn(io, text));
  }
  // Loaded here only: child_process is not needed by the other commands of the fast path.
  const { runWithSecrets } = await import('../core/child-run.js');
  return runWithSecrets({
    command: { argv: args.command },
    cwd: io.cwd,
    baseEnv: io.env,
    secrets: values,
    masked,
    stdin: io.stdin,
    stdout: io.stdout,
    stderr: io.stderr,
  });
}
