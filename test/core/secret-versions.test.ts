// Versions in both stores: every write keeps the value it replaced (encrypted with the rest),
// rollback makes an earlier value current as a new version, and nothing lists a value.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/core/errors.js';
import { JOURNAL_FILE, LocalStore, STORE_FILE } from '../../src/core/local-store.js';
import { KEPT_VERSIONS, localActor, secretOfRow, snapshotRow, versionList, versionNote, withNewVersion } from '../../src/core/secret-versions.js';
import { encodeSnapshot, parseSnapshot } from '../../src/core/store-format.js';
import { MemoryStore, type SecretStore } from '../../src/core/store.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';

let project: TempProject;
let env: NodeJS.ProcessEnv;
const KEY = randomBytes(32).toString('hex');

beforeEach(() => {
  project = tempProject();
  env = { ...project.env, PX_KEYCHAIN: 'off', PX_STORE_KEY: KEY };
});
afterEach(() => project.cleanup());

const openLocal = (actor?: string) => LocalStore.open({ root: project.root, env, actor });

async function failure(work: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await work;
  } catch (error) {
    return { code: exitCodeFor(error), message: (error as Error).message };
  }
  throw new Error('expected a failure');
}

const stores: Array<[string, () => Promise<SecretStore>]> = [
  ['MemoryStore', async () => new MemoryStore(localActor())],
  ['LocalStore', () => openLocal()],
];

describe.each(stores)('%s versions', (_kind, open) => {
  it('lists three versions after three writes, newest first, by the OS user, never a value', async () => {
    const store = await open();
    for (const n of [1, 2, 3]) await store.put('API_KEY', canary(n));
    const versions = await store.versions('API_KEY');
    expect(versions!.map((v) => [v.version, v.current, v.by])).toEqual([
      [3, true, localActor()],
      [2, false, localActor()],
      [1, false, localActor()],
    ]);
    expect(JSON.stringify(versions)).not.toContain('canary');
    expect(await store.versions('MISSING')).toBeNull();
  });

  it('rolls back as a new version whose value px run gets, recorded with who did it', async () => {
    const store = await open();
    for (const n of [1, 2, 3]) await store.put('API_KEY', canary(n));
    const result = await store.rollback('API_KEY', 1, { by: 'ci-token' });
    expect(result).toMatchObject({ version: 4, rolledBackTo: 1 });
    expect((await store.values()).get('API_KEY')).toBe(canary(1));
    const [latest] = (await store.versions('API_KEY'))!;
    expect(latest).toMatchObject({ version: 4, by: 'ci-token', rollbackOf: 1, current: true });
    // Without a version: the one before the current (3 here).
    await store.rollback('API_KEY', undefined);
    expect((await store.values()).get('API_KEY')).toBe(canary(3));
  });

  it('refuses a rollback to an unknown, dropped or current version, changing nothing', async () => {
    const store = await open();
    expect((await failure(store.rollback('NOPE', 1))).code).toBe(1);
    await store.put('K', canary(1));
    const none = await failure(store.rollback('K', undefined));
    expect(none).toMatchObject({ code: 1, message: expect.stringMatching(/no earlier version/) });
    for (let n = 2; n <= KEPT_VERSIONS + 3; n++) await store.put('K', canary(n));
    // The current one and the KEPT_VERSIONS before it are kept; older ones are dropped.
    const versions = (await store.versions('K'))!;
    expect(versions.length).toBe(KEPT_VERSIONS + 1);
    expect(versions.at(-1)!.version).toBe(3);
    expect((await failure(store.rollback('K', 2))).message).toMatch(/has no version 2: versions 3–13 are kept/);
    expect((await failure(store.rollback('K', 13))).code).toBe(2);
    expect((await store.values()).get('K')).toBe(canary(13));
  });

  it('versions bulk writes too, a name given twice making two versions', async () => {
    const store = await open();
    await store.put('A', canary(1));
    await store.bulkPut([{ name: 'A', value: canary(2) }, { name: 'B', value: canary(3) }, { name: 'A', value: canary(4) }], { by: 'import' });
    expect((await store.versions('A'))!.map((v) => [v.version, v.by])).toEqual([
      [3, 'import'],
      [2, 'import'],
      [1, localActor()],
    ]);
    expect((await store.versions('B'))!.map((v) => v.version)).toEqual([1]);
  });

  it('a secret deleted and created again starts over at version 1', async () => {
    const store = await open();
    await store.put('A', canary(1));
    await store.put('A', canary(2));
    await store.delete('A');
    await store.put('A', canary(3));
    expect((await store.versions('A'))!.map((v) => v.version)).toEqual([1]);
  });
});

