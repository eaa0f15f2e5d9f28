// px-secrets/client: read runtime secrets from app code. With a URL (option or PX_URL) it reads
// through POST /secrets/values with a service token (option or PX_TOKEN); without one, from the
// project's encrypted local store. Values are cached for `cacheTtlMs`. `px secret types` writes a
// declaration that fills SecretNames, so that `get('OPENAI_API_KEY')` is checked at compile time.
import { AccessClient } from '../core/access/access-client.js';
import { readServiceValues } from '../core/access/service-values.js';
import { EndpointClient } from '../core/endpoint-client.js';
import { NotFound, PxError, UsageError } from '../core/errors.js';
import { DEFAULT_TIMEOUT_SECONDS } from '../core/limits.js';
import { nameProblem } from '../core/names.js';
import { findProject } from '../core/project.js';
import type { SecretStore } from '../core/store.js';
import { openLocalStore } from '../core/target.js';

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
  /** How long a value is kept before it is read again, in ms; default 60,000; 0 reads every time. */
  cacheTtlMs?: number;
  /** Per endpoint request, in seconds; default 10. */
  timeoutSeconds?: number;
  /** The environment variables to read PX_URL, PX_TOKEN and PX_STORE_KEY from; default process.env. */
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

export function createSecretsClient(options: SecretsClientOptions = {}): SecretsClient {
  const env = options.env ?? process.env;
  const url = options.url ?? env.PX_URL;
  const ttl = options.cacheTtlMs ?? DEFAULT_TTL_MS;
  if (!Number.isFinite(ttl) || ttl < 0) throw new SecretsError('cacheTtlMs takes a number of milliseconds ≥ 0.', 'usage');
  const cache = new Map<string, { value: string; until: number }>();
  let endpoint: EndpointClient | undefined;
  let local: Promise<SecretStore> | undefined;

  const fetchValues = async (names: string[]): Promise<Map<string, string>> => {
    if (url) {
      const token = options.token ?? env.PX_TOKEN;
      if (!token) throw new UsageError(`No token for ${url}: pass { token } or set PX_TOKEN to a service token granted these names.`);
      endpoint ??= new EndpointClient({ url: url.replace(/\/+$/, ''), token, timeoutSeconds: options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS });
      return readServiceValues(new AccessClient(endpoint), names, endpoint.label);
    }
    local ??= (async () => {
      const root = findProject(options.project ?? process.cwd()).root;
      return (await openLocalStore({ root, cwd: root, env, warn: () => undefined })).store;
    })();
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
      if (absent.length > 0) throw asSecretsError(new NotFound(`Not stored: ${absent.join(', ')} (${url ?? 'the local store'}).`));
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
