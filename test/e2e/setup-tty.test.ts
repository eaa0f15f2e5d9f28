// The built px setup in a real terminal (tmux), on a project with a px.config.json: it generates,
// prompts with the manifest's labels, re-asks on a bad format, shows a non-secret as typed, skips
// an optional secret and summarises; Esc and Ctrl+C stop it. No canary value ever reaches a frame
// or the scrollback, and the terminal's stty state is what it was before.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { LocalStore } from '../../src/core/local-store.js';
import { TmuxTerminal, shellQuote } from '../helpers/tmux.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';
import { writeSetupManifest } from '../helpers/setup-manifest.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
const STORE_KEY = 'd'.repeat(64);
let project: TempProject;
let terminal: TmuxTerminal | undefined;
/** Every screen the test looked at, to check for canaries at the end. */
let seen: string[] = [];

beforeAll(() => {
  if (!existsSync(join(import.meta.dirname, '..', '..', 'dist', 'px.cjs'))) throw new Error('run `npm run build` first (npm test does)');
});
beforeEach(() => {
  project = tempProject();
  writeSetupManifest(project.root);
  seen = [];
});
afterEach(() => {
  terminal?.close();
  terminal = undefined;
  project.cleanup();
});

const env = (): NodeJS.ProcessEnv => ({ ...project.env, PX_KEYCHAIN: 'off', PX_STORE_KEY: STORE_KEY, CI: '', TERM: 'xterm-256color' });

/** Runs `px ARGS` with the terminal's stty state read before and after, compared by the shell. */
function startChecked(args: string): TmuxTerminal {
  const command = `unset CI; before=$(stty -g); node ${shellQuote(PX)} ${args}; code=$?; after=$(stty -g); if [ "$before" = "$after" ]; then echo STTY-SAME; else echo STTY-CHANGED; fi; (exit $code)`;
  terminal = new TmuxTerminal(command, { cwd: project.root, env: env() });
  return terminal;
}

async function look(tty: TmuxTerminal, pattern: RegExp): Promise<string> {
  const screen = await tty.waitFor(pattern);
  seen.push(screen);
  return screen;
}

const stored = async (): Promise<Map<string, string>> => (await LocalStore.open({ root: project.root, env: env() })).values();

function expectNoValues(tty: TmuxTerminal, values: string[]): void {
  seen.push(tty.history());
  for (const value of values) for (const screen of seen) expect(screen).not.toContain(value);
}

it('generates, prompts, re-asks on a bad format, shows a non-secret, skips an optional one and summarises (exit 0)', async () => {
  const tty = startChecked('setup');
  let screen = await look(tty, /Step 2: Secrets you provide \(1 of 4\)/);
  expect(screen).toContain('✓ JWT_SECRET generated (32 chars)');
  expect(screen).toContain('✓ SESSION_KEY generated (64 chars)');
  expect(screen).toMatch(/┌ OpenRouter API Key ─+┐/);
  expect(screen).toContain('│ Enables AI features. Get one at openrouter.ai');
  tty.type(canary(1));
  await look(tty, /✗ OPENROUTER_API_KEY does not match its format \/\^sk-or-\//);
  tty.press('Enter');
  screen = await look(tty, /type it again \(the value was not kept\)/);
  expect(screen).toMatch(/Value: +│/);
  tty.type(`sk-or-${canary(2)}`);
  await look(tty, /✓ matches its format \/\^sk-or-\//);
  tty.press('Enter');
  await look(tty, /\(2 of 4\)/);
  tty.type(canary(3));
  await look(tty, /Value: \*{20,}/);
  tty.press('Enter');
  await look(tty, /\(3 of 4\)/);
  tty.type('debug');
  await look(tty, /Value: debug/);
  tty.press('Enter');
  await look(tty, /\(4 of 4\)/);
  tty.press('Tab');
  screen = await look(tty, /\[exit \d+\]/);
  expect(screen).toContain('✓ All required secrets provided   ✓ Formats valid');
  // The line is longer than the terminal: read it with the wrap undone.
  expect(screen.replace(/\n/g, '')).toContain('Setup complete: saved JWT_SECRET, SESSION_KEY, OPENROUTER_API_KEY, DATABASE_URL, LOG_LEVEL in local store (.px); skipped SMTP_PASSWORD.');
  expect(screen).toContain('STTY-SAME');
  expect(screen).toContain('[exit 0]');
  const values = await stored();
  expect(values.get('OPENROUTER_API_KEY')).toBe(`sk-or-${canary(2)}`);
  expect(values.get('DATABASE_URL')).toBe(canary(3));
  expect(values.has('SMTP_PASSWORD')).toBe(false);
  expectNoValues(tty, [canary(1), canary(2), canary(3), values.get('JWT_SECRET')!, values.get('SESSION_KEY')!]);
});

it('Esc after step 1: says what was saved, exit 1 (a required secret is still missing); the terminal is back', async () => {
  const tty = startChecked('setup');
  await look(tty, /\(1 of 4\)/);
  tty.type(canary(4));
  await look(tty, /Value: \*{20,}/);
  tty.press('Escape');
  const screen = await look(tty, /\[exit \d+\]/);
  expect(screen).toContain('Setup stopped: saved JWT_SECRET, SESSION_KEY in local store (.px). Run `px setup` again for the rest.');
  expect(screen).toContain('STTY-SAME');
  expect(screen).toContain('[exit 1]');
  expect([...(await stored()).keys()].sort()).toEqual(['JWT_SECRET', 'SESSION_KEY']);
  expectNoValues(tty, [canary(4)]);
});

it('Ctrl+C before anything was saved: exit 130, nothing stored, the terminal back', async () => {
  writeSetupManifest(project.root, { secrets: { API_KEY: { class: 'user_prompt' } } });
  const tty = startChecked('setup');
  await look(tty, /\(1 of 1\)/);
  tty.type(canary(5));
  await look(tty, /Value: \*{20,}/);
  tty.press('C-c');
  const screen = await look(tty, /\[exit \d+\]/);
  // A stop the user chose is said plainly, not as an error line.
  expect(screen).toContain('Setup stopped; nothing was saved.');
  expect(screen).not.toContain('error:');
  expect(screen).toContain('STTY-SAME');
  expect(screen).toContain('[exit 130]');
  expect((await stored()).size).toBe(0);
  expectNoValues(tty, [canary(5)]);
});
