// The manifest of a project, for commands, the UI and the server. API:
//   loadManifest(root, config)      px.config.json's declarations, else the example files' names
//   resolveEnvironment(flag, env, manifest)  --env, else PX_ENV, else `default`, else development
//   manifestSecret(manifest, name, env)      one entry with the environment's overrides, or undefined
//   validationProblems(...)         what `px secret validate` reports, by name, never a value
// Strategies, statuses and plan rows are in plan.ts; types in types.ts.
import { UsageError } from '../errors.js';
import { DEPLOY_EXAMPLE, readExampleNames, SECRETS_EXAMPLE } from '../examples.js';
import { envNameProblem, type ParsedConfig } from './parse.js';
import { formatIn, formatProblem, heldByPx, isStale, presentStatus, requiredIn, resolveSecret, strategyFor, type SecretStatus } from './plan.js';
import type { CredentialSpec, Manifest, ResolvedSecret, SecretSpec } from './types.js';

export const DEFAULT_ENV = 'development';

/** Every name of the example file counts as a required secret a person provides. */
function exampleSpec(name: string): SecretSpec {
  return { name, class: 'user_prompt', required: true, sensitive: true, tiers: {}, envs: {} };
}

/**
 * The project's declarations. `config` is the checked px.config.json (null without one). Its
 * `secrets` replace `.env.secrets.example`; its `credentials` add to `.env.deploy.example`.
 */
export function loadManifest(root: string, config: ParsedConfig | null): Manifest {
  const deployExample = readExampleNames(root, DEPLOY_EXAMPLE) ?? [];
  const credentials = new Map<string, CredentialSpec>(config?.credentials ?? []);
  for (const name of deployExample) if (!credentials.has(name)) credentials.set(name, {});
  const base = { credentials, tiers: config?.tiers, envs: config?.envs ?? {}, envsDeclared: config?.envsDeclared ?? false, defaultEnv: config?.defaultEnv };
  if (config?.secrets) return { ...base, source: 'px.config.json', secrets: config.secrets };
  const names = readExampleNames(root, SECRETS_EXAMPLE);
  const secrets = new Map<string, SecretSpec>();
  // A well-known deploy name the example file lists is the project's runtime secret (its own declaration wins).
  for (const name of names ?? []) if (!credentials.has(name)) secrets.set(name, exampleSpec(name));
  return { ...base, source: names ? 'example files' : 'none', secrets };
}

export interface Environment {
  name: string;
  source: '--env' | 'PX_ENV' | 'px.config.json' | 'built-in';
  /** True when it is the project's default one: outputs then do not name it. */
  isDefault: boolean;
}

/** --env, else PX_ENV, else `default` in px.config.json, else development. Exit 2 for a bad name. */
export function resolveEnvironment(flag: string | undefined, processEnv: NodeJS.ProcessEnv, manifest: Pick<Manifest, 'defaultEnv' | 'envs' | 'envsDeclared'>): Environment {
  const fallback = manifest.defaultEnv ?? DEFAULT_ENV;
  const given = flag !== undefined ? { name: flag, from: '--env' as const } : processEnv.PX_ENV ? { name: processEnv.PX_ENV, from: 'PX_ENV' as const } : null;
  if (!given) return { name: fallback, source: manifest.defaultEnv ? 'px.config.json' : 'built-in', isDefault: true };
  const problem = envNameProblem(given.name);
  // The name is not repeated when it is not one: `--env "$TOKEN"` must not print the token.
  if (problem) throw new UsageError(`The environment from ${given.from} is not a valid name: ${problem}.`);
  const known = [...Object.keys(manifest.envs), DEFAULT_ENV, ...(manifest.defaultEnv ? [manifest.defaultEnv] : [])];
  if (manifest.envsDeclared && !known.includes(given.name)) {
    // Not repeated either: a lowercase token is a valid environment name.
    throw new UsageError(`The environment from ${given.from} is not one of px.config.json's (${[...new Set(known)].join(', ')}): check the spelling or add it to "envs".`);
  }
  return { name: given.name, source: given.from, isDefault: given.name === fallback };
}

