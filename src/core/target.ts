// Where `px secret …` sends its work: --url, then PX_URL, then `envs.<env>.url`, then `url` in
// px.config.json, then the project's embedded local store (the environment's namespace of it).
import { join, relative } from 'node:path';
import type { BulkResult, SecretEntry, SecretMeta, SecretsBackend } from './backend.js';
import { AuthRejected, NotFound, UsageError } from './errors.js';
import { openKeychain, keychainUnreachableReason, type Keychain } from './keychain.js';
import { MAX_BULK_ENTRIES } from './limits.js';
import { STORE_DIR, type Project } from './project.js';
import { assertPxDir, readPrivateFile } from './px-dir.js';
import type { SecretStore } from './store.js';
import type { LocalStore } from './local-store.js';
import type { Transport } from './endpoint-client.js';
import type { VersionMeta } from './secret-versions.js';

export type Target =
  | { kind: 'url'; url: string; source: '--url' | 'PX_URL' | 'px.config.json' }
  | { kind: 'local'; root: string };

/** The target line of human-readable output: `local store (.px)`, and ` · ENV` when not the default one. */
export function targetLine(label: string, env: { name: string; isDefault: boolean }): string {
  return env.isDefault ? label : `${label} · ${env.name}`;
}

export const LOCAL_LABEL = 'local store (.px)';

/** "local store (.px)" in the project root; elsewhere its path from cwd, so you know which store. */
export function localLabel(cwd: string, root: string): string {
  const path = relative(cwd, join(root, STORE_DIR));
  return path === STORE_DIR ? LOCAL_LABEL : `local store (${path})`;
}

/**
 * The project's local store, for the commands that use it (`px secret`, `px run`, `px server`),
 * opened on one environment's namespace (default development), named by its path from cwd.
 */
export async function openLocalStore(options: {
  root: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  keychain?: Keychain;
  warn: (line: string) => void;
  namespace?: string;
}): Promise<{ store: LocalStore; label: string }> {
  // Loaded only for the local target: its crypto and file code are not needed to talk HTTP.
  const { LocalStore } = await import('./local-store.js');
  const store = await LocalStore.open({ root: options.root, env: options.env, keychain: options.keychain, warn: options.warn, namespace: options.namespace });
  return { store, label: localLabel(options.cwd, options.root) };
}

export const SERVER_TOKEN_FILE = join('.px', 'server-token');
export const LOGIN_SERVICE = 'px login';

/** `envName`: the environment, whose `envs.<env>.url` comes before the top-level `url`. */
export function resolveTarget(flagUrl: string | undefined, env: NodeJS.ProcessEnv, project: Project, envName?: string): Target {
  // An empty --url (`--url "$UNSET"`) is a mistake, not a request for the local store.
  if (flagUrl !== undefined) return { kind: 'url', url: checkUrl(flagUrl, '--url'), source: '--url' };
  if (env.PX_URL) return { kind: 'url', url: checkUrl(env.PX_URL, 'PX_URL'), source: 'PX_URL' };
  const envUrl = envName === undefined ? undefined : project.manifest?.envs[envName]?.url;
  if (envUrl !== undefined) return { kind: 'url', url: checkUrl(envUrl, 'px.config.json'), source: 'px.config.json' };
  if (project.config.url) return { kind: 'url', url: checkUrl(project.config.url, 'px.config.json'), source: 'px.config.json' };
  return { kind: 'local', root: project.root };
}

function checkUrl(raw: string, source: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    const what = raw === '' ? 'is empty' : 'is not a valid URL';
    throw new UsageError(`The endpoint URL from ${source} ${what}: give one like https://secrets.example.com.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`The endpoint URL from ${source} must start with http:// or https://.`);
  }
  if (url.username || url.password) {
    throw new UsageError(`The endpoint URL from ${source} must not hold credentials: use PX_TOKEN or \`px login\`.`);
  }
  // px appends /secrets… to the URL: a query or fragment would send every request elsewhere, and
  // may hold a token that px would then print on every line that names the target.
  if (url.search || url.hash || raw.includes('?') || raw.includes('#')) {
    throw new UsageError(`The endpoint URL from ${source} must not have a query or fragment (?… or #…): give the endpoint's base URL, and the token in PX_TOKEN or \`px login\`.`);
  }
  return raw.replace(/\/+$/, '');
}

