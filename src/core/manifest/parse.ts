// Reads px.config.json: every field checked, each problem named by its JSON path (`$.secrets.X.format`),
// exit 2. Hand-written rather than zod: it runs on every command, and a 200-entry manifest must cost
// next to nothing at start-up. schema/px.config.schema.json describes the same rules for editors;
// a test keeps the two in agreement.
import { UsageError } from '../errors.js';
import { nameProblem } from '../names.js';
import { DEFAULT_GENERATOR } from './charsets.js';
import { Checker, list } from './checker.js';
import { SECRET_CLASSES, STRATEGIES, type CredentialSpec, type EnvOverride, type SecretSpec, type Strategy } from './types.js';

export const ENV_NAME = /^[a-z][a-z0-9-]{0,31}$/;
export const TIER_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const TOP_KEYS = ['$schema', 'url', 'default', 'envs', 'tiers', 'secrets', 'credentials', 'deploy'];
const SECRET_KEYS = ['class', 'description', 'required', 'format', 'generator', 'prompt', 'sensitive', 'rotateAfterDays', 'tiers', 'envs'];
const OVERRIDE_KEYS = ['required', 'format', 'generator', 'sensitive'];
const PROMPT_KEYS = ['label', 'description'];
const NO_TIERS: Record<string, Strategy> = Object.freeze({});
const NO_ENVS: Record<string, EnvOverride> = Object.freeze({});

/** What px.config.json holds, checked. */
export interface ParsedConfig {
  url?: string;
  deploy?: string | string[];
  defaultEnv?: string;
  envs: Record<string, { url?: string }>;
  envsDeclared: boolean;
  tiers?: string[];
  /** undefined when the file has no `secrets` (the example files then declare them). */
  secrets?: Map<string, SecretSpec>;
  credentials?: Map<string, CredentialSpec>;
}

/** A rotation period: whole days, 1 to 36500 (a hundred years). */
function rotationDays(c: Checker, days: unknown, path: string, field = ''): number {
  if (!Number.isInteger(days) || (days as number) < 1 || (days as number) > 36_500) c.fail(path + field, 'must be a whole number of days from 1 to 36500');
  return days as number;
}

const tierNameProblem = (key: string): string | null => (TIER_NAME.test(key) ? null : 'tier names are lowercase words');

function secretSpec(c: Checker, name: string, value: unknown, path: string, tiers: string[] | undefined, envs: string[] | undefined): SecretSpec {
  const raw = c.object(value, path, SECRET_KEYS);
  if (!SECRET_CLASSES.includes(raw.class as never)) c.fail(`${path}.class`, `must be one of ${list(SECRET_CLASSES)}`);
  const spec: SecretSpec = {
    name,
    class: raw.class as SecretSpec['class'],
    description: c.string(raw.description, path, '.description'),
    required: c.boolean(raw.required, path, '.required') ?? true,
    format: c.format(raw.format, path, '.format'),
    generator: c.generator(raw.generator, path, '.generator'),
    sensitive: c.boolean(raw.sensitive, path, '.sensitive') ?? true,
    // Most entries override nothing: they share one empty (frozen) object rather than two each.
    tiers: raw.tiers === undefined ? NO_TIERS : {},
    envs: raw.envs === undefined ? NO_ENVS : {},
  };
  if (raw.prompt !== undefined) {
    const prompt = c.object(raw.prompt, path, PROMPT_KEYS, '.prompt');
    spec.prompt = { label: c.string(prompt.label, path, '.prompt.label'), description: c.string(prompt.description, path, '.prompt.description') };
  }
  if (raw.rotateAfterDays !== undefined) spec.rotateAfterDays = rotationDays(c, raw.rotateAfterDays, path, '.rotateAfterDays');
  const generator = spec.generator ?? (spec.class === 'per_install_generated' ? DEFAULT_GENERATOR : undefined);
  c.generatorMatches(generator, spec.format, path, '.generator');
  if (raw.tiers !== undefined) {
    const { object, keys } = c.namedKeys(raw.tiers, `${path}.tiers`, tierNameProblem);
    for (let i = 0; i < keys.length; i++) {
      const tier = keys[i];
      const strategy = object[tier];
      if (tiers && !tiers.includes(tier)) c.fail(`${path}.tiers.${tier}`, `names a tier that $.tiers does not declare (${list(tiers)})`);
      if (!STRATEGIES.includes(strategy as never)) c.fail(`${path}.tiers.${tier}`, `must be one of ${list(STRATEGIES)}`);
      spec.tiers[tier] = strategy as Strategy;
    }
  }
  if (raw.envs !== undefined) {
    const { object, keys } = c.namedKeys(raw.envs, `${path}.envs`, envNameProblem);
    for (let i = 0; i < keys.length; i++) {
      const env = keys[i];
      const at = `${path}.envs.${env}`;
      if (envs && !envs.includes(env)) c.fail(at, `names an environment that $.envs does not declare (${list(envs)})`);
      const o = c.object(object[env], at, OVERRIDE_KEYS);
      const parsed: EnvOverride = {};
      if (o.required !== undefined) parsed.required = c.boolean(o.required, at, '.required');
      if (o.sensitive !== undefined) parsed.sensitive = c.boolean(o.sensitive, at, '.sensitive');
      if (o.format !== undefined) parsed.format = c.format(o.format, at, '.format');
      if (o.generator !== undefined) parsed.generator = c.generator(o.generator, at, '.generator');
      c.generatorMatches(parsed.generator ?? generator, parsed.format ?? spec.format, at, parsed.generator ? '.generator' : '.format');
      spec.envs[env] = parsed;
    }
  }
  return spec;
}

