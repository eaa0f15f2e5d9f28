import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { runPx, startPx } from '../helpers/px-session.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';

let server: TestDevServer;
let project: TempProject;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  server = await TestDevServer.start();
  project = tempProject();
  env = { ...project.env, PX_URL: server.url, PX_TOKEN: server.token };
});
afterEach(async () => {
  await server.close();
  project.cleanup();
});

const stored = async (name: string): Promise<string | undefined> => (await server.store.values()).get(name);

describe('px secret create', () => {
  it('reads a piped value, strips one trailing newline and says created', async () => {
    const result = await runPx(['secret', 'create', 'OPENAI_API_KEY'], { cwd: project.root, env, stdin: `${canary(1)}\n` });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Created OPENAI_API_KEY in ${server.url}.\n`);
    expect(await stored('OPENAI_API_KEY')).toBe(canary(1));
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /secrets/OPENAI_API_KEY/exists', 'POST /secrets']);
  });

  it('keeps a multiline piped value and strips only one \\r\\n', async () => {
    const value = `line1\nline2\r\n\r\n`;
    expect((await runPx(['secret', 'create', 'CERT'], { cwd: project.root, env, stdin: value })).code).toBe(0);
    expect(await stored('CERT')).toBe('line1\nline2\r\n');
  });

  it('refuses to replace an existing secret without --force (exit 1) and keeps it', async () => {
    await server.store.put('TOKEN', canary(2));
    const result = await runPx(['secret', 'create', 'TOKEN'], { cwd: project.root, env, stdin: canary(3) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/TOKEN already exists in .*: pass --force/);
    expect(await stored('TOKEN')).toBe(canary(2));
  });

  it('replaces with --force and says updated', async () => {
    await server.store.put('TOKEN', canary(2));
    const result = await runPx(['secret', 'create', 'TOKEN', '--force'], { cwd: project.root, env, stdin: canary(3) });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Updated TOKEN');
    expect(await stored('TOKEN')).toBe(canary(3));
  });

  it('accepts --value with a shell-history warning on stderr', async () => {
    const result = await runPx(['secret', 'create', 'TOKEN', '--value', canary(4)], { cwd: project.root, env });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: --value puts the secret in your shell history/);
    expect(result.stderr + result.stdout).not.toContain(canary(4));
    expect(await stored('TOKEN')).toBe(canary(4));
  });

  it('warns about surrounding whitespace or quotes without refusing', async () => {
    const result = await runPx(['secret', 'create', 'QUOTED'], { cwd: project.root, env, stdin: '"abc"' });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/wrapped in quotes/);
  });

  it.each([
    ['an invalid name', ['secret', 'create', '1BAD'], 'x', /not a valid name/],
    ['a deploy credential name', ['secret', 'create', 'CLOUDFLARE_API_TOKEN'], 'x', /deploy credential: .*px creds set/],
    ['an empty value', ['secret', 'create', 'EMPTY', '--value', ''], '', /Cannot store EMPTY: the value is empty\./],
    ['an empty pipe', ['secret', 'create', 'EMPTY'], '\n', /Cannot store EMPTY: stdin is not a terminal and gave no value/],
  ])('refuses %s with exit 2 and writes nothing', async (_what, args, stdin, message) => {
    const result = await runPx(args, { cwd: project.root, env, stdin });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(await server.store.list()).toEqual([]);
  });

  it('refuses an over-long value (exit 2)', async () => {
    const result = await runPx(['secret', 'create', 'BIG'], { cwd: project.root, env, stdin: 'x'.repeat(64 * 1024 + 1) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/larger than 64 KiB/);
  });

  it('without a value source on a non-interactive run, says how to pass one (exit 2)', async () => {
    for (const stdin of ['', '\n']) {
      const result = await runPx(['secret', 'create', 'X'], { cwd: project.root, env, stdin });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'error: Cannot store X: stdin is not a terminal and gave no value. Pipe it (printf %s "$VALUE" | px …) or pass --value, or run in a terminal to type it.\n',
      );
    }
    expect(server.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });
});

describe('px secret create on a TTY', () => {
  it('prompts with hidden input: the value never appears in a frame', async () => {
    const px = startPx(['secret', 'create', 'OPENAI_API_KEY'], { cwd: project.root, env, interactive: true });
    await px.waitForFrame(/Value for OPENAI_API_KEY/);
    await px.type(canary(5));
    await px.waitForFrame(/\*{10,}/);
    await px.press('enter');
    const result = await px.done;
    expect(result.code).toBe(0);
    expect(result.frames.join('\n')).not.toContain(canary(5));
    expect(result.frames.join('\n')).toContain(`Target: ${server.url}`);
    expect(result.stdout).toContain('Created OPENAI_API_KEY');
    expect(await stored('OPENAI_API_KEY')).toBe(canary(5));
  });

  it('drops the trailing newline a paste brings', async () => {
    const px = startPx(['secret', 'create', 'PASTED'], { cwd: project.root, env, interactive: true });
    await px.waitForFrame(/Value for PASTED/);
    await px.type(`${canary(6)}\r\n`);
    await px.press('enter');
    expect((await px.done).code).toBe(0);
    expect(await stored('PASTED')).toBe(canary(6));
  });

  it('does not accept an empty value at the prompt', async () => {
    const px = startPx(['secret', 'create', 'X'], { cwd: project.root, env, interactive: true });
    await px.waitForFrame(/Value for X/);
    await px.press('enter');
    await px.waitForFrame(/value is empty/);
    await px.press('escape');
    expect((await px.done).code).toBe(130);
  });

  it.each(['escape', 'ctrl-c'] as const)('%s at the prompt cancels with exit 130 and writes nothing', async (key) => {
    const px = startPx(['secret', 'create', 'X'], { cwd: project.root, env, interactive: true });
    await px.waitForFrame(/Value for X/);
    await px.type('partial');
    await px.press(key);
    const result = await px.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/Cancelled/);
    expect(await server.store.list()).toEqual([]);
  });

  it('asks before replacing; No keeps the old value (exit 1)', async () => {
    await server.store.put('TOKEN', canary(7));
    const px = startPx(['secret', 'create', 'TOKEN'], { cwd: project.root, env, interactive: true });
    await px.waitForFrame(/TOKEN already exists.*Replace it\?/);
    await px.press('enter'); // default No
    const result = await px.done;
    expect(result.code).toBe(1);
    expect(await stored('TOKEN')).toBe(canary(7));
  });

  it('asks before replacing; y then the prompt updates it', async () => {
    await server.store.put('TOKEN', canary(7));
    const px = startPx(['secret', 'create', 'TOKEN'], { cwd: project.root, env, interactive: true });
    await px.waitForFrame(/Replace it\?/);
    await px.type('y');
    await px.press('enter');
    await px.waitForFrame(/Value for TOKEN/);
    await px.type(canary(8));
    await px.press('enter');
    const result = await px.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Updated TOKEN');
    expect(await stored('TOKEN')).toBe(canary(8));
  });
});
