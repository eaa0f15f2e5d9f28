// The minimal endpoint of docs/endpoint.md passes the conformance suite, and every answer it gives
// matches docs/openapi.yaml: the example people copy is one that works.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEndpoint, type FetchLike } from '../../src/spec.js';
import { responseProblems } from '../helpers/openapi.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'docs', 'examples', 'minimal-endpoint.mjs');

describe('docs/examples/minimal-endpoint.mjs', () => {
  it('passes px endpoint check in process, each answer as docs/openapi.yaml describes it', async () => {
    const { createEndpoint } = (await import(EXAMPLE)) as { createEndpoint: (options: { token: string; secrets?: Map<string, unknown> }) => (request: Request) => Promise<Response> };
    const secrets = new Map<string, unknown>();
    const endpoint = createEndpoint({ token: 'example-token', secrets });
    const problems: string[] = [];
    const fetch: FetchLike = async (url, init) => {
      const response = await endpoint(new Request(url, init));
      const body = await response.clone().text();
      problems.push(...responseProblems({ method: init.method, path: new URL(url).pathname, status: response.status, headers: response.headers, body }));
      return response;
    };
    const report = await checkEndpoint({ url: 'http://endpoint.test', token: 'example-token', fetch });
    expect(report.checks.filter((check) => check.status === 'failed')).toEqual([]);
    // One token only: the values route of a service token cannot be checked, and says so.
    expect(report.checks.filter((check) => check.status === 'skipped').map((check) => check.id)).toEqual(['values.service']);
    expect(report.passed).toBe(true);
    expect(problems).toEqual([]);
    expect(secrets.size).toBe(0);
  });
});
