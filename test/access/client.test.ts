// px-secrets/client as app code uses it: values through POST /secrets/values with a service token
// (cached), from the local store without a URL, and `px secret types` making names compile-time
// checked (the built package, resolved through its exports, checked by the real compiler).
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretsClient, SecretsError } from '../../src/client/index.js';
import { LocalStore } from '../../src/core/local-store.js';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { childEnv } from '../helpers/child-env.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';

const REPO = join(import.meta.dirname, '..', '..');
let dev: TestDevServer;
let project: TempProject;

beforeEach(async () => {
  dev = await TestDevServer.start();
  project = tempProject();
  await dev.store.put('OPENAI_API_KEY', canary(1));
  await dev.store.put('DATABASE_URL', canary(2));
});
afterEach(async () => {
  await dev.close();
  project.cleanup();
});

const valueReads = () => dev.requests.filter((request) => request.path === '/secrets/values').length;

describe('createSecretsClient', () => {
  it('reads granted names in one request and serves them from its cache until the TTL ends', async () => {
    const { token } = await dev.addToken('service', { grant: ['OPENAI_API_KEY', 'DATABASE_URL'] });
    const client = createSecretsClient({ url: dev.url, token, env: {} });
    expect(await client.getMany(['OPENAI_API_KEY', 'DATABASE_URL'])).toEqual({ OPENAI_API_KEY: canary(1), DATABASE_URL: canary(2) });
    expect(valueReads()).toBe(1);
    expect(await client.get('OPENAI_API_KEY')).toBe(canary(1));
    expect(valueReads()).toBe(1);
    client.clear();
    expect(await client.get('OPENAI_API_KEY')).toBe(canary(1));
    expect(valueReads()).toBe(2);
    await client.close();

    const uncached = createSecretsClient({ url: dev.url, token, cacheTtlMs: 0, env: {} });
    await uncached.get('OPENAI_API_KEY');
    await uncached.get('OPENAI_API_KEY');
    expect(valueReads()).toBe(4);
    await uncached.close();
    expect(dev.access.auditLog.filter((record) => record.outcome === 'read')).toHaveLength(5);
  });

  it('takes PX_URL and PX_TOKEN from the environment', async () => {
    const { token } = await dev.addToken('service', { grant: ['DATABASE_URL'] });
    const client = createSecretsClient({ env: { PX_URL: dev.url, PX_TOKEN: token } });
    expect(await client.get('DATABASE_URL')).toBe(canary(2));
    await client.close();
  });

  it('a name not granted rejects with kind auth and leaves an access request for the admin', async () => {
    const { id, token } = await dev.addToken('service');
    const client = createSecretsClient({ url: dev.url, token, env: {} });
    const error = await client.get('OPENAI_API_KEY').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretsError);
    expect(error).toMatchObject({ kind: 'auth', message: expect.stringMatching(/access requested \(req_/) });
    expect(String((error as Error).message)).not.toContain(canary(1));
    expect(await dev.access.listRequests()).toEqual([expect.objectContaining({ tokenId: id, names: ['OPENAI_API_KEY'], status: 'pending' })]);
    await client.close();
  });

  it('a granted name not stored rejects with kind not-found; a bad name with usage', async () => {
    const { token } = await dev.addToken('service', { grant: ['NOT_THERE'] });
    const client = createSecretsClient({ url: dev.url, token, env: {} });
    await expect(client.get('NOT_THERE')).rejects.toMatchObject({ kind: 'not-found' });
    await expect(client.get('no such-name' as never)).rejects.toMatchObject({ kind: 'usage' });
    await client.close();
  });

  it('without a URL reads the local store of the project', async () => {
    const store = await LocalStore.open({ root: project.root, env: project.env });
    await store.put('OPENAI_API_KEY', canary(3));
    const client = createSecretsClient({ project: project.root, env: project.env });
    expect(await client.get('OPENAI_API_KEY')).toBe(canary(3));
    await expect(client.get('DATABASE_URL')).rejects.toMatchObject({ kind: 'not-found' });
    await client.close();
  });
});

