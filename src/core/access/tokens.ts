// Tokens of a px server: a random secret shown once, kept only as its SHA-256, bound to a role
// and a scope (project and environment).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from './roles.js';

export interface Scope {
  project: string;
  env: string;
}

export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  scope: Scope;
  /** SHA-256 of the token, hex. The token itself is never stored. */
  hash: string;
  /** Service tokens start unapproved; every other role is approved when created. */
  approved: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}

/** What the API shows of a token: never its hash. */
export interface TokenView {
  id: string;
  name: string;
  role: Role;
  scope: string;
  approved: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}

export const PROJECT_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const ENV_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
export const TOKEN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$/;
/** Ids are plain words so that they can stand in a URL path and an audit line as they are. */
export const ID_PATTERN = /^(tok|req)_[0-9a-f]{16}$/;

export const formatScope = (scope: Scope): string => `${scope.project}/${scope.env}`;

/** `project/env`, or null when it is not one. */
export function parseScope(text: string): Scope | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const project = text.slice(0, slash);
  const env = text.slice(slash + 1);
  return PROJECT_PATTERN.test(project) && ENV_PATTERN.test(env) ? { project, env } : null;
}

export const SCOPE_RULE = 'a scope is PROJECT/ENV: a project of lowercase letters, digits, . _ - and an environment matching ^[a-z][a-z0-9-]{0,31}$';

/** A project's name for scopes: its directory's name in lowercase, other characters as -. */
export function projectName(root: string): string {
  const base = root.split(/[\\/]/).filter(Boolean).at(-1) ?? 'project';
  const name = base.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 64);
  return name || 'project';
}

export const newId = (kind: 'tok' | 'req'): string => `${kind}_${randomBytes(8).toString('hex')}`;

/** 32 random bytes; the prefix lets scanners and people recognise a px token. */
export const newTokenSecret = (): string => `pxt_${randomBytes(32).toString('base64url')}`;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Constant-time comparison of two hex digests of equal length. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

export function tokenView(record: TokenRecord): TokenView {
  const { id, name, role, scope, approved, createdAt, lastUsedAt } = record;
  return { id, name, role, scope: formatScope(scope), approved, createdAt, lastUsedAt };
}
