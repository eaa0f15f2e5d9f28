import { UsageError } from '../core/errors.js';
import { deployCredentialNames } from '../core/examples.js';
import { openLocalStore, resolveTarget } from '../core/target.js';
import { noteHandout, programName } from '../core/handout-log.js';
import { localActor } from '../core/secret-versions.js';
import { line, warn, type Io } from '../cli/io.js';
import { projectOf, type GlobalArgs } from '../cli/project-target.js';

export interface RunArgs extends GlobalArgs {
  /** The command and its arguments (everything after `--`). */
  command: string[];
}

const UNSET = { '--url': 'drop --url', PX_URL: 'unset PX_URL', 'px.config.json': 'remove "url" from px.config.json' } as const;

/** `px run -- CMD …`: the local store's runtime secrets in CMD's environment, masked in its output. */
export async function runCommandWithSecrets(io: Io, args: RunArgs): Promise<number> {
  if (args.command.length === 0) throw new UsageError('Name the command to run after --, e.g. `px run -- npm start`.');
  const project = projectOf(io, args);
  const target = resolveTarget(args.url, io.env, project);
  if (target.kind === 'url') {
    throw new UsageError(
      `px run reads secrets from the local store only, and the target is ${target.url} (from ${target.source}): an endpoint never hands values out. ` +
        `Run the app where it reads its secrets from the endpoint itself, or ${UNSET[target.source]} to use the local store.`,
    );
  }
  const { store, label } = await openLocalStore({ root: project.root, cwd: io.cwd, env: io.env, warn: (text) => warn(io, text) });
  const values = await store.values();
  // Deploy credentials never reach an app, even if one was written to the store over the API.
  const deployNames = deployCredentialNames(project.root);
  const skipped = [...values.keys()].filter((name) => deployNames.has(name));
  for (const name of skipped) values.delete(name);
  if (skipped.length > 0) {
    warn(io, `not passing ${skipped.join(', ')}: deploy credentials belong in the keychain (px creds), not in an app's environment.`);
  }
  if (values.size === 0) warn(io, `${label} holds no secrets: running ${args.command[0]} without any. Add some with \`px secret create NAME\`.`);
  else if (io.interactive) line(io.stderr, `px run: ${values.size} ${values.size === 1 ? 'secret' : 'secrets'} from ${label}, masked in the output.`);
  const env = (args as { env?: string }).env ?? io.env.PX_ENV ?? 'development';
  const handout = { via: 'run' as const, env, command: programName({ argv: args.command }, values.values()), names: [...values.keys()], by: localActor(io.env) };
  await noteHandout(project.root, handout, (text) => warn(io, text));
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
