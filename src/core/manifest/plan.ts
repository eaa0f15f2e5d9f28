// What the manifest says about each secret in one environment and tier: its strategy, whether px
// must hold it, and the status of what is stored (configured, missing, stale, invalid, not in
// manifest). Pure functions over the manifest and the store's metadata; no I/O.
import type { EnvOverride, ResolvedSecret, SecretClass, SecretSpec, Strategy } from './types.js';
import { DEFAULT_GENERATOR } from './charsets.js';

export type SecretStatus = 'configured' | 'missing' | 'stale' | 'invalid' | 'not in manifest';

/** The tier of a developer's own machine: infrastructure secrets are held there, not stripped. */
export const LOCAL_TIER = 'local';

const CLASS_STRATEGY: Record<SecretClass, Strategy> = {
  infrastructure: 'strip',
  per_install_generated: 'generate',
  user_prompt: 'prompt',
  remote_fetch: 'delegate',
};

/**
 * The strategy of `spec` in `tier`: the entry's own `tiers` override, else its class's. Without a
 * tier (px run, validate without --tier) and in the `local` tier, infrastructure is held like a
 * prompted secret: it is stripped only from tiers that ship.
 */
export function strategyFor(spec: Pick<SecretSpec, 'class' | 'tiers'>, tier?: string): Strategy {
  if (tier !== undefined && spec.tiers[tier]) return spec.tiers[tier];
  if (spec.class === 'infrastructure' && (tier === undefined || tier === LOCAL_TIER)) return 'prompt';
  return CLASS_STRATEGY[spec.class];
}

/** Whether px must hold the secret for the strategy: generated and prompted ones, never stripped or delegated ones. */
export const heldByPx = (strategy: Strategy): boolean => strategy === 'generate' || strategy === 'prompt';

const compiled = new Map<string, RegExp>();
function regexOf(format: string): RegExp {
  let regex = compiled.get(format);
  if (!regex) compiled.set(format, (regex = new RegExp(format, 'u')));
  return regex;
}

/** The fields of EnvOverride that resolveSecret applies. */
type AppliedOverrides = 'required' | 'format' | 'generator' | 'sensitive';

/** `spec` with the overrides of environment `env` applied. */
export function resolveSecret(spec: SecretSpec, env: string): ResolvedSecret {
  // Field by field rather than a rest and two spreads: this runs for every entry of the manifest
  // on each command, as cold code, where the generic copies cost more than the object.
  // Typed so that a field added to EnvOverride or SecretSpec does not compile until it is handled here.
  const override: (Pick<EnvOverride, AppliedOverrides> & Record<Exclude<keyof EnvOverride, AppliedOverrides>, never>) | undefined = spec.envs[env];
  const resolved: ResolvedSecret = {
    name: spec.name,
    class: spec.class,
    description: spec.description,
    required: override?.required ?? spec.required,
    format: override?.format ?? spec.format,
    generator: override?.generator ?? spec.generator,
    prompt: spec.prompt,
    sensitive: override?.sensitive ?? spec.sensitive,
    rotateAfterDays: spec.rotateAfterDays,
    tiers: spec.tiers,
  } satisfies { [K in keyof Required<Omit<SecretSpec, 'envs'>>]: unknown };
  if (resolved.generator === undefined && resolved.class === 'per_install_generated') resolved.generator = DEFAULT_GENERATOR;
  return resolved;
}

/** Whether environment `env` requires the secret: what resolveSecret gives, without building the whole entry. */
export const requiredIn = (spec: SecretSpec, env: string): boolean => spec.envs[env]?.required ?? spec.required;
/** The format of the secret in environment `env`, as resolveSecret gives it. */
export const formatIn = (spec: SecretSpec, env: string): string | undefined => spec.envs[env]?.format ?? spec.format;

/** Whether `value` passes `format` (compiled on the first value checked against it); always without one. */
const fitsFormat = (format: string | undefined, value: string): boolean => format === undefined || regexOf(format).test(value);

/** Why `value` breaks the secret's format, naming the rule and the secret, never the value; null when it passes. */
export function formatProblem(secret: Pick<ResolvedSecret, 'name' | 'format'>, value: string): string | null {
  if (fitsFormat(secret.format, value)) return null;
  return `${secret.name} does not match its format /${secret.format}/ (px.config.json)`;
}

const DAY_MS = 86_400_000;

/** True when the secret was last set more than rotateAfterDays ago. */
export function isStale(secret: Pick<ResolvedSecret, 'rotateAfterDays'>, updatedAt: string, now: number = Date.now()): boolean {
  if (secret.rotateAfterDays === undefined) return false;
  return now - Date.parse(updatedAt) > secret.rotateAfterDays * DAY_MS;
}

/**
 * The status of one name. `stored` is its metadata (undefined when absent); `value` its value when
 * the target hands values to px (the local store), else undefined and `invalid` cannot be told.
 */
export function secretStatus(secret: Pick<ResolvedSecret, 'name' | 'format' | 'rotateAfterDays'> | undefined, stored: { updatedAt: string } | undefined, value?: string, now?: number): SecretStatus {
  if (!secret) return 'not in manifest';
  if (!stored) return 'missing';
  return presentStatus(secret.format, secret, stored.updatedAt, value, now);
}

/** The status of a stored secret of format `format` (as its environment sees it), last set at `updatedAt`. */
export function presentStatus(format: string | undefined, secret: Pick<ResolvedSecret, 'rotateAfterDays'>, updatedAt: string, value?: string, now?: number): SecretStatus {
  if (value !== undefined && !fitsFormat(format, value)) return 'invalid';
  return isStale(secret, updatedAt, now) ? 'stale' : 'configured';
}

export interface PlanRow {
  name: string;
  class: SecretClass;
  strategy: Strategy;
  required: boolean;
  present: boolean;
}

/** One row per manifest secret, in manifest order, for `px secret plan`, `GET /plan` and the UI. */
export function planRows(secrets: Iterable<SecretSpec>, env: string, tier: string | undefined, present: (name: string) => boolean): PlanRow[] {
  const rows: PlanRow[] = [];
  for (const spec of secrets) {
    rows.push({ name: spec.name, class: spec.class, strategy: strategyFor(spec, tier), required: requiredIn(spec, env), present: present(spec.name) });
  }
  return rows;
}
