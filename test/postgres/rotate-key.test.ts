// `px store rotate-key` on PostgreSQL and on the local store: the built binary, killed at random
// moments; every value must stay readable with the keys on hand after each kill.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/core/local-store.js';
import { PostgresStore } from '../../src/core/store/postgres-store.js';
import { canary } from '../helpers/project.js';
import { createDatabase, testStoreKey, type TestDatabase } from '../helpers/postgres.js';
import { PX_BIN, startPxServer } from '../helpers/px-server-process.js';
import { childEnv } from '../helpers/child-env.js';

let database: TestDatabase;
let home: string;
let env: NodeJS.ProcessEnv;

const keysIn = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter((line) => /^[0-9a-f]{64}$/.test(line));

function rotate(extraEnv: NodeJS.ProcessEnv = {}, args: string[] = []) {
  return spawnSync(process.execPath, [PX_BIN, 'store', 'rotate-key', ...args], { cwd: home, env: { ...env, ...extraEnv }, encoding: 'utf8' });
}

/** Runs rotate-key and SIGKILLs it when its `afterBatches`-th progress line appears (or at exit). */
function rotateKilled(args: string[], afterBatches: number, jitterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PX_BIN, 'store', 'rotate-key', ...args], { cwd: home, env });
    let seen = 0;
    const kill = () => setTimeout(() => child.kill('SIGKILL'), jitterMs);
    if (afterBatches === 0) kill();
    child.stderr.on('data', (chunk: Buffer) => {
      const before = seen;
      seen += (chunk.toString().match(/re-encrypted \d+ of \d+/g) ?? []).length;
      if (before < afterBatches && seen >= afterBatches) kill();
    });
    child.on('close', () => resolve());
  });
}

async function readAll(storeEnv: NodeJS.ProcessEnv): Promise<Map<string, string>> {
  const store = await PostgresStore.open({ url: database.url, env: storeEnv, max: 1 });
  try {
    return await store.values();
  } finally {
    await store.close();
  }
}

beforeEach(async () => {
  database = await createDatabase();
  home = mkdtempSync(join(tmpdir(), 'px-rotate-'));
  env = childEnv({ HOME: home, XDG_CONFIG_HOME: join(home, '.config') });
});
afterEach(async () => {
  await database.drop();
  rmSync(home, { recursive: true, force: true });
});

async function seed(storeEnv: NodeJS.ProcessEnv, count: number): Promise<Map<string, string>> {
  const store = await PostgresStore.open({ url: database.url, env: storeEnv, max: 1 });
  try {
    const entries = Array.from({ length: count }, (_, i) => ({ name: `S_${i}`, value: canary(i) }));
    await store.bulkPut(entries);
    return new Map(entries.map((entry) => [entry.name, entry.value]));
  } finally {
    await store.close();
  }
}

