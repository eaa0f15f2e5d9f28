// What the target holds, as the manifest commands (list, validate, plan) need it: metadata by
// name, and values when the target hands them to px (the local store) so `format` can be checked.
import type { SecretMeta } from '../../core/backend.js';
import type { SecretsSession } from '../../cli/project-target.js';

export interface StoredState {
  stored: Map<string, SecretMeta>;
  /** undefined when the target does not hand values out: `invalid` cannot be told then. */
  values?: Map<string, string>;
}

/** Reads what the session's target holds, then closes it (the commands need nothing more from it). */
export async function readStoredState(session: SecretsSession, options: { values: boolean }): Promise<StoredState> {
  const { backend } = session;
  try {
    const stored = new Map((await backend.list()).map((meta) => [meta.name, meta]));
    // Only the local store is read for values here: an endpoint audits every value read, and a
    // list must not count as one.
    const values = options.values && session.local && backend.values && session.project.manifest.secrets.size > 0 ? await backend.values() : undefined;
    return { stored, values };
  } finally {
    await backend.close?.();
  }
}

/** The names declared in the manifest, e.g. for "3 of px.config.json's secrets missing". */
export function declaredIn(session: SecretsSession): string | undefined {
  const { source } = session.project.manifest;
  return source === 'px.config.json' ? 'px.config.json' : source === 'example files' ? '.env.secrets.example' : undefined;
}
