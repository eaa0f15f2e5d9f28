// A request body read whole, up to a size limit, for the routes that take JSON. On a Node server it
// is read straight from the socket's IncomingMessage: going through the web `Request` (what
// hono/body-limit and `c.req.arrayBuffer()` do) builds a Request, a ReadableStream and an
// AbortSignal per request, which cost a create more CPU than its database round trip. Elsewhere
// (app.request() in tests, other runtimes) the web body is read with the same limit.
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';

/** What the body of a request came to: its bytes, or undefined when it could not be read. */
const bodies = new WeakMap<Request, Uint8Array | undefined>();

type TooLarge = (c: Context) => Response | Promise<Response>;

/**
 * Reads the body before the route runs; answers with `tooLarge` when it is over `maxBytes`
 * (declared by Content-Length, or counted as it arrives), without reading the rest.
 */
export function readBody<E extends object>(maxBytes: number, tooLarge: TooLarge): MiddlewareHandler<{ Variables: E }> {
  return async (c, next) => {
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined && Number.parseInt(declared, 10) > maxBytes) return tooLarge(c);
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const bytes = incoming ? await fromIncoming(incoming, maxBytes) : await fromWeb(c.req.raw, maxBytes);
    if (bytes === 'too large') return tooLarge(c);
    bodies.set(c.req.raw, bytes);
    await next();
  };
}

/** The body readBody() read for this request (undefined when it could not be read). */
export const bodyOf = (c: Context): Uint8Array | undefined => bodies.get(c.req.raw);

function fromIncoming(incoming: IncomingMessage, maxBytes: number): Promise<Uint8Array | undefined | 'too large'> {
  if (incoming.readableEnded) return Promise.resolve(new Uint8Array(0));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: Uint8Array | undefined | 'too large') => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onError).off('close', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      // Stop reading; Node discards the rest once the answer is sent (or closes the connection).
      if (size > maxBytes) done('too large');
      else chunks.push(chunk);
    };
    const onEnd = () => done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    const onError = () => done(undefined);
    // A client that goes away mid-body: no body (the route answers 400 to nobody).
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onError).on('close', onError);
  });
}

async function fromWeb(request: Request, maxBytes: number): Promise<Uint8Array | undefined | 'too large'> {
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return 'too large';
      }
      chunks.push(value);
    }
  } catch {
    return undefined;
  }
  return Buffer.concat(chunks, size);
}
