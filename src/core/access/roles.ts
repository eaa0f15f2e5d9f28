// Who may do what on the secrets endpoint: one table, read by the server's route guard and its
// refusals (test/access/roles.test.ts checks the README's API table against it).

export const ROLES = ['admin', 'writer', 'reader', 'service'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** Every guarded action of the API. */
export type Action =
  | 'secrets.list'
  | 'secrets.write'
  | 'secrets.delete'
  | 'secrets.exists'
  | 'secrets.versions'
  | 'secrets.rollback'
  | 'secrets.values'
  | 'tokens.manage'
  | 'access.request'
  | 'access.decide';

/**
 * The roles allowed each action. An admin may do everything a writer may, but never read a value:
 * values go only to a service token an admin approved, for the names granted to it.
 */
export const ALLOWED: Record<Action, readonly Role[]> = {
  'secrets.list': ['reader', 'writer', 'admin'],
  'secrets.write': ['writer', 'admin'],
  'secrets.delete': ['writer', 'admin'],
  'secrets.exists': ['reader', 'writer', 'admin', 'service'],
  'secrets.versions': ['reader', 'writer', 'admin'],
  'secrets.rollback': ['writer', 'admin'],
  'secrets.values': ['service'],
  'tokens.manage': ['admin'],
  'access.request': ['service'],
  'access.decide': ['admin'],
};

/** Actions an unapproved service token may take: it can only ask for access. */
export const BEFORE_APPROVAL: ReadonlySet<Action> = new Set(['access.request']);

export function mayDo(role: Role, approved: boolean, action: Action): boolean {
  if (!ALLOWED[action].includes(role)) return false;
  return approved || BEFORE_APPROVAL.has(action);
}

/** "writer or admin", for refusals. */
export function rolesFor(action: Action): string {
  const roles = ALLOWED[action];
  return roles.length === 1 ? roles[0] : `${roles.slice(0, -1).join(', ')} or ${roles.at(-1)}`;
}