export function envNameProblem(name: string): string | null {
  return ENV_NAME.test(name) ? null : 'environment names are lowercase letters, digits and -, start with a letter, at most 32 characters';
}

/** Checks a parsed px.config.json; `file` names it in errors. Throws UsageError (exit 2). */
export function parseConfig(value: unknown, file: string): ParsedConfig {
  const c = new Checker(file);
  const raw = c.object(value, '$', TOP_KEYS);
  const config: ParsedConfig = { envs: {}, envsDeclared: raw.envs !== undefined };
  config.url = c.string(raw.url, '$.url');
  const deploy = raw.deploy;
  if (!(deploy === undefined || typeof deploy === 'string' || (Array.isArray(deploy) && deploy.every((part) => typeof part === 'string')))) {
    c.fail('$.deploy', 'must be a command string or an array of strings');
  }
  config.deploy = deploy as ParsedConfig['deploy'];
  if (raw.envs !== undefined) {
    const { object, keys } = c.namedKeys(raw.envs, '$.envs', envNameProblem);
    for (const env of keys) {
      const e = c.object(object[env], `$.envs.${env}`, ['url']);
      config.envs[env] = { url: c.string(e.url, `$.envs.${env}.url`) };
    }
  }
  const declaredEnvs = raw.envs === undefined ? undefined : [...Object.keys(config.envs), 'development'];
  if (raw.default !== undefined) {
    const name = c.string(raw.default, '$.default')!;
    if (envNameProblem(name)) c.fail('$.default', envNameProblem(name)!);
    if (declaredEnvs && !declaredEnvs.includes(name)) c.fail('$.default', `names an environment that $.envs does not declare (${list(declaredEnvs)})`);
    config.defaultEnv = name;
  }
  if (raw.tiers !== undefined) {
    const tiers = raw.tiers as unknown[];
    if (!Array.isArray(tiers) || tiers.length === 0) c.fail('$.tiers', 'must be a non-empty array of tier names');
    tiers.forEach((tier: unknown, i: number) => {
      if (typeof tier !== 'string' || !TIER_NAME.test(tier)) c.fail(`$.tiers[${i}]`, 'must be a tier name (a lowercase word such as "desktop")');
    });
    config.tiers = tiers as string[];
  }
  const envNames = declaredEnvs && config.defaultEnv ? [...declaredEnvs, config.defaultEnv] : declaredEnvs;
  if (raw.credentials !== undefined) {
    config.credentials = new Map();
    const { object, keys } = c.namedKeys(raw.credentials, '$.credentials', nameProblem);
    for (const name of keys) {
      const at = `$.credentials.${name}`;
      const e = c.object(object[name], at, ['description', 'rotateAfterDays']);
      const credential: CredentialSpec = { description: c.string(e.description, at, '.description') };
      if (e.rotateAfterDays !== undefined) credential.rotateAfterDays = rotationDays(c, e.rotateAfterDays, at, '.rotateAfterDays');
      config.credentials.set(name, credential);
    }
  }
  if (raw.secrets !== undefined) {
    config.secrets = new Map();
    const { object, keys } = c.namedKeys(raw.secrets, '$.secrets', nameProblem);
    // An index rather than for-of: interpreted code makes an iterator result for each step.
    for (let i = 0; i < keys.length; i++) {
      const name = keys[i];
      const path = `$.secrets.${name}`;
      if (config.credentials?.has(name)) c.fail(path, 'is also in $.credentials: a name is either a runtime secret or a deploy credential');
      config.secrets.set(name, secretSpec(c, name, object[name], path, config.tiers, envNames));
    }
  }
  return config;
}

/** Whether JSON.parse(text) fails before its end (rather than by running out of text). */
function failsBeforeEnd(text: string): boolean {
  try {
    JSON.parse(text);
    return false;
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message);
    return !/Unexpected end/.test(message) && !(position && Number(position[1]) >= text.length);
  }
}

/**
 * Where JSON.parse gave up. Newer Node versions say it; Node 20 often only quotes the text (which
 * must not be shown: it may hold a value), so the shortest prefix that fails is searched for.
 */
function errorOffset(text: string, message: string): number {
  const position = /at position (\d+)/.exec(message);
  if (position) return Number(position[1]);
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsBeforeEnd(text.slice(0, mid + 1))) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** JSON.parse with an error that gives a line and column, never a piece of the text. */
export function parseConfigText(source: string, file: string): ParsedConfig {
  const text = source.replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const before = text.slice(0, errorOffset(text, (error as Error).message));
    const where = ` at line ${before.split('\n').length}, column ${before.length - before.lastIndexOf('\n')}`;
    throw new UsageError(`${file} is not valid JSON${where}: fix it and run again.`, { cause: error });
  }
  return parseConfig(value, file);
}
