// Stale secrets and deploy credentials: older than the manifest's rotateAfterDays, they are
// `stale` in `px secret list` (table, Ink table and --json), in `px creds list` and in the
// manager's rows, and a rotation makes them current again. The clock is moved rather than the
// stored times: px reads "now" from Date, which the tests set past the rotation period.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rowText } from '../../components/manager-model.js';
import { LocalStore } from '../../src/core/local-store.js';
import { useCredsProject } from '../helpers/memory-keychain.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';
import { runPx } from '../helpers/px-session.js';

const DAY = 86_400_000;

describe('px secret list', () => {
  let project: TempProject;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    project = tempProject();
    env = { ...project.env, PX_KEYCHAIN: 'off', PX_STORE_KEY: 'd'.repeat(64) };
    const secrets = {
      JWT_SECRET: { class: 'per_install_generated', rotateAfterDays: 90 },
      SESSION_KEY: { class: 'per_install_generated', rotateAfterDays: 30 },
      OPENROUTER_API_KEY: { class: 'user_prompt', rotateAfterDays: 365 },
    };
    writeFileSync(join(project.root, 'px.config.json'), JSON.stringify({ secrets }));
  });
  afterEach(() => {
    vi.useRealTimers();
    project.cleanup();
  });
  const px = (args: string[], interactive = false) => runPx(args, { cwd: project.root, env, interactive });
  const statuses = async () => Object.fromEntries(JSON.parse((await px(['secret', 'list', '--json'])).stdout).secrets.map((s: { name: string; status: string }) => [s.name, s.status]));

  it('a secret last set longer ago than its rotateAfterDays is stale in --json and the table, with how to rotate it; a rotation makes it current', async () => {
    const store = await LocalStore.open({ root: project.root, env });
    for (const [name, n] of [['JWT_SECRET', 1], ['SESSION_KEY', 2], ['OPENROUTER_API_KEY', 3]] as const) await store.put(name, canary(n));
    expect(await statuses()).toEqual({ JWT_SECRET: 'configured', OPENROUTER_API_KEY: 'configured', SESSION_KEY: 'configured' });

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31 * DAY);
    expect(await statuses()).toEqual({ JWT_SECRET: 'configured', OPENROUTER_API_KEY: 'configured', SESSION_KEY: 'stale' });
    vi.setSystemTime(Date.now() + 60 * DAY); // 91 days after the writes
    expect(await statuses()).toEqual({ JWT_SECRET: 'stale', OPENROUTER_API_KEY: 'configured', SESSION_KEY: 'stale' });
    const table = await px(['secret', 'list']);
    expect(table.stdout).toMatch(/^JWT_SECRET +\S+ +\S+ +stale$/m);
    expect(table.stdout).toMatch(/^OPENROUTER_API_KEY +\S+ +\S+ +configured$/m);
    expect(table.stdout).toContain('3 secrets, 2 stale (JWT_SECRET, SESSION_KEY): rotate each with `px secret rotate NAME`\n');
    const ink = await px(['secret', 'list'], true);
    expect(ink.frames.join('\n')).toMatch(/JWT_SECRET .* stale$/m);
    expect(ink.frames.join('\n')).toContain('2 stale (JWT_SECRET, SESSION_KEY)');

    // The rotation is written at the moved clock's "now": it is current again, the other stays stale.
    const rotated = await px(['secret', 'rotate', 'JWT_SECRET', '--yes']);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(await statuses()).toEqual({ JWT_SECRET: 'configured', OPENROUTER_API_KEY: 'configured', SESSION_KEY: 'stale' });
    const after = await px(['secret', 'list']);
    expect(after.stdout).toContain('3 secrets, 1 stale: rotate it with `px secret rotate SESSION_KEY`\n');
    for (const result of [table, ink, rotated, after]) expect(result.stdout + result.stderr + result.frames.join('')).not.toContain(CANARY);
  });
});

