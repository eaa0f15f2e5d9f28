// px creds set/list/delete through yargs → command → Ink, with an in-memory keychain.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { credentialsService } from '../../src/core/deploy-credentials.js';
import { useCredsProject } from '../helpers/memory-keychain.js';
import { runPx, startPx } from '../helpers/px-session.js';
import { canary, tempProject } from '../helpers/project.js';

const creds = useCredsProject();
const px = creds.px;
const options = creds.options;
const stored = (name: string) => creds.keychain.get(creds.service, name);

describe('px creds set', () => {
  it('stores a piped value under this project and says so', async () => {
    const result = await px(['creds', 'set', 'CLOUDFLARE_API_TOKEN'], { stdin: `${canary(1)}\n` });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`Stored CLOUDFLARE_API_TOKEN in the OS keychain (${creds.service}).\n`);
    expect(await stored('CLOUDFLARE_API_TOKEN')).toBe(canary(1));
  });

  it('keeps two projects apart: the same name in each holds its own value', async () => {
    const other = tempProject();
    try {
      expect((await px(['creds', 'set', 'FLY_API_TOKEN'], { stdin: canary(1) })).code).toBe(0);
      expect((await runPx(['creds', 'set', 'FLY_API_TOKEN'], { cwd: other.root, env: other.env, keychain: creds.keychain, stdin: canary(2) })).code).toBe(0);
      expect(await stored('FLY_API_TOKEN')).toBe(canary(1));
      expect(await creds.keychain.get(credentialsService(other.root), 'FLY_API_TOKEN')).toBe(canary(2));
    } finally {
      other.cleanup();
    }
  });

  it('refuses to replace without --force on a non-interactive run (exit 1), replaces with it', async () => {
    await creds.keychain.set(creds.service, 'TOKEN', canary(1));
    const refused = await px(['creds', 'set', 'TOKEN'], { stdin: canary(2) });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: TOKEN is already in the OS keychain .*: pass --force to replace it\.$/m);
    expect(await stored('TOKEN')).toBe(canary(1));
    const forced = await px(['creds', 'set', 'TOKEN', '--force'], { stdin: canary(2) });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('Updated TOKEN');
    expect(await stored('TOKEN')).toBe(canary(2));
  });

  it('takes --value with a shell-history warning', async () => {
    const result = await px(['creds', 'set', 'TOKEN', '--value', canary(3)]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: --value puts the secret in your shell history/);
    expect(await stored('TOKEN')).toBe(canary(3));
  });

  it.each([
    ['an invalid name', ['creds', 'set', '1BAD'], /not a valid name/],
    ['a runtime secret name', ['creds', 'set', 'OPENAI_API_KEY'], /OPENAI_API_KEY is a runtime secret: .*px secret/],
  ])('refuses %s with exit 2 and stores nothing', async (_what, args, message) => {
    const result = await px(args, { stdin: canary(4) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(creds.keychain.items.size).toBe(0);
  });

  it('refuses names the project lists in .env.secrets.example, even well-known deploy ones, unless .env.deploy.example lists them too', async () => {
    writeFileSync(join(creds.project.root, '.env.secrets.example'), 'APP_SIGNING_KEY=\nGITHUB_TOKEN=\n');
    expect((await px(['creds', 'set', 'APP_SIGNING_KEY'], { stdin: 'x' })).code).toBe(2);
    expect((await px(['creds', 'set', 'GITHUB_TOKEN'], { stdin: 'x' })).stderr).toMatch(/GITHUB_TOKEN is a runtime secret/);
    writeFileSync(join(creds.project.root, '.env.deploy.example'), 'GITHUB_TOKEN=\n');
    expect((await px(['creds', 'set', 'GITHUB_TOKEN'], { stdin: 'x' })).code).toBe(0);
  });

  it('without a value source on a non-interactive run refuses (exit 2) instead of prompting', async () => {
    const result = await px(['creds', 'set', 'TOKEN'], { stdin: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: Cannot store TOKEN: stdin is not a terminal and gave no value\. Pipe it .* or pass --value, or run in a terminal to type it\.$/m);
  });

  it('with the keychain unavailable exits 4 before reading a value', async () => {
    creds.keychain.available = false;
    const result = await px(['creds', 'set', 'TOKEN'], { stdin: canary(5) });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^error: The OS keychain is not available \(it is locked\): .*\.$/m);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('px creds set on a TTY', () => {
  it('prompts with hidden input: the value never appears in a frame', async () => {
    const session = startPx(['creds', 'set', 'FLY_API_TOKEN'], options({ interactive: true }));
    await session.waitForFrame(/Value for FLY_API_TOKEN/);
    await session.type(canary(6));
    await session.waitForFrame(/\*{10,}/);
    await session.press('enter');
    const result = await session.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.frames.join('\n')).not.toContain(canary(6));
    expect(result.frames.join('\n')).toContain(`Target: OS keychain (${creds.service})`);
    expect(await stored('FLY_API_TOKEN')).toBe(canary(6));
  });

  it.each(['escape', 'ctrl-c'] as const)('%s at the prompt cancels with exit 130 and stores nothing', async (key) => {
    const session = startPx(['creds', 'set', 'FLY_API_TOKEN'], options({ interactive: true }));
    await session.waitForFrame(/Value for FLY_API_TOKEN/);
    await session.type('partial');
    await session.press(key);
    const result = await session.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/Cancelled/);
    expect(creds.keychain.items.size).toBe(0);
  });

  it('asks before replacing; the default No keeps the old value (exit 1)', async () => {
    await creds.keychain.set(creds.service, 'TOKEN', canary(7));
    const session = startPx(['creds', 'set', 'TOKEN'], options({ interactive: true }));
    await session.waitForFrame(/TOKEN is already in the keychain for this project\. Replace it\?/);
    await session.press('enter');
    expect((await session.done).code).toBe(1);
    expect(await stored('TOKEN')).toBe(canary(7));
  });
});

describe('px creds list', () => {
  it('empty state says so and how to add one', async () => {
    const result = await px(['creds', 'list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Target: OS keychain (${creds.service})`);
    expect(result.stdout).toMatch(/No deploy credentials for this project yet\. Add one with `px creds set NAME`/);
    expect(result.stdout).toMatch(/^0 credentials$/m);
  });

  it('shows names only, and which names of .env.deploy.example are stored or missing', async () => {
    writeFileSync(join(creds.project.root, '.env.deploy.example'), 'CLOUDFLARE_API_TOKEN=\nFLY_API_TOKEN=\n');
    await creds.keychain.set(creds.service, 'CLOUDFLARE_API_TOKEN', canary(1));
    await creds.keychain.set(creds.service, 'EXTRA_TOKEN', canary(2));
    const result = await px(['creds', 'list']);
    expect(result.code).toBe(0);
    // Set behind px's back: no time is known, so the age is unknown.
    expect(result.stdout).toMatch(/^NAME +AGE +STATUS$/m);
    expect(result.stdout).toMatch(/^CLOUDFLARE_API_TOKEN +unknown +stored$/m);
    expect(result.stdout).toMatch(/^EXTRA_TOKEN +unknown +not in example$/m);
    expect(result.stdout).toMatch(/^FLY_API_TOKEN +- +missing$/m);
    expect(result.stdout).toMatch(/^2 credentials, 1 from \.env\.deploy\.example missing$/m);
    expect(result.stdout).not.toContain(canary(1));
  });

  it('--json prints names, count and missing names', async () => {
    writeFileSync(join(creds.project.root, '.env.deploy.example'), 'CLOUDFLARE_API_TOKEN=\nFLY_API_TOKEN=\n');
    await creds.keychain.set(creds.service, 'FLY_API_TOKEN', canary(1));
    const result = await px(['creds', 'list', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ credentials: [{ name: 'FLY_API_TOKEN' }], count: 1, missing: ['CLOUDFLARE_API_TOKEN'] });
  });

  it('renders a table on a TTY', async () => {
    writeFileSync(join(creds.project.root, '.env.deploy.example'), 'CLOUDFLARE_API_TOKEN=\nFLY_API_TOKEN=\n');
    await creds.keychain.set(creds.service, 'FLY_API_TOKEN', canary(1));
    const result = await px(['creds', 'list'], { interactive: true });
    expect(result.code).toBe(0);
    const frame = result.frames.join('\n');
    expect(frame).toMatch(/CLOUDFLARE_API_TOKEN +- +missing/);
    expect(frame).toMatch(/FLY_API_TOKEN +unknown +stored/);
    expect(frame).toContain('1 credential, 1 from .env.deploy.example missing');
  });

  it('shows the age of a credential px set, and its time in --json; a delete forgets it', async () => {
    expect((await px(['creds', 'set', 'FLY_API_TOKEN'], { stdin: canary(3) })).code).toBe(0);
    const listed = await px(['creds', 'list']);
    expect(listed.stdout).toMatch(/^FLY_API_TOKEN +today$/m);
    const json = JSON.parse((await px(['creds', 'list', '--json'])).stdout);
    expect(Date.now() - Date.parse(json.credentials[0].setAt)).toBeLessThan(3_600_000);
    const file = readFileSync(join(creds.project.root, '.px', 'credentials.json'), 'utf8');
    expect(file).toContain('FLY_API_TOKEN');
    expect(file).not.toContain(canary(3));
    expect((await px(['creds', 'delete', 'FLY_API_TOKEN', '--yes'])).code).toBe(0);
    expect(readFileSync(join(creds.project.root, '.px', 'credentials.json'), 'utf8')).not.toContain('FLY_API_TOKEN');
    expect(listed.stdout + listed.stderr).not.toContain(canary(3));
  });

  it('with the keychain unavailable exits 4', async () => {
    creds.keychain.available = false;
    const result = await px(['creds', 'list', '--json']);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: The OS keychain is not available/);
  });
});

describe('px creds delete', () => {
  it('deletes with --yes', async () => {
    await creds.keychain.set(creds.service, 'TOKEN', canary(1));
    const result = await px(['creds', 'delete', 'TOKEN', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Deleted TOKEN from the OS keychain (${creds.service}).\n`);
    expect(await stored('TOKEN')).toBeNull();
  });

  it('unknown name exits 1; invalid name exits 2', async () => {
    const unknown = await px(['creds', 'delete', 'NOPE', '--yes']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No deploy credential named NOPE/);
    expect((await px(['creds', 'delete', 'no-pe', '--yes'])).code).toBe(2);
  });

  it('non-interactive without --yes refuses with exit 2 and keeps it', async () => {
    await creds.keychain.set(creds.service, 'TOKEN', canary(1));
    const result = await px(['creds', 'delete', 'TOKEN']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pass --yes/);
    expect(await stored('TOKEN')).toBe(canary(1));
  });

  it('asks on a TTY: y deletes, Esc cancels (130)', async () => {
    await creds.keychain.set(creds.service, 'TOKEN', canary(1));
    const cancelled = startPx(['creds', 'delete', 'TOKEN'], options({ interactive: true }));
    await cancelled.waitForFrame(/Delete TOKEN from the keychain for this project\?/);
    await cancelled.press('escape');
    expect((await cancelled.done).code).toBe(130);
    expect(await stored('TOKEN')).toBe(canary(1));
    const confirmed = startPx(['creds', 'delete', 'TOKEN'], options({ interactive: true }));
    await confirmed.waitForFrame(/Delete TOKEN/);
    await confirmed.type('y');
    await confirmed.press('enter');
    expect((await confirmed.done).code).toBe(0);
    expect(await stored('TOKEN')).toBeNull();
  });

  it('with the keychain unavailable exits 4', async () => {
    creds.keychain.available = false;
    expect((await px(['creds', 'delete', 'TOKEN', '--yes'])).code).toBe(4);
  });
});
