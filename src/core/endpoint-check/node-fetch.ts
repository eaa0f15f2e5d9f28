// A fetch-like function over Node's own http/https client, for `px endpoint check`. The global
// fetch refuses ports the browser standard calls unsafe (an endpoint on port 6000 or 10080 could
// not be checked) and loads undici; this takes any port, and an answer that arrives while a big
// body is still being sent (413) counts as the answer.
import type { IncomingMessage } from 'node:http';
import type { FetchLike, ResponseLike } from './exchange.js';

/** Larger answers are not from a secrets endpoint (10,000 names are about 1 MiB). */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

export function nodeFetch(): FetchLike & { close(): void } {
  const agents = new Map<string, import('node:http').Agent>();
  const fetchLike = (url: string, init: Parameters<FetchLike>[1]): Promise<ResponseLike> => {
    const target = new URL(url);
    const http = target.protocol === 'https:' ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
    let agent = agents.get(target.protocol);
    if (!agent) agents.set(target.protocol, (agent = new http.Agent({ keepAlive: true, maxSockets: 8 })));
    return new Promise((resolve, reject) => {
      let answered = false;
      const headers = init.body === undefined ? init.headers : { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) };
      const request = http.request(target, { method: init.method, headers, agent, signal: init.signal });
      request.on('error', (error) => {
        // Sending the rest of a body the endpoint already refused may fail; its answer stands.
        if (!answered) reject(error);
      });
      request.on('response', (response: IncomingMessage) => {
        answered = true;
        if (!request.writableFinished) {
          // Answered before the body was all sent: that connection cannot carry another request.
          request.socket?.on('error', () => undefined);
          response.on('end', () => request.destroy());
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) response.destroy(new Error('the answer is larger than 64 MiB'));
          else chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('close', () => {
          if (!response.complete) reject(Object.assign(new Error('the connection closed in the middle of the answer'), { code: 'ECONNRESET' }));
        });
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: response.statusCode ?? 0,
            headers: { get: (name: string) => [response.headers[name.toLowerCase()]].flat()[0] ?? null },
            text: async () => text,
          });
        });
      });
      request.end(init.body);
    });
  };
  return Object.assign(fetchLike, { close: () => agents.forEach((agent) => agent.destroy()) });
}
