// The README's API table says which roles each route takes; the guard reads ALLOWED. They agree.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOWED, mayDo, type Action } from '../../src/core/access/roles.js';

const ROUTE_ACTIONS: Record<string, Action> = {
  'POST /secrets': 'secrets.write',
  'GET /secrets': 'secrets.list',
  'DELETE /secrets/:name': 'secrets.delete',
  'GET /secrets/:name/exists': 'secrets.exists',
  'POST /secrets/bulk': 'secrets.write',
  'POST /secrets/values': 'secrets.values',
  'GET /secrets/:name/versions': 'secrets.versions',
  'POST /secrets/:name/rollback': 'secrets.rollback',
  'POST /tokens': 'tokens.manage',
  'GET /tokens': 'tokens.manage',
  'DELETE /tokens/:id': 'tokens.manage',
  'POST /tokens/:id/approve': 'tokens.manage',
  'POST /access-requests': 'access.request',
  'GET /access-requests': 'access.decide',
  'POST /access-requests/:id/approve': 'access.decide',
};

describe('roles', () => {
  it("the README's API table lists the roles the server allows, route by route", () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## The secrets endpoint API'));
    const seen = new Set<string>();
    for (const row of section.split('\n').filter((line) => line.startsWith('| `'))) {
      const [routeCell, rolesCell] = row.split('|').slice(1, 3).map((cell) => cell.trim());
      const route = /^`([A-Z]+ \/[^`]+)`/.exec(routeCell)?.[1];
      if (!route || !(route in ROUTE_ACTIONS)) continue;
      seen.add(route);
      const roles = rolesCell.replace(/\(.*?\)/g, '').split(',').map((role) => role.trim()).sort();
      expect(roles, route).toEqual([...ALLOWED[ROUTE_ACTIONS[route]]].sort());
    }
    expect([...seen].sort()).toEqual(Object.keys(ROUTE_ACTIONS).sort());
  });

  it('an unapproved service token may only ask for access; no role but service reads values', () => {
    const actions = Object.keys(ALLOWED) as Action[];
    expect(actions.filter((action) => mayDo('service', false, action))).toEqual(['access.request']);
    for (const role of ['admin', 'writer', 'reader'] as const) expect(mayDo(role, true, 'secrets.values')).toBe(false);
    expect(mayDo('service', true, 'secrets.values')).toBe(true);
  });
});
