// What a secrets endpoint answers, checked before px uses it: small guards rather than zod (whose
// first parse alone costs ~4 ms in a fresh process). Only the fields px expects survive, so a
// `value` field in a listing is dropped, and text that reaches the terminal (names, times, who
// changed a version) cannot carry control characters.
import type { BulkResult, SecretMeta } from './backend.js';
import { EndpointError } from './errors.js';
import { nameSyntaxProblem } from './names.js';
import { versionMarks, type VersionMeta } from './secret-versions.js';

type Json = Record<string, unknown>;
export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
/** A timestamp as an endpoint sends it (ISO 8601); nothing that could drive a terminal. */
const isTime = (value: unknown): value is string => typeof value === 'string' && /^[0-9A-Za-z:.+\- ]{1,40}$/.test(value);
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** {name, createdAt, updatedAt} as strings; anything else (a `value` field included) is dropped. */
export function asMeta(value: unknown): SecretMeta | null {
  if (!isObject(value) || typeof value.name !== 'string' || !isTime(value.createdAt) || !isTime(value.updatedAt)) return null;
  // Names reach the terminal: one that breaks the name rules (escape sequences included) is not
  // from a px endpoint.
  if (nameSyntaxProblem(value.name) !== null) return null;
  return { name: value.name, createdAt: value.createdAt, updatedAt: value.updatedAt };
}
export function asList(value: unknown): SecretMeta[] | null {
  if (!isObject(value) || !Array.isArray(value.secrets) || !isCount(value.count)) return null;
  const secrets = value.secrets.map(asMeta);
  return secrets.every((meta) => meta !== null) ? (secrets as SecretMeta[]) : null;
}
export const asExists = (value: unknown): boolean | null => (isObject(value) && typeof value.exists === 'boolean' ? value.exists : null);
export const asBulk = (value: unknown): BulkResult | null =>
  isObject(value) && isCount(value.created) && isCount(value.updated) ? { created: value.created, updated: value.updated } : null;

/** Who changed a version, as an endpoint says it: shown on the terminal, so plain text only. */
const isActor = (value: unknown): value is string => typeof value === 'string' && /^[^\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]{1,128}$/.test(value);
export function asVersions(value: unknown): VersionMeta[] | null {
  if (!isObject(value) || !Array.isArray(value.versions)) return null;
  const versions = value.versions.map((v: unknown, index): VersionMeta | null => {
    if (!isObject(v) || !isCount(v.version) || v.version < 1 || !isTime(v.createdAt) || !isActor(v.by)) return null;
    if (v.rollbackOf !== undefined && !isCount(v.rollbackOf)) return null;
    if (v.rotation !== undefined && typeof v.rotation !== 'boolean') return null;
    return { version: v.version, createdAt: v.createdAt, by: v.by, ...versionMarks({ rollbackOf: v.rollbackOf as number | undefined, rotation: v.rotation as boolean | undefined }), current: index === 0 };
  });
  return versions.every((v) => v !== null) ? (versions as VersionMeta[]) : null;
}
export const asRollback = (value: unknown): { version: number; rolledBackTo: number } | null =>
  isObject(value) && isCount(value.version) && isCount(value.rolledBackTo) ? { version: value.version, rolledBackTo: value.rolledBackTo } : null;

export function parse<T>(check: (body: unknown) => T | null, body: unknown, label: string): T {
  const result = check(body);
  if (result === null) throw malformed(label);
  return result;
}

export function malformed(label: string): EndpointError {
  return new EndpointError(`${label} sent a malformed response. Check that the URL points at a px secrets endpoint.`);
}
