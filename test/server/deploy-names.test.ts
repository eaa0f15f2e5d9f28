// The endpoint refuses deploy credentials as runtime secrets (400), as the CLI does: the built-in
// list where it knows no project (TestDevServer, createApp), and `px server`'s own project's
// declarations winning over that list (a project may run on GITHUB_TOKEN).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/core/store.js';
import { createApp } from '../../src/server/app.js';
import { canary, CANARY, tempProject, type TempProject } from '../helpers/project.js';
import { call, startPxServer, type PxServer } from '../helpers/px-server.js';

const TOKEN = 'test-token';

describe('the endpoint with no project (the built-in list)', () => {
  it('POST /secrets and /secrets/bulk refuse a well-known deploy credential with 400 naming it; nothing is written', async () => {
    const store = new MemoryStore();
    const app = createApp({ store, token: TOKEN });
    const post = async (path: string, body: unknown) => {
      const response = await app.request(path, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as { error: string; entries?: unknown[] } };
    };
    const one = await post('/secrets', { name: 'CLOUDFLARE_API_TOKEN', value: canary(1) });
    expect(one.status).toBe(400);
    expect(one.body.error).toMatch(/^CLOUDFLARE_API_TOKEN is a deploy credential: keep it in the OS keychain .*px creds set CLOUDFLARE_API_TOKEN/);
    const bulk = await post('/secrets/bulk', { secrets: [{ name: 'APP_KEY', value: canary(2) }, { name: 'AWS_SECRET_ACCESS_KEY', value: canary(3) }] });
    expect(bulk.status).toBe(400);
    expect(bulk.body.entries).toEqual([{ index: 1, name: 'AWS_SECRET_ACCESS_KEY', error: expect.stringMatching(/is a deploy credential/) }]);
    expect(await store.list()).toEqual([]);
    expect(JSON.stringify([one, bulk])).not.toContain(CANARY);
    // Any other name is stored as before.
    expect((await post('/secrets', { name: 'APP_KEY', value: canary(2) })).status).toBe(201);
  });
});

describe('px server in a project', () => {
  let project: TempProject;
  let server: PxServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    project.cleanup();
  });

  it("follows the project's declarations: its runtime GITHUB_TOKEN is stored, its own deploy name and the built-in ones are refused", async () => {
    project = tempProject();
    writeFileSync(join(project.root, '.env.secrets.example'), 'GITHUB_TOKEN=\nAPP_KEY=\n');
    writeFileSync(join(project.root, '.env.deploy.example'), 'MY_DEPLOY_KEY=\n');
    server = await startPxServer(project.root, { ...project.env, PX_KEYCHAIN: 'off' }, ['--memory']);
    const post = (name: string) => call(server!.url, server!.adminToken, 'POST', '/secrets', { name, value: canary(4) });
    expect((await post('GITHUB_TOKEN')).status).toBe(201);
    for (const name of ['MY_DEPLOY_KEY', 'FLY_API_TOKEN']) {
      const refused = await post(name);
      expect(refused.status, name).toBe(400);
      expect(refused.body.error).toMatch(new RegExp(`^${name} is a deploy credential`));
    }
    const listed = await call(server.url, server.adminToken, 'GET', '/secrets');
    expect(listed.body.secrets.map((secret: { name: string }) => secret.name)).toEqual(['GITHUB_TOKEN']);
  });
});
