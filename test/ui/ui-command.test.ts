// `px ui` through the real yargs → command → Ink path, against a TestDevServer and an in-memory
// keychain: what the screen shows for each state of the endpoint, and what reached it.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { MemoryKeychain } from '../helpers/memory-keychain.js';
import { runPx, startPx, type PxSession } from '../helpers/px-session.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';

let server: TestDevServer;
let project: TempProject;
let keychain: MemoryKeychain;

beforeEach(async () => {
  server = await TestDevServer.start();
  project = tempProject();
  keychain = new MemoryKeychain();
});
afterEach(async () => {
  await server.close();
  project.cleanup();
});

const ui = (env: NodeJS.ProcessEnv = {}): PxSession =>
  startPx(['ui'], { cwd: project.root, env: { ...project.env, PX_URL: server.url, PX_TOKEN: server.token, ...env }, interactive: true, keychain });

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('px ui', () => {
  it('off a terminal: refused (exit 2), on the fast path as through yargs', async () => {
    for (const fast of [true, false]) {
      const refused = await runPx(['ui'], { cwd: project.root, env: project.env, fast });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^error: px ui is a full-screen terminal app/);
    }
  });

  it('the status line names the target and environment; rows show their status; q exits 0', async () => {
    await server.store.put('API_KEY', canary(1));
    writeFileSync(join(project.root, '.env.secrets.example'), 'API_KEY=\nDATABASE_URL=\n');
    const session = ui();
    const frame = await session.waitForFrame(/DATABASE_URL/);
    expect(frame).toContain(`px · ${server.url} · development`);
    expect(frame).toMatch(/API_KEY +just now +configured/);
    expect(frame).toMatch(/DATABASE_URL +— +missing/);
    await session.type('q');
    const result = await session.done;
    expect(result.code).toBe(0);
    expect(JSON.stringify(result)).not.toContain(canary(1));
  });

  it("for an admin token, a line names the service tokens that may read the selected secret once one may; a reader's screen has none", async () => {
    await server.store.put('API_KEY', canary(1));
    await server.store.put('DATABASE_URL', canary(2));
    // Before any grant there is nothing to say, as `px secret list` leaves out READABLE BY.
    const early = ui();
    await early.waitForFrame(/DATABASE_URL/);
    await early.type('q');
    await early.done;
    expect(early.frames().join('\n')).not.toMatch(/readable by|no service token/);
    const service = await server.addToken('service', { name: 'billing-api', grant: ['API_KEY'] });
    const admin = ui();
    await admin.waitForFrame(/API_KEY is readable by billing-api/);
    await admin.type('j');
    await admin.waitForFrame(/DATABASE_URL: no service token may read it/);
    await admin.type('q');
    const shown = await admin.done;
    expect(JSON.stringify([shown, admin.frames()])).not.toContain(service.token);
    expect(JSON.stringify([shown, admin.frames()])).not.toContain(canary(1));

    const reader = await server.addToken('reader');
    const refused = () => server.access.auditLog.filter((record) => record.tokenId === reader.id && record.status === 403).length;
    const other = ui({ PX_TOKEN: reader.token });
    await other.waitForFrame(/DATABASE_URL/);
    const first = refused();
    expect(first).toBeGreaterThan(0);
    // A reload (r) lists again but does not ask for the tokens again: the refusal was remembered.
    await other.type('r');
    await other.waitForFrame(/DATABASE_URL/);
    await other.type('q');
    await other.done;
    expect(refused()).toBe(first);
    expect(other.frames().join('\n')).not.toMatch(/readable by|no service token/);
  });

  it('creates, replaces and deletes on the endpoint; values never in a frame', async () => {
    keychain.items.clear();
    const session = ui();
    await session.waitForFrame(/No secrets yet/);
    await session.type('n');
    await session.waitForFrame(/New secret name:/);
    await session.type('NEW_KEY');
    await session.press('enter');
    await session.waitForFrame(/Value for NEW_KEY:/);
    await session.type(canary(2));
    await session.press('enter');
    await session.waitForFrame(/Created NEW_KEY in http/);
    expect((await server.store.values()).get('NEW_KEY')).toBe(canary(2));
    await session.type('e');
    await session.waitForFrame(/Value for NEW_KEY:/);
    await session.type(canary(3));
    await session.press('enter');
    await session.waitForFrame(/Updated NEW_KEY/);
    expect((await server.store.values()).get('NEW_KEY')).toBe(canary(3));
    await session.type('d');
    await session.waitForFrame(/Delete NEW_KEY from/);
    await session.type('y');
    await session.press('enter');
    await session.waitForFrame(/Deleted NEW_KEY/);
    expect(await server.store.exists('NEW_KEY')).toBe(false);
    await session.type('q');
    const result = await session.done;
    expect(result.code).toBe(0);
    for (const n of [2, 3]) expect(JSON.stringify(result)).not.toContain(canary(n));
  });

  it('h shows the versions the endpoint keeps, never a value', async () => {
    await server.store.put('API_KEY', canary(6));
    await server.store.put('API_KEY', canary(7));
    const session = ui();
    await session.waitForFrame(/› API_KEY/);
    await session.type('h');
    const frame = await session.waitForFrame(/History of API_KEY \(2 versions/);
    expect(frame).toMatch(/v2 +just now.* current$/m);
    await session.type('x');
    await session.type('q');
    const result = await session.done;
    expect(result.code).toBe(0);
    expect(JSON.stringify(result)).not.toContain('canary');
  });

  it('a deploy credential goes to the keychain from the other pane', async () => {
    const session = ui();
    await session.waitForFrame(/No deploy credentials yet/);
    await session.type('\t');
    await session.type('n');
    await session.waitForFrame(/New deploy credential name:/);
    await session.type('FLY_API_TOKEN');
    await session.press('enter');
    await session.waitForFrame(/Value for FLY_API_TOKEN:/);
    await session.type(canary(4));
    await session.press('enter');
    await session.waitForFrame(/Created FLY_API_TOKEN in OS keychain/);
    expect([...keychain.items.values()]).toContain(canary(4));
    expect(await server.store.list()).toEqual([]);
    await session.type('q');
    expect((await session.done).code).toBe(0);
  });

  it('a deploy credential name is refused in the runtime pane', async () => {
    const session = ui();
    await session.waitForFrame(/No secrets yet/);
    await session.type('n');
    await session.waitForFrame(/New secret name:/);
    await session.type('CLOUDFLARE_API_TOKEN');
    await session.press('enter');
    await session.waitForFrame(/CLOUDFLARE_API_TOKEN is a deploy credential: it belongs in the keychain \(Tab, then n\)\./);
    await session.type('\u0015OTHER_NAME');
    await session.press('enter');
    await session.waitForFrame(/Value for OTHER_NAME:/);
    await session.press('escape');
    await session.waitForFrame(/Cancelled; nothing changed\./);
    await session.type('q');
    expect((await session.done).code).toBe(0);
  });

  it.each([
    ['unreachable', async () => ({ PX_URL: `http://127.0.0.1:${await closedPort()}` }), /Cannot reach|unreachable|refused/i],
    ['401', async () => ({ PX_TOKEN: 'wrong-token' }), /401|rejected/i],
    [
      '500',
      async () => {
        server.failNext(500);
        return {};
      },
      /500/,
    ],
  ])('endpoint %s: the runtime pane says so, the credentials pane still works, q exits 0', async (_what, setup, pattern) => {
    const env = await setup();
    await keychain.set(`px creds:${project.root}`, 'FLY_API_TOKEN', canary(5));
    const session = ui(env);
    const frame = await session.waitForFrame(/Deploy credentials · 1 row/);
    expect(frame).toMatch(pattern);
    await session.type('q');
    const result = await session.done;
    expect(result.code).toBe(0);
    expect(JSON.stringify(result)).not.toContain(canary(5));
  });

  it('the keychain unavailable: the credentials pane says so', async () => {
    keychain.available = false;
    const session = ui();
    const frame = await session.waitForFrame(/locked/);
    expect(frame).toContain('No secrets yet');
    await session.type('q');
    expect((await session.done).code).toBe(0);
  });
});
