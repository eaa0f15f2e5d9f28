// What `px secret validate` can tell on an endpoint, by the token's role. No role but an approved
// service token reads values, so:
// - a token that may list (reader, writer, admin) gets presence and age from GET /secrets; formats
//   stay unchecked, and no value is asked for (the refusal would only fill the audit log);
// - a service token may not list: validate reads the declared names through POST /secrets/values,
//   as `px run` does, which gives presence and formats (the endpoint audits each name read) but
//   no times. Names it is not granted are left unchecked and said by name; validate never asks for
//   access itself (a check must not leave requests behind for an admin).
import { AccessClient, NotGranted, ValuesRefused } from '../../core/access/access-client.js';
import type { SecretMeta } from '../../core/backend.js';
import { TokenRefused, type EndpointClient } from '../../core/endpoint-client.js';
import { resolveSecret, strategyFor } from '../../core/manifest/plan.js';
import type { Manifest } from '../../core/manifest/types.js';

export interface EndpointState {
  stored: Map<string, SecretMeta>;
  values: Map<string, string>;
  /** Names declared and not checked, and why (one sentence, no value); `whole`: not even presence. */
  unchecked: { names: string[]; why: string; whole: boolean } | undefined;
  /** False when the token sees no times (a service token): staleness cannot be told. */
  ageChecked: boolean;
}

/** The stored secrets whose format validate checks in `env` and `tier`. */
export function namesWithFormat(manifest: Pick<Manifest, 'secrets'>, env: string, tier: string | undefined, stored: ReadonlySet<string>): string[] {
  const names: string[] = [];
  for (const spec of manifest.secrets.values()) {
    if (!stored.has(spec.name) || strategyFor(spec, tier) === 'strip') continue;
    if (resolveSecret(spec, env).format !== undefined) names.push(spec.name);
  }
  return names;
}

const NOT_GRANTED = 'this token is not granted them (`px run` with it asks for access, which an admin approves)';

export async function readEndpointState(endpoint: EndpointClient, manifest: Pick<Manifest, 'secrets'>, env: string, tier: string | undefined): Promise<EndpointState> {
  let listRefused: TokenRefused;
  try {
    const stored = new Map((await endpoint.list()).map((meta) => [meta.name, meta]));
    const names = namesWithFormat(manifest, env, tier, new Set(stored.keys()));
    const why = 'only an approved service token may read values, and this token lists instead (presence and age were checked)';
    return { stored, values: new Map(), unchecked: names.length > 0 ? { names, why, whole: false } : undefined, ageChecked: true };
  } catch (error) {
    if (!(error instanceof TokenRefused)) throw error;
    listRefused = error;
  }
  // Refused the list: a service token, or a token that may do neither (then the values route says so).
  const declared = [...manifest.secrets.keys()];
  const client = new AccessClient(endpoint);
  let values: Map<string, string>;
  let unchecked: EndpointState['unchecked'];
  try {
    values = await client.values(declared);
  } catch (error) {
    // An unapproved service token is told why by the values route; an endpoint without one (404,
    // 405) leaves the list's refusal as the reason.
    if (error instanceof ValuesRefused) throw error;
    if (!(error instanceof NotGranted)) throw listRefused;
    const refused = new Set(error.names);
    const granted = declared.filter((name) => !refused.has(name));
    unchecked = { names: declared.filter((name) => refused.has(name)), why: NOT_GRANTED, whole: true };
    try {
      values = granted.length > 0 ? await client.values(granted) : new Map();
    } catch (again) {
      // The grant shrank between the two requests: nothing is checked rather than guessed.
      if (!(again instanceof NotGranted) && !(again instanceof ValuesRefused)) throw again;
      values = new Map();
      unchecked = { names: declared, why: NOT_GRANTED, whole: true };
    }
  }
  // Present is what the endpoint handed out; no time comes with a value, so none is stale.
  const now = new Date().toISOString();
  const stored = new Map([...values.keys()].map((name) => [name, { name, createdAt: now, updatedAt: now }]));
  return { stored, values, unchecked, ageChecked: false };
}
