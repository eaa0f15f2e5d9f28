// Reads px.config.json: every field checked, each problem named by its JSON path (`$.secrets.X.format`),
// exit 2. Hand-written rather than zod: it runs on every command, and a 200-entry manifest must cost
// next to nothing at start-up. schema/px.config.schema.json describes the same rules for editors;
// a test keeps the two in agreement.
import { UsageError } from '../errors.js';
import { nameProblem } from '../names.js';
import { DEFAULT_GENERATOR, MAX_GENERATED_LENGTH, MIN_GENERATED_LENGTH, sampleValues } from './charsets.js';
import { CHARSETS, SECRET_CLASSES, type Charset, STRATEGIES, type CredentialSpec, type EnvOverride, type Generator, type SecretSpec, type Strategy } from './types.js';

export const ENV_NAME = /^[a-z][a-z0-9-]{0,31}$/;
export const TIER_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const TOP_KEYS = ['$schema', 'url', 'default', 'envs', 'tiers', 'secrets', 'credentials', 'deploy'];
const SECRET_KEYS = ['class', 'description', 'required', 'format', 'generator', 'prompt', 'sensitive', 'rotateAfterDays', 'tiers', 'envs'];
const OVERRIDE_KEYS = ['required', 'format', 'generator', 'sensitive'];
const generatorFits = new Map<string, boolean>();

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

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (items: readonly string[]): string => items.join(', ');

class Checker {
  constructor(private readonly file: string) {}

  fail(path: string, problem: string): never {
    throw new UsageError(`${this.file}: ${path} ${problem}. Fix it and run again (px secret validate checks the file).`);
  }

  object(value: unknown, path: string, keys: readonly string[]): Json {
    if (!isObject(value)) this.fail(path, 'must be an object');
    for (const key of Object.keys(value)) {
      // A key is named only when it is a plain word: a misplaced value must not be printed.
      if (!keys.includes(key)) this.fail(/^[A-Za-z$][A-Za-z0-9_]{0,40}$/.test(key) ? `${path}.${key}` : path, `is not a known field (known: ${list(keys)})`);
    }
    return value;
  }

  string(value: unknown, path: string): string | undefined {
    if (value !== undefined && typeof value !== 'string') this.fail(path, 'must be a string');
    return value as string | undefined;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (value !== undefined && typeof value !== 'boolean') this.fail(path, 'must be true or false');
    return value as boolean | undefined;
  }

  /** The keys of an object whose keys are names: an invalid one is counted, never shown. */
  namedEntries(value: unknown, path: string, rule: (key: string) => string | null): Array<[string, unknown]> {
    if (!isObject(value)) this.fail(path, 'must be an object');
    const entries = Object.entries(value);
    entries.forEach(([key], index) => {
      const problem = rule(key);
      if (problem) this.fail(path, `has an invalid name as its key number ${index + 1} (not shown, in case it is a value): ${problem}`);
    });
    return entries;
  }

  format(value: unknown, path: string): string | undefined {
    const format = this.string(value, path);
    if (format === undefined) return undefined;
    try {
      new RegExp(format, 'u');
    } catch (error) {
      this.fail(path, `is not a valid regular expression (${(error as Error).message.replace(/^Invalid regular expression: /, '')})`);
    }
    return format;
  }

  generator(value: unknown, path: string): Generator | undefined {
    if (value === undefined) return undefined;
    const raw = this.object(value, path, ['type', 'length', 'charset']);
    if (raw.type === 'uuid') {
      if (raw.length !== undefined || raw.charset !== undefined) this.fail(path, 'of type uuid takes no length or charset');
      return { type: 'uuid' };
    }
    if (raw.type !== 'random') this.fail(`${path}.type`, 'must be "random" or "uuid"');
    const length = raw.length ?? 32;
    if (!Number.isInteger(length) || (length as number) < MIN_GENERATED_LENGTH || (length as number) > MAX_GENERATED_LENGTH) {
      this.fail(`${path}.length`, `must be a whole number from ${MIN_GENERATED_LENGTH} to ${MAX_GENERATED_LENGTH}`);
    }
    const charset = raw.charset ?? 'alnum';
    if (!CHARSETS.includes(charset as never)) this.fail(`${path}.charset`, `must be one of ${list(CHARSETS)}`);
    return { type: 'random', length: length as number, charset: charset as Charset };
  }

  /** A generator whose values can never pass the format would make every generated secret invalid. */
  generatorMatches(generator: Generator | undefined, format: string | undefined, path: string): void {
    if (!generator || format === undefined) return;
    // Manifests repeat one generator and format over many entries: each pair is checked once.
    const key = JSON.stringify([generator, format]);
    let fits = generatorFits.get(key);
    if (fits === undefined) {
      const regex = new RegExp(format, 'u');
      fits = sampleValues(generator).every((sample) => regex.test(sample));
      generatorFits.set(key, fits);
    }
    if (!fits) {
      this.fail(path, 'makes values that do not match the format it is checked against: change the generator or the format');
    }
  }
}