describe('LocalStore history on disk', () => {
  it('keeps versions across processes, through the journal and through a compacted snapshot', async () => {
    const writer = await openLocal('alice');
    for (const n of [1, 2, 3]) await writer.put('K', canary(n));
    expect((await (await openLocal()).versions('K'))!.map((v) => [v.version, v.by])).toEqual([
      [3, 'alice'],
      [2, 'alice'],
      [1, 'alice'],
    ]);
    // Enough writes to fold the journal into a new snapshot more than once.
    const big = 'x'.repeat(30_000);
    for (let n = 0; n < 8; n++) await writer.put('BIG', `${big}${n}`);
    const reader = await openLocal();
    expect((await reader.versions('K'))!.map((v) => v.version)).toEqual([3, 2, 1]);
    expect((await reader.versions('BIG'))!.length).toBe(8);
    await reader.rollback('K', 1);
    expect((await (await openLocal()).values()).get('K')).toBe(canary(1));
    // The earlier values are in the encrypted files only.
    for (const file of [STORE_FILE, JOURNAL_FILE]) expect(readFileSync(join(project.root, file)).includes('canary')).toBe(false);
  });

  it('reads a snapshot written before history (four-field rows) as version 1 by "unknown"', async () => {
    const store = await openLocal();
    await store.put('OLD', canary(1));
    await store.put('FILLER', canary(2));
    // Rewrite the snapshot as a px from before history would have: rows without a fifth field.
    const path = join(project.root, STORE_FILE);
    const sealed = parseSnapshot(readFileSync(path), STORE_FILE);
    const values = await store.values();
    const at = new Date().toISOString();
    const doc = new Map([...values].map(([name, value]) => [name, { value, createdAt: at, updatedAt: at }]));
    writeFileSync(path, encodeSnapshot({ ...sealed.header, generation: sealed.header.generation + 1 }, Buffer.from(KEY, 'hex'), doc));
    const old = await openLocal();
    expect(await old.versions('OLD')).toEqual([{ version: 1, createdAt: at, by: 'unknown', current: true }]);
    await old.put('OLD', canary(3));
    expect((await old.versions('OLD'))!.map((v) => [v.version, v.by])).toEqual([
      [2, localActor()],
      [1, 'unknown'],
    ]);
    await old.rollback('OLD', 1);
    expect((await old.values()).get('OLD')).toBe(canary(1));
  });
});

describe('version marks', () => {
  it('a rotation is kept through later writes and a snapshot row, and listed as "rotation"', () => {
    const first = withNewVersion(undefined, 'one', '2026-01-01T00:00:00.000Z', 1, { by: 'dev' });
    const rotated = withNewVersion(first, 'two', '2026-01-02T00:00:00.000Z', 2, { by: 'dev', rotation: true });
    const rolledBack = withNewVersion(rotated, 'one', '2026-01-03T00:00:00.000Z', 3, { by: 'dev', rollbackOf: 1 });
    const [, reread] = secretOfRow(snapshotRow('JWT_SECRET', rolledBack));
    expect(reread).toEqual(rolledBack);
    expect(versionList(reread).map((v) => [v.version, versionNote(v)])).toEqual([
      [3, 'current, rollback to 1'],
      [2, 'rotation'],
      [1, ''],
    ]);
  });

  it('a snapshot row reads back with exactly the fields it was written with, in the same order', () => {
    const first = withNewVersion(undefined, 'one', '2026-01-01T00:00:00.000Z', 1, {});
    const second = withNewVersion(first, 'two', '2026-01-02T00:00:00.000Z', 2, { by: 'dev', rotation: true });
    const third = withNewVersion(second, 'one', '2026-01-03T00:00:00.000Z', 3, { by: 'dev', rollbackOf: 1 });
    for (const secret of [{ value: 'old', createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z' }, first, second, third]) {
      const [name, reread] = secretOfRow(snapshotRow('JWT_SECRET', secret));
      expect(name).toBe('JWT_SECRET');
      expect(reread).toStrictEqual(secret);
      expect(Object.keys(reread)).toEqual(Object.keys(secret));
    }
  });

  it('a write that is not a rotation carries no mark, not even rotation: false', () => {
    const plain = withNewVersion(undefined, 'one', '2026-01-01T00:00:00.000Z', 1, { by: 'dev', rotation: false });
    expect(plain).not.toHaveProperty('rotation');
    expect(snapshotRow('A', plain)[4]).not.toHaveProperty('rot');
  });
});
