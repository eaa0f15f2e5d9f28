// The HTTP client for a project's secrets endpoint (README "The secrets endpoint API").
// Values travel only in request bodies, never in a URL, and no response field named `value`
// survives parsing.
//
// Start-up matters here: `px secret list` against an endpoint has ~15 ms on top of bare Node.
// - Transport: for http:// on loopback (the project's own `px server`), one request per connection
//   over node:net with the small strict parser of http1-response.ts (loopback-http.ts), since
//   node:http's client costs ~5 ms to load and run. Elsewhere Node's own http/https client (its
//   parser is the native llhttp), https loaded only for https URLs, synchronously (an import()
//   would start the ES module loader in px's CommonJS build). undici runs the same parser as
//   WebAssembly and costs ~70 ms to load.
// - Responses are checked by the small guards of endpoint-answers.ts rather than zod, whose first
//   parse alone costs ~4 ms in a fresh process; the server, where start-up does not matter, uses zod.
import type { Agent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import type { BulkResult, SecretEntry, SecretMeta, SecretsBackend } from './backend.js';
import { asBulk, asExists, asList, asMeta, asRollback, asVersions, isObject, malformed, parse } from './endpoint-answers.js';
import { AuthRejected, EndpointError, NotFound, PxError, Unreachable, UsageError } from './errors.js';
import { ResponseTooLarge } from './http1-response.js';
import { MAX_BODY_BYTES, MAX_BULK_ENTRIES } from './limits.js';
import { ConnectionClosed, loopbackExchange } from './loopback-http.js';
import { maskText } from './masking.js';
import { isLoopbackHost } from './target.js';
import type { VersionMeta } from './secret-versions.js';
import { visibleText } from './visible-text.js';

/** How requests reach the network (node:http/https) when not loopback-http.ts; tests inject their own. */
export interface Transport {
  request: (url: URL, options: RequestOptions) => ClientRequest;
  agent: Agent;
}
export interface EndpointOptions {
  url: string;
  token: string;
  timeoutSeconds: number;
  /** Allow plain http:// to a host that is not loopback (the token and values travel readable). */
  insecure?: boolean;
  transport?: Transport;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connecting timed out',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate could not be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host name',
};

/** A response larger than this is not a px endpoint talking (10,000 names are ~1 MiB). */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** A 403: the token is valid, but its role (or approval) does not allow the route. */
export class TokenRefused extends AuthRejected {}

export class EndpointClient implements SecretsBackend {
  readonly label: string;
  readonly bulkLimit = MAX_BULK_ENTRIES;
  readonly bodyLimit = MAX_BODY_BYTES;
  private readonly base: string;
  private transport?: Transport;

  constructor(private readonly options: EndpointOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.label = this.base;
    // Every request carries the token: refuse before the first one can be made.
    const url = new URL(this.base);
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !options.insecure) {
      throw new UsageError(`Refusing to send a token or value to ${url.host} over plain http://: use an https:// URL (or --insecure on a network you trust).`);
    }
    this.transport = options.transport;
  }

  async close(): Promise<void> {
    this.transport?.agent.destroy();
  }

  async list(): Promise<SecretMeta[]> {
    return parse(asList, await this.call('GET', '/secrets', undefined, 200), this.label);
  }

  async exists(name: string): Promise<boolean> {
    return parse(asExists, await this.call('GET', `/secrets/${encodeURIComponent(name)}/exists`, undefined, 200), this.label);
  }

  async put(name: string, value: string, options: { rotation?: boolean } = {}): Promise<SecretMeta> {
    const body = options.rotation ? { name, value, rotation: true } : { name, value };
    const { createdAt, updatedAt } = parse(asMeta, await this.call('POST', '/secrets', body, 201), this.label);
    return { name, createdAt, updatedAt };
  }

  async delete(name: string): Promise<void> {
    await this.call('DELETE', `/secrets/${encodeURIComponent(name)}`, undefined, 204, name);
  }

  async bulkPut(entries: SecretEntry[]): Promise<BulkResult> {
    return parse(asBulk, await this.call('POST', '/secrets/bulk', { secrets: entries }, 201), this.label);
  }

  async versions(name: string): Promise<VersionMeta[]> {
    return parse(asVersions, await this.call('GET', `/secrets/${encodeURIComponent(name)}/versions`, undefined, 200, name), this.label);
  }

  async rollback(name: string, version?: number): Promise<{ version: number; rolledBackTo: number }> {
    const body = version === undefined ? {} : { version };
    return parse(asRollback, await this.call('POST', `/secrets/${encodeURIComponent(name)}/rollback`, body, 201), this.label);
  }

  /**
   * One request; the parsed answer when its status is `expected`, else the error px reports.
   * `refused` may turn a 4xx answer into an error of its own (the access routes name what the
   * token may not do); the body it gets is the parsed JSON or undefined.
   */
  async call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    payload: unknown,
    expected: number | readonly number[],
    name?: string,
    refused?: (status: number, body: unknown, reason: string) => PxError | undefined,
  ): Promise<unknown> {
    const seconds = this.options.timeoutSeconds;
    let status: number;
    let text: string;
    try {
      ({ status, text } = await this.send(method, path, payload === undefined ? undefined : JSON.stringify(payload), seconds * 1000));
    } catch (error) {
      throw networkError(error, this.label, seconds);
    }
    if (typeof expected === 'number' ? status === expected : expected.includes(status)) {
      if (status === 204) return undefined;
      try {
        return JSON.parse(text);
      } catch {
        throw malformed(this.label);
      }
    }
    // What this request sent that must not come back on screen: its values, as sent (JSON-escaped)
    // and as typed, and the token.
    const sent = sentValues(payload);
    const reason = errorText(text, [...sent.flatMap(escapedForms), this.options.token]);
    if (refused && status >= 400 && status < 500) {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const error = refused(status, body, reason);
      if (error) throw error;
    }
    if (status === 403) {
      // The token is good but its role (or approval) does not allow this: logging in again won't help.
      throw new TokenRefused(`${this.label} refused this token (403${reason ? `: ${reason}` : ''}).`);
    }
    if (status === 401) {
      throw new AuthRejected(
        `${this.label} rejected the token (${status}${reason ? `: ${reason}` : ''}). Set PX_TOKEN or run \`px login --url ${this.label}\`.`,
      );
    }
    if (status === 404 && name !== undefined) throw new NotFound(`No secret named ${name} in ${this.label}.`);
    if (status === 413) throw new UsageError(`${this.label} refused the request as too large (413)${reason ? `: ${reason}` : ''}.`);
    if (status >= 400 && status < 500) {
      throw new UsageError(`${this.label} refused the request (${status})${reason ? `: ${reason}` : ''}.`);
    }
    throw new EndpointError(`${this.label} failed with ${status}${reason ? `: ${reason}` : ''}. Try again, or check the endpoint's logs.`);
  }

  /** One request; the whole exchange (connect, send, answer) must finish within `timeoutMs`. */
  private send(method: string, path: string, body: string | undefined, timeoutMs: number): Promise<{ status: number; text: string }> {
    const url = new URL(`${this.base}${path}`);
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.token}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
    };
    if (!this.transport && url.protocol === 'http:' && isLoopbackHost(url.hostname)) {
      return loopbackExchange(url, { method, headers, body, timeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES });
    }
    // One connection kept alive across the requests of one command (import chunks), closed by close().
    if (!this.transport) {
      const http = url.protocol === 'https:' ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
      this.transport = { request: http.request, agent: new http.Agent({ keepAlive: true, maxSockets: 1 }) };
    }
    const { request, agent } = this.transport;
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method,
        agent,
        signal: AbortSignal.timeout(timeoutMs),
        headers,
      });
      req.on('error', reject);
      req.on('response', (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) req.destroy(new ResponseTooLarge());
          else chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('close', () => {
          if (!response.complete) reject(new ConnectionClosed('the connection closed in the middle of the answer'));
        });
      });
      req.end(body);
    });
  }
}

