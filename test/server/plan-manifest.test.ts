// GET /plan on the built `px server` run inside a project: the answer is the project's own
// px.config.json, as `px secret plan --json` prints it for the same store and environment, and
// it matches docs/openapi.yaml (a child process is not seen by the test setup's observer, so the
// test checks the document itself).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/core/local-store.js';
import { responseProblems } from '../helpers/openapi.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';
import { runPx } from '../helpers/px-session.js';
import { startPxServer, type PxServerProcess } from '../helpers/px-server-process.js';

const MANIFEST = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'product-manifest.json'), 'utf8');
// No URL anywhere: every command here uses the project's local store.
const LOCAL = JSON.stringify({ ...JSON.parse(MANIFEST), url: undefined, envs: { staging: {}, production: {} } });
const TOKEN = 'plan-manifest-token';

let project: TempProject;
let env: NodeJS.ProcessEnv;
let server: PxServerProcess | undefined;
beforeEach(() => {
  project = tempProject();
  env = { ...project.env, PX_KEYCHAIN: 'off', PX_TOKEN: TOKEN };
});
afterEach(async () => {
  await server?.stop('SIGKILL');
  server = undefined;
  project.cleanup();
});

async function getPlan(query: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server!.url}/plan${query}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const text = await response.text();
  expect(responseProblems({ method: 'GET', path: '/plan', status: response.status, headers: response.headers, body: text })).toEqual([]);
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
}

describe('GET /plan on px server in a project', () => {
  it('answers what px secret plan --json prints, per tier and environment, with no value', async () => {
    writeFileSync(join(project.root, 'px.config.json'), LOCAL);
    const development = await LocalStore.open({ root: project.root, env, namespace: 'development' });
    await development.put('OPENROUTER_API_KEY', `sk-or-${canary(1)}`);
    const staging = await LocalStore.open({ root: project.root, env, namespace: 'staging' });
    await staging.put('JWT_SECRET', 'Q'.repeat(32));
    for (const [serverArgs, envName] of [[[], 'development'], [['--env', 'staging'], 'staging']] as const) {
      server = await startPxServer([...serverArgs], { cwd: project.root, env });
      for (const tier of ['desktop', 'cloud']) {
        const answer = await getPlan(`?tier=${tier}`);
        const printed = await runPx(['secret', 'plan', '--tier', tier, '--env', envName, '--json'], { cwd: project.root, env });
        expect(printed.code, printed.stderr).toBe(0);
        expect(answer).toEqual({ status: 200, body: JSON.parse(printed.stdout) });
        expect(JSON.stringify(answer.body)).not.toContain(CANARY);
      }
      await server.stop();
    }
    server = await startPxServer([], { cwd: project.root, env });
    const desktop = (await getPlan('?tier=desktop')).body as { secrets: Array<{ name: string; strategy: string; present: boolean }> };
    expect(desktop.secrets.find((row) => row.name === 'DATABASE_URL')).toMatchObject({ strategy: 'strip', present: false });
    expect(desktop.secrets.find((row) => row.name === 'OPENROUTER_API_KEY')).toMatchObject({ strategy: 'prompt', present: true });
  }, 90_000);

  it('refuses a tier the manifest does not declare (400, naming the declared ones) without repeating what was given', async () => {
    writeFileSync(join(project.root, 'px.config.json'), LOCAL);
    server = await startPxServer([], { cwd: project.root, env });
    expect(await getPlan('?tier=mobile')).toEqual({ status: 400, body: { error: "The tier given is not one of px.config.json's tiers (local, desktop, cloud)." } });
    const odd = await getPlan(`?tier=${encodeURIComponent(canary(2))}`);
    expect(odd.status).toBe(400);
    expect(JSON.stringify(odd.body)).not.toContain(CANARY);
  }, 60_000);

  it('a manifest without tiers plans any tier; a directory that declares nothing answers 404', async () => {
    writeFileSync(join(project.root, 'px.config.json'), JSON.stringify({ secrets: { API_KEY: { class: 'user_prompt' } } }));
    server = await startPxServer(['--memory'], { cwd: project.root, env });
    expect(await getPlan('?tier=edge')).toEqual({
      status: 200,
      body: { target: 'memory store', env: 'development', tier: 'edge', secrets: [{ name: 'API_KEY', class: 'user_prompt', strategy: 'prompt', required: true, present: false }] },
    });
    await server.stop();
    const bare = tempProject();
    try {
      server = await startPxServer(['--memory'], { cwd: bare.root, env: { ...bare.env, PX_TOKEN: TOKEN } });
      expect(await getPlan('?tier=desktop')).toMatchObject({ status: 404, body: { error: expect.stringMatching(/no project manifest/) } });
    } finally {
      await server?.stop();
      server = undefined;
      bare.cleanup();
    }
  }, 60_000);
});
