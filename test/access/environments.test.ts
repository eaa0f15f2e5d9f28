// Environments on the local `px server`: it serves every environment px.config.json declares, each
// from its own namespace of the local store, and a token reads and writes only its scope's.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, startPxServer, type PxServer } from '../helpers/px-server.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
let project: TempProject;
let server: PxServer;

const px = (args: string[], env: NodeJS.ProcessEnv = {}, input?: string) =>
  spawnSync(process.execPath, [PX, ...args], { cwd: project.root, encoding: 'utf8', input, env: { ...project.env, ...env } });

/** A service token of `scope`, granted `names`. */
async function service(scope: string, names: string[]): Promise<{ id: string; token: string }> {
  const made = await call(server.url, server.adminToken, 'POST', '/tokens', { role: 'service', scope, name: `app ${scope.replace('/', ' ')}` });
  expect(made.status, made.text).toBe(201);
  const asked = await call(server.url, made.body.token, 'POST', '/access-requests', { names });
  expect(asked.status, asked.text).toBe(201);
  expect((await call(server.url, server.adminToken, 'POST', `/access-requests/${asked.body.id}/approve`)).status).toBe(200);
  return made.body;
}

beforeAll(async () => {
  project = tempProject();
  project.env.PX_KEYCHAIN = 'off';
  writeFileSync(join(project.root, 'px.config.json'), JSON.stringify({ envs: { staging: {}, production: {} }, secrets: { API_KEY: { class: 'user_prompt' } } }));
  // Stored by the local CLI, one value per environment.
  expect(px(['secret', 'create', 'API_KEY'], {}, canary(1)).status).toBe(0);
  expect(px(['secret', 'create', 'API_KEY', '--env', 'staging'], {}, canary(2)).status).toBe(0);
  server = await startPxServer(project.root, project.env);
});
afterAll(async () => {
  await server?.stop();
  project?.cleanup();
});

describe('a server of a project with environments', () => {
  it('says which scopes it serves', async () => {
    // The scope line follows the line the start-up waits for; it may still be on its way.
    await vi.waitFor(() => expect(server.stderr()).toMatch(/Scope: project\/development \(tokens of project\/staging, project\/production too\)/), { timeout: 10_000 });
  });

  it("a service token reads its own environment's value, never another's", async () => {
    const dev = await service('project/development', ['API_KEY']);
    const staging = await service('project/staging', ['API_KEY']);
    const production = await service('project/production', ['API_KEY']);
    const read = (token: string) => call(server.url, token, 'POST', '/secrets/values', { names: ['API_KEY'] });
    expect((await read(dev.token)).body).toEqual({ values: { API_KEY: canary(1) } });
    expect((await read(staging.token)).body).toEqual({ values: { API_KEY: canary(2) } });
    // Production stores none: nothing comes back, and the admin sees it missing there.
    expect((await read(production.token)).body).toEqual({ values: {} });
    const { missing } = (await call(server.url, server.adminToken, 'GET', '/access-requests')).body;
    expect(missing).toContainEqual(expect.objectContaining({ name: 'API_KEY', scope: 'project/production', askedBy: [production.id] }));
  });

  it('a writer of staging writes into the staging namespace of the local store only', async () => {
    const writer = await call(server.url, server.adminToken, 'POST', '/tokens', { role: 'writer', scope: 'project/staging' });
    expect((await call(server.url, writer.body.token, 'POST', '/secrets', { name: 'STAGING_ONLY', value: canary(3) })).status).toBe(201);
    const listed = (await call(server.url, writer.body.token, 'GET', '/secrets')).body.secrets.map((s: { name: string }) => s.name);
    expect(listed).toEqual(['API_KEY', 'STAGING_ONLY']);
    expect((await call(server.url, server.adminToken, 'GET', '/secrets/STAGING_ONLY/exists')).body).toEqual({ exists: false });
    const local = (env?: string) => JSON.parse(px(['secret', 'list', '--json', ...(env ? ['--env', env] : [])]).stdout).secrets.map((s: { name: string }) => s.name);
    expect(local('staging')).toEqual(['API_KEY', 'STAGING_ONLY']);
    expect(local()).toEqual(['API_KEY']);
  });

  it('a token of an environment the server does not serve is refused (403), and px says so (exit 4)', async () => {
    const qa = await call(server.url, server.adminToken, 'POST', '/tokens', { role: 'reader', scope: 'project/qa' });
    expect(qa.status).toBe(201);
    const answer = await call(server.url, qa.body.token, 'GET', '/secrets');
    expect(answer.status).toBe(403);
    expect(answer.body.error).toMatch(/does not serve project\/qa/);
    const listed = px(['secret', 'list', '--url', server.url], { PX_TOKEN: qa.body.token });
    expect(listed.status).toBe(4);
    expect(listed.stderr).toMatch(/^error: .*403/m);
  });

  it("px run --env staging with a staging service token gets staging's value, masked", async () => {
    const staging = await service('project/staging', ['API_KEY']);
    const check = `process.stdout.write(process.env.API_KEY === ${JSON.stringify(canary(2))} ? "staging " + process.env.API_KEY : "other")`;
    const ran = px(['run', '--env', 'staging', '--url', server.url, '--', process.execPath, '-e', check], { PX_TOKEN: staging.token });
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout).toBe('staging ***');
    expect(ran.stdout + ran.stderr).not.toContain(CANARY);
  });
});
