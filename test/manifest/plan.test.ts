// Strategies, statuses, environments: what the manifest says about each secret.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadManifest, resolveEnvironment, storedStatus, validationProblems } from '../../src/core/manifest/manifest.js';
import { parseConfigText } from '../../src/core/manifest/parse.js';
import { formatIn, formatProblem, planRows, requiredIn, resolveSecret, secretStatus, strategyFor } from '../../src/core/manifest/plan.js';
import { tempProject, type TempProject } from '../helpers/project.js';

const EXAMPLE = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'product-manifest.json'), 'utf8');
const manifest = loadManifest('/nonexistent', parseConfigText(EXAMPLE, 'px.config.json'));

describe('strategies', () => {
  it('the desktop plan of the example: strip, generate, prompt, delegate', () => {
    const rows = planRows(manifest.secrets.values(), 'development', 'desktop', () => false);
    const by = Object.fromEntries(rows.map((row) => [row.name, row.strategy]));
    expect(by).toMatchObject({ DATABASE_URL: 'strip', JWT_SECRET: 'generate', OPENROUTER_API_KEY: 'prompt', VAULT_DB_PASSWORD: 'delegate' });
  });

  it('infrastructure is held on the local tier and without a tier, stripped from the others', () => {
    const infra = { class: 'infrastructure' as const, tiers: {} };
    expect(strategyFor(infra)).toBe('prompt');
    expect(strategyFor(infra, 'local')).toBe('prompt');
    expect(strategyFor(infra, 'cloud')).toBe('strip');
    expect(strategyFor({ class: 'user_prompt', tiers: { cloud: 'delegate' } }, 'cloud')).toBe('delegate');
  });
});

describe('resolving a secret for an environment', () => {
  const spec = parseConfigText(
    JSON.stringify({
      envs: { production: {} },
      secrets: {
        API_KEY: {
          class: 'per_install_generated',
          description: 'an API key',
          format: '^[0-9a-f]+$',
          generator: { type: 'random', length: 24, charset: 'hex' },
          rotateAfterDays: 30,
          tiers: { desktop: 'generate' },
          envs: { production: { required: false, sensitive: false, format: '^[0-9a-f]{24}$' } },
        },
      },
    }),
    'px.config.json',
  ).secrets!.get('API_KEY')!;

  it("takes the environment's overrides over the entry, keeps the rest, and leaves the envs out", () => {
    const production = resolveSecret(spec, 'production');
    expect(production).toMatchObject({ name: 'API_KEY', class: 'per_install_generated', description: 'an API key', required: false, sensitive: false, format: '^[0-9a-f]{24}$', rotateAfterDays: 30, tiers: { desktop: 'generate' } });
    expect(production.generator).toEqual({ type: 'random', length: 24, charset: 'hex' });
    expect(formatProblem(production, 'z'.repeat(24))).toMatch(/API_KEY does not match its format/);
    expect(formatProblem(production, '0'.repeat(24))).toBeNull();
    expect(production).not.toHaveProperty('envs');
    const development = resolveSecret(spec, 'development');
    expect(development).toMatchObject({ required: true, sensitive: true, format: '^[0-9a-f]+$' });
    expect(development).not.toHaveProperty('envs');
    // The entry itself is not changed by resolving it.
    expect(spec.envs.production).toEqual({ required: false, sensitive: false, format: '^[0-9a-f]{24}$' });
  });
  it('requiredIn, formatIn and storedStatus read each environment as resolveSecret and secretStatus do', () => {
    const specs = parseConfigText(
      JSON.stringify({
        envs: { production: {}, staging: {} },
        secrets: {
          API_KEY: { class: 'per_install_generated', format: '^[0-9a-f]+$', generator: { type: 'random', length: 24, charset: 'hex' }, rotateAfterDays: 30, envs: { production: { required: false, format: '^[0-9a-f]{24}$' } } },
          PLAIN: { class: 'user_prompt', format: '^[a-z]+$' },
          OPTIONAL: { class: 'user_prompt', required: false, envs: { production: { required: true, format: '^x+$' } } },
          OLD: { class: 'user_prompt', rotateAfterDays: 1 },
        },
      }),
      'px.config.json',
    );
    const declared = loadManifest('/nonexistent', specs);
    const now = Date.parse('2030-01-10T00:00:00Z');
    const statuses = new Set<string>();
    for (const env of ['development', 'production', 'staging']) {
      for (const name of [...declared.secrets.keys(), 'UNDECLARED']) {
        const entry = declared.secrets.get(name);
        if (entry) {
          expect(requiredIn(entry, env), `${name} ${env}`).toBe(resolveSecret(entry, env).required);
          expect(formatIn(entry, env), `${name} ${env}`).toBe(resolveSecret(entry, env).format);
        }
        for (const value of [undefined, 'abc', 'xx', 'ABC', '0123456789abcdef01234567']) {
          for (const updatedAt of ['2030-01-09T12:00:00Z', '2029-12-01T00:00:00Z']) {
            const expected = secretStatus(entry && resolveSecret(entry, env), { updatedAt }, value, now);
            expect(storedStatus(declared, name, env, { updatedAt }, value, now), `${name} ${env} ${value} ${updatedAt}`).toBe(expected);
            statuses.add(expected);
          }
        }
      }
    }
    expect([...statuses].sort()).toEqual(['configured', 'invalid', 'not in manifest', 'stale']);
  });

  it('entries without tiers or envs share a frozen empty object, so none can change another', () => {
    const specs = parseConfigText(JSON.stringify({ secrets: { A: { class: 'user_prompt' }, B: { class: 'user_prompt' } } }), 'px.config.json').secrets!;
    expect(specs.get('A')!.tiers).toEqual({});
    expect(specs.get('A')!.envs).toEqual({});
    expect(() => {
      (specs.get('A')!.tiers as Record<string, string>).desktop = 'strip';
    }).toThrow(TypeError);
    expect(specs.get('B')!.tiers).toEqual({});
  });
});

