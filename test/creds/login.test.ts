// px login / px logout with an in-memory keychain against a real TestDevServer.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOGIN_SERVICE } from '../../src/core/target.js';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { MemoryKeychain } from '../helpers/memory-keychain.js';
import { runPx, startPx, type SessionOptions } from '../helpers/px-session.js';
import { CANARY, tempProject, type TempProject } from '../helpers/project.js';

let server: TestDevServer;
let project: TempProject;
let keychain: MemoryKeychain;

beforeEach(async () => {
  server = await TestDevServer.start({ token: `${CANARY}-token` });
  project = tempProject();
  keychain = new MemoryKeychain();
});
afterEach(async () => {
  await server.close();
  project.cleanup();
});

const px = (args: string[], extra: Partial<SessionOptions> = {}) => runPx(args, { cwd: project.root, env: project.env, keychain, ...extra });
const storedToken = () => keychain.get(LOGIN_SERVICE, server.url);

describe('px login', () => {
  it('checks the token against the endpoint, stores it, and px secret then uses it', async () => {
    const result = await px(['login', '--url', server.url], { stdin: `${server.token}\n` });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`Logged in to ${server.url}: the token is in the OS keychain.\n`);
    expect(await storedToken()).toBe(server.token);
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /secrets 200']);
    const listed = await px(['secret', 'list', '--json', '--url', server.url]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual({ target: server.url, env: 'development', secrets: [], missing: [], count: 0 });
  });

  it('takes the URL from PX_URL or px.config.json like px secret', async () => {
    expect((await px(['login'], { stdin: server.token, env: { ...project.env, PX_URL: server.url } })).code).toBe(0);
    await keychain.delete(LOGIN_SERVICE, server.url);
    writeFileSync(join(project.root, 'px.config.json'), JSON.stringify({ url: `${server.url}/` }));
    expect((await px(['login'], { stdin: server.token })).code).toBe(0);
    expect(await storedToken()).toBe(server.token);
  });

  it('refuses a token the endpoint rejects (exit 4) and stores nothing', async () => {
    const result = await px(['login', '--url', server.url], { stdin: 'wrong-token' });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^error: .* rejected this token, so it was not stored: check it and run `px login` again\.$/m);
    expect(keychain.items.size).toBe(0);
  });

  it('an unreachable endpoint exits 3 and stores nothing; --no-verify stores without asking', async () => {
    const url = 'http://127.0.0.1:9';
    const result = await px(['login', '--url', url], { stdin: server.token });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/The token was not stored \(--no-verify stores it without asking the endpoint\)/);
    expect(keychain.items.size).toBe(0);
    expect((await px(['login', '--url', url, '--no-verify'], { stdin: server.token })).code).toBe(0);
    expect(await keychain.get(LOGIN_SERVICE, url)).toBe(server.token);
  });

  it('without an endpoint configured refuses with exit 2', async () => {
    const result = await px(['login'], { stdin: server.token });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/px login is for a secrets endpoint and none is configured: pass --url URL/);
  });

  it('without a token source on a non-interactive run refuses (exit 2) instead of prompting', async () => {
    const result = await px(['login', '--url', server.url], { stdin: '' });
    expect(result.code).toBe(2);
    expect(keychain.items.size).toBe(0);
  });

  it('with the keychain unavailable exits 4 before reading the token', async () => {
    keychain.available = false;
    const result = await px(['login', '--url', server.url], { stdin: server.token });
    expect(result.code).toBe(4);
    expect(server.requests).toEqual([]);
  });

  it('warns that PX_TOKEN takes precedence when it is set', async () => {
    const result = await px(['login', '--url', server.url], { stdin: server.token, env: { ...project.env, PX_TOKEN: 'x' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/PX_TOKEN is set and takes precedence/);
  });

  it('reads the token at a hidden prompt on a TTY; Esc cancels with 130', async () => {
    const session = startPx(['login', '--url', server.url], { cwd: project.root, env: project.env, keychain, interactive: true });
    await session.waitForFrame(/Token for http:\/\/127\.0\.0\.1:\d+:/);
    await session.type(server.token);
    await session.press('enter');
    const result = await session.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.frames.join('\n')).not.toContain(CANARY);
    expect(await storedToken()).toBe(server.token);

    const cancelled = startPx(['login', '--url', server.url], { cwd: project.root, env: project.env, keychain, interactive: true });
    await cancelled.waitForFrame(/Token for/);
    await cancelled.press('escape');
    expect((await cancelled.done).code).toBe(130);
  });
});

describe('px logout', () => {
  it('removes the stored token; px secret then has none (exit 4)', async () => {
    await keychain.set(LOGIN_SERVICE, server.url, server.token);
    const result = await px(['logout', '--url', server.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Logged out of ${server.url}: its token was removed from the OS keychain.\n`);
    expect(keychain.items.size).toBe(0);
    const listed = await px(['secret', 'list', '--url', server.url]);
    expect(listed.code).toBe(4);
    expect(listed.stderr).toMatch(/No token for .*: set PX_TOKEN or run `px login --url/);
  });

  it('with no stored token exits 1; without an endpoint exits 2; keychain unavailable exits 4', async () => {
    expect((await px(['logout', '--url', server.url])).code).toBe(1);
    expect((await px(['logout'])).code).toBe(2);
    keychain.available = false;
    expect((await px(['logout', '--url', server.url])).code).toBe(4);
  });
});
