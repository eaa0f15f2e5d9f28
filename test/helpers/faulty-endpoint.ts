// Small, deliberately wrong endpoints for the conformance suite's tests: the real endpoint code on
// a loopback port with one fault put in front of it (a value in the list, half a bulk write
// accepted, a value echoed in an error), or a request held so a test can stop a check mid-run.
import { createServer, type RequestListener } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { nameProblem, valueProblem } from '../../src/core/names.js';
import { MemoryStore } from '../../src/core/store.js';
import { createApp } from '../../src/server/app.js';

export type Fault = 'none' | 'value-in-list' | 'half-bulk' | 'echo-value';

export interface FaultyEndpoint {
  url: string;
  token: string;
  store: MemoryStore;
  /** Paths of the requests it got, in order. */
  requests: string[];
  /** Holds the next request to `path` until release(); `arrived` resolves when it comes. */
  holdNext(method: string, path: string): { arrived: Promise<void>; release: () => void };
  close(): Promise<void>;
}

type Fetch = (request: Request) => Promise<Response>;

function withFault(fault: Fault, fetch: Fetch, store: MemoryStore): Fetch {
  return async (request) => {
    const path = new URL(request.url).pathname;
    if (fault === 'value-in-list' && request.method === 'GET' && path === '/secrets') {
      const response = await fetch(request);
      if (response.status !== 200) return response;
      const body = (await response.json()) as { secrets: Array<{ name: string }> };
      const values = await store.values();
      for (const entry of body.secrets) Object.assign(entry, { value: values.get(entry.name) });
      return Response.json(body);
    }
    if (fault === 'half-bulk' && request.method === 'POST' && path === '/secrets/bulk') {
      const body = (await request.clone().json().catch(() => ({}))) as { secrets?: Array<{ name?: unknown; value?: unknown }> };
      const response = await fetch(request);
      // Writes the valid entries of a refused bulk request anyway.
      if (response.status === 400 && Array.isArray(body.secrets)) {
        for (const { name, value } of body.secrets) {
          if (typeof name === 'string' && typeof value === 'string' && !nameProblem(name) && !valueProblem(value)) await store.put(name, value);
        }
      }
      return response;
    }
    if (fault === 'echo-value' && request.method === 'POST') {
      const body = (await request.clone().json().catch(() => ({}))) as { value?: unknown; secrets?: Array<{ value?: unknown }> };
      const response = await fetch(request);
      const sent = typeof body.value === 'string' ? body.value : body.secrets?.find((entry) => typeof entry?.value === 'string' && entry.value !== '')?.value;
      if (response.status < 400 || typeof sent !== 'string' || sent === '') return response;
      const answer = (await response.json()) as { error: string };
      return Response.json({ ...answer, error: `${answer.error} (the value was ${sent.slice(0, 40)})` }, { status: response.status });
    }
    return fetch(request);
  };
}

export async function startFaultyEndpoint(fault: Fault): Promise<FaultyEndpoint> {
  const store = new MemoryStore();
  const token = `faulty-${fault}-token`;
  const app = createApp({ store, token });
  const requests: string[] = [];
  const holds: Array<{ method: string; path: string; until: Promise<void>; arrived: () => void }> = [];
  const faulty = withFault(fault, async (request) => app.fetch(request), store);
  const fetch: Fetch = async (request) => {
    const path = new URL(request.url).pathname;
    requests.push(`${request.method} ${path}`);
    const index = holds.findIndex((hold) => hold.method === request.method && hold.path === path);
    if (index >= 0) {
      const [hold] = holds.splice(index, 1);
      hold.arrived();
      await hold.until;
    }
    return faulty(request);
  };
  const server = createServer(getRequestListener(fetch) as RequestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    token,
    store,
    requests,
    holdNext(method, path) {
      let release!: () => void;
      let arrived!: () => void;
      const until = new Promise<void>((resolve) => (release = resolve));
      const came = new Promise<void>((resolve) => (arrived = resolve));
      holds.push({ method, path, until, arrived });
      return { arrived: came, release };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
