// What the target holds, as the manifest commands (list, validate, plan) need it: metadata by
// name, and values so `format` can be checked: all of the local store's, or for validate those an
// endpoint lets the token read (endpoint-formats.ts).
import type { SecretMeta } from '../../core/backend.js';
import type { SecretsSession } from '../../cli/project-target.js';
import type { EndpointClient } from '../../core/endpoint-client.js';

export interface StoredState {
  stored: Map<string, SecretMeta>;
  /** undefined when the target does not hand values out: `invalid` cannot be told then. */
  values?: Map<string, string>;
  /** From an endpoint: declared names left unchecked, and why; `whole`: not even their presence. */
  unchecked?: { names: string[]; why: string; whole: boolean };
  /** False when the token sees no times, so staleness cannot be told. */
  ageChecked?: boolean;
}

/**
 * Reads what the session's target holds, then closes it (the commands need nothing more from it).
 * `alsoRead` runs after the list, while the target is still open (`px secret list`'s readers).
 */
export async function readStoredState(
  session: SecretsSession,
  options: { values: boolean; alsoRead?: () => Promise<void>; endpointFormats?: { tier?: string } },
): Promise<StoredState> {
  const { backend } = session;
  try {
    const { manifest } = session.project;
    // On an endpoint, validate asks what the token's role can tell (endpoint-formats.ts); a list
    // never reads a value there, as the endpoint audits every value read.
    if (options.endpointFormats && !session.local && manifest.secrets.size > 0) {
      const { readEndpointState } = await import('./endpoint-formats.js');
      return await readEndpointState(backend as EndpointClient, manifest, session.env.name, options.endpointFormats.tier);
    }
    const stored = new Map<string, SecretMeta>();
    for (const meta of await backend.list()) stored.set(meta.name, meta);
    await options.alsoRead?.();
    const values = options.values && session.local && backend.values && manifest.secrets.size > 0 ? await backend.values() : undefined;
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