describe('createSecretsClient and the environment', () => {
  const storeIn = async (namespace: string, value: string) => {
    const store = await LocalStore.open({ root: project.root, env: project.env, namespace });
    await store.put('OPENAI_API_KEY', value);
  };
  const read = async (options: Parameters<typeof createSecretsClient>[0]) => {
    const client = createSecretsClient({ project: project.root, ...options });
    try {
      return await client.get('OPENAI_API_KEY').catch((error: SecretsError) => `${error.kind}: ${error.message}`);
    } finally {
      await client.close();
    }
  };

  it('without a URL reads the namespace of the environment the CLI would pick: option, PX_ENV, `default`, development', async () => {
    await storeIn('development', canary(4));
    await storeIn('staging', canary(5));
    await storeIn('production', canary(6));
    expect(await read({ env: project.env })).toBe(canary(4));
    expect(await read({ env: { ...project.env, PX_ENV: 'staging' } })).toBe(canary(5));
    expect(await read({ env: { ...project.env, PX_ENV: 'staging' }, environment: 'production' })).toBe(canary(6));
    writeFileSync(join(project.root, 'px.config.json'), JSON.stringify({ default: 'staging', envs: { staging: {}, production: {} } }));
    expect(await read({ env: project.env })).toBe(canary(5));
    // A name px.config.json does not declare is a usage error, as `--env prod` is, never a new empty store.
    expect(await read({ env: project.env, environment: 'prod' })).toMatch(/^usage: The environment from --env is not one of px\.config\.json's/);
    expect(await read({ env: { ...project.env, PX_ENV: 'Not An Env' } })).toMatch(/^usage: The environment from PX_ENV is not a valid name/);
  });

  it("takes the environment's URL from px.config.json, as the CLI does", async () => {
    await storeIn('staging', canary(7));
    const { token } = await dev.addToken('service', { grant: ['OPENAI_API_KEY'] });
    writeFileSync(join(project.root, 'px.config.json'), JSON.stringify({ envs: { staging: { url: dev.url } } }));
    expect(await read({ env: { ...project.env, PX_ENV: 'staging', PX_TOKEN: token } })).toBe(canary(1));
    expect(valueReads()).toBe(1);
    expect(await read({ env: project.env })).toMatch(/^not-found: Not stored: OPENAI_API_KEY \(the local store\)/);
  });
});

describe('px secret types', () => {
  it("types px.config.json's secrets, with their descriptions, and leaves deploy credentials out", () => {
    writeFileSync(
      join(project.root, 'px.config.json'),
      JSON.stringify({
        secrets: { OPENAI_API_KEY: { class: 'user_prompt', description: 'Model calls */ no comment end' }, JWT_SECRET: { class: 'per_install_generated' } },
        credentials: { CLOUDFLARE_API_TOKEN: {} },
      }),
    );
    // The manifest's secrets replace the example file's names.
    writeFileSync(join(project.root, '.env.secrets.example'), 'NOT_TYPED=\n');
    const built = spawnSync(process.execPath, [join(REPO, 'bin', 'px.cjs'), 'secret', 'types'], { cwd: project.root, encoding: 'utf8', env: project.env });
    expect(built.status, built.stderr).toBe(0);
    expect(built.stdout).toMatch(/^\/\/ Generated by `px secret types` from px\.config\.json/);
    expect(built.stdout).toContain('    JWT_SECRET: true;\n    /** Model calls * / no comment end */\n    OPENAI_API_KEY: true;\n  }');
    expect(built.stdout).not.toMatch(/CLOUDFLARE_API_TOKEN|NOT_TYPED/);
  });

  it('without px.config.json or .env.secrets.example: exit 2, saying where to declare the names', () => {
    const bare = tempProject();
    try {
      const built = spawnSync(process.execPath, [join(REPO, 'bin', 'px.cjs'), 'secret', 'types'], { cwd: bare.root, encoding: 'utf8', env: bare.env });
      expect(built.status).toBe(2);
      expect(built.stderr).toMatch(/^error: No names to type: declare the secrets the app reads in px\.config\.json/);
      expect(built.stdout).toBe('');
    } finally {
      bare.cleanup();
    }
  });

  it('makes get(NAME) checked at compile time: a declared name compiles, a misspelt one does not', () => {
    writeFileSync(join(project.root, '.env.secrets.example'), '# the app needs\nOPENAI_API_KEY=\nDATABASE_URL=\n');
    const built = spawnSync(process.execPath, [join(REPO, 'bin', 'px.cjs'), 'secret', 'types'], { cwd: project.root, encoding: 'utf8', env: project.env });
    expect(built.status, built.stderr).toBe(0);
    expect(built.stdout).toContain('    DATABASE_URL: true;\n    OPENAI_API_KEY: true;\n');
    writeFileSync(join(project.root, 'secrets.d.ts'), built.stdout);
    mkdirSync(join(project.root, 'node_modules'));
    symlinkSync(REPO, join(project.root, 'node_modules', 'px-secrets'), 'dir');
    mkdirSync(join(project.root, 'node_modules', '@types'));
    symlinkSync(join(REPO, 'node_modules', '@types', 'node'), join(project.root, 'node_modules', '@types', 'node'), 'dir');
    writeFileSync(
      join(project.root, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] }, include: ['*.ts'] }),
    );
    writeFileSync(join(project.root, 'package.json'), JSON.stringify({ type: 'module' }));
    const app = (name: string) => `import { createSecretsClient } from 'px-secrets/client';\nconst secrets = createSecretsClient();\nexport const key: Promise<string> = secrets.get('${name}');\n`;
    const tsc = () => spawnSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project.root], { cwd: project.root, encoding: 'utf8', env: childEnv() });
    writeFileSync(join(project.root, 'app.ts'), app('OPENAI_API_KEY'));
    const good = tsc();
    expect(good.status, good.stdout).toBe(0);
    writeFileSync(join(project.root, 'app.ts'), app('OPENAI_APIKEY'));
    const bad = tsc();
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/app\.ts.*'"OPENAI_APIKEY"' is not assignable/);
  }, 60_000);
});
