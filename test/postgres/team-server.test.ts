// `px server --store postgres://…` as a team runs it: several processes of the built binary on one
// database, kills, dumps, TLS, health and shutdown.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/core/store/postgres-store.js';
import { CANARY, canary } from '../helpers/project.js';
import { createDatabase, pgDump, testStoreKey, type TestDatabase } from '../helpers/postgres.js';
import { PX_BIN, startPxServer, type PxServerProcess } from '../helpers/px-server-process.js';
import { childEnv } from '../helpers/child-env.js';

let database: TestDatabase;
let home: string;
let env: NodeJS.ProcessEnv;
const TOKEN = `tok-${CANARY}-admin`;
const servers: PxServerProcess[] = [];

const start = async (extra: string[] = []): Promise<PxServerProcess> => {
  // The URL holds the database password: in the environment, not in argv where ps shows it.
  const server = await startPxServer(extra, { cwd: home, env: { ...env, PX_STORE_URL: database.url } });
  servers.push(server);
  return server;
};
const openStore = () => PostgresStore.open({ url: database.url, env: { PX_STORE_KEY: env.PX_STORE_KEY }, max: 1 });
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

function pxAsync(args: string[], input: string, extra: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PX_BIN, ...args], { cwd: home, env: { ...env, ...extra } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stderr }));
    child.stdin.end(input);
  });
}

beforeEach(async () => {
  database = await createDatabase();
  home = mkdtempSync(join(tmpdir(), 'px-team-test-'));
  env = childEnv({ HOME: home, XDG_CONFIG_HOME: join(home, '.config'), PX_TOKEN: TOKEN, PX_STORE_KEY: testStoreKey() });
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop('SIGKILL');
  await database.drop();
  rmSync(home, { recursive: true, force: true });
});

