// How the conformance suite talks to an endpoint: through a fetch-like function, recording every
// exchange (status, content type, body) so that later checks can look at all the errors, and
// describing answers by their shape only, so that a report never holds a value.

/** The part of a Response the suite reads. */
export interface ResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** What the suite needs from `fetch`: the global one, or an in-process app's (`app.request`). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
) => ResponseLike | Promise<ResponseLike>;

export interface Answer {
  method: string;
  path: string;
  status: number;
  contentType: string;
  text: string;
  /** The parsed body; undefined when it is empty or not JSON. */
  json: unknown;
}

/** A check's verdict when a step went wrong: what the contract expects and what came back. */
export class CheckFailed extends Error {
  constructor(
    readonly expected: string,
    readonly got: string,
  ) {
    super(`expected ${expected}, got ${got}`);
  }
}

/** The run was stopped (signal): the check in progress is not reported. */
export class CheckAborted extends Error {}

type Json = Record<string, unknown>;
export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const SAFE_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** `{secrets: [{name, createdAt, updatedAt}], count}`: keys and structure, never a string's content. */
export function shapeOf(value: unknown, depth = 0): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return depth > 1 ? '[…]' : `[${shapeOf(value[0], depth + 1)}${value.length > 1 ? ', …' : ''}]`;
  }
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (depth > 1) return keys.length ? '{…}' : '{}';
    const shown = keys.slice(0, 8).map((key) => {
      const label = SAFE_KEY.test(key) ? key : '…';
      const inner = value[key];
      return typeof inner === 'object' && inner !== null ? `${label}: ${shapeOf(inner, depth + 1)}` : label;
    });
    return `{${shown.join(', ')}${keys.length > 8 ? ', …' : ''}}`;
  }
  if (value === null) return 'null';
  return typeof value;
}

/** A path as a report may show it: a segment that is not a valid name (it may be a value) is `…`. */
export function shownPath(path: string): string {
  return path
    .split('?')[0]
    .split('/')
    .map((segment) => (segment === '' || /^[A-Za-z_][A-Za-z0-9_]{0,255}$|^[a-z]+(-[a-z]+)*$/.test(segment) ? segment : '…'))
    .join('/');
}

/** One answer as a report may show it: the status and the body's shape. */
export function describe(answer: Answer): string {
  if (answer.text === '') return `${answer.status} with an empty body`;
  if (answer.json === undefined) return `${answer.status} with a body that is not JSON`;
  return `${answer.status} ${shapeOf(answer.json)}`;
}

const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed while sending',
  UND_ERR_SOCKET: 'the connection was closed',
  ENOTFOUND: 'host not found',
};

/** Why a request got no answer, in a few words (never the error's own text: it may quote a URL). */
export function noAnswer(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; code?: string; cause?: { name?: string; code?: string } };
  if (err?.name === 'TimeoutError' || err?.cause?.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  const code = err?.code ?? err?.cause?.code ?? '';
  return `no answer (${NETWORK[code] ?? 'the request failed'})`;
}

export interface Transport {
  fetch: FetchLike;
  base: string;
  token: string;
  timeoutMs: number;
  /** Stops the run after the request in flight; the cleanup still runs. */
  signal?: AbortSignal;
}

export class Recorder {
  readonly answers: Answer[] = [];
  constructor(private readonly transport: Transport) {}

  /**
   * One request. `token: null` sends no Authorization header; a string sends that token instead
   * of the user's. A request that gets no answer fails the check that made it.
   */
  async call(method: string, path: string, options: { body?: unknown; raw?: string; token?: string | null; record?: boolean; cleanup?: boolean } = {}): Promise<Answer> {
    const { fetch, base, timeoutMs, signal } = this.transport;
    if (signal?.aborted && !options.cleanup) throw new CheckAborted('stopped');
    const token = options.token === undefined ? this.transport.token : options.token;
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    // A stop never cuts a request short: one in flight could still land after the cleanup.
    let answer: Answer;
    try {
      const response = await fetch(`${base}${path}`, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
      const text = await response.text();
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      answer = { method, path, status: response.status, contentType: response.headers.get('content-type') ?? '', text, json };
    } catch (error) {
      throw new CheckFailed(`an answer to ${method} ${shownPath(path)}`, noAnswer(error, timeoutMs));
    }
    if (signal?.aborted && !options.cleanup) throw new CheckAborted('stopped');
    if (options.record !== false) this.answers.push(answer);
    return answer;
  }
}
