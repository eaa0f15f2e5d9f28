// The HTTP client for a project's secrets endpoint (PRODUCT.md "The secrets endpoint API").
// Values travel only in request bodies, never in a URL, and no response field named `value`
// survives parsing.
import { request } from 'undici';
import * as z from 'zod/mini';
import type { BulkResult, SecretEntry, SecretMeta, SecretsBackend } from './backend.js';
import { AuthRejected, EndpointError, NotFound, PxError, Unreachable, UsageError } from './errors.js';
import { MAX_BODY_BYTES, MAX_BULK_ENTRIES } from './limits.js';

const Meta = z.object({ name: z.string(), createdAt: z.string(), updatedAt: z.string() });
const ListResponse = z.object({ secrets: z.array(Meta), count: z.number().check(z.int(), z.nonnegative()) });
const ExistsResponse = z.object({ exists: z.boolean() });
const BulkResponse = z.object({ created: z.number().check(z.int(), z.nonnegative()), updated: z.number().check(z.int(), z.nonnegative()) });
const ErrorBody = z.object({ error: z.string() });

export interface EndpointOptions {
  url: string;
  token: string;
  timeoutSeconds: number;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'the connection closed without an answer',
  UND_ERR_CLOSED: 'the connection closed without an answer',
  UND_ERR_CONNECT_TIMEOUT: 'connecting timed out',
};

export class EndpointClient implements SecretsBackend {
  readonly label: string;
  readonly bulkLimit = MAX_BULK_ENTRIES;
  readonly bodyLimit = MAX_BODY_BYTES;
  private readonly base: string;

  constructor(private readonly options: EndpointOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.label = this.base;
  }

  async list(): Promise<SecretMeta[]> {
    const body = await this.call('GET', '/secrets', undefined, 200);
    return parse(ListResponse, body, this.label).secrets.map(({ name, createdAt, updatedAt }) => ({ name, createdAt, updatedAt }));
  }

  async exists(name: string): Promise<boolean> {
    const body = await this.call('GET', `/secrets/${encodeURIComponent(name)}/exists`, undefined, 200);
    return parse(ExistsResponse, body, this.label).exists;
  }

  async put(name: string, value: string): Promise<SecretMeta> {
    const body = await this.call('POST', '/secrets', { name, value }, 201);
    const { createdAt, updatedAt } = parse(Meta, body, this.label);
    return { name, createdAt, updatedAt };
  }

  async delete(name: string): Promise<void> {
    await this.call('DELETE', `/secrets/${encodeURIComponent(name)}`, undefined, 204, name);
  }

  async bulkPut(entries: SecretEntry[]): Promise<BulkResult> {
    const body = await this.call('POST', '/secrets/bulk', { secrets: entries }, 201);
    return parse(BulkResponse, body, this.label);
  }

  private async call(method: 'GET' | 'POST' | 'DELETE', path: string, payload: unknown, expected: number, name?: string): Promise<unknown> {
    const seconds = this.options.timeoutSeconds;
    const signal = AbortSignal.timeout(seconds * 1000);
    let response;
    try {
      response = await request(`${this.base}${path}`, {
        method,
        signal,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: 'application/json',
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: payload === undefined ? undefined : JSON.stringify(payload),
      });
    } catch (error) {
      throw networkError(error, this.label, seconds);
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw networkError(error, this.label, seconds);
    }
    const status = response.statusCode;
    if (status === expected) {
      if (status === 204) return undefined;
      try {
        return JSON.parse(text);
      } catch {
        throw malformed(this.label);
      }
    }
    const reason = errorText(text);
    if (status === 401 || status === 403) {
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
}

function parse<T>(schema: z.ZodMiniType<T>, body: unknown, label: string): T {
  const result = schema.safeParse(body);
  if (!result.success) throw malformed(label);
  return result.data;
}

function malformed(label: string): EndpointError {
  return new EndpointError(`${label} sent a malformed response. Check that the URL points at a px secrets endpoint.`);
}

/** The endpoint's own `{"error": …}` text, kept short; the API promises it never holds a value. */
function errorText(text: string): string {
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.error.slice(0, 300) : '';
  } catch {
    return '';
  }
}

function networkError(error: unknown, label: string, seconds: number): PxError {
  const err = error as { name?: string; code?: string; cause?: { code?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError' || err?.code === 'UND_ERR_HEADERS_TIMEOUT' || err?.code === 'UND_ERR_BODY_TIMEOUT') {
    return new Unreachable(`${label} did not answer within ${seconds} s. Check that it is up, or raise --timeout.`, { cause: error });
  }
  const code = err?.code ?? err?.cause?.code ?? '';
  const why = NETWORK_CODES[code] ?? 'it could not be reached';
  return new Unreachable(`Cannot reach ${label} (${why}). Check that the endpoint is running and the URL (--url, PX_URL, px.config.json) is right.`, { cause: error });
}
