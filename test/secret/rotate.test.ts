// `px secret rotate` as users run it: a generated secret gets a new generated value, any other a
// value a person gives (hidden prompt, or a pipe with --yes); the old value stays in history.
// Against the local store and a real endpoint (TestDevServer, and the team server on PostgreSQL
// in the postgres run); canary values never appear in any output or frame.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/core/local-store.js';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';
import { runPx, startPx, type PxResult } from '../helpers/px-session.js';

const MANIFEST = {
  secrets: {
    JWT_SECRET: { class: 'per_install_generated', format: '^[A-Za-z0-9]{40}$', generator: { type: 'random', length: 40, charset: 'alnum' }, rotateAfterDays: 90 },
    SESSION_ID: { class: 'per_install_generated', generator: { type: 'uuid' } },
    OPENROUTER_API_KEY: { class: 'user_prompt', format: '^sk-or-' },
  },
  credentials: { CLOUDFLARE_API_TOKEN: {} },
};
/** A canary that passes JWT_SECRET's format: what rotation must replace, and never print. */
const OLD_JWT = `${canary(1).replace(/[^A-Za-z0-9]/g, '')}${'Q'.repeat(40)}`.slice(0, 40);

let project: TempProject;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  project = tempProject();
  env = { ...project.env, PX_KEYCHAIN: 'off', PX_STORE_KEY: 'b'.repeat(64) };
  writeFileSync(join(project.root, 'px.config.json'), JSON.stringify(MANIFEST));
});
afterEach(() => project.cleanup());

function expectNoCanary(...results: PxResult[]): void {
  for (const result of results) {
    expect(result.stdout + result.stderr).not.toContain(CANARY);
    expect(result.stdout + result.stderr).not.toContain(OLD_JWT);
    expect(result.frames.join('\n')).not.toContain(CANARY);
  }
}

