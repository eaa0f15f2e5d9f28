// `GET /plan?tier=T`: what the project's manifest says each secret needs in tier T (its class,
// the tier's strategy, whether it is required and present), as `px secret plan --json` prints it,
// for deployment tools. Names and strategies only, never a value. Served when `px server` runs
// inside a project that declares secrets (px.config.json or example files); elsewhere the route
// says there is no manifest.
import type { Context, Hono } from 'hono';
import { PxError, UsageError } from '../core/errors.js';
import { planRows } from '../core/manifest/plan.js';
import type { Manifest } from '../core/manifest/types.js';
import type { SecretStore } from '../core/store.js';

/** The plan of `tier` given the names the store holds; throws a usage error for a tier the manifest does not declare. */
export type PlanSource = (tier: string, stored: Set<string>) => Record<string, unknown>;

/**
 * The plan source of `px server` in a project: its manifest in environment `env`, shaped as
 * `px secret plan --json` prints it (`target` names the store the server serves).
 */
export function manifestPlan(manifest: Pick<Manifest, 'secrets' | 'tiers'>, env: string, target: string): PlanSource {
  return (tier, stored) => {
    // Not repeated: a tier's shape does not tell it from a pasted value.
    if (manifest.tiers && !manifest.tiers.includes(tier)) throw new UsageError(`The tier given is not one of px.config.json's tiers (${manifest.tiers.join(', ')}).`);
    return { target, env, tier, secrets: planRows(manifest.secrets.values(), env, tier, (name) => stored.has(name)) };
  };
}

/** What a tier may look like in a URL; anything else is refused without being repeated. */
const TIER = /^[a-z][a-z0-9_-]{0,31}$/;

type RouteEnv = { Variables: { outcome?: string } };
type Fail<E extends RouteEnv> = (c: Context<E>, status: 400 | 404, error: string) => Response;

export function planRoute<E extends RouteEnv>(app: Hono<E>, options: { plan?: PlanSource; storeOf: (c: Context<E>) => SecretStore; fail: Fail<E> }): void {
  app.get('/plan', async (c) => {
    const { plan, fail } = options;
    if (!plan) return fail(c, 404, 'this server serves no project manifest: run px server inside the project (with px.config.json)');
    const tier = c.req.query('tier');
    if (tier === undefined || tier === '') return fail(c, 400, 'give the tier: GET /plan?tier=desktop');
    if (!TIER.test(tier)) return fail(c, 400, 'a tier is lowercase letters, digits, - and _, starting with a letter');
    const stored = new Set((await options.storeOf(c).list()).map((meta) => meta.name));
    try {
      return c.json(plan(tier, stored));
    } catch (error) {
      if (error instanceof PxError && error.kind === 'usage') return fail(c, 400, error.message);
      throw error;
    }
  });
}