/** A rotation period: whole days, 1 to 36500 (a hundred years). */
function rotationDays(c: Checker, days: unknown, path: string): number {
  if (!Number.isInteger(days) || (days as number) < 1 || (days as number) > 36_500) c.fail(path, 'must be a whole number of days from 1 to 36500');
  return days as number;
}

function secretSpec(c: Checker, name: string, value: unknown, path: string, tiers: string[] | undefined, envs: string[] | undefined): SecretSpec {
  const raw = c.object(value, path, SECRET_KEYS);
  if (!SECRET_CLASSES.includes(raw.class as never)) c.fail(`${path}.class`, `must be one of ${list(SECRET_CLASSES)}`);
  const spec: SecretSpec = {
    name,
    class: raw.class as SecretSpec['class'],
    description: c.string(raw.description, `${path}.description`),
    required: c.boolean(raw.required, `${path}.required`) ?? true,
    format: c.format(raw.format, `${path}.format`),
    generator: c.generator(raw.generator, `${path}.generator`),
    sensitive: c.boolean(raw.sensitive, `${path}.sensitive`) ?? true,
    tiers: {},
    envs: {},
  };
  if (raw.prompt !== undefined) {
    const prompt = c.object(raw.prompt, `${path}.prompt`, ['label', 'description']);
    spec.prompt = { label: c.string(prompt.label, `${path}.prompt.label`), description: c.string(prompt.description, `${path}.prompt.description`) };
  }
  if (raw.rotateAfterDays !== undefined) spec.rotateAfterDays = rotationDays(c, raw.rotateAfterDays, `${path}.rotateAfterDays`);
  const generator = spec.generator ?? (spec.class === 'per_install_generated' ? DEFAULT_GENERATOR : undefined);
  c.generatorMatches(generator, spec.format, `${path}.generator`);
  if (raw.tiers !== undefined) {
    for (const [tier, strategy] of c.namedEntries(raw.tiers, `${path}.tiers`, (key) => (TIER_NAME.test(key) ? null : 'tier names are lowercase words'))) {
      if (tiers && !tiers.includes(tier)) c.fail(`${path}.tiers.${tier}`, `names a tier that $.tiers does not declare (${list(tiers)})`);
      if (!STRATEGIES.includes(strategy as never)) c.fail(`${path}.tiers.${tier}`, `must be one of ${list(STRATEGIES)}`);
      spec.tiers[tier] = strategy as Strategy;
    }
  }
  if (raw.envs !== undefined) {
    for (const [env, override] of c.namedEntries(raw.envs, `${path}.envs`, envNameProblem)) {
      const at = `${path}.envs.${env}`;
      if (envs && !envs.includes(env)) c.fail(at, `names an environment that $.envs does not declare (${list(envs)})`);
      const o = c.object(override, at, OVERRIDE_KEYS);
      const parsed: EnvOverride = {};
      if (o.required !== undefined) parsed.required = c.boolean(o.required, `${at}.required`);
      if (o.sensitive !== undefined) parsed.sensitive = c.boolean(o.sensitive, `${at}.sensitive`);
      if (o.format !== undefined) parsed.format = c.format(o.format, `${at}.format`);
      if (o.generator !== undefined) parsed.generator = c.generator(o.generator, `${at}.generator`);
      c.generatorMatches(parsed.generator ?? generator, parsed.format ?? spec.format, parsed.generator ? `${at}.generator` : `${at}.format`);
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
    for (const [env, entry] of c.namedEntries(raw.envs, '$.envs', envNameProblem)) {
      const e = c.object(entry, `$.envs.${env}`, ['url']);
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
    for (const [name, entry] of c.namedEntries(raw.credentials, '$.credentials', nameProblem)) {
      const e = c.object(entry, `$.credentials.${name}`, ['description', 'rotateAfterDays']);
      const credential: CredentialSpec = { description: c.string(e.description, `$.credentials.${name}.description`) };
      if (e.rotateAfterDays !== undefined) credential.rotateAfterDays = rotationDays(c, e.rotateAfterDays, `$.credentials.${name}.rotateAfterDays`);
      config.credentials.set(name, credential);
    }
  }
  if (raw.secrets !== undefined) {
    config.secrets = new Map();
    for (const [name, entry] of c.namedEntries(raw.secrets, '$.secrets', nameProblem)) {
      if (config.credentials?.has(name)) c.fail(`$.secrets.${name}`, 'is also in $.credentials: a name is either a runtime secret or a deploy credential');
      config.secrets.set(name, secretSpec(c, name, entry, `$.secrets.${name}`, config.tiers, envNames));
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
