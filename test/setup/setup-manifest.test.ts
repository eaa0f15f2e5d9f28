// `px setup` on a project with a px.config.json, on its local store: generators generate, prompts
// show the manifest's label and description, formats are checked as the value is typed and on
// Enter, optional secrets are skipped, --env picks the namespace and --tier what the tier needs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { LocalStore } from '../../src/core/local-store.js';
import { runPx, startPx } from '../helpers/px-session.js';
import { writeSetupManifest } from '../helpers/setup-manifest.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';
import { writeFileSync } from 'node:fs';

let project: TempProject;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  project = tempProject();
  env = { ...project.env, PX_KEYCHAIN: 'off', PX_STORE_KEY: 'b'.repeat(64) };
});
afterEach(() => project.cleanup());

const values = async (namespace = 'development'): Promise<Map<string, string>> => (await LocalStore.open({ root: project.root, env, namespace })).values();

it('generates, asks with the label, checks the format as typed and on Enter, shows non-secrets, skips an optional one', async () => {
  writeSetupManifest(project.root);
  const session = startPx(['setup'], { cwd: project.root, env, interactive: true });
  let frame = await session.waitForFrame(/\(1 of 4\)/);
  expect(frame).toContain('✓ JWT_SECRET generated (32 chars)');
  expect(frame).toContain('✓ SESSION_KEY generated (64 chars)');
  expect(frame).toMatch(/┌ OpenRouter API Key ─+┐/);
  expect(frame).toContain('Enables AI features. Get one at openrouter.ai');
  await session.type(canary(1));
  await session.waitForFrame(/✗ OPENROUTER_API_KEY does not match its format \/\^sk-or-\//);
  await session.press('enter');
  frame = await session.waitForFrame(/json\): type it again \(the value was not kept\)\./);
  expect(frame).toContain('(1 of 4)');
  await session.type(`sk-or-${canary(2)}`);
  await session.waitForFrame(/✓ matches its format \/\^sk-or-\//);
  await session.press('enter');
  frame = await session.waitForFrame(/\(2 of 4\)/);
  expect(frame).toMatch(/┌ DATABASE_URL ─+┐/);
  expect(frame).toContain('The app database');
  await session.type(canary(3));
  await session.press('enter');
  await session.waitForFrame(/\(3 of 4\)/);
  // LOG_LEVEL is `sensitive: false`: configuration, shown as typed.
  await session.type('debug');
  await session.waitForFrame(/Value: debug/);
  await session.press('enter');
  frame = await session.waitForFrame(/\(4 of 4\)/);
  expect(frame).toContain('Tab to skip (optional)');
  await session.type('\t');
  const result = await session.done;
  expect(result.code).toBe(0);
  expect(result.stdout).toBe('Setup complete: saved JWT_SECRET, SESSION_KEY, OPENROUTER_API_KEY, DATABASE_URL, LOG_LEVEL in local store (.px); skipped SMTP_PASSWORD.\n');
  expect(result.frames.join('\n')).toContain('✓ All required secrets provided   ✓ Formats valid');
  const stored = await values();
  expect(stored.get('JWT_SECRET')).toMatch(/^[A-Za-z0-9]{32}$/);
  expect(stored.get('SESSION_KEY')).toMatch(/^[0-9a-f]{64}$/);
  expect(stored.get('OPENROUTER_API_KEY')).toBe(`sk-or-${canary(2)}`);
  expect(stored.get('LOG_LEVEL')).toBe('debug');
  expect([...stored.keys()].sort()).toEqual(['DATABASE_URL', 'JWT_SECRET', 'LOG_LEVEL', 'OPENROUTER_API_KEY', 'SESSION_KEY']);
  const everything = JSON.stringify(result);
  for (const secret of [canary(1), canary(2), canary(3), stored.get('JWT_SECRET')!, stored.get('SESSION_KEY')!]) expect(everything).not.toContain(secret);
});

it('--yes generates into the environment of --env and names, by environment, what still needs a person', async () => {
  writeSetupManifest(project.root);
  const production = await runPx(['setup', '--yes', '--env', 'production'], { cwd: project.root, env });
  expect(production.code).toBe(1);
  expect(production.stdout).toContain('Target: local store (.px) · production');
  expect(production.stdout).toContain('✓ JWT_SECRET generated (32 chars)');
  expect(production.stdout).toContain('Optional, not set: LOG_LEVEL.');
  // SMTP_PASSWORD is required in production only; VAULT_DB_PASSWORD is fetched by the app.
  expect(production.stderr).toBe('error: 3 secrets need a person: OPENROUTER_API_KEY, DATABASE_URL, SMTP_PASSWORD. Run `px setup` in a terminal, or `px secret create NAME` for each.\n');
  expect([...(await values('production')).keys()].sort()).toEqual(['JWT_SECRET', 'SESSION_KEY']);
  expect((await values('development')).size).toBe(0);
  const again = await runPx(['setup', '--yes', '--env', 'production'], { cwd: project.root, env });
  expect(again.stdout).toContain('Nothing to generate.');
});

it('--tier limits the steps to what the tier needs; an undeclared tier is refused (exit 2)', async () => {
  writeSetupManifest(project.root);
  const desktop = await runPx(['setup', '--yes', '--tier', 'desktop'], { cwd: project.root, env });
  expect(desktop.code).toBe(1);
  expect(desktop.stderr).toContain('error: 1 secret needs a person: OPENROUTER_API_KEY.');
  const bogus = await runPx(['setup', '--yes', '--tier', 'mainframe'], { cwd: project.root, env });
  expect(bogus.code).toBe(2);
  expect(bogus.stderr).toMatch(/^error: The --tier given is not one of px\.config\.json's tiers \(local, desktop\)/);
});

it('a stored value failing its format is named in step 3 and by --yes', async () => {
  writeSetupManifest(project.root);
  const store = await LocalStore.open({ root: project.root, env, namespace: 'development' });
  await store.put('OPENROUTER_API_KEY', canary(4));
  await store.put('DATABASE_URL', canary(5));
  const result = await runPx(['setup', '--yes'], { cwd: project.root, env });
  expect(result.code).toBe(1);
  expect(result.stdout).toContain('Not matching their format: OPENROUTER_API_KEY.');
  expect(JSON.stringify(result)).not.toContain('canary');
});

it('a project that declares nothing: says how to declare secrets, exit 0, creates no store', async () => {
  for (const args of [['setup'], ['setup', '--yes']]) {
    const result = await (args.length === 1 ? startPx(args, { cwd: project.root, env, interactive: true }).done : runPx(args, { cwd: project.root, env }));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Nothing to set up: this project declares no secrets.');
    expect(result.stdout).toContain('To add one secret now: `px secret create NAME`.');
    expect(result.frames).toEqual([]);
  }
  writeFileSync(join(project.root, '.env.secrets'), `API_KEY=${canary(6)}\n`);
  const withFile = await runPx(['setup', '--yes'], { cwd: project.root, env });
  expect(withFile.stdout).toContain('.env.secrets is here: `px secret import` stores its values.');
  expect(JSON.stringify(withFile)).not.toContain('canary');
  expect(existsSync(join(project.root, '.px'))).toBe(false);
});