describe('px store rotate-key on PostgreSQL', () => {
  it('with a key file: a new key, every row moved to it, the old key dropped from the file and the database', async () => {
    const path = join(home, 'ring.keys');
    env.PX_STORE_KEY_FILE = path;
    const expected = await seed({ PX_STORE_KEY_FILE: path }, 120);
    const [before] = keysIn(path);
    const result = rotate({ PX_STORE_URL: database.url }, ['--batch-size', '25']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Re-encrypted 120 values in PostgreSQL .* under key [0-9a-f]{16} \(was [0-9a-f]{16}; removed from the key file\)/);
    expect(result.stderr).toContain('re-encrypted 120 of 120');
    const after = keysIn(path);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before);
    expect(result.stdout + result.stderr).not.toContain(after[0]!);
    expect(await readAll({ PX_STORE_KEY_FILE: path })).toEqual(expected);
    await expect(readAll({ PX_STORE_KEY: before })).rejects.toMatchObject({ exitCode: 4 });
  });

  it('with PX_STORE_KEY: rotates to the first key of NEW,OLD; refuses when there is no new key first', async () => {
    const oldKey = testStoreKey();
    const newKey = testStoreKey();
    const expected = await seed({ PX_STORE_KEY: oldKey }, 30);
    const same = rotate({ PX_STORE_KEY: oldKey, PX_STORE_URL: database.url });
    expect(same.status).toBe(2);
    expect(same.stderr).toContain('put a new key first');
    const rotated = rotate({ PX_STORE_KEY: `${newKey},${oldKey}`, PX_STORE_URL: database.url });
    expect(rotated.status, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain('drop the others from it');
    expect(await readAll({ PX_STORE_KEY: newKey })).toEqual(expected);
    await expect(readAll({ PX_STORE_KEY: oldKey })).rejects.toMatchObject({ exitCode: 4 });
  });

  it('killed at 20 random moments, the store always opens and reads every value; a last run finishes the rotation', async () => {
    const path = join(home, 'ring.keys');
    env.PX_STORE_KEY_FILE = path;
    const expected = await seed({ PX_STORE_KEY_FILE: path }, 600);
    env.PX_STORE_URL = database.url;
    const args = ['--batch-size', '40'];
    for (let run = 0; run < 20; run++) {
      // Between the start (0) and the last of 15 batches, a few milliseconds either side.
      await rotateKilled(args, Math.floor(Math.random() * 16), Math.floor(Math.random() * 15));
      expect(await readAll({ PX_STORE_KEY_FILE: path }), `after kill ${run + 1}`).toEqual(expected);
    }
    const last = rotate({}, args);
    expect(last.status, last.stderr).toBe(0);
    expect(keysIn(path)).toHaveLength(1);
    const store = await PostgresStore.open({ url: database.url, env: { PX_STORE_KEY_FILE: path }, max: 1 });
    try {
      const ids = await store.sql<{ key_id: string }[]>`select distinct key_id from px_secrets`;
      expect(ids.map((row) => row.key_id)).toEqual([store.keyRing.current.id]);
      expect((await store.sql`select key_id from px_store_keys`).length).toBe(1);
    } finally {
      await store.close();
    }
    expect(await readAll({ PX_STORE_KEY_FILE: path })).toEqual(expected);
  }, 240_000);

  it('a px server writing throughout a rotation loses nothing and ends up under the new key', async () => {
    const path = join(home, 'ring.keys');
    env.PX_STORE_KEY_FILE = path;
    env.PX_TOKEN = 'rotation-test-token';
    const expected = await seed({ PX_STORE_KEY_FILE: path }, 400);
    env.PX_STORE_URL = database.url;
    const server = await startPxServer([], { cwd: home, env });
    try {
      let writing = true;
      const writer = (async () => {
        for (let i = 0; writing || i < 5; i++) {
          const response = await fetch(`${server.url}/secrets`, {
            method: 'POST',
            headers: { authorization: 'Bearer rotation-test-token', 'content-type': 'application/json' },
            body: JSON.stringify({ name: `LIVE_${i}`, value: canary(10_000 + i) }),
          });
          expect(response.status).toBe(201);
          expected.set(`LIVE_${i}`, canary(10_000 + i));
        }
      })();
      const result = await new Promise<number | null>((resolve) => {
        spawn(process.execPath, [PX_BIN, 'store', 'rotate-key', '--batch-size', '20'], { cwd: home, env, stdio: 'ignore' }).on('close', resolve);
      });
      writing = false;
      await writer;
      expect(result).toBe(0);
      // Writes after the rotation use the new key too (the server re-read the key file).
      const late = await fetch(`${server.url}/secrets`, { method: 'POST', headers: { authorization: 'Bearer rotation-test-token', 'content-type': 'application/json' }, body: JSON.stringify({ name: 'LATE', value: 'late' }) });
      expect(late.status).toBe(201);
      expected.set('LATE', 'late');
      expect(await readAll({ PX_STORE_KEY_FILE: path })).toEqual(expected);
      expect(keysIn(path)).toHaveLength(1);
    } finally {
      await server.stop('SIGKILL');
    }
  });
});

describe('px store rotate-key on the local store', () => {
  it('re-encrypts under a new key file and removes the old one; 20 random kills never lose a value', async () => {
    const project = join(home, 'project');
    mkdirSync(project);
    const lines = Array.from({ length: 2000 }, (_, i) => `L_${i}=${canary(i)}`).join('\n');
    const imported = spawnSync(process.execPath, [PX_BIN, 'secret', 'import', '-', '--yes'], { cwd: project, env, input: lines, encoding: 'utf8' });
    expect(imported.status, imported.stderr).toBe(0);
    const read = async () => (await LocalStore.open({ root: project, env })).values();
    const expected = await read();
    expect(expected.size).toBe(2000);
    // How long one rotation takes here (a busy machine is slow), so the kills land inside one.
    const started = Date.now();
    expect(spawnSync(process.execPath, [PX_BIN, 'store', 'rotate-key'], { cwd: project, env }).status).toBe(0);
    const span = Date.now() - started;
    for (let run = 0; run < 20; run++) {
      const child = spawn(process.execPath, [PX_BIN, 'store', 'rotate-key'], { cwd: project, env, stdio: 'ignore' });
      setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * span));
      await new Promise((resolve) => child.on('close', resolve));
      expect(await read(), `after kill ${run + 1}`).toEqual(expected);
    }
    const done = spawnSync(process.execPath, [PX_BIN, 'store', 'rotate-key', '--json'], { cwd: project, env, encoding: 'utf8' });
    expect(done.status, done.stderr).toBe(0);
    const report = JSON.parse(done.stdout) as { keyId: string; previousKeyIds: string[]; reencrypted: number };
    expect(report.reencrypted).toBe(2000);
    expect(report.keyId).not.toBe(report.previousKeyIds[0]);
    expect(await read()).toEqual(expected);
    const header = JSON.parse(readFileSync(join(project, '.px', 'secrets.enc'), 'utf8').split('\n')[0]!) as { storeId: string; keyId: string };
    expect(header.keyId).toBe(report.keyId);
    const keyFiles = spawnSync('ls', [join(home, '.config', 'px', 'store-keys')], { encoding: 'utf8', env: childEnv() }).stdout.trim().split('\n');
    expect(keyFiles).toEqual([`${header.storeId}.${report.keyId}.key`]);
  }, 120_000);
});
