// A store of secrets that the endpoint serves (`px server`, TestDevServer) and that the CLI can
// use directly (the embedded local store). Unlike SecretsBackend it can say whether a write
// created or replaced, and it can hand values to `px run`.
import type { BulkResult, SecretEntry, SecretMeta } from './backend.js';

export interface PutResult {
  meta: SecretMeta;
  created: boolean;
}

export interface SecretStore {
  list(): Promise<SecretMeta[]>;
  exists(name: string): Promise<boolean>;
  put(name: string, value: string): Promise<PutResult>;
  /** False when absent. */
  delete(name: string): Promise<boolean>;
  /** All or nothing: either every entry is written or none is. */
  bulkPut(entries: SecretEntry[]): Promise<BulkResult>;
  /** Every name with its value, for `px run`. */
  values(): Promise<Map<string, string>>;
  /** Throws when the store cannot be reached (for `GET /healthz`). */
  ping?(): Promise<void>;
  close?(): Promise<void>;
}

/** A store in memory only: TestDevServer and `px server --memory`. */
export class MemoryStore implements SecretStore {
  private readonly secrets = new Map<string, { value: string; createdAt: string; updatedAt: string }>();

  async list(): Promise<SecretMeta[]> {
    return [...this.secrets.entries()]
      .map(([name, s]) => ({ name, createdAt: s.createdAt, updatedAt: s.updatedAt }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async exists(name: string): Promise<boolean> {
    return this.secrets.has(name);
  }

  async put(name: string, value: string): Promise<PutResult> {
    const now = new Date().toISOString();
    const previous = this.secrets.get(name);
    const createdAt = previous?.createdAt ?? now;
    this.secrets.set(name, { value, createdAt, updatedAt: now });
    return { meta: { name, createdAt, updatedAt: now }, created: previous === undefined };
  }

  async delete(name: string): Promise<boolean> {
    return this.secrets.delete(name);
  }

  async bulkPut(entries: SecretEntry[]): Promise<BulkResult> {
    let created = 0;
    for (const { name, value } of entries) {
      if ((await this.put(name, value)).created) created++;
    }
    return { created, updated: entries.length - created };
  }

  async values(): Promise<Map<string, string>> {
    return new Map([...this.secrets].map(([name, s]) => [name, s.value]));
  }
}