describe('px creds list', () => {
  const creds = useCredsProject();
  const setAt = (times: Record<string, string>) => {
    mkdirSync(join(creds.project.root, '.px'), { recursive: true });
    writeFileSync(join(creds.project.root, '.px', 'credentials.json'), JSON.stringify({ setAt: times }));
  };

  it('a credential older than its rotateAfterDays is stale (table, Ink and --json); one of unknown age or without a period is not', async () => {
    const credentials = { CLOUDFLARE_API_TOKEN: { rotateAfterDays: 90 }, FLY_API_TOKEN: { rotateAfterDays: 90 }, AWS_SECRET_ACCESS_KEY: {} };
    writeFileSync(join(creds.project.root, 'px.config.json'), JSON.stringify({ credentials }));
    for (const [name, n] of [['CLOUDFLARE_API_TOKEN', 1], ['FLY_API_TOKEN', 2], ['AWS_SECRET_ACCESS_KEY', 3], ['NEON_API_KEY', 4]] as const) {
      await creds.keychain.set(creds.service, name, canary(n));
    }
    const old = new Date(Date.now() - 120 * DAY).toISOString();
    setAt({ CLOUDFLARE_API_TOKEN: old, AWS_SECRET_ACCESS_KEY: old, NEON_API_KEY: new Date().toISOString() });

    const json = JSON.parse((await creds.px(['creds', 'list', '--json'])).stdout);
    expect(json.credentials).toEqual([
      { name: 'AWS_SECRET_ACCESS_KEY', setAt: old },
      { name: 'CLOUDFLARE_API_TOKEN', setAt: old, stale: true },
      { name: 'FLY_API_TOKEN', stale: false },
      { name: 'NEON_API_KEY', setAt: expect.any(String) },
    ]);
    const table = await creds.px(['creds', 'list']);
    expect(table.stdout).toMatch(/^CLOUDFLARE_API_TOKEN +120 days, stale$/m);
    expect(table.stdout).toMatch(/^AWS_SECRET_ACCESS_KEY +120 days$/m);
    expect(table.stdout).toMatch(/^FLY_API_TOKEN +unknown$/m);
    expect(table.stdout).toContain('4 credentials, 1 stale: replace it with `px creds set CLOUDFLARE_API_TOKEN --force`\n');
    const ink = await creds.px(['creds', 'list'], { interactive: true });
    expect(ink.frames.join('\n')).toMatch(/CLOUDFLARE_API_TOKEN +120 days, stale/);
    expect(ink.frames.join('\n')).toContain('1 stale: replace it with');

    expect((await creds.px(['creds', 'set', 'CLOUDFLARE_API_TOKEN', '--force'], { stdin: canary(5) })).code).toBe(0);
    expect(JSON.parse((await creds.px(['creds', 'list', '--json'])).stdout).credentials[1]).toMatchObject({ name: 'CLOUDFLARE_API_TOKEN', stale: false });
    for (const result of [table, ink]) expect(result.stdout + result.stderr + result.frames.join('')).not.toContain(CANARY);
  });

  it("the manager's credentials pane: each row's time is when px set it, and a stale one says so", async () => {
    writeFileSync(join(creds.project.root, 'px.config.json'), JSON.stringify({ credentials: { CLOUDFLARE_API_TOKEN: { rotateAfterDays: 90 }, FLY_API_TOKEN: { rotateAfterDays: 90 } } }));
    await creds.keychain.set(creds.service, 'CLOUDFLARE_API_TOKEN', canary(6));
    await creds.keychain.set(creds.service, 'FLY_API_TOKEN', canary(7));
    const old = new Date(Date.now() - 120 * DAY).toISOString();
    const recent = new Date(Date.now() - 2 * DAY).toISOString();
    setAt({ CLOUDFLARE_API_TOKEN: old, FLY_API_TOKEN: recent });
    const { ManagerSession } = await import('../../src/commands/ui/manager-actions.js');
    const { findProject } = await import('../../src/core/project.js');
    const io = { cwd: creds.project.root, env: { ...creds.project.env, PX_KEYCHAIN: 'off', PX_STORE_KEY: 'd'.repeat(64) }, keychain: () => creds.keychain } as never;
    const session = new ManagerSession(io, {}, findProject(creds.project.root), 'development');
    const { credentials } = await session.load('development');
    expect(credentials.rows).toEqual([
      { name: 'CLOUDFLARE_API_TOKEN', updatedAt: old, status: 'stale' },
      { name: 'FLY_API_TOKEN', updatedAt: recent, status: 'configured' },
    ]);
  });

  it('a rotateAfterDays that is not a whole number of days is refused with its JSON path (exit 2)', async () => {
    writeFileSync(join(creds.project.root, 'px.config.json'), JSON.stringify({ credentials: { CLOUDFLARE_API_TOKEN: { rotateAfterDays: 0.5 } } }));
    const result = await creds.px(['creds', 'list']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('$.credentials.CLOUDFLARE_API_TOKEN.rotateAfterDays must be a whole number of days from 1 to 36500');
  });
});

describe("the manager's rows", () => {
  it('mark a stale row with `!`, as px secret list does, so it stands out without colour', () => {
    expect(rowText({ name: 'JWT_SECRET', status: 'stale', updatedAt: '2026-01-01T00:00:00.000Z' }, 80, new Date('2026-06-01T00:00:00.000Z')).status.trimEnd()).toBe('! stale');
    expect(rowText({ name: 'JWT_SECRET', status: 'configured' }, 80, new Date()).status.trimEnd()).toBe('configured');
  });
});
