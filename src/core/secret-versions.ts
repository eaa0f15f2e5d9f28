// A secret's history: every write makes a new version and keeps the value it replaced, so a
// mistaken `--force` or import can be undone (`px secret history`, `px secret rollback`). The
// stores keep versions inside what they encrypt; nothing here ever leaves the store with a value.
import { NotFound, UsageError } from './errors.js';

/** Earlier values kept per secret, besides the current one. */
export const KEPT_VERSIONS = 10;

/** What a listing shows of one version: never its value. */
export interface VersionMeta {
  version: number;
  createdAt: string;
  /** Who wrote it: the OS user for the local store, the token's name on a server. */
  by: string;
  /** Set on a version that a rollback made: the version whose value it took. */
  rollbackOf?: number;
  /** Set on a version that `px secret rotate` wrote: a new value replacing one that was in use. */
  rotation?: true;
  current: boolean;
}

/** An earlier value, as a store keeps it (encrypted with the rest). */
export interface PastVersion {
  version: number;
  value: string;
  at: string;
  by?: string;
  rollbackOf?: number;
  rotation?: true;
}

/** The versioned part of a stored secret; absent fields are those of a store from before history. */
export interface Versioned {
  value: string;
  createdAt: string;
  updatedAt: string;
  version?: number;
  by?: string;
  rollbackOf?: number;
  rotation?: true;
  past?: PastVersion[];
}

/** Who makes a change, and (for a rollback) which version it restores or (for a rotation) that
 *  it replaces a value in use. */
export interface ChangeBy {
  by?: string;
  rollbackOf?: number;
  rotation?: boolean;
}

/** The optional marks of a version, as every store keeps them: absent when not set. */
export const versionMarks = (change: { rollbackOf?: number | null; rotation?: boolean | null }): { rollbackOf?: number; rotation?: true } => ({
  ...(change.rollbackOf ? { rollbackOf: change.rollbackOf } : {}),
  ...(change.rotation ? { rotation: true as const } : {}),
});

/** Who "you" are for the local store: the OS account, as `git log` would not know it. */
export function localActor(env: NodeJS.ProcessEnv = process.env): string {
  try {
    const name = process.getBuiltinModule('node:os').userInfo().username;
    if (name) return name;
  } catch {
    // no passwd entry (some containers): fall back to the environment
  }
  return env.USER ?? env.USERNAME ?? 'unknown';
}

/** How a listing describes a version beyond its number, time and author: "current",
 *  "rotation", "rollback to 3", joined by commas; empty for a plain write of an earlier version. */
export function versionNote(v: Pick<VersionMeta, 'current' | 'rollbackOf' | 'rotation'>): string {
  return [v.current ? 'current' : '', v.rotation ? 'rotation' : '', v.rollbackOf ? `rollback to ${v.rollbackOf}` : ''].filter(Boolean).join(', ');
}

/** The number the next write of a secret gets. */
export const nextVersionNumber = (previous: Versioned | undefined): number => (previous ? (previous.version ?? 1) + 1 : 1);

/**
 * The secret after writing `value` as version `version` (the previous value moves into its past,
 * the oldest beyond KEPT_VERSIONS are dropped). Applying the same write twice changes nothing:
 * a version at or below the current one is already there.
 */
export function withNewVersion<T extends Versioned>(previous: T | undefined, value: string, at: string, version: number, change: ChangeBy = {}): Versioned {
  if (previous && (previous.version ?? 1) >= version) return previous;
  const past = previous ? [...(previous.past ?? []), toPast(previous)].slice(-KEPT_VERSIONS) : [];
  return {
    value,
    createdAt: previous?.createdAt ?? at,
    updatedAt: at,
    version,
    ...(change.by ? { by: change.by } : {}),
    ...versionMarks(change),
    ...(past.length > 0 ? { past } : {}),
  };
}

function toPast(secret: Versioned): PastVersion {
  return {
    version: secret.version ?? 1,
    value: secret.value,
    at: secret.updatedAt,
    ...(secret.by ? { by: secret.by } : {}),
    ...versionMarks(secret),
  };
}

/** Newest first. A version written before px kept history is by "unknown". */
export function versionList(secret: Versioned): VersionMeta[] {
  const meta = (v: PastVersion, current: boolean): VersionMeta => ({
    version: v.version,
    createdAt: v.at,
    by: v.by ?? 'unknown',
    ...versionMarks(v),
    current,
  });
  return [meta(toPast(secret), true), ...[...(secret.past ?? [])].reverse().map((v) => meta(v, false))];
}

/** The value of an earlier version to make current again; default: the one before the current. */
export function rollbackSource(name: string, secret: Versioned | undefined, version?: number): PastVersion {
  if (!secret) throw new NotFound(`No secret named ${name}.`);
  const current = secret.version ?? 1;
  const past = secret.past ?? [];
  if (version === undefined) {
    const previous = past[past.length - 1];
    if (!previous) throw new NotFound(`${name} has no earlier version to roll back to (it is at version ${current}).`);
    return previous;
  }
  if (version === current) throw new UsageError(`${name} is at version ${version} already: name an earlier one (px secret history ${name}).`);
  const found = past.find((v) => v.version === version);
  if (found) return found;
  const kept = past.length > 0 ? `versions ${past[0].version}–${current} are kept` : `only version ${current} is kept`;
  throw new NotFound(`${name} has no version ${version}: ${kept} (px secret history ${name}).`);
}

/** A version number from the CLI or a request body: a whole number ≥ 1. */
export function parseVersion(raw: unknown, what: string): number {
  const n = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${what} takes a version number (1, 2, …) from px secret history.`);
  return n;
}

/** A snapshot row: [name, value, createdAt, updatedAt] and, once a secret has a version, its
 *  history as a fifth field. Rows from before history have four fields and read as version 1. */
export type SnapshotRow = [string, string, string, string] | [string, string, string, string, HistoryField];
interface HistoryField {
  v: number;
  by?: string;
  rb?: number;
  /** A rotation (`px secret rotate`) wrote it. */
  rot?: 1;
  past?: PastVersion[];
}

export function snapshotRow(name: string, s: Versioned): SnapshotRow {
  if (s.version === undefined) return [name, s.value, s.createdAt, s.updatedAt];
  const history: HistoryField = { v: s.version, ...(s.by ? { by: s.by } : {}), ...(s.rollbackOf ? { rb: s.rollbackOf } : {}), ...(s.rotation ? { rot: 1 as const } : {}), ...(s.past ? { past: s.past } : {}) };
  return [name, s.value, s.createdAt, s.updatedAt, history];
}

export function secretOfRow(row: SnapshotRow): [string, Versioned] {
  // Runs for every row of the store on each command, as cold code: indexes rather than an array
  // pattern (an iterator and a result object per field), fields set rather than spread objects.
  const history = row[4];
  const secret: Versioned = { value: row[1], createdAt: row[2], updatedAt: row[3] };
  if (!history) return [row[0], secret];
  secret.version = history.v;
  if (history.by) secret.by = history.by;
  if (history.rb) secret.rollbackOf = history.rb;
  if (history.rot === 1) secret.rotation = true;
  if (history.past) secret.past = history.past;
  return [row[0], secret];
}
