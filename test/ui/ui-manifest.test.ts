// `px ui` on a project with a px.config.json, on its local store: rows get the manifest's
// statuses, the switcher lists the manifest's environments (each its own namespace), `g` uses
// the manifest's generator, and a value is checked against its format as it is typed.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { LocalStore } from '../../src/core/local-store.js';
import { MemoryKeychain } from '../helpers/memory-keychain.js';
import { startPx, type PxSession } from '../helpers/px-session.js';
import { writeSetupManifest } from '../helpers/setup-manifest.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';

let project: TempProject;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  project = tempProject();
  env = { ...project.env, PX_KEYCHAIN: 'off', PX_STORE_KEY: 'c'.repeat(64) };
  writeSetupManifest(project.root);
});
afterEach(() => project.cleanup());

const store = (namespace = 'development') => LocalStore.open({ root: project.root, env, namespace });
const ui = (args: string[] = [], extra: NodeJS.ProcessEnv = {}): PxSession =>
  startPx(['ui', ...args], { cwd: project.root, env: { ...env, ...extra }, interactive: true, keychain: new MemoryKeychain() });

it('statuses from the manifest: generated, invalid, missing, optional, not in manifest; the app-fetched one is not missing', async () => {
  const development = await store();
  await development.put('JWT_SECRET', 'A'.repeat(32));
  await development.put('OPENROUTER_API_KEY', canary(1));
  await development.put('OLD_FLAG', canary(2));
  const session = ui();
  const frame = await session.waitForFrame(/SMTP_PASSWORD/);
  expect(frame).toMatch(/JWT_SECRET +just now +generated/);
  expect(frame).toMatch(/OPENROUTER_API_KEY +just now +invalid/);
  expect(frame).toMatch(/OLD_FLAG +just now +not in manifest/);
  expect(frame).toMatch(/SESSION_KEY +— +missing/);
  // Optional in development: not set, but not missing either; only the required ones need setup.
  expect(frame).toMatch(/LOG_LEVEL +— +optional, not set/);
  expect(frame).toMatch(/SMTP_PASSWORD +— +optional, not set/);
  expect(frame).toContain('px · local store (.px) · development · 2 missing: s sets up');
  expect(frame).not.toContain('VAULT_DB_PASSWORD');
  expect(frame).toContain('CLOUDFLARE_API_TOKEN');
  await session.type('q');
  const result = await session.done;
  expect(result.code).toBe(0);
  expect(JSON.stringify(result)).not.toContain('canary');
});

it('v lists the manifest’s environments; each shows its own namespace; --env starts in one', async () => {
  await (await store('staging')).put('STAGING_ONLY', canary(3));
  const session = ui();
  await session.waitForFrame(/Runtime secrets · development · 6 rows/);
  await session.type('v');
  const list = await session.waitForFrame(/development \(current\)/);
  expect(list).toMatch(/development \(current\)\n +staging\n +production/);
  await session.type('\u001b[B');
  await session.press('enter');
  const staging = await session.waitForFrame(/STAGING_ONLY/);
  expect(staging).toContain('px · local store (.px) · staging');
  expect(staging).toContain('Runtime secrets · staging · 7 rows');
  await session.type('v');
  await session.waitForFrame(/staging \(current\)/);
  await session.type('\u001b[B');
  await session.press('enter');
  // Required in production (the manifest's envs override).
  const required = await session.waitForFrame(/SMTP_PASSWORD +— +missing/);
  expect(required).toContain('Runtime secrets · production');
  expect(required).toMatch(/LOG_LEVEL +— +optional, not set/);
  await session.type('q');
  expect((await session.done).code).toBe(0);
  const started = ui(['--env', 'production']);
  const production = await started.waitForFrame(/Runtime secrets · production/);
  expect(production).not.toContain('STAGING_ONLY');
  await started.type('q');
  expect((await started.done).code).toBe(0);
});

it('g generates from the manifest’s generator; e checks the format as the value is typed, then on Enter', async () => {
  const session = ui();
  await session.waitForFrame(/› DATABASE_URL/);
  // JWT_SECRET is the second row.
  await session.type('j');
  await session.waitForFrame(/› JWT_SECRET/);
  await session.type('g');
  await session.waitForFrame(/Generated JWT_SECRET \(32 chars\) in local store \(\.px\)\./);
  expect((await (await store()).values()).get('JWT_SECRET')).toMatch(/^[A-Za-z0-9]{32}$/);
  await session.type('j');
  await session.type('j');
  await session.waitForFrame(/› OPENROUTER_API_KEY/);
  await session.type('e');
  await session.waitForFrame(/Value for OPENROUTER_API_KEY:/);
  await session.type(canary(4));
  await session.waitForFrame(/✗ OPENROUTER_API_KEY does not match its format \/\^sk-or-\//);
  await session.press('enter');
  await session.waitForFrame(/: type it again/);
  await session.type(`sk-or-${canary(5)}`);
  await session.waitForFrame(/✓ matches its format \/\^sk-or-\//);
  await session.press('enter');
  await session.waitForFrame(/Created OPENROUTER_API_KEY in local store/);
  await session.type('q');
  const result = await session.done;
  expect(result.code).toBe(0);
  const values = await (await store()).values();
  expect(values.get('OPENROUTER_API_KEY')).toBe(`sk-or-${canary(5)}`);
  const everything = JSON.stringify(result);
  for (const secret of [canary(4), canary(5), values.get('JWT_SECRET')!]) expect(everything).not.toContain(secret);
});

it('a non-secret (sensitive: false) is shown as it is typed', async () => {
  const session = ui();
  await session.waitForFrame(/› DATABASE_URL/);
  await session.type('j');
  await session.type('j');
  await session.waitForFrame(/› LOG_LEVEL/);
  await session.type('e');
  await session.waitForFrame(/Value for LOG_LEVEL:/);
  await session.type('debug');
  await session.waitForFrame(/Value for LOG_LEVEL: debug/);
  await session.press('enter');
  await session.waitForFrame(/Created LOG_LEVEL/);
  await session.type('q');
  expect((await session.done).code).toBe(0);
});