/** A value as typed, as JSON writes it, and as ASCII-only JSON (Python's default) writes it. */
function escapedForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const ascii = json.replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return [value, json, ascii];
}

/** The values a request carried, so that an endpoint echoing one cannot make px print it. */
function sentValues(payload: unknown): string[] {
  if (!isObject(payload)) return [];
  if (typeof payload.value === 'string') return [payload.value];
  if (Array.isArray(payload.secrets)) return payload.secrets.map((entry: SecretEntry) => entry.value);
  return [];
}

/**
 * The endpoint's own `{"error": …}` text as one short, plain line. The API promises it never holds
 * a value, but px does not take an endpoint's word for it. First the text is put in the form a
 * terminal shows (visibleText: no escape sequences, control or zero-width characters), so nothing
 * invisible can split a value; then what the request sent, in that same form, is masked (also each
 * long line of a multiline value), before shortening, so no prefix of a value survives.
 */
function errorText(text: string, sent: readonly string[]): string {
  let message: unknown;
  try {
    const parsed: unknown = JSON.parse(text);
    message = isObject(parsed) ? parsed.error : undefined;
  } catch {
    return '';
  }
  if (typeof message !== 'string') return '';
  const hidden = sent.flatMap((value) => [value, ...value.split(/\r?\n/).filter((line) => line.trim().length >= 8)]).map(visibleText);
  const clean = maskText(visibleText(message), hidden).replace(/\s+/g, ' ').trim();
  return clean.length > 300 ? `${clean.slice(0, 300)}…` : clean;
}

function networkError(error: unknown, label: string, seconds: number): PxError {
  const err = error as { name?: string; code?: string; message?: string; cause?: { name?: string; code?: string } };
  if (error instanceof ResponseTooLarge) return new EndpointError(`${label} sent an answer larger than 64 MiB. Check that the URL points at a px secrets endpoint.`);
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError' || err?.cause?.name === 'TimeoutError') {
    return new Unreachable(`${label} did not answer within ${seconds} s. Check that it is up, or raise --timeout.`, { cause: error });
  }
  const code = err?.code ?? err?.cause?.code ?? '';
  const why = NETWORK_CODES[code] ?? 'it could not be reached';
  return new Unreachable(`Cannot reach ${label} (${why}). Check that the endpoint is running and the URL (--url, PX_URL, px.config.json) is right.`, { cause: error });
}
