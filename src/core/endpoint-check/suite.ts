// The conformance suite: checks an endpoint against the secrets endpoint API, in a scratch
// namespace of PX_CHECK_ names that it refuses to share with anything already stored and removes
// at the end, also when the run is stopped. The report holds what each check expected and what
// came back, described by status and shape: never a value.
import { randomBytes } from 'node:crypto';
import { MAX_BODY_BYTES, MAX_BULK_ENTRIES } from '../limits.js';
import { authChecks, PREFIX, secretChecks, type Check, type RunContext } from './checks.js';
import { CheckAborted, CheckFailed, describe, isObject, noAnswer, Recorder, type FetchLike } from './exchange.js';
import { errorChecks, ruleChecks, type Limits } from './rule-checks.js';
import { valueChecks } from './value-checks.js';

export type { FetchLike, ResponseLike } from './exchange.js';
export type { Limits } from './rule-checks.js';

export interface CheckEndpointOptions {
  /** The endpoint's base URL (any base works for an in-process `fetch`, e.g. http://endpoint.test). */
  url: string;
  /** A bearer token of the endpoint; an admin token also lets the values route be checked. */
  token: string;
  /** Default: the global fetch. */
  fetch?: FetchLike;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /** Default: px's own (32 MiB, 10,000 entries). */
  limits?: Partial<Limits>;
  /** Stops the run early; the cleanup still runs. */
  signal?: AbortSignal;
  /** Called as each check ends, for progress. */
  onCheck?: (result: CheckResult) => void;
}

export interface CheckResult {
  id: string;
  title: string;
  status: 'passed' | 'failed' | 'skipped';
  expected: string;
  /** What came back (for a skipped check: why it was skipped). */
  got: string;
}

export interface EndpointReport {
  url: string;
  /** True when no check failed (and the run was not stopped). */
  passed: boolean;
  stopped: boolean;
  checks: CheckResult[];
  counts: { passed: number; failed: number; skipped: number };
  /** PX_CHECK_ names the cleanup could not delete (empty when it could). */
  left: string[];
}

/** The endpoint cannot be checked at all: refused token, no answer, or PX_CHECK_ names present. */
export class EndpointCheckRefused extends Error {
  constructor(
    readonly reason: 'auth' | 'unreachable' | 'malformed' | 'in-use',
    message: string,
  ) {
    super(message);
    this.name = 'EndpointCheckRefused';
  }
}

/** Every check, in the order they run: the error checks last, over all the answers before them. */
export function suiteChecks(limits: Limits): Check[] {
  return [...authChecks, ...secretChecks, ...ruleChecks(limits), ...valueChecks, ...errorChecks];
}

function runContext(recorder: Recorder): RunContext {
  const stem = randomBytes(8).toString('hex');
  const secrets = new Set<string>();
  let count = 0;
  return {
    http: recorder,
    stem,
    value: () => `pxcheck-${stem}-${++count}`,
    written: new Set(),
    tokens: new Set(),
    sent: (secret) => void secrets.add(secret),
    holdsSent: (text) => text.includes(stem) || [...secrets].some((secret) => secret.length >= 8 && text.includes(secret)),
  };
}

/** Names already stored under PX_CHECK_: the suite will not touch a store that has any. */
async function scratchNamesInUse(recorder: Recorder, url: string, timeoutMs: number, cleanup = false): Promise<string[]> {
  let answer;
  try {
    answer = await recorder.call('GET', '/secrets', { record: false, cleanup });
  } catch (error) {
    if (error instanceof CheckAborted) throw error;
    throw new EndpointCheckRefused('unreachable', `${url} gave ${error instanceof CheckFailed ? error.got : noAnswer(error, timeoutMs)} to GET /secrets.`);
  }
  if (answer.status === 401 || answer.status === 403) throw new EndpointCheckRefused('auth', `${url} rejected the token (GET /secrets → ${answer.status}).`);
  const secrets = isObject(answer.json) && Array.isArray(answer.json.secrets) ? answer.json.secrets : undefined;
  if (answer.status !== 200 || !secrets) {
    throw new EndpointCheckRefused('malformed', `GET /secrets on ${url} answered ${describe(answer)}, not 200 {secrets: […]}: cannot tell whether ${PREFIX}* names are stored.`);
  }
  return secrets.map((entry) => (isObject(entry) ? entry.name : undefined)).filter((name): name is string => typeof name === 'string' && name.startsWith(PREFIX));
}

/**
 * Deletes every PX_CHECK_ name and revokes the run's tokens. The list says what is stored; only
 * when it cannot be had are the names the run may have written deleted one by one instead.
 */
async function cleanUp(run: RunContext): Promise<string[]> {
  let names: string[];
  try {
    names = await scratchNamesInUse(run.http, '', 0, true);
  } catch {
    names = [...run.written];
  }
  const left: string[] = [];
  const queue = [...names];
  const worker = async (): Promise<void> => {
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
      const answer = await run.http.call('DELETE', `/secrets/${name}`, { record: false, cleanup: true }).catch(() => undefined);
      if (!answer || (answer.status !== 204 && answer.status !== 404)) left.push(name);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  for (const id of run.tokens) await run.http.call('DELETE', `/tokens/${id}`, { record: false, cleanup: true }).catch(() => undefined);
  return left.sort();
}

/**
 * Runs the suite against the endpoint at `options.url`. Resolves with a report (a failed check
 * is a result, not an error); rejects with EndpointCheckRefused when nothing could be checked.
 */
export async function checkEndpoint(options: CheckEndpointOptions): Promise<EndpointReport> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const limits: Limits = { bodyBytes: MAX_BODY_BYTES, bulkEntries: MAX_BULK_ENTRIES, ...options.limits };
  const fetch = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
  const base = options.url.replace(/\/+$/, '');
  const recorder = new Recorder({ fetch, base, token: options.token, timeoutMs, signal: options.signal });
  const inUse = await scratchNamesInUse(recorder, base, timeoutMs);
  if (inUse.length > 0) {
    const shown = inUse.slice(0, 3).join(', ') + (inUse.length > 3 ? `, … (${inUse.length})` : '');
    throw new EndpointCheckRefused('in-use', `${base} already stores ${PREFIX}* names (${shown}): the check writes and deletes those names, so it will not run there. Delete them first (they may be left from a check that was killed).`);
  }
  const run = runContext(recorder);
  run.sent(options.token);
  const checks: CheckResult[] = [];
  let stopped = false;
  let left: string[] = [];
  try {
    for (const check of suiteChecks(limits)) {
      let result: CheckResult;
      try {
        const skipped = await check.run(run);
        result = { id: check.id, title: check.title, status: skipped ? 'skipped' : 'passed', expected: check.expected, got: skipped || 'as expected' };
      } catch (error) {
        if (error instanceof CheckAborted) {
          stopped = true;
          break;
        }
        if (!(error instanceof CheckFailed)) throw error;
        result = { id: check.id, title: check.title, status: 'failed', expected: error.expected, got: error.got };
      }
      checks.push(result);
      options.onCheck?.(result);
    }
  } finally {
    left = await cleanUp(run);
  }
  const count = (status: CheckResult['status']) => checks.filter((check) => check.status === status).length;
  const counts = { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
  return { url: base, passed: !stopped && counts.failed === 0, stopped, checks, counts, left };
}
