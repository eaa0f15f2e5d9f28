// Every role against every route of the local `px server` (the built binary, over loopback) and
// of TestDevServer (test/helpers/role-matrix.ts; the team server's is in test/postgres/). Then the
// CLI: a command the role may not run exits 4 with one line; one it may run exits 0.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { startPxServer, type PxServer } from '../helpers/px-server.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';
import { EVERYONE, matrix, newToken, setUp, type Fixtures, type Who } from '../helpers/role-matrix.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
let project: TempProject;
let server: PxServer;
matrix('local px server', async () => {
  project = tempProject();
  server = await startPxServer(project.root, { ...project.env, PX_KEYCHAIN: 'off' });
  return { target: { url: server.url, adminToken: server.adminToken }, stop: async () => (await server.stop(), project.cleanup()) };
});

matrix('TestDevServer', async () => {
  const dev = await TestDevServer.start();
  const admin = await dev.addToken('admin');
  return { target: { url: dev.url, adminToken: admin.token }, stop: () => dev.close() };
});

describe('every role against the CLI (local px server)', () => {
  let cli: TempProject;
  let running: PxServer;
  let fx: Fixtures;
  beforeAll(async () => {
    cli = tempProject();
    running = await startPxServer(cli.root, { ...cli.env, PX_KEYCHAIN: 'off' });
    fx = await setUp({ url: running.url, adminToken: running.adminToken });
  });
  afterAll(async () => {
    await running.stop();
    cli.cleanup();
  });

  const px = (who: Who, args: string[], input?: string) =>
    spawnSync(process.execPath, [PX, ...args, '--url', running.url], {
      cwd: cli.root,
      encoding: 'utf8',
      input,
      env: { ...cli.env, PX_KEYCHAIN: 'off', PX_TOKEN: fx.tokens[who] },
    });

  const COMMANDS: Array<{ command: string; allowed: Who[]; args: () => string[]; input?: () => string }> = [
    { command: 'secret list', allowed: ['admin', 'writer', 'reader'], args: () => ['secret', 'list', '--json'] },
    { command: 'secret exists', allowed: ['admin', 'writer', 'reader', 'service'], args: () => ['secret', 'exists', 'GRANTED'] },
    { command: 'secret create', allowed: ['admin', 'writer'], args: () => ['secret', 'create', `C_${++fx.n}`], input: () => canary(fx.n) },
    { command: 'secret import', allowed: ['admin', 'writer'], args: () => ['secret', 'import', '-', '--yes'], input: () => `I_${++fx.n}=${canary(fx.n)}\n` },
    { command: 'secret get', allowed: ['service'], args: () => ['secret', 'get', 'GRANTED'] },
    { command: 'token list', allowed: ['admin'], args: () => ['token', 'list', '--json'] },
    { command: 'token create', allowed: ['admin'], args: () => ['token', 'create', '--role', 'reader', '--json'] },
  ];

  it.each(COMMANDS.flatMap((command) => EVERYONE.map((who) => [command.command, who, command] as const)))('px %s as %s', (_name, who, command) => {
    const result = px(who, command.args(), command.input?.());
    const allowed = command.allowed.includes(who);
    expect(result.status, result.stderr).toBe(allowed ? 0 : 4);
    if (!allowed) {
      // One error line, the last (an import's preview comes before it is sent).
      const lines = result.stderr.trim().split('\n');
      expect(lines.filter((text) => text.startsWith('error:'))).toHaveLength(1);
      expect(lines.at(-1)).toMatch(/^error: .*(403|access requested)/);
    }
    const shown = result.stdout + result.stderr;
    if (command.command !== 'secret get') expect(shown).not.toContain(CANARY);
  });

  it('px token revoke and approve: admin only', async () => {
    for (const who of EVERYONE) {
      const victim = await newToken(fx.target, 'service');
      const revoke = px(who, ['token', 'revoke', victim.id]);
      expect(revoke.status, `${who}: ${revoke.stderr}`).toBe(who === 'admin' ? 0 : 4);
      const other = await newToken(fx.target, 'service');
      const approve = px(who, ['token', 'approve', other.id]);
      expect(approve.status, `${who}: ${approve.stderr}`).toBe(who === 'admin' ? 0 : 4);
    }
  });
});
