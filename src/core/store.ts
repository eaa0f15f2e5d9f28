// A store of secrets that the endpoint serves (`px server`, TestDevServer) and that the CLI can
// use directly (the embedded local store). Unlike SecretsBackend it can say whether a write
// created or replaced, and it can hand values to `px run`.
import type { BulkResult, SecretEntry, SecretMeta } from './backend.js';
import { nextVersionNumber, rollbackSource, versionList, withNewVersion, type ChangeBy, type Versioned, type VersionMeta } from './secret-versions.js';

export interface PutResult {
  meta: SecretMeta;
  created: boolean;
}

export interface RollbackResult {
  meta: SecretMeta;
  /** The new current version. */
  version: number;
  /** The version whose value it took. */
  rolledBackTo: number;
}

export interface SecretStore {
  list(): Promise<SecretMeta[]>;
  exists(name: string): Promise<boolean>;
  /** `change.by`: who writes (the token's name on a server); default the store's own actor. */
  put(name: string, value: string, change?: ChangeBy): Promise<PutResult>;
  /** False when absent. */
  delete(name: string): Promise<boolean>;
  /** All or nothing: either every entry is written or none is. */
  bulkPut(entries: SecretEntry[], change?: ChangeBy): Promise<BulkResult>;
  /** Every name with its value, for `px run`. */
  values(): Promise<Map<string, string>>;
  /** Throws when the store cannot be reached (for `GET /healthz`). */
  ping?(): Promise<void>;
  /** NAME's versions, newest first, never a value; null when there is no such secret. */
  versions(name: string): Promise<VersionMeta[] | null>;
  /** Makes an earlier version's value current, as a new version (default: the one before the
   *  current). Throws NotFound for an unknown NAME or a version not kept. */
  rollback(name: string, version: number | undefined, change?: ChangeBy): Promise<RollbackResult>;
  close?(): Promise<void>;
}

/** A store in memory only: TestDevServer and `px server --memory`. */
export class MemoryStore implements SecretStore {
  private readonly secrets = new Map<string, Versioned>();

  /** `actor`: who a change without `change.by` is recorded as. */
  constructor(private readonly actor = 'unknown') {}

  async list(): Promise<SecretMeta[]> {
    return [...this.secrets.entries()]
      .map(([name, s]) => ({ name, createdAt: s.createdAt, updatedAt: s.updatedAt }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async exists(name: string): Promise<boolean> {
    return this.secrets.has(name);
  }

  async put(name: string, value: string, change: ChangeBy = {}): Promise<PutResult> {
    const now = new Date().toISOString();
    const previous = this.secrets.get(name);
    const next = withNewVersion(previous, value, now, nextVersionNumber(previous), { by: this.actor, ...change });
    this.secrets.set(name, next);
    return { meta: { name, createdAt: next.createdAt, updatedAt: now }, created: previous === undefined };
  }

  async versions(name: string): Promise<VersionMeta[] | null> {
    const secret = this.secrets.get(name);
    return secret ? versionList(secret) : null;
  }

  async rollback(name: string, version: number | undefined, change: ChangeBy = {}): Promise<RollbackResult> {
    const source = rollbackSource(name, this.secrets.get(name), version);
    const { meta } = await this.put(name, source.value, { ...change, rollbackOf: source.version });
    return { meta, version: this.secrets.get(name)!.version!, rolledBackTo: source.version };
  }

  async delete(name: string): Promise<boolean> {
    return this.secrets.delete(name);
  }

  async bulkPut(entries: SecretEntry[], change: ChangeBy = {}): Promise<BulkResult> {
    let created = 0;
    for (const { name, value } of entries) {
      if ((await this.put(name, value, change)).created) created++;
    }
    return { created, updated: entries.length - created };
  }

  async values(): Promise<Map<string, string>> {
    return new Map([...this.secrets].map(([name, s]) => [name, s.value]));
  }
}
