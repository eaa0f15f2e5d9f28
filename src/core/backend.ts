// What every target of `px secret …` can do: the HTTP endpoint client and the embedded local
// store both implement it, so commands do not care where secrets live.
import type { VersionMeta } from './secret-versions.js';

export interface SecretMeta {
  name: string;
  createdAt: string; // ISO 8601
  updatedAt: string; // ISO 8601
}

export interface SecretEntry {
  name: string;
  value: string;
}

export interface BulkResult {
  created: number;
  updated: number;
}

export interface SecretsBackend {
  /** One short line naming where secrets go: `local store (.px)` or the endpoint URL. */
  readonly label: string;
  /** How many entries one bulk request may carry; import chunks past it. */
  readonly bulkLimit: number;
  list(): Promise<SecretMeta[]>;
  exists(name: string): Promise<boolean>;
  /** Creates or replaces; the caller has already decided that replacing is fine. `rotation`
   *  marks the new version as a rotation in the secret's history. */
  put(name: string, value: string, options?: { rotation?: boolean }): Promise<SecretMeta>;
  /** Throws NotFound when absent. */
  delete(name: string): Promise<void>;
  /** All or nothing. */
  bulkPut(entries: SecretEntry[]): Promise<BulkResult>;
  /**
   * Values by name (`names` only, when given; absent names are left out). Only targets that hand
   * values to this process have it: the local store, or an endpoint with a token allowed to read.
   */
  values?(names?: string[]): Promise<Map<string, string>>;
  /** NAME's versions, newest first (never a value); throws NotFound when absent. */
  versions(name: string): Promise<VersionMeta[]>;
  /** Makes `version` (default: the one before the current) current again, as a new version. */
  rollback(name: string, version?: number): Promise<{ version: number; rolledBackTo: number }>;
  close?(): Promise<void>;
}
