// Environments: each a namespace of the local store (stores made before environments are
// `development`), chosen by --env / PX_ENV / `default`; `envs.<env>.url` targets.
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localNamespaces, LocalStore } from '../../src/core/local-store.js';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { MemoryKeychain } from '../helpers/memory-keychain.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';
import { runPx } from '../helpers/px-session.js';

let project: TempProject;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  project = tempProject();
  env = { ...project.env, PX_KEYCHAIN: 'off' };
});
afterEach(() => project.cleanup());
const px = (args: string[], extra: { stdin?: string; env?: NodeJS.ProcessEnv } = {}) =>
  runPx(args, { cwd: project.root, env: { ...env, ...extra.env }, stdin: extra.stdin, keychain: new MemoryKeychain() });
const everything = (result: { stdout: string; stderr: string }): string => result.stdout + result.stderr;

describe('environments in the local store', () => {
  it('a secret created in staging is invisible in development, and the other way round', async () => {
    expect((await px(['secret', 'create', 'DEV_ONLY'], { stdin: canary(1) })).code).toBe(0);
    const created = await px(['secret', 'create', 'STAGING_ONLY', '--env', 'staging'], { stdin: canary(2) });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toBe('Created STAGING_ONLY in local store (.px) · staging.\n');
    const dev = JSON.parse((await px(['secret', 'list', '--json'])).stdout);
    expect(dev.env).toBe('development');
    expect(dev.secrets.map((s: { name: string }) => s.name)).toEqual(['DEV_ONLY']);
    const staging = JSON.parse((await px(['secret', 'list', '--json'], { env: { PX_ENV: 'staging' } })).stdout);
    expect(staging.env).toBe('staging');
    expect(staging.secrets.map((s: { name: string }) => s.name)).toEqual(['STAGING_ONLY']);
    expect((await px(['secret', 'exists', 'DEV_ONLY', '--env', 'staging'])).code).toBe(1);
    expect(localNamespaces(project.root)).toEqual(['development', 'staging']);
    // One key for every namespace; no file but the encrypted store holds a value.
    for (const file of readdirSync(join(project.root, '.px'))) {
      const text = readFileSync(join(project.root, '.px', file), 'latin1');
      expect(text).not.toContain(canary(1));
      expect(text).not.toContain(canary(2));
    }
    const dir = join(project.env.XDG_CONFIG_HOME!, 'px');
    expect(readdirSync(dir).filter((file) => file.startsWith('store-key')).length).toBeLessThanOrEqual(1);
  });

  it("`default` in px.config.json picks the environment; outputs name it only when it is not the default", async () => {
    writeFileSync(join(project.root, 'px.config.json'), JSON.stringify({ default: 'staging', envs: { staging: {}, production: {} } }));
    const created = await px(['secret', 'create', 'A'], { stdin: canary(3) });
    expect(created.stdout).toBe('Created A in local store (.px).\n');
    expect((await px(['secret', 'exists', 'A', '--env', 'staging'])).stdout).toBe('A exists in local store (.px).\n');
    expect((await px(['secret', 'exists', 'A', '--env', 'development'])).stdout).toBe('A does not exist in local store (.px) · development.\n');
    const unknown = await px(['secret', 'list', '--env', 'prod']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('error: The environment from --env is not one of px.config.json\'s (staging, production, development): check the spelling or add it to "envs".\n');
    const bad = await px(['secret', 'list', '--env', canary(4)]);
    expect(bad.code).toBe(2);
    expect(everything(bad)).not.toContain(canary(4));
  });

  it("one environment's file cannot stand in for another's", async () => {
    const keyEnv = { ...env, PX_STORE_KEY: 'a'.repeat(64) };
    const staging = await LocalStore.open({ root: project.root, env: keyEnv, namespace: 'staging' });
    await staging.put('A', canary(5));
    const dev = await LocalStore.open({ root: project.root, env: keyEnv });
    await dev.put('B', canary(6));
    copyFileSync(join(project.root, '.px', 'secrets-staging.enc'), join(project.root, '.px', 'secrets.enc'));
    copyFileSync(join(project.root, '.px', 'secrets-staging.journal'), join(project.root, '.px', 'secrets.journal'));
    const reopened = await LocalStore.open({ root: project.root, env: keyEnv });
    await expect(reopened.list()).rejects.toThrow(/is damaged: its contents fail the integrity check/);
  });
});

describe('envs.<env>.url', () => {
  let staging: TestDevServer;
  beforeAll(async () => {
    staging = await TestDevServer.start();
  });
  afterAll(() => staging.close());

  it('sends an environment with a url of its own there; others keep the local store', async () => {
    writeFileSync(join(project.root, 'px.config.json'), JSON.stringify({ envs: { staging: { url: staging.url }, production: {} } }));
    const withToken = { PX_TOKEN: staging.token };
    const created = await px(['secret', 'create', 'REMOTE', '--env', 'staging'], { stdin: canary(7), env: withToken });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toBe(`Created REMOTE in ${staging.url} · staging.\n`);
    expect(await staging.store.exists('REMOTE')).toBe(true);
    expect(JSON.stringify(staging.requests)).not.toContain(canary(7));
    const local = await px(['secret', 'list', '--json', '--env', 'production']);
    expect(JSON.parse(local.stdout)).toMatchObject({ target: 'local store (.px)', env: 'production', count: 0 });
  });
});
