// `px-secrets/spec`: the endpoint conformance suite of `px endpoint check`, for a backend's own
// tests. Hand it a fetch-like function (the global fetch, or an in-process app's) and a token:
//
//   import { checkEndpoint } from 'px-secrets/spec';
//   const report = await checkEndpoint({ url: 'http://endpoint.test', token, fetch: (url, init) => app.request(url, init) });
//   assert.equal(report.passed, true, JSON.stringify(report.checks.filter((c) => c.status === 'failed')));
export { checkEndpoint, EndpointCheckRefused } from './core/endpoint-check/suite.js';
export type { CheckEndpointOptions, CheckResult, EndpointReport, FetchLike, Limits, ResponseLike } from './core/endpoint-check/suite.js';
