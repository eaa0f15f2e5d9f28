// The endpoint's answers and audit events for requests a client gets wrong: no value repeated,
// no wrong-looking name recorded, 405 for a known route with another method.
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/core/store.js';
import { createApp, type AuditEvent } from '../../src/server/app.js';
import { responseProblems } from '../helpers/openapi.js';
import { CANARY, canary } from '../helpers/project.js';

const TOKEN = 'test-token';

function setup() {
  const events: AuditEvent[] = [];
  const app = createApp({ store: new MemoryStore(), token: TOKEN, onEvent: (event) => events.push(event) });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    // Every answer, odd requests included, is one docs/openapi.yaml describes.
    expect(responseProblems({ method, path: path.split('?')[0], status: response.status, headers: response.headers, body: text })).toEqual([]);
    return { status: response.status, allow: response.headers.get('allow'), text };
  };
  return { events, call };
}

describe('the endpoint', () => {
  it('a value sent where the name goes is refused without being repeated, in the answer or the audit log', async () => {
    const { events, call } = setup();
    const swapped = await call('POST', '/secrets', { name: `sk-live-${canary(1)}`, value: 'OPENAI_API_KEY' });
    expect(swapped.status).toBe(400);
    const bulk = await call('POST', '/secrets/bulk', { secrets: [{ name: 'GOOD', value: 'x' }, { name: `sk-${canary(2)}`, value: 'NAME' }] });
    expect(bulk.status).toBe(400);
    expect(JSON.parse(bulk.text).entries).toEqual([{ index: 1, error: expect.any(String) }]);
    const inPath = await call('GET', `/secrets/${encodeURIComponent(`sk-${canary(3)}`)}/exists`);
    expect(inPath.status).toBe(400);
    const unknown = await call('GET', `/nothing/${canary(4)}`);
    expect(unknown.status).toBe(404);
    const everything = JSON.stringify(events) + swapped.text + bulk.text + inPath.text + unknown.text;
    expect(everything).not.toContain(CANARY);
    expect(events.map((event) => event.route)).toEqual(['/secrets', '/secrets/bulk', '/secrets/…/exists', '/nothing/…']);
  });

  it('records the names of a bulk write in its audit event', async () => {
    const { events, call } = setup();
    const result = await call('POST', '/secrets/bulk', { secrets: [{ name: 'A', value: canary(5) }, { name: 'B', value: canary(6) }] });
    expect(result.status).toBe(201);
    expect(events).toEqual([expect.objectContaining({ route: '/secrets/bulk', names: ['A', 'B'], outcome: 'bulk created=2 updated=0' })]);
    expect(JSON.stringify(events)).not.toContain(CANARY);
  });

  it.each([
    ['PUT', '/secrets', 'GET, POST'],
    ['PATCH', '/secrets/X', 'DELETE'],
    ['GET', '/secrets/bulk', 'POST'],
    ['POST', '/secrets/X/exists', 'GET'],
  ])('%s %s is 405 with Allow: %s', async (method, path, allow) => {
    const { call } = setup();
    const result = await call(method, path, method === 'GET' ? undefined : {});
    expect(result.status).toBe(405);
    expect(result.allow).toBe(allow);
  });
});
