// One HTTP/1.1 request over a plain TCP connection, for http:// endpoints on loopback (the
// project's own `px server`): node:net and the small parser of http1-response.ts instead of
// node:http, whose client (agent, outgoing and incoming messages, the native parser's binding)
// costs a command about 5 ms of start-up (README, Performance). One request per connection
// (`Connection: close`); the caller classifies what goes wrong exactly as it does for node:http:
// a socket's own error codes, a ConnectionClosed (code ECONNRESET) when the answer stops short, a
// TimeoutError when the whole exchange outlasts `timeoutMs`.
import type { Socket } from 'node:net';
import { ResponseParser } from './http1-response.js';

export interface Exchange {
  status: number;
  text: string;
}

export interface LoopbackRequest {
  method: string;
  /** Header names in lower case; Host and Connection are added here. */
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxResponseBytes: number;
}

export class ConnectionClosed extends Error {
  readonly code = 'ECONNRESET';
}
export class RequestTimedOut extends Error {
  override readonly name = 'TimeoutError';
}
/** A header value that would break the request's framing (as node:http refuses it, by code). */
class InvalidHeader extends Error {
  readonly code = 'ERR_INVALID_CHAR';
}

/** What node:http accepts in a header value: no CR, LF or other control character. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export function loopbackExchange(url: URL, request: LoopbackRequest): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const head = [`${request.method} ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`];
    for (const [name, value] of Object.entries(request.headers)) {
      // The message names the header only: its value may be the token.
      if (!HEADER_VALUE.test(value)) return reject(new InvalidHeader(`Invalid character in header content ["${name}"]`));
      head.push(`${name}: ${value}`);
    }
    head.push('connection: close', '', '');
    const bytes = Buffer.from(head.join('\r\n'), 'latin1');
    const message = request.body === undefined ? bytes : Buffer.concat([bytes, Buffer.from(request.body, 'utf8')]);

    const parser = new ResponseParser(request.maxResponseBytes);
    const net = process.getBuiltinModule('node:net');
    // URL keeps an IPv6 literal's brackets; a socket wants the bare address.
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const socket: Socket = net.connect({ host, port: Number(url.port || 80) });
    let settled = false;
    const settle = (error: unknown, exchange?: Exchange): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (exchange) resolve(exchange);
      else reject(error);
    };
    const timer = setTimeout(() => settle(new RequestTimedOut('the endpoint did not answer in time')), request.timeoutMs);
    const done = (): void => settle(undefined, { status: parser.status, text: parser.text() });
    socket.on('data', (chunk: Buffer) => {
      try {
        if (parser.push(chunk)) done();
      } catch (error) {
        settle(error);
      }
    });
    socket.on('end', () => (parser.end() ? done() : settle(new ConnectionClosed('the connection closed in the middle of the answer'))));
    socket.on('error', (error) => settle(error));
    socket.on('close', () => settle(new ConnectionClosed('the connection closed before the answer')));
    socket.write(message);
  });
}
