// A PostgreSQL URL with a password given as `--store` (px server, px store rotate-key): px warns
// without repeating the password, points to PX_STORE_URL, and on Linux masks it in what `ps` shows.
// No PostgreSQL is needed: the "database" is a loopback socket that accepts and never answers (so
// px server stays up while the test reads its process list entry), or a closed loopback port.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withoutPassword } from '../../src/cli/store-url-argument.js';
import { CANARY, canary } from '../helpers/project.js';
import { PX_BIN } from '../helpers/px-server-process.js';

describe('withoutPassword', () => {
  it('masks the password of the user part or of a password= parameter, and nothing else', () => {
    expect(withoutPassword(`postgres://px:${canary(1)}@db.internal:5432/px?sslmode=require`)).toBe('postgres://px:***@db.internal:5432/px?sslmode=require');
    expect(withoutPassword(`postgresql://px@[::1]/px?password=${canary(2)}`)).toBe('postgresql://px@[::1]/px?password=***');
    expect(withoutPassword('postgres://px@db.internal/px')).toBeNull();
    expect(withoutPassword('not a url')).toBeNull();
  });
});

describe('px with --store postgres://user:password@…', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let silent: Server;
  const sockets: Socket[] = [];
  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'px-store-arg-'));
    env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), PATH: process.env.PATH, PX_KEYCHAIN: 'off', PX_STORE_KEY: 'c'.repeat(64) };
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
    rmSync(home, { recursive: true, force: true });
  });
  const warning = /--store holds a password, which other users of this machine can read in the process list \(ps\).*PX_STORE_URL instead.*PGPASSWORD/;

  it.skipIf(process.platform !== 'linux')('px server warns once, never repeating it, and ps shows the URL with the password masked', async () => {
    const port = (silent.address() as { port: number }).port;
    const url = `postgres://px:${canary(3)}@127.0.0.1:${port}/teamdb`;
    const child = spawn(process.execPath, [PX_BIN, 'server', '--store', url, '--port', '0'], { cwd: home, env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stderr = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no warning: ${stderr}`)), 20_000);
        child.stderr.on('data', (chunk) => {
          stderr += chunk;
          if (warning.test(stderr)) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('close', () => reject(new Error(`px server exited: ${stderr}`)));
      });
      // Still connecting to the socket that never answers: what ps would show now.
      const shown = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').replace(/\0+/g, ' ');
      expect(shown).toContain(`server --store postgres://px:***@127.0.0.1:${port}/teamdb --port 0`);
      expect(shown).not.toContain(CANARY);
      expect(stderr).not.toContain(CANARY);
      expect(stderr.match(/holds a password/g)).toHaveLength(1);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('px store rotate-key warns the same way; the URL in PX_STORE_URL, or one without a password, gets no warning', () => {
    const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [PX_BIN, ...args], { cwd: home, env: { ...env, ...extra }, encoding: 'utf8' });
    const url = `postgres://px:${canary(4)}@127.0.0.1:1/teamdb`;
    const rotate = run(['store', 'rotate-key', '--store', url]);
    expect(rotate.status).toBe(3);
    expect(rotate.stderr).toMatch(warning);
    const fromEnv = run(['server', '--port', '0'], { PX_STORE_URL: url });
    expect(fromEnv.status).toBe(3);
    expect(fromEnv.stderr).not.toMatch(/holds a password/);
    const noPassword = run(['server', '--store', 'postgres://px@127.0.0.1:1/teamdb', '--port', '0']);
    expect(noPassword.status).toBe(3);
    expect(noPassword.stderr).not.toMatch(/holds a password/);
    for (const result of [rotate, fromEnv, noPassword]) expect(result.stdout + result.stderr).not.toContain(CANARY);
  });
});