/** The manifest entry of `name` as environment `env` sees it; undefined when not declared. */
export function manifestSecret(manifest: Manifest, name: string, env: string): ResolvedSecret | undefined {
  const spec = manifest.secrets.get(name);
  return spec ? resolveSecret(spec, env) : undefined;
}

/**
 * The status of a stored name in environment `env`, as plan.ts's secretStatus gives it. Commands
 * that give every stored name one read the entry's fields as the environment sees them, without
 * building the resolved entry of each.
 */
export function storedStatus(manifest: Manifest, name: string, env: string, stored: { updatedAt: string }, value?: string, now?: number): SecretStatus {
  const spec = manifest.secrets.get(name);
  return spec ? presentStatus(formatIn(spec, env), spec, stored.updatedAt, value, now) : 'not in manifest';
}

export interface ValidationProblem {
  name: string;
  problem: 'missing' | 'invalid' | 'stale';
  /** One sentence naming the secret and the rule; never the value. */
  message: string;
}

/**
 * What keeps the environment from being ready: each required secret px must hold that is absent,
 * and each stored declared secret that fails its format (when `values` can be read) or is stale.
 */
export function validationProblems(
  manifest: Manifest,
  env: string,
  tier: string | undefined,
  stored: ReadonlyMap<string, { updatedAt: string }>,
  values?: ReadonlyMap<string, string>,
  now: number = Date.now(),
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const spec of manifest.secrets.values()) {
    const strategy = strategyFor(spec, tier);
    const meta = stored.get(spec.name);
    if (!meta) {
      if (requiredIn(spec, env) && heldByPx(strategy)) {
        const how = strategy === 'generate' ? `px secret generate ${spec.name}` : `px secret create ${spec.name}`;
        problems.push({ name: spec.name, problem: 'missing', message: `${spec.name} is required and missing: add it with \`${how}\` (or \`px setup\`).` });
      }
      continue;
    }
    if (strategy === 'strip') continue; // not part of this tier
    const value = values?.get(spec.name);
    const bad = value === undefined ? null : formatProblem({ name: spec.name, format: formatIn(spec, env) }, value);
    if (bad) problems.push({ name: spec.name, problem: 'invalid', message: `${bad}: replace it with \`px secret create ${spec.name} --force\`.` });
    else if (isStale(spec, meta.updatedAt, now)) {
      const how = `px secret rotate ${spec.name}`;
      problems.push({ name: spec.name, problem: 'stale', message: `${spec.name} was last set ${meta.updatedAt.slice(0, 10)}, more than ${spec.rotateAfterDays} days ago: rotate it (\`${how}\`).` });
    }
  }
  return problems;
}

/** Refuses a --tier the manifest does not declare (exit 2). */
export function checkTier(manifest: Pick<Manifest, 'tiers'>, tier: string | undefined): void {
  if (tier === undefined || !manifest.tiers || manifest.tiers.includes(tier)) return;
  // Not repeated: what lands after --tier may be anything.
  throw new UsageError(`The --tier given is not one of px.config.json's tiers (${manifest.tiers.join(', ')}).`);
}

/** Values shorter than this are never masked in a child's output (see child-run.ts). */
const MIN_MASKED = 4;

/**
 * The manifest's checks of one value about to be stored (create, import, generate, setup):
 * `problem` refuses it (a format violation, naming the rule, never the value); `warnings` do not;
 * `undeclared` when px.config.json declares secrets and not this one.
 */
export function checkValue(manifest: Manifest, env: string, name: string, value: string): { problem: string | null; warnings: string[]; undeclared: boolean } {
  const secret = manifestSecret(manifest, name, env);
  const warnings: string[] = [];
  if ((secret?.sensitive ?? true) && value.length < MIN_MASKED) {
    warnings.push(`the value of ${name} is shorter than ${MIN_MASKED} characters, so px run will not mask it in output`);
  }
  return { problem: secret ? formatProblem(secret, value) : null, warnings, undeclared: !secret && manifest.source === 'px.config.json' };
}
