// `px endpoint check [--url URL] [--json]`: runs the conformance suite against an endpoint with
// the user's token and reports each check. Ctrl+C or SIGTERM stops it after removing its
// scratch names.
import { AuthRejected, EndpointError, PxError, Refused, Unreachable, UsageError } from '../../core/errors.js';
import { isLoopbackHost, resolveTarget, resolveToken } from '../../core/target.js';
import { nodeFetch } from '../../core/endpoint-check/node-fetch.js';
import { checkEndpoint, EndpointCheckRefused, type CheckResult, type EndpointReport } from '../../core/endpoint-check/suite.js';
import { line, warn, type Io } from '../../cli/io.js';
import { projectOf, timeoutOf, type GlobalArgs } from '../../cli/project-target.js';

export interface EndpointCheckArgs extends GlobalArgs {
  json?: boolean;
  insecure?: boolean;
}

const MARK = { passed: '✓', failed: '✗', skipped: '-' } as const;

function printCheck(io: Io, check: CheckResult): void {
  line(io.stdout, `${MARK[check.status]} ${check.id}: ${check.title}${check.status === 'skipped' ? ` (skipped: ${check.got})` : ''}`);
  if (check.status !== 'failed') return;
  line(io.stdout, `    expected: ${check.expected}`);
  line(io.stdout, `    got:      ${check.got}`);
}

function refusal(error: EndpointCheckRefused, url: string): PxError {
  if (error.reason === 'auth') return new AuthRejected(`${error.message} Set PX_TOKEN or run \`px login --url ${url}\`.`);
  if (error.reason === 'unreachable') return new Unreachable(`${error.message} Check that the endpoint is running and the URL is right.`);
  if (error.reason === 'malformed') return new EndpointError(error.message);
  return new Refused(error.message);
}

/** Stops the suite at SIGINT/SIGTERM; a second signal exits at once, leaving the names. */
function stopOnSignals(io: Io): { signal: AbortSignal; stoppedBy: () => NodeJS.Signals | undefined; release: () => void } {
  const controller = new AbortController();
  let by: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (by) {
      warn(io, 'stopped before the cleanup finished: PX_CHECK_* names may be left on the endpoint; delete them before the next check.');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    by = signal;
    line(io.stderr, 'Stopping after the request in flight, then removing the PX_CHECK_* names (press Ctrl+C again to stop now).');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    stoppedBy: () => by,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

export async function runEndpointCheck(io: Io, args: EndpointCheckArgs): Promise<number> {
  const project = projectOf(io, args);
  const target = resolveTarget(args.url, io.env, project);
  if (target.kind !== 'url') {
    throw new UsageError('px endpoint check needs an endpoint: give --url URL, set PX_URL, or "url" in px.config.json (to check px itself, run `px server` and check its URL).');
  }
  const url = new URL(target.url);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !args.insecure) {
    throw new UsageError(`${target.url} is plain http on another machine: the check would send your token and test values unencrypted. Use https, or pass --insecure.`);
  }
  const timeoutMs = timeoutOf(args) * 1000;
  const token = await resolveToken(target.url, io.env, project.root, io.keychain?.());
  const stop = stopOnSignals(io);
  const fetch = nodeFetch();
  let report: EndpointReport;
  try {
    if (!args.json) line(io.stdout, `Checking ${target.url} against the secrets endpoint API (scratch names PX_CHECK_*).`);
    report = await checkEndpoint({ url: target.url, token, fetch, timeoutMs, signal: stop.signal, onCheck: args.json ? undefined : (check) => printCheck(io, check) });
  } catch (error) {
    if (error instanceof EndpointCheckRefused) throw refusal(error, target.url);
    throw error;
  } finally {
    stop.release();
    fetch.close();
  }
  const { passed, failed, skipped } = report.counts;
  if (args.json) line(io.stdout, JSON.stringify(report));
  else line(io.stdout, `${passed} passed, ${failed} failed, ${skipped} skipped.${report.left.length === 0 ? ' PX_CHECK_* names removed.' : ''}`);
  if (report.left.length > 0) warn(io, `could not delete ${report.left.length} PX_CHECK_* names (${report.left.slice(0, 3).join(', ')}${report.left.length > 3 ? ', …' : ''}): delete them before the next check.`);
  const by = stop.stoppedBy();
  if (report.stopped && by) {
    line(io.stderr, `Stopped after ${report.checks.length} checks${report.left.length === 0 ? '; PX_CHECK_* names removed' : ''}.`);
    return by === 'SIGINT' ? 130 : 143;
  }
  return failed > 0 || report.left.length > 0 ? 1 : 0;
}
