import { Cancelled, PxError, UsageError } from '../../core/errors.js';
import { line, type Io } from '../../cli/io.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { environmentOf, openSecrets, projectOf, type GlobalArgs } from '../../cli/project-target.js';
import { SECRETS_FILE } from '../../core/examples.js';
import { checkTier } from '../../core/manifest/manifest.js';
import { projectNeeds, type ProjectNeeds } from './needs.js';
import { setupActions, setupPlan, summarize } from './setup-actions.js';
import type { SecretsBackend } from '../../core/backend.js';

export interface SetupArgs extends GlobalArgs {
  tier?: string;
  yes?: boolean;
}

const names = (list: string[]): string => list.join(', ');

export async function runSetup(io: Io, args: SetupArgs): Promise<number> {
  const ask = io.interactive && !args.yes;
  if (!io.interactive && !args.yes) {
    throw new UsageError('px setup asks for values and this run is not interactive: pass --yes to generate what can be generated and list what still needs a person.');
  }
  const project = projectOf(io, args);
  checkTier(project.manifest, args.tier);
  const env = environmentOf(io, args, project);
  const needs = projectNeeds(project, env.name, args.tier);
  if (!needs.declared) return nothingDeclared(io, project.root);
  // The wizard's Ink layer loads while the store is read.
  if (ask) io.ui().catch(() => undefined);
  const { backend, target } = await openSecrets(io, args, project);
  try {
    return ask ? await wizard(io, backend, target, needs) : await unattended(io, backend, target, needs);
  } finally {
    await backend.close?.();
  }
}

/**
 * A project that declares nothing has nothing to set up: as `px secret validate` does, px says
 * how to declare secrets and exits 0, rather than inventing a list or asking for names.
 */
function nothingDeclared(io: Io, root: string): number {
  line(io.stdout, 'Nothing to set up: this project declares no secrets.');
  line(io.stdout, 'Declare them in px.config.json ("secrets"), or list their names in .env.secrets.example, then run `px setup` again.');
  const hasSecretsFile = existsSync(join(root, SECRETS_FILE));
  line(io.stdout, hasSecretsFile ? `${SECRETS_FILE} is here: \`px secret import\` stores its values.` : 'To add one secret now: `px secret create NAME`.');
  return 0;
}

/** `--yes` (and CI): step 1 only, then what a person still has to provide. */
async function unattended(io: Io, backend: SecretsBackend, target: string, needs: ProjectNeeds): Promise<number> {
  const plan = await setupPlan(backend, needs);
  line(io.stdout, `Target: ${target}`);
  line(io.stdout, 'Step 1: Generate secrets');
  if (plan.toGenerate.length === 0) line(io.stdout, '  Nothing to generate.');
  for (const secret of plan.toGenerate) {
    const value = await needs.generate(secret.name);
    await backend.put(secret.name, value);
    line(io.stdout, `  ✓ ${secret.name} generated (${[...value].length} chars)`);
  }
  const required = plan.toAsk.filter((secret) => secret.required).map((secret) => secret.name);
  const optional = plan.toAsk.filter((secret) => !secret.required).map((secret) => secret.name);
  if (optional.length > 0) line(io.stdout, `Optional, not set: ${names(optional)}.`);
  const { invalid } = await summarize(backend, needs);
  if (invalid.length > 0) line(io.stdout, `Not matching their format: ${names(invalid)}.`);
  if (required.length === 0 && invalid.length === 0) {
    line(io.stdout, 'Every required secret is provided.');
    return 0;
  }
  const waiting = [...required, ...invalid.filter((name) => !required.includes(name))];
  line(io.stderr, `error: ${waiting.length} ${waiting.length === 1 ? 'secret needs' : 'secrets need'} a person: ${names(waiting)}. Run \`px setup\` in a terminal, or \`px secret create NAME\` for each.`);
  return 1;
}

async function wizard(io: Io, backend: SecretsBackend, target: string, needs: ProjectNeeds): Promise<number> {
  const actions = await setupActions(backend, target, needs);
  const outcome = await (await io.ui()).setup(actions);
  const saved = outcome.saved.length > 0 ? `saved ${names(outcome.saved)} in ${target}` : '';
  if (outcome.kind === 'failed') {
    if (!saved || !(outcome.error instanceof PxError)) throw outcome.error;
    throw new PxError(outcome.error.kind, outcome.error.message, { details: [`before that, px ${saved}`], cause: outcome.error });
  }
  if (outcome.kind === 'stopped') {
    if (!saved) throw new Cancelled('Setup stopped; nothing was saved.');
    line(io.stdout, `Setup stopped: ${saved}. Run \`px setup\` again for the rest.`);
    const { missing, invalid } = await summarize(backend, needs);
    return missing.length > 0 || invalid.length > 0 ? 1 : 0;
  }
  const { missing, invalid } = outcome.summary;
  const skipped = outcome.skipped.length > 0 ? `; skipped ${names(outcome.skipped)}` : '';
  line(io.stdout, `Setup ${missing.length === 0 && invalid.length === 0 ? 'complete' : 'incomplete'}: ${saved || 'nothing new saved'}${skipped}.`);
  if (missing.length > 0) line(io.stderr, `error: still missing: ${names(missing)}. Run \`px setup\` again, or \`px secret create NAME\`.`);
  else if (invalid.length > 0) line(io.stderr, `error: not matching their format: ${names(invalid)}. Replace them with \`px secret create NAME --force\`.`);
  return missing.length > 0 || invalid.length > 0 ? 1 : 0;
}
