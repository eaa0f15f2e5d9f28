// What `px setup` and `px ui` read from the manifest: how each secret is provided in an
// environment and tier, its format check, its generator, and the environments to switch between.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { findProject } from '../../src/core/project.js';
import { environmentsOf, projectNeeds } from '../../src/commands/setup/needs.js';
import { SETUP_MANIFEST, writeSetupManifest } from '../helpers/setup-manifest.js';
import { tempProject, type TempProject } from '../helpers/project.js';

let project: TempProject;
beforeEach(() => {
  project = tempProject();
});
afterEach(() => project.cleanup());

const needsOf = (env = 'development', tier?: string) => projectNeeds(findProject(project.root), env, tier);
const provided = (env?: string, tier?: string) => Object.fromEntries(needsOf(env, tier).secrets.map((s) => [s.name, `${s.provide}${s.required ? '' : ' (optional)'}`]));

it('classes give the provision: generated, asked for, or not px’s (remote_fetch); required and optional from the manifest', () => {
  writeSetupManifest(project.root);
  expect(provided()).toEqual({
    JWT_SECRET: 'generate',
    SESSION_KEY: 'generate',
    OPENROUTER_API_KEY: 'prompt',
    DATABASE_URL: 'prompt',
    VAULT_DB_PASSWORD: 'none',
    LOG_LEVEL: 'prompt (optional)',
    SMTP_PASSWORD: 'prompt (optional)',
  });
  const openrouter = needsOf().secrets.find((s) => s.name === 'OPENROUTER_API_KEY');
  expect(openrouter).toMatchObject({ label: 'OpenRouter API Key', description: 'Enables AI features. Get one at openrouter.ai', format: '^sk-or-', sensitive: true, generatable: false });
  expect(needsOf().secrets.find((s) => s.name === 'DATABASE_URL')).toMatchObject({ label: 'DATABASE_URL', description: 'The app database' });
  expect(needsOf().secrets.find((s) => s.name === 'LOG_LEVEL')?.sensitive).toBe(false);
});

it('an environment overrides required; a tier strips what it does not ship', () => {
  writeSetupManifest(project.root);
  expect(provided('production').SMTP_PASSWORD).toBe('prompt');
  expect(provided('development', 'desktop').DATABASE_URL).toBe('none');
  expect(provided('development', 'local').DATABASE_URL).toBe('prompt');
});

it('formats are checked with the manifest’s sentence, never the value', () => {
  writeSetupManifest(project.root);
  const needs = needsOf();
  expect(needs.formatProblem('OPENROUTER_API_KEY', 'sk-or-abc')).toBeNull();
  expect(needs.formatProblem('OPENROUTER_API_KEY', 'typed-wrong-1234')).toBe('OPENROUTER_API_KEY does not match its format /^sk-or-/ (px.config.json)');
  expect(needs.formatProblem('LOG_LEVEL', 'anything')).toBeNull();
  expect(needs.formatProblem('UNDECLARED', 'anything')).toBeNull();
});

it('generators follow the manifest (length, charset) and their values match the format', async () => {
  writeSetupManifest(project.root);
  const needs = needsOf();
  expect(await needs.generate('JWT_SECRET')).toMatch(/^[A-Za-z0-9]{32}$/);
  expect(await needs.generate('SESSION_KEY')).toMatch(/^[0-9a-f]{64}$/);
  expect(await needs.generate('JWT_SECRET')).not.toBe(await needs.generate('JWT_SECRET'));
  await expect(needs.generate('UNDECLARED')).rejects.toThrow(/not declared in px.config.json/);
});

it('a tier that generates a secret with no generator of its own: 32 random alnum characters', async () => {
  const manifest = { tiers: ['ci'], secrets: { TEST_TOKEN: { class: 'user_prompt', tiers: { ci: 'generate' } } } };
  writeSetupManifest(project.root, manifest);
  expect(provided('development').TEST_TOKEN).toBe('prompt');
  const needs = needsOf('development', 'ci');
  expect(needs.secrets[0]).toMatchObject({ provide: 'generate', generatable: true });
  expect(await needs.generate('TEST_TOKEN')).toMatch(/^[A-Za-z0-9]{32}$/);
});

it('statuses: configured, missing, invalid (when the value can be read), stale, not in manifest', () => {
  writeSetupManifest(project.root);
  const needs = needsOf();
  const now = { updatedAt: new Date().toISOString() };
  expect(needs.status('OPENROUTER_API_KEY', now, 'sk-or-x')).toBe('configured');
  expect(needs.status('OPENROUTER_API_KEY', now, 'wrong')).toBe('invalid');
  expect(needs.status('OPENROUTER_API_KEY', undefined)).toBe('missing');
  expect(needs.status('JWT_SECRET', { updatedAt: '2020-01-01T00:00:00.000Z' })).toBe('stale');
  expect(needs.status('OLD_FLAG', now)).toBe('not in manifest');
});

it('environments: the default one, then px.config.json’s, then the current one', () => {
  writeSetupManifest(project.root);
  expect(needsOf().environments).toEqual(['development', 'staging', 'production']);
  expect(environmentsOf({ defaultEnv: 'staging', envs: { staging: {}, production: {} } }, 'development')).toEqual(['staging', 'production', 'development']);
  expect(environmentsOf({ envs: {} }, 'qa')).toEqual(['development', 'qa']);
});

it('without a manifest: every name of .env.secrets.example is a required prompt; deploy credentials stay out', () => {
  writeFileSync(join(project.root, '.env.secrets.example'), 'API_KEY=\nCLOUDFLARE_API_TOKEN=\n');
  const needs = needsOf();
  expect(needs.declared).toBe(true);
  expect(needs.secrets.map((s) => [s.name, s.provide, s.required])).toEqual([['API_KEY', 'prompt', true]]);
  expect(needs.environments).toEqual(['development']);
});

it('a project that declares nothing: nothing needed, and no statuses', () => {
  const needs = needsOf();
  expect(needs.declared).toBe(false);
  expect(needs.secrets).toEqual([]);
  expect(needs.status('ANY', { updatedAt: new Date().toISOString() })).toBeUndefined();
  expect(SETUP_MANIFEST.secrets).toBeDefined();
});
