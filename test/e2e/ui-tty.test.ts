// The built px ui in a real terminal (tmux): it creates, replaces, deletes and filters on the
// local store; no canary value ever reaches a frame or the scrollback; and after q, Ctrl+C and
// kill -TERM the terminal's stty state is what it was, on the main screen with a cursor.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { LocalStore } from '../../src/core/local-store.js';
import { TmuxTerminal, shellQuote } from '../helpers/tmux.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
const STORE_KEY = 'a'.repeat(64);
let project: TempProject;
let terminal: TmuxTerminal | undefined;
/** Every screen the test looked at, to check for canaries at the end. */
let seen: string[] = [];

beforeAll(() => {
  if (!existsSync(join(import.meta.dirname, '..', '..', 'dist', 'px.cjs'))) throw new Error('run `npm run build` first (npm test does)');
});
beforeEach(() => {
  project = tempProject();
  seen = [];
});
afterEach(() => {
  terminal?.close();
  terminal = undefined;
  project.cleanup();
});

const env = (): NodeJS.ProcessEnv => ({ ...project.env, PX_KEYCHAIN: 'off', PX_STORE_KEY: STORE_KEY, CI: '', TERM: 'xterm-256color' });
const px = (args: string): string => `node ${shellQuote(PX)} ${args}`;

/** Runs `args` with the terminal's stty state read before and after, compared by the shell. */
function startChecked(args: string): TmuxTerminal {
  const command = `unset CI; before=$(stty -g); ${px(args)}; code=$?; after=$(stty -g); if [ "$before" = "$after" ]; then echo STTY-SAME; else echo STTY-CHANGED; fi; (exit $code)`;
  terminal = new TmuxTerminal(command, { cwd: project.root, env: env() });
  return terminal;
}

async function look(tty: TmuxTerminal, pattern: RegExp): Promise<string> {
  const screen = await tty.waitFor(pattern);
  seen.push(screen);
  return screen;
}

/** The project's local store, opened as px opens it. */
const store = () => LocalStore.open({ root: project.root, env: env() });

async function seed(...pairs: Array<[string, string]>): Promise<void> {
  const opened = await store();
  for (const [name, value] of pairs) await opened.put(name, value);
}

async function stored(): Promise<Map<string, string>> {
  return (await store()).values();
}

function expectTerminalBack(tty: TmuxTerminal, screen: string): void {
  expect(screen).toContain('STTY-SAME');
  expect(tty.alternateScreenOn()).toBe(false);
  expect(tty.cursorVisible()).toBe(true);
}

it('creates, replaces, filters and deletes; q gives the terminal back; no value on any screen or in the scrollback', async () => {
  await seed(['API_KEY', canary(1)], ['DATABASE_URL', canary(2)]);
  const tty = startChecked('ui');
  await look(tty, /DATABASE_URL/);
  expect(tty.alternateScreenOn()).toBe(true);
  tty.type('n');
  await look(tty, /New secret name:/);
  tty.type('NEW_TOKEN');
  tty.press('Enter');
  await look(tty, /Value for NEW_TOKEN:/);
  tty.type(canary(3));
  await look(tty, /\*{20,}/);
  tty.press('Enter');
  await look(tty, /Created NEW_TOKEN in local store \(\.px\)\./);
  tty.type('/');
  await look(tty, /filter ▏/);
  tty.type('api');
  const filtered = await look(tty, /filter api▏ · 1 of 3/);
  expect(filtered).not.toContain('DATABASE_URL');
  tty.press('Enter');
  await look(tty, /filter api · 1 of 3/);
  tty.type('e');
  await look(tty, /Value for API_KEY:/);
  tty.type(canary(4));
  await look(tty, /\*{20,}/);
  tty.press('Enter');
  await look(tty, /Updated API_KEY in local store/);
  tty.press('Escape');
  await look(tty, /3 rows/);
  tty.type('j');
  await look(tty, /› DATABASE_URL/);
  tty.type('d');
  await look(tty, /Delete DATABASE_URL from local store \(\.px\)\? This cannot be undone\. \(y\/N\)/);
  tty.type('y');
  tty.press('Enter');
  await look(tty, /Deleted DATABASE_URL/);
  tty.type('q');
  const done = await look(tty, /\[exit \d+\]/);
  expect(done).toContain('[exit 0]');
  expectTerminalBack(tty, done);
  seen.push(tty.history());
  for (const n of [1, 2, 3, 4]) for (const screen of seen) expect(screen).not.toContain(canary(n));
  expect(await stored()).toEqual(new Map([['API_KEY', canary(4)], ['NEW_TOKEN', canary(3)]]));
});

