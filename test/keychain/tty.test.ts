// The built px in a real terminal with a real Secret Service: typing a credential at the hidden
// prompt never shows it, and it lands in the keychain.
import { realpathSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { TmuxTerminal, shellQuote } from '../helpers/tmux.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';
import { PX, secretTool, sessionBus } from './session.js';

let project: TempProject;
let service: string;
let terminal: TmuxTerminal | undefined;

beforeEach(() => {
  project = tempProject();
  service = `px creds:${realpathSync(project.root)}`;
});
afterEach(() => {
  terminal?.close();
  secretTool('clear', 'service', service);
  project.cleanup();
});

const start = (args: string): TmuxTerminal => {
  const env = { ...project.env, DBUS_SESSION_BUS_ADDRESS: sessionBus(), TERM: 'xterm-256color' };
  terminal = new TmuxTerminal(`unset CI; node ${shellQuote(PX)} ${args}`, { cwd: project.root, env });
  return terminal;
};

it('px creds set: the typed value never reaches the screen, and secret-tool finds it', async () => {
  const tty = start('creds set CLOUDFLARE_API_TOKEN');
  await tty.waitFor(/Value for CLOUDFLARE_API_TOKEN/);
  tty.type(canary(1));
  await tty.waitFor(/\*{20,}/);
  expect(tty.screen()).not.toContain(canary(1));
  tty.press('Enter');
  const screen = await tty.waitFor(/\[exit \d+\]/);
  expect(screen).toContain('Stored CLOUDFLARE_API_TOKEN in the OS keychain');
  expect(screen).toContain('[exit 0]');
  expect(screen).not.toContain(canary(1));
  expect(secretTool('lookup', 'service', service, 'username', 'CLOUDFLARE_API_TOKEN').stdout).toBe(canary(1));
});

it('px creds set: Ctrl+C at the prompt exits 130 and stores nothing', async () => {
  const tty = start('creds set CLOUDFLARE_API_TOKEN');
  await tty.waitFor(/Value for CLOUDFLARE_API_TOKEN/);
  tty.type('half-typed');
  tty.press('C-c');
  const screen = await tty.waitFor(/\[exit \d+\]/);
  expect(screen).toContain('[exit 130]');
  expect(secretTool('lookup', 'service', service, 'username', 'CLOUDFLARE_API_TOKEN').stdout).toBe('');
});