describe('two px server processes on one database', () => {
  it('20 concurrent writers spread over both, through the CLI and plain HTTP, keep all 20', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    const writes = Array.from({ length: 20 }, (_, i) => {
      const url = i % 2 === 0 ? a.url : b.url;
      if (i % 4 < 2) return pxAsync(['secret', 'create', `CLI_${i}`], canary(i), { PX_URL: url }).then((r) => expect(r.code, r.stderr).toBe(0));
      return fetch(`${url}/secrets`, { method: 'POST', headers, body: JSON.stringify({ name: `HTTP_${i}`, value: canary(i) }) }).then((r) => expect(r.status).toBe(201));
    });
    await Promise.all(writes);
    for (const server of [a, b]) {
      const listed = (await (await fetch(`${server.url}/secrets`, { headers })).json()) as { count: number };
      expect(listed.count).toBe(20);
    }
    const store = await openStore();
    try {
      const values = await store.values();
      expect(values.size).toBe(20);
      for (const [name, value] of values) expect(value).toBe(canary(Number(name.split('_')[1])));
    } finally {
      await store.close();
    }
  });

  it('a kill -9 in the middle of a 10,000-entry bulk write leaves none or all of it', async () => {
    const server = await start();
    const entries = Array.from({ length: 10_000 }, (_, i) => ({ name: `BULK_${i}`, value: `${canary(i)}-${'x'.repeat(200)}` }));
    const body = JSON.stringify({ secrets: entries });
    for (const delay of [0, 40, 120]) {
      const victim = delay === 0 ? server : await start();
      const sent = fetch(`${victim.url}/secrets/bulk`, { method: 'POST', headers, body }).catch(() => null);
      // The kill lands while the request is being read, sealed or committed.
      await new Promise((resolve) => setTimeout(resolve, delay));
      victim.child.kill('SIGKILL');
      await sent;
      const store = await openStore();
      try {
        const count = (await store.list()).length;
        expect([0, 10_000]).toContain(count);
        if (count === 10_000) expect((await store.values()).get('BULK_9999')).toBe(entries[9999]!.value);
        await store.sql`truncate px_secrets`;
      } finally {
        await store.close();
      }
    }
  });

  it('a pg_dump of the database holds no canary value and no token', async () => {
    const server = await start();
    await fetch(`${server.url}/secrets`, { method: 'POST', headers, body: JSON.stringify({ name: 'ONE', value: canary(1) }) });
    await fetch(`${server.url}/secrets/bulk`, { method: 'POST', headers, body: JSON.stringify({ secrets: [{ name: 'TWO', value: canary(2) }] }) });
    expect((await pxAsync(['secret', 'import', '-', '--yes'], `THREE=${canary(3)}\n`, { PX_URL: server.url })).code).toBe(0);
    const dump = pgDump(database.name);
    expect(dump).toMatch(/THREE/);
    expect(dump).not.toContain(CANARY);
    expect(dump).not.toContain(TOKEN);
    expect(dump).not.toContain(env.PX_STORE_KEY!);
  });

  it("refuses deploy credentials as runtime secrets (400), its project's own declarations winning over the built-in list", async () => {
    writeFileSync(join(home, '.env.secrets.example'), 'GITHUB_TOKEN=\n');
    writeFileSync(join(home, '.env.deploy.example'), 'MY_DEPLOY_KEY=\n');
    const server = await start();
    const post = (name: string) => fetch(`${server.url}/secrets`, { method: 'POST', headers, body: JSON.stringify({ name, value: canary(1) }) });
    expect((await post('GITHUB_TOKEN')).status).toBe(201);
    for (const name of ['MY_DEPLOY_KEY', 'AWS_SECRET_ACCESS_KEY']) {
      const refused = await post(name);
      expect(refused.status, name).toBe(400);
      expect(((await refused.json()) as { error: string }).error).toMatch(new RegExp(`^${name} is a deploy credential`));
    }
    const store = await openStore();
    try {
      expect((await store.list()).map((meta) => meta.name)).toEqual(['GITHUB_TOKEN']);
    } finally {
      await store.close();
    }
  });

  it('GET /healthz answers without a token and says nothing about the secrets; the log has no value', async () => {
    const server = await start();
    await fetch(`${server.url}/secrets`, { method: 'POST', headers, body: JSON.stringify({ name: 'ONE', value: canary(1) }) });
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${server.url}/secrets`)).status).toBe(401);
    const lines = server.stderr().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((line) => line.route === '/secrets' && line.method === 'POST')).toMatchObject({ level: 'info', name: 'ONE', status: 201 });
    expect(server.stderr()).not.toContain(CANARY);
  });

  it('stops gracefully under load: requests in flight are answered, then it exits 0', async () => {
    const server = await start();
    const load = Array.from({ length: 200 }, (_, i) =>
      fetch(`${server.url}/secrets`, { method: 'POST', headers, body: JSON.stringify({ name: `LOAD_${i}`, value: canary(i) }) }).then(
        (response) => response.status,
        () => 'refused',
      ),
    );
    // Stop once the server is busy with them: the first answer came, most are still queued.
    await Promise.race(load);
    const code = server.stop('SIGTERM');
    const statuses = await Promise.all(load);
    expect(await code).toBe(0);
    // Each request either got its answer or was never accepted; none was cut in the middle.
    for (const status of statuses) expect([201, 'refused']).toContain(status);
    expect(statuses.filter((status) => status === 201).length).toBeGreaterThan(0);
    const store = await openStore();
    try {
      expect((await store.list()).length).toBe(statuses.filter((status) => status === 201).length);
    } finally {
      await store.close();
    }
    expect(server.stderr()).toContain('px server: stopped.');
  });
});

describe('px server and TLS', () => {
  it('serves HTTPS with --tls-cert/--tls-key', async () => {
    const cert = join(home, 'cert.pem');
    const key = join(home, 'key.pem');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8', env: childEnv() });
    expect(made.status, made.stderr).toBe(0);
    const server = await start(['--tls-cert', cert, '--tls-key', key]);
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest(`${server.url}/healthz`, { ca: [spawnSync('cat', [cert], { encoding: 'utf8', env: childEnv() }).stdout] }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
  });

  it('refuses a non-loopback bind without TLS (exit 2, naming --tls-cert and --insecure) before binding; one of the two TLS files alone is a usage error', () => {
    const run = (args: string[]) => spawnSync(process.execPath, [PX_BIN, 'server', '--memory', ...args], { cwd: home, env, encoding: 'utf8' });
    const refused = run(['--host', '0.0.0.0', '--port', '0']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/Refusing to serve 0\.0\.0\.0 over plain HTTP.*--tls-cert.*--insecure/);
    writeFileSync(join(home, 'cert.pem'), 'x');
    expect(run(['--tls-cert', join(home, 'cert.pem')]).status).toBe(2);
  });

  it('an unreachable store URL exits 3 naming host and database, never the password', () => {
    const result = spawnSync(process.execPath, [PX_BIN, 'server', '--store', 'postgres://px:hunter2-secret@127.0.0.1:1/teamdb', '--port', '0'], { cwd: home, env, encoding: 'utf8' });
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('database teamdb on 127.0.0.1:1');
    expect(result.stderr).not.toContain('hunter2');
    const viaEnv = spawnSync(process.execPath, [PX_BIN, 'server', '--port', '0'], { cwd: home, env: { ...env, PX_STORE_URL: 'mysql://x@y/z' }, encoding: 'utf8' });
    expect(viaEnv.status).toBe(2);
    expect(viaEnv.stderr).toContain('PX_STORE_URL must start with postgres://');
  });
});