it('an optional secret that is not set shows as such, not as missing; the status line counts the required one', async () => {
  writeFileSync(join(project.root, 'px.config.json'), JSON.stringify({ secrets: { API_KEY: { class: 'user_prompt' }, LOG_LEVEL: { class: 'user_prompt', required: false } } }));
  const tty = startChecked('ui');
  const screen = await look(tty, /LOG_LEVEL/);
  expect(screen).toMatch(/API_KEY +— +missing/);
  expect(screen).toMatch(/LOG_LEVEL +— +optional, not set/);
  expect(screen).toContain('· 1 missing: s sets up');
  tty.type('q');
  expectTerminalBack(tty, await look(tty, /\[exit 0\]/));
});

it('Ctrl+C quits and gives the terminal back', async () => {
  const tty = startChecked('ui');
  await look(tty, /No secrets yet/);
  tty.press('C-c');
  const done = await look(tty, /\[exit \d+\]/);
  expect(done).toContain('[exit 0]');
  expectTerminalBack(tty, done);
});

it('Ctrl+C at the hidden prompt quits too, with nothing saved', async () => {
  const tty = startChecked('ui');
  await look(tty, /No secrets yet/);
  tty.type('n');
  await look(tty, /New secret name:/);
  tty.type('HALF');
  tty.press('Enter');
  await look(tty, /Value for HALF:/);
  tty.type(canary(5));
  tty.press('C-c');
  await look(tty, /Cancelled; nothing changed\./);
  tty.press('C-c');
  const done = await look(tty, /\[exit \d+\]/);
  expectTerminalBack(tty, done);
  seen.push(tty.history());
  for (const screen of seen) expect(screen).not.toContain(canary(5));
  expect((await stored()).size).toBe(0);
});

it('kill -TERM: exit 143 and the terminal back', async () => {
  const tty = startChecked('ui');
  await look(tty, /No secrets yet/);
  process.kill(tty.childPid(), 'SIGTERM');
  const done = await look(tty, /\[exit \d+\]/);
  expect(done).toContain('[exit 143]');
  expectTerminalBack(tty, done);
});

it('redraws on resize and does not wrap at 70 columns', async () => {
  await seed([`A_RATHER_LONG_NAME_FOR_A_SECRET_THAT_WOULD_WRAP_${'X'.repeat(40)}`, canary(6)]);
  const tty = startChecked('ui');
  await look(tty, /A_RATHER_LONG/);
  tty.resize(70, 20);
  const narrow = await look(tty, /\? what each key does/);
  const lines = narrow.split('\n');
  expect(lines.some((line) => line.includes('A_RATHER_LONG') && line.includes('…'))).toBe(true);
  for (const line of lines) expect(line.length).toBeLessThan(70);
  expect(narrow).not.toContain('WOULD_WRAP_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX');
  tty.type('q');
  expectTerminalBack(tty, await look(tty, /\[exit \d+\]/));
});

