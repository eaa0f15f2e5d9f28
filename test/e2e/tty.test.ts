// The built px in a real terminal: typing at the hidden prompt never shows the value.
import { readdirSync, writeFileSync } from 'node:fs';
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

it('keys that arrive faster than the screen redraws all land in the value (typing, then Enter at once)', async () => {
  const tty = start('secret create FAST');
  await tty.waitFor(/Value for FAST/);
  const parts = [canary(5), '-second-part-', 'third'];
  tty.burst([...parts.map((text) => ({ text })), { key: 'Enter' }]);
  const screen = await tty.waitFor(/\[exit \d+\]/);
  expect(screen).toContain('[exit 0]');
  expect((await server.store.values()).get('FAST')).toBe(parts.join(''));
});

it('a long paste is stored whole, and a multi-line paste keeps its lines (LF, not CR) and waits for Enter', async () => {
  const long = `${canary(6)}-${'x'.repeat(5000)}`;
  const tty = start('secret create LONG_PASTE');
  await tty.waitFor(/Value for LONG_PASTE/);
  tty.paste(`${long}\n`);
  await tty.waitFor(new RegExp(`\\(${long.length} characters\\)`));
  expect(tty.screen()).not.toMatch(/\[exit/);
  tty.press('Enter');
  expect(await tty.waitFor(/\[exit \d+\]/)).toContain('[exit 0]');
  expect((await server.store.values()).get('LONG_PASTE')).toBe(long);
  tty.close();

  const pem = `-----BEGIN KEY-----\n${canary(7)}\nline-two [brackets] stay\n-----END KEY-----\n`;
  const second = start('secret create PEM_KEY');
  await second.waitFor(/Value for PEM_KEY/);
  second.paste(pem);
  await second.waitFor(/\(\d+ characters\)/);
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect(second.screen()).not.toMatch(/\[exit/);
  expect(second.screen()).not.toContain(canary(7));
  second.press('Enter');
  expect(await second.waitFor(/\[exit \d+\]/)).toContain('[exit 0]');
  expect((await server.store.values()).get('PEM_KEY')).toBe(pem.replace(/\n$/, ''));
});

it('a paste that reaches px in two parts, split after a newline, is still one value', async () => {
  const tty = start('secret create SPLIT_PASTE');
  await tty.waitFor(/Value for SPLIT_PASTE/);
  // One bracketed paste whose second half arrives 400 ms later, as over a slow link.
  tty.raw('\u001b[200~-----BEGIN KEY-----\rAAAA\r');
  await new Promise((resolve) => setTimeout(resolve, 400));
  tty.raw(`${canary(10)}\r-----END KEY-----\r\u001b[201~`);
  await tty.waitFor(/\*{40,}/);
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect(tty.screen()).not.toMatch(/\[exit/);
  expect(tty.screen()).not.toContain(canary(10));
  tty.press('Enter');
  expect(await tty.waitFor(/\[exit \d+\]/)).toContain('[exit 0]');
  expect((await server.store.values()).get('SPLIT_PASTE')).toBe(`-----BEGIN KEY-----\nAAAA\n${canary(10)}\n-----END KEY-----`);
});

it('paste markers cut across reads are put back together: the paste is neither cancelled nor stuck', async () => {
  const tty = start('secret create CUT_MARKERS');
  await tty.waitFor(/Value for CUT_MARKERS/);
  tty.raw('\u001b');
  await new Promise((resolve) => setTimeout(resolve, 30));
  tty.raw(`[200~${canary(15)}\rline-two\u001b[2`);
  await new Promise((resolve) => setTimeout(resolve, 30));
  tty.raw('01~');
  await tty.waitFor(/\*{20,}/);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(tty.screen()).not.toMatch(/\[exit/);
  tty.press('Enter');
  expect(await tty.waitFor(/\[exit \d+\]/)).toContain('[exit 0]');
  expect((await server.store.values()).get('CUT_MARKERS')).toBe(`${canary(15)}\nline-two`);
});

it('keys typed while the value is being saved are never echoed', async () => {
  const tty = start('secret create SAVING');
  await tty.waitFor(/Value for SAVING/);
  const held = server.holdNext();
  tty.type(canary(16));
  tty.press('Enter');
  await held.arrived;
  tty.type(`typed-while-saving-${canary(17)}`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(tty.screen()).not.toContain(canary(17));
  held.release();
  const screen = await tty.waitFor(/\[exit \d+\]/);
  expect(screen).toContain('[exit 0]');
  expect(screen).not.toContain(canary(17));
  expect((await server.store.values()).get('SAVING')).toBe(canary(16));
});

it('two lines typed ahead of the prompt are not joined into one value', async () => {
  const held = server.holdNext();
  const tty = start('secret create TWO_LINES');
  await held.arrived;
  tty.burst([{ text: 'value1' }, { key: 'Enter' }, { text: 'value2' }, { key: 'Enter' }]);
  await new Promise((resolve) => setTimeout(resolve, 200));
  held.release();
  await tty.waitFor(/Several lines arrived at once outside a paste, so nothing was kept/);
  tty.type(canary(18));
  tty.press('Enter');
  expect(await tty.waitFor(/\[exit \d+\]/)).toContain('[exit 0]');
  expect((await server.store.values()).get('TWO_LINES')).toBe(canary(18));
});

it('the replace question takes a whole line: "yes" then Enter never leaks into the value, a secret typed there is not an answer', async () => {
  await server.store.put('OLD', canary(19));
  const tty = start('secret create OLD');
  await tty.waitFor(/Replace it\? \(y\/N\)/);
  tty.burst([{ text: `token${canary(20)}` }, { key: 'Enter' }]);
  await tty.waitFor(/Answer y or n, then Enter/);
  expect(tty.screen()).not.toContain(canary(20));
  tty.burst([{ text: 'yes' }, { key: 'Enter' }]);
  await tty.waitFor(/Value for OLD/);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(tty.screen()).not.toMatch(/\[exit/);
  tty.type(canary(21));
  tty.press('Enter');
  expect(await tty.waitFor(/\[exit \d+\]/)).toContain('[exit 0]');
  expect((await server.store.values()).get('OLD')).toBe(canary(21));
});

it('paste markers cut with long gaps, and an unbracketed paste cut after a line, never store marker text or one line', async () => {
  const tty = start('secret create GAPS');
  await tty.waitFor(/Value for GAPS/);
  tty.raw('\u001b[20');
  await new Promise((resolve) => setTimeout(resolve, 400));
  tty.raw(`0~${canary(22)}\u001b[20`);
  await new Promise((resolve) => setTimeout(resolve, 400));
  tty.raw('1~');
  await tty.waitFor(/\*{20,}/);
  tty.press('Enter');
  expect(await tty.waitFor(/\[exit \d+\]/)).toContain('[exit 0]');
  expect((await server.store.values()).get('GAPS')).toBe(canary(22));
  tty.close();

  const second = start('secret create UNBRACKETED');
  await second.waitFor(/Value for UNBRACKETED/);
  second.raw('-----BEGIN KEY-----\r');
  await new Promise((resolve) => setTimeout(resolve, 30));
  second.raw(`${canary(23)}\r-----END KEY-----\r`);
  await second.waitFor(/Several lines arrived at once outside a paste, so nothing was kept/);
  second.press('Escape');
  expect(await second.waitFor(/\[exit \d+\]/)).toContain('[exit 130]');
  expect(await server.store.exists('UNBRACKETED')).toBe(false);
});

it('Esc right after a value and Enter read together cancels; nothing is stored', async () => {
  const tty = start('secret create ESC_AFTER');
  await tty.waitFor(/Value for ESC_AFTER/);
  tty.burst([{ text: canary(26) }, { key: 'Enter' }, { key: 'Escape' }]);
  expect(await tty.waitFor(/\[exit \d+\]/)).toContain('[exit 130]');
  expect(await server.store.exists('ESC_AFTER')).toBe(false);
});

it('a terminal without bracketed paste: a one-line paste ending in a newline saves itself, whole', async () => {
  const tty = start('secret create PLAIN_PASTE');
  await tty.waitFor(/Value for PLAIN_PASTE/);
  tty.paste(`${canary(11)}-[x]\n`, { bracketed: false });
  expect(await tty.waitFor(/\[exit \d+\]/)).toContain('[exit 0]');
  expect((await server.store.values()).get('PLAIN_PASTE')).toBe(`${canary(11)}-[x]`);
});

it('Ctrl+U clears what was typed, as in sudo or ssh', async () => {
  const tty = start('secret create CLEARED');
  await tty.waitFor(/Value for CLEARED/);
  tty.burst([{ text: 'wrong' }, { key: 'C-u' }, { text: canary(8) }, { key: 'Enter' }]);
  expect(await tty.waitFor(/\[exit \d+\]/)).toContain('[exit 0]');
  expect((await server.store.values()).get('CLEARED')).toBe(canary(8));
});

it('a value typed before the prompt shows is never echoed, and reaches the prompt', async () => {
  const value = `${canary(9)}-${'y'.repeat(200)}`;
  // The endpoint answers the exists check only when told: px is running, the prompt not yet drawn.
  const held = server.holdNext();
  const tty = start('secret create EARLY');
  await held.arrived;
  tty.type(value);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(tty.screen()).not.toContain(canary(9));
  expect(tty.screen()).not.toMatch(/y{20}/);
  held.release();
  await tty.waitFor(/Value for EARLY/);
  await tty.waitFor(/\(\d+ characters\)/);
  expect(tty.screen()).not.toContain(canary(9));
  tty.press('Enter');
  const screen = await tty.waitFor(/\[exit \d+\]/);
  expect(screen).toContain('[exit 0]');
  expect(screen).not.toContain(canary(9));
  expect((await server.store.values()).get('EARLY')).toBe(value);
});

it('keys typed before a question shows do not answer it, and echo stays off until the hidden prompt', async () => {
  await server.store.put('OLD', canary(12));
  const held = server.holdNext();
  const tty = start('secret create OLD');
  await held.arrived;
  tty.type(`early-${canary(13)}`);
  tty.press('Enter');
  await new Promise((resolve) => setTimeout(resolve, 300));
  held.release();
  await tty.waitFor(/OLD already exists .*Replace it\? \(y\/N\)/);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(tty.screen()).not.toMatch(/\[exit/);
  tty.type('y');
  tty.press('Enter');
  await tty.waitFor(/Value for OLD/);
  tty.type(canary(14));
  await tty.waitFor(/\*{20,}/);
  tty.press('Enter');
  const screen = await tty.waitFor(/\[exit \d+\]/);
  expect(screen).toContain('[exit 0]');
  expect(screen).toContain('Updated OLD');
  expect(screen).not.toContain(canary(13));
  expect((await server.store.values()).get('OLD')).toBe(canary(14));
});

it('delete: a y typed ahead of the question does not answer it, and is not echoed', async () => {
  await server.store.put('KEEP_ME', canary(24));
  const held = server.holdNext();
  const tty = start('secret delete KEEP_ME');
  await held.arrived;
  tty.type(`y${canary(25)}`);
  tty.press('Enter');
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(tty.screen()).not.toContain(canary(25));
  held.release();
  await tty.waitFor(/Delete KEEP_ME .*\(y\/N\)/);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(tty.screen()).not.toMatch(/\[exit/);
  tty.type('n');
  tty.press('Enter');
  expect(await tty.waitFor(/\[exit \d+\]/)).toContain('[exit 1]');
  expect(await server.store.exists('KEEP_ME')).toBe(true);
});

it('Ctrl+C before the prompt shows cancels with 130 and sends nothing', async () => {
  server.hangNext();
  const tty = start('secret create NEVER');
  await until(() => server.requests.length > 0);
  tty.press('C-c');
  const screen = await tty.waitFor(/\[exit \d+\]/);
  expect(screen).toContain('[exit 130]');
  expect(screen).toContain('Cancelled');
  expect(server.requests.filter((r) => r.method === 'POST')).toEqual([]);
});

async function until(done: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('NO_COLOR=1 on a terminal: no escape codes at all (Ink included); without it the statuses are coloured', async () => {
  await server.store.put('HERE', canary(3));
  writeFileSync(join(project.root, '.env.secrets.example'), 'HERE=\nMISSING=\n');
  const colour = /\u001b\[(3\d|9\d|1|2)(;\d+)*m/;
  const coloured = start('secret list');
  await coloured.waitFor(/\[exit 0\]/);
  expect(coloured.screenWithEscapes()).toMatch(colour);
  coloured.close();
  const env = { ...project.env, PX_URL: server.url, PX_TOKEN: server.token, TERM: 'xterm-256color', NO_COLOR: '1' };
  terminal = new TmuxTerminal(`unset CI; node ${shellQuote(PX)} secret list`, { cwd: project.root, env });
  const screen = await terminal.waitFor(/\[exit 0\]/);
  expect(screen).toContain('missing');
  expect(terminal.screenWithEscapes()).not.toMatch(colour);
});
