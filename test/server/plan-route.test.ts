// GET /plan?tier=T on the endpoint: the plan a project's manifest gives (here a fixed one, the
// manifest's own tests cover how plans are made), with the names the store holds marked present;
// every answer is checked against docs/openapi.yaml by the test setup.
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import type { PlanSource } from '../../src/server/plan-route.js';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { CANARY, canary } from '../helpers/project.js';

const plan: PlanSource = (tier, stored) => {
  if (tier !== 'desktop' && tier !== 'cloud') throw new UsageError(`No tier ${tier} in px.config.json (its tiers: desktop, cloud).`);
  return {
    target: 'local store (.px)',
    env: 'development',
    tier,
    secrets: [
      { name: 'JWT_SECRET', class: 'per_install_generated', strategy: 'generate', required: true, present: stored.has('JWT_SECRET') },
      { name: 'DATABASE_URL', class: 'infrastructure', strategy: tier === 'desktop' ? 'strip' : 'prompt', required: true, present: stored.has('DATABASE_URL') },
    ],
  };
};

let server: TestDevServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const get = async (path: string, token: string | undefined = server!.token) => {
  const response = await fetch(`${server!.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('GET /plan', () => {
  it("answers the manifest's plan for the tier, with what the store holds, and no value", async () => {
    server = await TestDevServer.start({ plan });
    await server.store.put('JWT_SECRET', canary(1));
    const answer = await get('/plan?tier=desktop');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      target: 'local store (.px)',
      env: 'development',
      tier: 'desktop',
      secrets: [
        { name: 'JWT_SECRET', class: 'per_install_generated', strategy: 'generate', required: true, present: true },
        { name: 'DATABASE_URL', class: 'infrastructure', strategy: 'strip', required: true, present: false },
      ],
    });
    expect(JSON.stringify(answer.body)).not.toContain(CANARY);
  });

  it('refuses a missing, malformed or undeclared tier with 400, and a missing token with 401', async () => {
    server = await TestDevServer.start({ plan });
    expect(await get('/plan')).toMatchObject({ status: 400, body: { error: expect.stringMatching(/give the tier/) } });
    const odd = await get(`/plan?tier=${encodeURIComponent(`SK live ${canary(2)}`)}`);
    expect(odd.status).toBe(400);
    expect(JSON.stringify(odd.body)).not.toContain(CANARY);
    expect(await get('/plan?tier=mobile')).toMatchObject({ status: 400, body: { error: 'No tier mobile in px.config.json (its tiers: desktop, cloud).' } });
    expect((await get('/plan?tier=desktop', 'wrong')).status).toBe(401);
    expect((await get('/plan?tier=desktop', '')).status).toBe(401);
  });

  it('a server without a project manifest says so (404)', async () => {
    server = await TestDevServer.start();
    expect(await get('/plan?tier=desktop')).toMatchObject({ status: 404, body: { error: expect.stringMatching(/no project manifest/) } });
  });
});