describe('statuses and validation', () => {
  const day = 86_400_000;
  const now = Date.parse('2026-06-01T00:00:00.000Z');
  const old = new Date(now - 91 * day).toISOString();
  const fresh = new Date(now - day).toISOString();
  const jwt = resolveSecret(manifest.secrets.get('JWT_SECRET')!, 'development');

  it('configured, missing, stale, invalid, not in manifest', () => {
    expect(secretStatus(jwt, { updatedAt: fresh }, 'A'.repeat(32), now)).toBe('configured');
    expect(secretStatus(jwt, undefined, undefined, now)).toBe('missing');
    expect(secretStatus(jwt, { updatedAt: old }, 'A'.repeat(32), now)).toBe('stale');
    expect(secretStatus(jwt, { updatedAt: fresh }, 'short', now)).toBe('invalid');
    expect(secretStatus(undefined, { updatedAt: fresh }, 'x', now)).toBe('not in manifest');
  });

  it('validate: required ones px holds, per environment; never a value', () => {
    const stored = new Map([['JWT_SECRET', { updatedAt: old }], ['OPENROUTER_API_KEY', { updatedAt: fresh }]]);
    const values = new Map([['JWT_SECRET', 'B'.repeat(40)], ['OPENROUTER_API_KEY', 'canary-not-sk']]);
    const dev = validationProblems(manifest, 'development', undefined, stored, values, now);
    expect(dev.map((p) => [p.name, p.problem])).toEqual([['JWT_SECRET', 'stale'], ['OPENROUTER_API_KEY', 'invalid'], ['DATABASE_URL', 'missing']]);
    for (const problem of dev) expect(problem.message).not.toContain('canary');
    expect(dev[1].message).toContain('OPENROUTER_API_KEY does not match its format /^sk-or-/');
    const prod = validationProblems(manifest, 'production', undefined, stored, values, now).map((p) => p.name);
    expect(prod).toContain('SMTP_PASSWORD');
    const desktop = validationProblems(manifest, 'development', 'desktop', stored, values, now).map((p) => p.name);
    expect(desktop).not.toContain('DATABASE_URL');
  });
});

describe('resolveEnvironment', () => {
  it('--env, then PX_ENV, then default, then development', () => {
    expect(resolveEnvironment('staging', { PX_ENV: 'production' }, manifest)).toMatchObject({ name: 'staging', source: '--env', isDefault: false });
    expect(resolveEnvironment(undefined, { PX_ENV: 'production' }, manifest)).toMatchObject({ name: 'production', source: 'PX_ENV' });
    expect(resolveEnvironment(undefined, {}, { ...manifest, defaultEnv: 'staging' })).toMatchObject({ name: 'staging', isDefault: true });
    expect(resolveEnvironment(undefined, {}, { envs: {}, envsDeclared: false })).toMatchObject({ name: 'development', source: 'built-in', isDefault: true });
  });

  it('refuses a bad name without repeating it, and an undeclared one by name', () => {
    expect(() => resolveEnvironment('canary-Secret-Value!', {}, manifest)).toThrow(/^The environment from --env is not a valid name/);
    expect(() => resolveEnvironment('qa', {}, manifest)).toThrow(/^The environment from --env is not one of px.config.json's \(staging, production, development\)/);
    expect(resolveEnvironment('qa', {}, { envs: {}, envsDeclared: false }).name).toBe('qa');
  });
});

describe('loadManifest without px.config.json', () => {
  let project: TempProject;
  beforeEach(() => {
    project = tempProject();
  });
  afterEach(() => project.cleanup());

  it('every name of .env.secrets.example is a required user_prompt secret (a well-known deploy name too: the project declares it); .env.deploy.example names are credentials', () => {
    mkdirSync(project.root, { recursive: true });
    writeFileSync(join(project.root, '.env.secrets.example'), 'API_KEY=\n# comment\nexport DB_URL=\nFLY_API_TOKEN=\n');
    writeFileSync(join(project.root, '.env.deploy.example'), 'MY_DEPLOY_TOKEN=\n');
    const fallback = loadManifest(project.root, null);
    expect(fallback.source).toBe('example files');
    expect([...fallback.secrets.keys()]).toEqual(['API_KEY', 'DB_URL', 'FLY_API_TOKEN']);
    expect(fallback.secrets.get('API_KEY')).toMatchObject({ class: 'user_prompt', required: true, sensitive: true });
    expect([...fallback.credentials.keys()]).toEqual(['MY_DEPLOY_TOKEN']);
    expect(loadManifest(join(project.root, 'none'), null).source).toBe('none');
  });
});
