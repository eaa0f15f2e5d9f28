// The built px in a real terminal: typing at the hidden prompt never shows the value.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { TmuxTerminal, shellQuote } from '../helpers/tmux.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
let server: TestDevServer;
let project: TempProject;
let terminal: TmuxTerminal | undefined;

beforeAll(async () => {
  const { existsSync } = await import('node:fs');
  if (!existsSync(join(import.meta.dirname, '..', '..', 'dist', 'px.cjs'))) throw new Error('run `npm run build` first (npm test does)');
});
beforeEach(async () => {
  server = await TestDevServer.start();
  project = tempProject();
});
afterEach(async () => {
  terminal?.close();
  await server.close();
  project.cleanup();
});

const start = (args: string): TmuxTerminal => {
  const env = { ...project.env, PX_URL: server.url, PX_TOKEN: server.token, CI: '', TERM: 'xterm-256color' };
  terminal = new TmuxTerminal(`unset CI; node ${shellQuote(PX)} ${args}`, { cwd: project.root, env });
  return terminal;
};

it('hidden prompt: the typed value never reaches the screen, and the endpoint gets it', async () => {
  const tty = start('secret create OPENAI_API_KEY');
  await tty.waitFor(/Value for OPENAI_API_KEY/);
  tty.type(canary(1));
  await tty.waitFor(/\*{20,}/);
  expect(tty.screen()).not.toContain(canary(1));
  tty.press('Enter');
  const screen = await tty.waitFor(/\[exit \d+\]/);
  expect(screen).toContain('Created OPENAI_API_KEY');
  expect(screen).toContain('[exit 0]');
  expect(screen).not.toContain(canary(1));
  expect((await server.store.values()).get('OPENAI_API_KEY')).toBe(canary(1));
});

it('Ctrl+C at the prompt exits 130 and sends nothing', async () => {
  const tty = start('secret create OPENAI_API_KEY');
  await tty.waitFor(/Value for OPENAI_API_KEY/);
  tty.type('half-typed');
  tty.press('C-c');
  const screen = await tty.waitFor(/\[exit \d+\]/);
  expect(screen).toContain('[exit 130]');
  expect(screen).toContain('Cancelled');
  expect(await server.store.list()).toEqual([]);
});

it('delete asks first in a terminal and keeps the secret on Enter (default No)', async () => {
  await server.store.put('OLD', canary(2));
  const tty = start('secret delete OLD');
  await tty.waitFor(/Delete OLD .*\(y\/N\)/);
  tty.press('Enter');
  const screen = await tty.waitFor(/\[exit \d+\]/);
  expect(screen).toContain('[exit 1]');
  expect(await server.store.exists('OLD')).toBe(true);
});

it('the prompt works the same when the Ink layer runs from the code cache', async () => {
  for (const [name, n] of [['FIRST', 3], ['SECOND', 4]] as const) {
    const tty = start(`secret create ${name}`);
    await tty.waitFor(new RegExp(`Value for ${name}`));
    tty.type(canary(n));
    await tty.waitFor(/\*{20,}/);
    tty.press('Enter');
    const screen = await tty.waitFor(/\[exit \d+\]/);
    expect(screen).toContain('[exit 0]');
    tty.close();
  }
  expect(readdirSync(join(project.env.HOME!, '.cache', 'px')).some((file) => file.startsWith('ui.cjs-'))).toBe(true);
  expect((await server.store.values()).get('SECOND')).toBe(canary(4));
});