describe('on the local store', () => {
  const px = (args: string[], stdin?: string) => runPx(args, { cwd: project.root, env, stdin });
  const store = () => LocalStore.open({ root: project.root, env });
  const value = async (name: string) => (await (await store()).values()).get(name);

  it('a generated secret gets a new value from its generator; the old one is in history and a rollback restores it', async () => {
    await (await store()).put('JWT_SECRET', OLD_JWT);
    const result = await px(['secret', 'rotate', 'JWT_SECRET', '--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      'Rotated JWT_SECRET in local store (.px): a new generated value (40 random alnum characters) is current; version 1 stays in history (`px secret rollback JWT_SECRET` brings it back).\n',
    );
    const rotated = await value('JWT_SECRET');
    expect(rotated).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(rotated).not.toBe(OLD_JWT);
    const history = await px(['secret', 'history', 'JWT_SECRET', '--json']);
    expect(JSON.parse(history.stdout).versions.map((v: { version: number; current: boolean; rotation?: boolean }) => [v.version, v.current, v.rotation])).toEqual([
      [2, true, true],
      [1, false, undefined],
    ]);
    expect((await px(['secret', 'rollback', 'JWT_SECRET', '--yes'])).code).toBe(0);
    expect(await value('JWT_SECRET')).toBe(OLD_JWT);
    const table = await px(['secret', 'history', 'JWT_SECRET']);
    expect(table.stdout).toMatch(/^3 .*current, rollback to 1$/m);
    expect(table.stdout).toMatch(/^2 .*rotation$/m);
    expect(table.stdout).toMatch(/^1 +\S/m);
    expect(table.stdout).not.toMatch(/^1 .*rotation/m);
    expect(result.stdout + history.stdout).not.toContain(rotated);
    expectNoCanary(result, history);
  });

  it('a uuid generator gives a uuid', async () => {
    await (await store()).put('SESSION_ID', canary(2));
    expect((await px(['secret', 'rotate', 'SESSION_ID', '--yes'])).code).toBe(0);
    expect(await value('SESSION_ID')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('off a terminal without --yes it refuses (exit 2) and changes nothing', async () => {
    await (await store()).put('JWT_SECRET', OLD_JWT);
    const result = await px(['secret', 'rotate', 'JWT_SECRET']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: Rotating JWT_SECRET needs confirmation and this run cannot prompt: pass --yes.\n');
    expect(await value('JWT_SECRET')).toBe(OLD_JWT);
    expectNoCanary(result);
  });

  it('a secret that is not stored: exit 1 before anything is asked; a deploy credential or a NAME=value: exit 2', async () => {
    const missing = await px(['secret', 'rotate', 'JWT_SECRET']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No secret named JWT_SECRET in local store \(\.px\): there is nothing to rotate \(create it with/);
    const credential = await px(['secret', 'rotate', 'CLOUDFLARE_API_TOKEN', '--yes']);
    expect(credential.code).toBe(2);
    expect(credential.stderr).toMatch(/deploy credential: keep it in the keychain with `px creds set CLOUDFLARE_API_TOKEN`/);
    const inline = await px(['secret', 'rotate', `JWT_SECRET=${canary(3)}`, '--yes']);
    expect(inline.code).toBe(2);
    expectNoCanary(missing, credential, inline);
  });

  it('a secret a person provides: a piped value with --yes; nothing piped, the same value or a bad format is refused (exit 2)', async () => {
    const old = `sk-or-${canary(4)}`;
    await (await store()).put('OPENROUTER_API_KEY', old);
    const unconfirmed = await px(['secret', 'rotate', 'OPENROUTER_API_KEY'], `sk-or-${canary(5)}`);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/pass --yes and pipe the new value \(printf %s "\$VALUE" \| px secret rotate OPENROUTER_API_KEY --yes\)/);
    const nothing = await px(['secret', 'rotate', 'OPENROUTER_API_KEY', '--yes']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/stdin is not a terminal and gave no value/);
    const same = await px(['secret', 'rotate', 'OPENROUTER_API_KEY', '--yes'], `${old}\n`);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/That is the value OPENROUTER_API_KEY has now: a rotation needs a new one/);
    const bad = await px(['secret', 'rotate', 'OPENROUTER_API_KEY', '--yes'], canary(6));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/does not match its format \/\^sk-or-\//);
    expect(await value('OPENROUTER_API_KEY')).toBe(old);
    const done = await px(['secret', 'rotate', 'OPENROUTER_API_KEY', '--yes'], `sk-or-${canary(7)}\n`);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/^Rotated OPENROUTER_API_KEY in local store \(\.px\): the new value is current; version 1 stays in history/);
    expect(await value('OPENROUTER_API_KEY')).toBe(`sk-or-${canary(7)}`);
    expectNoCanary(unconfirmed, nothing, same, bad, done);
  });

  it('a secret the manifest does not declare has no generator: it takes a person\'s value too', async () => {
    await (await store()).put('UNDECLARED', canary(8));
    const done = await px(['secret', 'rotate', 'UNDECLARED', '--yes'], canary(9));
    expect(done.code, done.stderr).toBe(0);
    expect(await value('UNDECLARED')).toBe(canary(9));
    expectNoCanary(done);
  });
});

describe('on a terminal, against an endpoint', () => {
  let server: TestDevServer;
  let endpointEnv: NodeJS.ProcessEnv;
  beforeEach(async () => {
    server = await TestDevServer.start();
    endpointEnv = { ...env, PX_URL: server.url, PX_TOKEN: server.token };
  });
  afterEach(() => server.close());
  const stored = async (name: string) => (await server.store.values()).get(name);

  it('asks first (default No keeps the value, exit 1), then y rotates a generated secret', async () => {
    await server.store.put('JWT_SECRET', OLD_JWT);
    const kept = startPx(['secret', 'rotate', 'JWT_SECRET'], { cwd: project.root, env: endpointEnv, interactive: true });
    await kept.waitForFrame(/Rotate JWT_SECRET in .*new generated value \(40 random alnum\s+characters\).*version\s+1/s);
    await kept.press('enter');
    const no = await kept.done;
    expect(no.code).toBe(1);
    expect(no.stderr).toBe('Kept the current JWT_SECRET; nothing changed.\n');
    expect(await stored('JWT_SECRET')).toBe(OLD_JWT);

    const yes = startPx(['secret', 'rotate', 'JWT_SECRET'], { cwd: project.root, env: endpointEnv, interactive: true });
    await yes.waitForFrame(/Rotate JWT_SECRET/);
    await yes.type('y');
    await yes.press('enter');
    const result = await yes.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Rotated JWT_SECRET in ${server.url}: a new generated value`);
    const rotated = await stored('JWT_SECRET');
    expect(rotated).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(rotated).not.toBe(OLD_JWT);
    const history = await runPx(['secret', 'history', 'JWT_SECRET', '--json'], { cwd: project.root, env: endpointEnv });
    // Version 1 was written straight into the store, not by a token.
    expect(JSON.parse(history.stdout).versions.map((v: { version: number; by: string; rotation?: boolean }) => [v.version, v.by, v.rotation])).toEqual([
      [2, 'admin token', true],
      [1, expect.any(String), undefined],
    ]);
    expect(result.frames.join('\n') + result.stdout).not.toContain(rotated);
    expectNoCanary(no, result, history);
  });

  it('a secret a person provides: the new value at a hidden prompt, never on screen', async () => {
    await server.store.put('OPENROUTER_API_KEY', `sk-or-${canary(10)}`);
    const session = startPx(['secret', 'rotate', 'OPENROUTER_API_KEY'], { cwd: project.root, env: endpointEnv, interactive: true });
    await session.waitForFrame(/Rotate OPENROUTER_API_KEY in .*You type its new value next/s);
    await session.type('y');
    await session.press('enter');
    await session.waitForFrame(/New value for OPENROUTER_API_KEY/);
    await session.type(`sk-or-${canary(11)}`);
    await session.press('enter');
    const result = await session.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Rotated OPENROUTER_API_KEY in ${server.url}: the new value is current; version 1 stays in history`);
    expect(await stored('OPENROUTER_API_KEY')).toBe(`sk-or-${canary(11)}`);
    expectNoCanary(result);
  });

  it('Esc at the hidden prompt cancels (exit 130) and writes nothing', async () => {
    await server.store.put('OPENROUTER_API_KEY', `sk-or-${canary(12)}`);
    const session = startPx(['secret', 'rotate', 'OPENROUTER_API_KEY', '--yes'], { cwd: project.root, env: endpointEnv, interactive: true });
    await session.waitForFrame(/New value for OPENROUTER_API_KEY/);
    await session.type(`sk-or-${canary(13)}`);
    await session.press('escape');
    const result = await session.done;
    expect(result.code).toBe(130);
    expect(await stored('OPENROUTER_API_KEY')).toBe(`sk-or-${canary(12)}`);
    expectNoCanary(result);
  });

  it('a missing secret through the endpoint: exit 1, nothing written', async () => {
    const result = await runPx(['secret', 'rotate', 'JWT_SECRET', '--yes'], { cwd: project.root, env: endpointEnv });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/No secret named JWT_SECRET in .*nothing to rotate/);
    expect(await server.store.list()).toEqual([]);
  });
});
