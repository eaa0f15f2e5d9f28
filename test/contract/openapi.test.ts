// docs/openapi.yaml is a valid OpenAPI 3.1 document, every route the endpoint code serves is in it,
// and the response check that every TestDevServer test runs catches what it should.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/core/store.js';
import { createApp } from '../../src/server/app.js';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { OPENAPI_FILE, openApiDocument, responseProblems, type Exchange } from '../helpers/openapi.js';

const json = (): Exchange['headers'] => new Headers({ 'content-type': 'application/json' });
const exchange = (method: string, path: string, status: number, body?: unknown, headers?: Record<string, string>): Exchange => ({
  method,
  path,
  status,
  headers: body === undefined ? new Headers(headers) : new Headers({ 'content-type': 'application/json', ...headers }),
  body: body === undefined ? '' : JSON.stringify(body),
});
const TIME = '2026-01-31T12:00:00.000Z';

describe('docs/openapi.yaml', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(OPENAPI_FILE);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents every route the endpoint code serves, with its roles', () => {
    const app = createApp({ store: new MemoryStore(), token: 'x' });
    const served = app.routes
      .filter((route) => route.method !== 'ALL')
      .map((route) => `${route.method} ${route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    expect(served.length).toBeGreaterThan(4);
    for (const route of served) {
      const [method, path] = route.split(' ');
      const operation = openApiDocument.paths[path]?.[method.toLowerCase()];
      expect(operation, `${route} is not in docs/openapi.yaml`).toBeDefined();
      expect(operation.security.flatMap((requirement: { bearer?: string[] }) => requirement.bearer ?? []), `${route} names its roles`).toEqual(operation['x-px-roles']);
    }
  });
});

describe('the response check', () => {
  it('accepts answers the document describes', () => {
    expect(responseProblems(exchange('GET', '/secrets', 200, { secrets: [{ name: 'A', createdAt: TIME, updatedAt: TIME }], count: 1 }))).toEqual([]);
    expect(responseProblems(exchange('DELETE', '/secrets/A', 204))).toEqual([]);
    expect(responseProblems(exchange('POST', '/secrets/bulk', 400, { error: 'bad', entries: [{ index: 1, error: 'bad name' }] }))).toEqual([]);
    expect(responseProblems(exchange('GET', '/secrets/bulk', 405, { error: 'no' }, { allow: 'POST' }))).toEqual([]);
    expect(responseProblems(exchange('GET', '/nothing/here', 404, { error: 'no such route' }))).toEqual([]);
    expect(responseProblems(exchange('GET', '/nothing/here', 401, { error: 'token' }))).toEqual([]);
  });

  it.each([
    ['a value in the list', exchange('GET', '/secrets', 200, { secrets: [{ name: 'A', createdAt: TIME, updatedAt: TIME, value: 'v' }], count: 1 }), /must NOT have additional properties/],
    ['a time that is not ISO 8601', exchange('POST', '/secrets', 201, { name: 'A', createdAt: 'yesterday', updatedAt: TIME }), /must match format "date-time"/],
    ['a status the operation does not list', exchange('GET', '/secrets/A/exists', 404, { error: 'no' }), /status 404 is not documented/],
    ['an error without {"error"}', exchange('POST', '/secrets', 400, { message: 'bad' }), /must have required property 'error'/],
    ['a body on 204', exchange('DELETE', '/secrets/A', 204, {}), /body should be empty/],
    ['a body that is not JSON', { ...exchange('GET', '/secrets', 200), headers: json(), body: '{oops' }, /not JSON/],
    ['a path outside the document', exchange('GET', '/admin', 200, {}), /not in the document/],
    ['a wrong Allow header', exchange('PUT', '/secrets', 405, { error: 'no' }, { allow: 'GET' }), /Allow is "GET", the document says GET, POST/],
    ['no Allow header on 405', exchange('PUT', '/secrets', 405, { error: 'no' }), /header Allow is missing/],
    ['bulk counts that are not numbers', exchange('POST', '/secrets/bulk', 201, { created: '1', updated: 0 }), /must be integer/],
  ])('refuses %s', (_what, bad, problem) => {
    expect(responseProblems(bad).join('\n')).toMatch(problem);
  });
});

describe('every TestDevServer answer is checked', () => {
  let server: TestDevServer;
  beforeAll(async () => {
    server = await TestDevServer.start();
  });
  afterAll(() => server.close());

  it('the test setup observes the endpoint code, and not the injected faults', async () => {
    const seen: string[] = [];
    const observer = (seenExchange: Exchange): void => void seen.push(`${seenExchange.method} ${seenExchange.path} ${seenExchange.status}`);
    TestDevServer.observers.add(observer);
    try {
      const headers = { authorization: `Bearer ${server.token}` };
      await (await fetch(`${server.url}/secrets`, { headers })).text();
      server.malformedNext();
      await (await fetch(`${server.url}/secrets`, { headers })).text();
      await (await fetch(`${server.url}/secrets/A/exists`)).text();
    } finally {
      TestDevServer.observers.delete(observer);
    }
    expect(seen).toEqual(['GET /secrets 200', 'GET /secrets/A/exists 401']);
  });
});