it('bare px on a terminal is the UI; with NO_COLOR no cell has a colour or an attribute', async () => {
  const tty = startChecked('');
  await look(tty, /No secrets yet/);
  expect(tty.styledScreen()).toMatch(/\u001b\[[0-9;]*m/);
  tty.type('q');
  expectTerminalBack(tty, await look(tty, /\[exit 0\]/));
  tty.close();
  terminal = new TmuxTerminal(`unset CI; NO_COLOR=1 ${px('')}; echo "[exit $?]"`, { cwd: project.root, env: env() });
  await look(terminal, /No secrets yet/);
  expect(terminal.styledScreen()).not.toMatch(/\u001b\[[0-9;]*m/);
  terminal.type('q');
  await look(terminal, /\[exit 0\]/);
});

it('off a terminal, px alone prints the help (exit 0)', async () => {
  const { spawnSync } = await import('node:child_process');
  const result = spawnSync('node', [PX], { cwd: project.root, env: { ...env(), CI: 'true' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(result.status).toBe(0);
  expect(result.stdout).toContain('px ui');
  expect(result.stdout).toContain('px setup');
});

/**
 * Runs `args` with a preloaded script that counts the Intl.Segmenters made (ICU's set-up for the
 * first costs milliseconds: scripts/ink-edits.mjs, lazyGraphemeSegmenter) and lists the built-in
 * modules loaded; `read()` after exit gives both.
 */
function startCounting(args: string): { tty: TmuxTerminal; read: () => { segmenters: number; modules: string[] } } {
  const preload = join(project.root, '..', 'count-segmenters.cjs');
  const out = join(project.root, '..', 'segmenters.json');
  writeFileSync(
    preload,
    `let made = 0; const Real = Intl.Segmenter; Intl.Segmenter = class extends Real { constructor(...args) { super(...args); made++; } };\nprocess.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify({ segmenters: made, modules: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)) })));\n`,
  );
  terminal = new TmuxTerminal(`unset CI; node -r ${shellQuote(preload)} ${shellQuote(PX)} ${args}; echo "[exit $?]"`, { cwd: project.root, env: env() });
  return { tty: terminal, read: () => JSON.parse(readFileSync(out, 'utf8')) };
}

it('the first frames (the list, a name typed, the hidden prompt) make no grapheme segmenter (px draws text that needs none) and load neither node:child_process (git runs only for an import preview) nor node:module nor node:fs/promises nor node:perf_hooks', async () => {
  await seed(['API_KEY', canary(7)]);
  const { tty, read } = startCounting('ui');
  await look(tty, /API_KEY/);
  tty.type('n');
  await look(tty, /New secret name:/);
  tty.type('LAZY');
  tty.press('Enter');
  await look(tty, /Value for LAZY:/);
  tty.press('C-c');
  await look(tty, /Cancelled; nothing changed\./);
  tty.type('q');
  await look(tty, /\[exit 0\]/);
  const { segmenters, modules } = read();
  expect(segmenters).toBe(0);
  // It did draw with Ink on a terminal.
  expect(modules).toContain('tty');
  expect(modules).not.toContain('child_process');
  // Ink's error overview makes its stack parser (which loads node:module) on its first error.
  expect(modules).not.toContain('module');
  // Reading the access file (for the UI's access pane) is synchronous: no promise-based file API.
  expect(modules).not.toContain('fs/promises');
  // React's scheduler reads process.hrtime, and Ink times no render: Node's global performance is never touched.
  expect(modules).not.toContain('perf_hooks');
});

it("px secret create's hidden prompt makes no grapheme segmenter and loads neither child_process nor assert (Ink's dependencies load them for paths a prompt never takes)", async () => {
  const { tty, read } = startCounting('secret create LAZY_PROMPT');
  await look(tty, /Value for LAZY_PROMPT/);
  tty.press('C-c');
  await look(tty, /\[exit 130\]/);
  const { segmenters, modules } = read();
  expect(segmenters).toBe(0);
  // It did draw with Ink on a terminal.
  expect(modules).toContain('tty');
  for (const unneeded of ['child_process', 'assert']) expect(modules).not.toContain(unneeded);
});