/**
 * True only for names that cannot leave this machine: localhost, ::1 and IPv4 addresses in
 * 127.0.0.0/8. A host name that merely starts with "127." (127.example.com) is not loopback.
 */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1' || host === '[::1]') return true;
  const parts = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return parts !== null && parts.slice(1).every((part) => Number(part) <= 255);
}

function isLoopback(url: string): boolean {
  return isLoopbackHost(new URL(url).hostname);
}

/** PX_TOKEN, else the token of this project's own `px server` (loopback only), else `px login`. */
export async function resolveToken(url: string, env: NodeJS.ProcessEnv, root: string, keychain?: Keychain): Promise<string> {
  if (env.PX_TOKEN) return env.PX_TOKEN;
  if (isLoopback(url)) {
    // Only from the user's own .px/, and only a token px wrote (0600): a checkout cannot choose it.
    assertPxDir(root);
    const token = readPrivateFile(join(root, SERVER_TOKEN_FILE), SERVER_TOKEN_FILE)?.trim();
    if (token) return token;
  }
  // Without a keychain there is no stored token: say how to get one rather than failing on it.
  const source = keychain ?? (keychainUnreachableReason(env) === null ? openKeychain(env) : undefined);
  if (source) {
    const stored = await source.get(LOGIN_SERVICE, url);
    if (stored) return stored;
  }
  throw new AuthRejected(`No token for ${url}: set PX_TOKEN or run \`px login --url ${url}\`.`);
}

export interface OpenOptions {
  root: string;
  /** For labels: the local store is named by its path from here. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Default: the OS keychain. */
  keychain?: Keychain;
  timeoutSeconds: number;
  warn: (line: string) => void;
  /** The environment's namespace of the local store (default development). */
  namespace?: string;
  /** Plain http:// to a non-loopback host allowed (`--insecure`). */
  insecure?: boolean;
  /** Tests only: how the endpoint client reaches the network. */
  transport?: Transport;
}

export async function openBackend(target: Target, options: OpenOptions): Promise<SecretsBackend> {
  if (target.kind === 'url') {
    const token = await resolveToken(target.url, options.env, options.root, options.keychain);
    // Loaded only for URL targets: the HTTP client is the biggest part of px's start-up.
    const { EndpointClient } = await import('./endpoint-client.js');
    return new EndpointClient({ url: target.url, token, timeoutSeconds: options.timeoutSeconds, insecure: options.insecure, transport: options.transport });
  }
  const { store, label } = await openLocalStore({ ...options, root: target.root });
  return new StoreBackend(store, label);
}

/** A SecretStore used directly by the CLI (the embedded local store). */
export class StoreBackend implements SecretsBackend {
  readonly bulkLimit = MAX_BULK_ENTRIES;
  constructor(
    readonly store: SecretStore,
    readonly label: string,
  ) {}
  list(): Promise<SecretMeta[]> {
    return this.store.list();
  }
  exists(name: string): Promise<boolean> {
    return this.store.exists(name);
  }
  async put(name: string, value: string, options: { rotation?: boolean } = {}): Promise<SecretMeta> {
    return (await this.store.put(name, value, options.rotation ? { rotation: true } : {})).meta;
  }
  async delete(name: string): Promise<void> {
    if (!(await this.store.delete(name))) throw new NotFound(`No secret named ${name} in ${this.label}.`);
  }
  bulkPut(entries: SecretEntry[]): Promise<BulkResult> {
    return this.store.bulkPut(entries);
  }
  async values(names?: string[]): Promise<Map<string, string>> {
    const all = await this.store.values();
    if (!names) return all;
    return new Map(names.flatMap((name) => (all.has(name) ? [[name, all.get(name)!] as const] : [])));
  }
  async versions(name: string): Promise<VersionMeta[]> {
    const versions = await this.store.versions(name);
    if (!versions) throw new NotFound(`No secret named ${name} in ${this.label}.`);
    return versions;
  }
  async rollback(name: string, version?: number): Promise<{ version: number; rolledBackTo: number }> {
    const { version: made, rolledBackTo } = await this.store.rollback(name, version);
    return { version: made, rolledBackTo };
  }
  async close(): Promise<void> {
    await this.store.close?.();
  }
}
