// The conformance suite as a library (px-secrets/spec): it passes against px's own endpoint, in
// process and over HTTP (where every answer is also checked against docs/openapi.yaml), fails
// exactly the checks a deliberately wrong endpoint breaks, refuses a store that holds PX_CHECK_
// names, cleans up when stopped, and never puts a value in its report.
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/core/store.js';
import { createApp } from '../../src/server/app.js';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { checkEndpoint, EndpointCheckRefused, type EndpointReport } from '../../src/spec.js';
import { startFaultyEndpoint, type Fault, type FaultyEndpoint } from '../helpers/faulty-endpoint.js';

const ALL = [
  'auth.none',
  'auth.wrong',
  'create',
  'update',
  'list.shape',
  'list.no-values',
  'exists',
  'delete',
  'bulk',
  'bulk.all-or-nothing',
  'names',
  'values',
  'limits.body',
  'limits.bulk',
  'values.refused',
  'values.service',
  'errors.shape',
  'errors.no-value',
];

const ids = (report: EndpointReport, status: 'passed' | 'failed' | 'skipped'): string[] => report.checks.filter((check) => check.status === status).map((check) => check.id);

/** Nothing the run sent that is secret is in the report: values and invalid names hold "pxcheck-". */
function expectNoSecrets(report: EndpointReport, token: string): void {
  const text = JSON.stringify(report);
  expect(text).not.toMatch(/pxcheck-/);
  expect(text).not.toContain(token);
}

let faulty: FaultyEndpoint | undefined;
afterEach(async () => {
  await faulty?.close();
  faulty = undefined;
});

describe('checkEndpoint', () => {
  it('passes against the endpoint code in process, through app.request', async () => {
    const store = new MemoryStore();
    const app = createApp({ store, token: 'admin-token' });
    const report = await checkEndpoint({ url: 'http://endpoint.test', token: 'admin-token', fetch: (url, init) => app.request(url, init) });
    expect(report.checks.map((check) => check.id)).toEqual(ALL);
    expect(ids(report, 'failed')).toEqual([]);
    // With an admin token, the service flow runs; a server without token routes has it skipped.
    expect(ids(report, 'skipped')).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.left).toEqual([]);
    expect(await store.list()).toEqual([]);
    expectNoSecrets(report, 'admin-token');
  });

  // Its answers are checked against docs/openapi.yaml, which documents the values and token routes:
  // it runs once the endpoint code serves them.
  it('passes against a TestDevServer over HTTP, each answer matching docs/openapi.yaml', async () => {
    const server = await TestDevServer.start();
    try {
      const report = await checkEndpoint({ url: server.url, token: server.token });
      expect(ids(report, 'failed')).toEqual([]);
      expect(report.passed).toBe(true);
      expect(await server.store.list()).toEqual([]);
      // The suite went through every route it covers.
      const routes = new Set(server.requests.map((request) => `${request.method} ${request.path.replace(/PX_CHECK_\w+/, ':name')}`));
      for (const route of ['GET /secrets', 'POST /secrets', 'DELETE /secrets/:name', 'GET /secrets/:name/exists', 'POST /secrets/bulk', 'POST /secrets/values']) expect(routes).toContain(route);
    } finally {
      await server.close();
    }
  });

  it.each<[Fault, string[]]>([
    ['value-in-list', ['list.no-values']],
    ['half-bulk', ['bulk.all-or-nothing']],
    ['echo-value', ['errors.no-value']],
  ])('against an endpoint with the fault %s, fails exactly %j', async (fault, broken) => {
    faulty = await startFaultyEndpoint(fault);
    const report = await checkEndpoint({ url: faulty.url, token: faulty.token });
    expect(ids(report, 'failed')).toEqual([...broken].sort((a, b) => ALL.indexOf(a) - ALL.indexOf(b)));
    expect(report.passed).toBe(false);
    const failed = report.checks.find((check) => check.id === broken[0])!;
    expect(failed.expected).not.toBe('');
    expect(failed.got).not.toBe('as expected');
    expectNoSecrets(report, faulty.token);
    // The scratch names are gone, also those the faulty endpoint should not have written.
    expect((await faulty.store.list()).map((secret) => secret.name)).toEqual([]);
  });

  it('the unbroken faulty endpoint passes, so the faults are what fail', async () => {
    faulty = await startFaultyEndpoint('none');
    expect(ids(await checkEndpoint({ url: faulty.url, token: faulty.token }), 'failed')).toEqual([]);
  });

  it('refuses a store that already holds PX_CHECK_ names, touching nothing', async () => {
    faulty = await startFaultyEndpoint('none');
    await faulty.store.put('PX_CHECK_LEFT', 'kept');
    await faulty.store.put('OTHER', 'kept');
    const run = checkEndpoint({ url: faulty.url, token: faulty.token });
    await expect(run).rejects.toThrow(EndpointCheckRefused);
    await expect(run).rejects.toThrow(/already stores PX_CHECK_\* names \(PX_CHECK_LEFT\)/);
    expect(faulty.requests).toEqual(['GET /secrets']);
    expect((await faulty.store.list()).map((secret) => secret.name)).toEqual(['OTHER', 'PX_CHECK_LEFT']);
  });

  it('a wrong token or no endpoint is refused before any check', async () => {
    faulty = await startFaultyEndpoint('none');
    await expect(checkEndpoint({ url: faulty.url, token: 'wrong' })).rejects.toMatchObject({ reason: 'auth' });
    await expect(checkEndpoint({ url: 'http://127.0.0.1:9', token: 'x', fetch: async () => Promise.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })) })).rejects.toMatchObject({
      reason: 'unreachable',
      message: expect.stringContaining('connection refused'),
    });
  });

  it('stopped in the middle, it removes every PX_CHECK_ name and says it stopped', async () => {
    faulty = await startFaultyEndpoint('none');
    await faulty.store.put('KEPT', 'mine');
    const held = faulty.holdNext('POST', '/secrets/bulk');
    const stop = new AbortController();
    const run = checkEndpoint({ url: faulty.url, token: faulty.token, signal: stop.signal });
    await held.arrived;
    expect((await faulty.store.list()).some((secret) => secret.name.startsWith('PX_CHECK_'))).toBe(true);
    stop.abort();
    held.release();
    const report = await run;
    expect(report.stopped).toBe(true);
    expect(report.passed).toBe(false);
    expect(report.checks.map((check) => check.id)).toEqual(ALL.slice(0, ALL.indexOf('bulk')));
    expect(report.left).toEqual([]);
    expect((await faulty.store.list()).map((secret) => secret.name)).toEqual(['KEPT']);
  });
});
