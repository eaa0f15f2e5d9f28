// px-secrets/client: read runtime secrets from app code. With a URL (option, PX_URL or
// px.config.json, as for the CLI) it reads through POST /secrets/values with a service token
// (option or PX_TOKEN); without one, from the environment's namespace of the project's encrypted
// local store (the environment as the CLI picks it: option, PX_ENV, `default`, development).
// Values are cached for `cacheTtlMs`. `px secret types` writes a declaration that fills
// SecretNames, so that `get('OPENAI_API_KEY')` is checked at compile time.
import { AccessClient } from '../core/access/access-client.js';
import { readServiceValues } from '../core/access/service-values.js';
import { EndpointClient } from '../core/endpoint-client.js';
import { NotFound, PxError, UsageError } from '../core/errors.js';
import { DEFAULT_TIMEOUT_SECONDS } from '../core/limits.js';
import { nameProblem } from '../core/names.js';
import { findProject } from '../core/project.js';
import type { SecretStore } from '../core/store.js';
import { openLocalStore, resolveTarget } from '../core/target.js';
import { resolveEnvironment, type Environment } from '../core/manifest/manifest.js';

/** Filled by the declaration `px secret types` writes; empty, any valid name is accepted. */
// biome-ignore lint/suspicious/noEmptyInterface: module augmentation fills it
export interface SecretNames {}

/** The names `get` accepts: the manifest's once `px secret types` ran, else any string. */
export type SecretName = keyof SecretNames extends never ? string : Extract<keyof SecretNames, string>;

export interface SecretsClientOptions {
  /** The secrets endpoint; default PX_URL. Without either, the project's local store is read. */
  url?: string;
  /** A service token granted the names; default PX_TOKEN. */
  token?: string;
  /** A directory of the project whose local store is read without a URL; default the current one. */
  project?: string;
  /**
   * The environment, as the CLI's `--env`: default PX_ENV, else `default` in px.config.json, else
   * development. It picks the local store's namespace, and `envs.<env>.url` in px.config.json.
   */
  environment?: string;
  /** How long a value is kept before it is read again, in ms; default 60,000; 0 reads every time. */
  cacheTtlMs?: number;
  /** Per endpoint request, in seconds; default 10. */
  timeoutSeconds?: number;
  /** The environment variables to read PX_URL, PX_TOKEN, PX_ENV and PX_STORE_KEY from; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface SecretsClient {
  /** The value of `name`; rejects with a SecretsError when it is not stored or not granted. */
  get(name: SecretName): Promise<string>;
  /** Several values in one request. */
  getMany<const K extends SecretName>(names: readonly K[]): Promise<Record<K, string>>;
  /** Forgets every cached value. */
  clear(): void;
  close(): Promise<void>;
}

/** What went wrong, in px's words (never a value); `kind` is `not-found`, `auth`, `unreachable`, … */
export class SecretsError extends Error {
  constructor(
    message: string,
    readonly kind: string,
  ) {
    super(message);
    this.name = 'SecretsError';
  }
}

const DEFAULT_TTL_MS = 60_000;

function asSecretsError(error: unknown): SecretsError {
  if (error instanceof PxError) return new SecretsError(error.message, error.kind);
  return new SecretsError(error instanceof Error ? error.message : String(error), 'internal');
}

type ClientTarget = { kind: 'url'; url: string } | { kind: 'local'; root: string; environment: Environment };

/**
 * Where values come from, decided as the CLI decides it: the `url` option, else PX_URL, else
 * px.config.json's `envs.<env>.url` or `url`, else the environment's namespace of the local store.
 */
function targetOf(options: SecretsClientOptions, env: NodeJS.ProcessEnv): ClientTarget {
  const given = options.url ?? env.PX_URL;
  if (given) return { kind: 'url', url: given };
  const project = findProject(options.project ?? process.cwd(), { home: env.HOME ?? env.USERPROFILE });
  const environment = resolveEnvironment(options.environment, env, project.manifest);
  const target = resolveTarget(undefined, env, project, environment.name);
  return target.kind === 'url' ? { kind: 'url', url: target.url } : { kind: 'local', root: target.root, environment };
}

export function createSecretsClient(options: SecretsClientOptions = {}): SecretsClient {
  const env = options.env ?? process.env;
  const ttl = options.cacheTtlMs ?? DEFAULT_TTL_MS;
  if (!Number.isFinite(ttl) || ttl < 0) throw new SecretsError('cacheTtlMs takes a number of milliseconds ≥ 0.', 'usage');
  const cache = new Map<string, { value: string; until: number }>();
  let endpoint: EndpointClient | undefined;
  let local: Promise<SecretStore> | undefined;
  let where: string | undefined;
  let decided: ClientTarget | undefined;

  const fetchValues = async (names: string[]): Promise<Map<string, string>> => {
    const target = (decided ??= targetOf(options, env));
    if (target.kind === 'url') {
      where = target.url;
      const token = options.token ?? env.PX_TOKEN;
      if (!token) throw new UsageError(`No token for ${target.url}: pass { token } or set PX_TOKEN to a service token granted these names.`);
      endpoint ??= new EndpointClient({ url: target.url.replace(/\/+$/, ''), token, timeoutSeconds: options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS });
      return readServiceValues(new AccessClient(endpoint), names, endpoint.label);
    }
    where = target.environment.isDefault ? 'the local store' : `the local store · ${target.environment.name}`;
    local ??= (async () => (await openLocalStore({ root: target.root, cwd: target.root, env, warn: () => undefined, namespace: target.environment.name })).store)();
    return (await local).valuesOf(names);
  };

  const getMany = async (names: readonly string[]): Promise<Map<string, string>> => {
    for (const name of names) {
      const problem = nameProblem(name);
      if (problem) throw new SecretsError(`Not a secret name: ${problem}.`, 'usage');
    }
    const now = Date.now();
    const found = new Map<string, string>();
    const wanted: string[] = [];
    for (const name of new Set(names)) {
      const hit = cache.get(name);
      if (hit && hit.until > now) found.set(name, hit.value);
      else wanted.push(name);
    }
    if (wanted.length > 0) {
      let values: Map<string, string>;
      try {
        values = await fetchValues(wanted);
      } catch (error) {
        throw asSecretsError(error);
      }
      const absent = wanted.filter((name) => !values.has(name));
      if (absent.length > 0) throw asSecretsError(new NotFound(`Not stored: ${absent.join(', ')} (${where}).`));
      for (const [name, value] of values) {
        found.set(name, value);
        if (ttl > 0) cache.set(name, { value, until: now + ttl });
      }
    }
    return found;
  };

  return {
    async get(name) {
      return (await getMany([name])).get(name)!;
    },
    async getMany(names) {
      return Object.fromEntries(await getMany(names)) as Record<(typeof names)[number], string>;
    },
    clear() {
      cache.clear();
    },
    async close() {
      cache.clear();
      await endpoint?.close();
    },
  };
}
