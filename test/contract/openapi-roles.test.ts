// The roles docs/openapi.yaml names for each route (`security` and `x-px-roles`) are the roles the
// endpoint code lets through: every documented operation, called by a token of each role, is
// refused with 403 exactly when the document leaves that role out. (What a let-through call then
// answers is the other tests' business; every answer is checked against the document anyway.)
import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/core/access/roles.js';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { openApiDocument } from '../helpers/openapi.js';

const ROLES: Role[] = ['admin', 'writer', 'reader', 'service'];
const PARAMS: Record<string, string> = { name: 'GRANTED', id: 'tok_0000000000000000' };
/** A body each route accepts the shape of, so that a let-through call gets past its parsing. */
const BODIES: Record<string, unknown> = {
  'POST /secrets': { name: 'ROLE_CHECK', value: 'role-check-value' },
  'POST /secrets/bulk': { secrets: [{ name: 'ROLE_CHECK', value: 'role-check-value' }] },
  'POST /secrets/values': { names: ['GRANTED'] },
  'POST /secrets/{name}/rollback': { version: 1 },
  'POST /tokens': { role: 'reader' },
  'POST /access-requests': { names: ['GRANTED'] },
};

describe('docs/openapi.yaml and the roles', () => {
  it('names for every route exactly the roles the endpoint code lets through', async () => {
    const server = await TestDevServer.start();
    try {
      await server.store.put('GRANTED', 'granted-value');
      const tokens = new Map<Role, string>();
      for (const role of ROLES) tokens.set(role, (await server.addToken(role, role === 'service' ? { grant: ['GRANTED'] } : {})).token);
      let operations = 0;
      for (const [template, item] of Object.entries(openApiDocument.paths as Record<string, Record<string, { 'x-px-roles'?: Role[] }>>)) {
        for (const [method, operation] of Object.entries(item)) {
          if (method === 'parameters' || !operation['x-px-roles'] || operation['x-px-roles'].length === 0) continue;
          operations++;
          const path = template.replace(/\{(\w+)\}/g, (_, param: string) => PARAMS[param]!) + (template === '/plan' ? '?tier=desktop' : '');
          const body = BODIES[`${method.toUpperCase()} ${template}`];
          for (const role of ROLES) {
            const response = await fetch(`${server.url}${path}`, {
              method: method.toUpperCase(),
              headers: { authorization: `Bearer ${tokens.get(role)}`, ...(method === 'get' || method === 'delete' ? {} : { 'content-type': 'application/json' }) },
              body: method === 'get' || method === 'delete' ? undefined : JSON.stringify(body ?? {}),
            });
            await response.arrayBuffer();
            expect(response.status === 403, `${method.toUpperCase()} ${template} as ${role}: ${response.status}`).toBe(!operation['x-px-roles'].includes(role));
          }
        }
      }
      expect(operations).toBeGreaterThan(12);
    } finally {
      await server.close();
    }
  });
});
