// The local store's format and recovery rules, on real files: round trips, several writers,
// compaction, interrupted appends, tampering and wrong keys.
import { randomBytes } from 'node:crypto';
import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOURNAL_FILE, LocalStore, STORE_FILE } from '../../src/core/local-store.js';
import { MemoryKeychain } from '../helpers/memory-keychain.js';
import { failure } from '../helpers/failure.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';

let project: TempProject;
let env: NodeJS.ProcessEnv;
const KEY = randomBytes(32).toString('hex');

beforeEach(() => {
  project = tempProject();
  env = { ...project.env, PX_KEYCHAIN: 'off', PX_STORE_KEY: KEY };
});
afterEach(() => project.cleanup());

const open = (extra: NodeJS.ProcessEnv = {}) => LocalStore.open({ root: project.root, env: { ...env, ...extra } });
const journal = () => join(project.root, JOURNAL_FILE);
const snapshot = () => join(project.root, STORE_FILE);
const names = async (store: LocalStore) => (await store.list()).map((s) => s.name);

describe('LocalStore', () => {
  it('round-trips puts, updates, deletes and bulk writes, keeping createdAt on update', async () => {
    const store = await open();
    expect(await store.list()).toEqual([]);
    const first = await store.put('B', canary(1));
    expect(first.created).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await store.put('B', canary(2));
    expect(second.created).toBe(false);
    expect(second.meta.createdAt).toBe(first.meta.createdAt);
    expect(second.meta.updatedAt > first.meta.updatedAt).toBe(true);
    expect(await store.bulkPut([{ name: 'A', value: canary(3) }, { name: 'B', value: canary(4) }, { name: 'A', value: canary(5) }])).toEqual({ created: 1, updated: 2 });
    expect(await store.delete('B')).toBe(true);
    expect(await store.delete('B')).toBe(false);
    const again = await open();
    expect(await names(again)).toEqual(['A']);
    expect((await again.values()).get('A')).toBe(canary(5));
    expect(await again.exists('B')).toBe(false);
  });

  it('refuses invalid entries all or nothing', async () => {
    const store = await open();
    const result = await failure(store.bulkPut([{ name: 'OK', value: 'v' }, { name: '1BAD', value: 'v' }, { name: 'EMPTY', value: '' }]));
    expect(result.code).toBe(2);
    expect(result.message).toMatch(/2 invalid entries; nothing was written/);
    expect(await store.list()).toEqual([]);
  });

  it('two instances (as two processes) see each other’s writes, across compactions', async () => {
    const a = await open();
    const b = await open();
    await a.put('FROM_A', canary(1));
    expect(await b.exists('FROM_A')).toBe(true);
    await b.put('FROM_B', canary(2));
    expect(await names(a)).toEqual(['FROM_A', 'FROM_B']);
    const generation = () => JSON.parse(readFileSync(snapshot()).subarray(0, readFileSync(snapshot()).indexOf(10)).toString()).generation;
    const before = generation();
    // Enough appends to pass the compaction threshold (64 KiB): the snapshot is rewritten.
    for (let i = 0; i < 60; i++) await (i % 2 ? a : b).put(`BIG_${i}`, `${canary(i)}-${'x'.repeat(2000)}`);
    expect(generation()).toBeGreaterThan(before);
    expect(statSync(journal()).size).toBeLessThan(64 * 1024 + 4096);
    for (const store of [a, b, await open()]) {
      expect(await store.list()).toHaveLength(62);
      expect((await store.values()).get('BIG_59')).toBe(`${canary(59)}-${'x'.repeat(2000)}`);
    }
  });

  it('commits concurrent writes of one process together and loses none', async () => {
    const store = await open();
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.put(`N_${i}`, canary(i))));
    expect(await (await open()).list()).toHaveLength(200);
  });

  it('ignores an append that was cut short, and the next write replaces it', async () => {
    const store = await open();
    await store.put('KEPT', canary(1));
    const good = statSync(journal()).size;
    await store.put('CUT', canary(2));
    const full = readFileSync(journal());
    // Leave only half of the last record, as a crash in the middle of the append would.
    writeFileSync(journal(), full.subarray(0, good + Math.floor((full.length - good) / 2)));
    const reader = await open();
    expect(await names(reader)).toEqual(['KEPT']);
    await reader.put('NEXT', canary(3));
    expect(await names(await open())).toEqual(['KEPT', 'NEXT']);
    // Zero-filled tails (left by some file systems after a power cut) are not records either.
    appendFileSync(journal(), Buffer.alloc(300));
    expect(await names(await open())).toEqual(['KEPT', 'NEXT']);
  });

  it('a tampered snapshot is refused with exit 2 and nothing is read', async () => {
    const store = await open();
    await store.bulkPut(Array.from({ length: 50 }, (_, i) => ({ name: `S_${i}`, value: canary(i) })));
    await store.put('IN_JOURNAL', canary(99));
    const raw = readFileSync(snapshot());
    raw[raw.length - 10] ^= 0x01;
    writeFileSync(snapshot(), raw);
    const result = await failure((await open()).list());
    expect(result.code).toBe(2);
    expect(result.message).toMatch(/local store .* is damaged: its contents fail the integrity check/);
    expect(result.message).not.toContain(CANARY);
  });

  it('a tampered or reordered journal record is refused with exit 2', async () => {
    const store = await open();
    await store.put('A', canary(1));
    const headerEnd = statSync(journal()).size;
    await store.put('B', canary(2));
    const middle = statSync(journal()).size;
    await store.put('C', canary(3));
    const raw = readFileSync(journal());
    const flipped = Buffer.from(raw);
    flipped[middle - 3] ^= 0x40;
    writeFileSync(journal(), flipped);
    expect((await failure((await open()).list())).message).toMatch(/damaged: record 1 fails the integrity check/);
    // Swap records 1 and 2: each is bound to its position.
    writeFileSync(journal(), Buffer.concat([raw.subarray(0, headerEnd), raw.subarray(middle), raw.subarray(headerEnd, middle)]));
    const swapped = await failure((await open()).list());
    expect(swapped.code).toBe(2);
    expect(swapped.message).toMatch(/fails (the|its) integrity check/);
  });

  it('a wrong or missing key is refused with exit 4', async () => {
    await (await open()).put('A', canary(1));
    const wrong = await failure((await open({ PX_STORE_KEY: randomBytes(32).toString('hex') })).list());
    expect(wrong.code).toBe(4);
    expect(wrong.message).toMatch(/key for the local store \(\.px\) from PX_STORE_KEY is not the one it was encrypted with/);
    const missing = await failure((await open({ PX_STORE_KEY: '' })).exists('A'));
    expect(missing.code).toBe(4);
    expect(missing.message).toMatch(/encrypted with PX_STORE_KEY, which is not set/);
  });

  it('a store keyed in the keychain: without the keychain, a clear exit 4; PX_STORE_KEY with that key opens it', async () => {
    const keychain = new MemoryKeychain();
    const desktop = { ...project.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' };
    await (await LocalStore.open({ root: project.root, env: desktop, keychain })).put('A', canary(1));
    const [[, hex]] = [...keychain.items];
    // Over SSH or in a container: no D-Bus session, so no keychain.
    const headless = { ...project.env };
    delete headless.DBUS_SESSION_BUS_ADDRESS;
    const locked = await failure((await LocalStore.open({ root: project.root, env: headless })).list());
    expect(locked.code).toBe(4);
    expect(locked.message).toMatch(/^The local store \(\.px\) is encrypted with a key kept in the OS keychain \(service px, account store-key:[0-9a-f]+\), which px cannot reach here: run px where the keychain is, or set PX_STORE_KEY to that key \(README: "The local store's key"\)\. The OS keychain is not available \(no D-Bus session bus/);
    const other = await failure((await LocalStore.open({ root: project.root, env: { ...headless, PX_STORE_KEY: KEY } })).list());
    expect(other.code).toBe(4);
    expect(other.message).toContain('(PX_STORE_KEY is set, but to another key)');
    const opened = await LocalStore.open({ root: project.root, env: { ...headless, PX_STORE_KEY: hex } });
    expect((await opened.list()).map((s) => s.name)).toEqual(['A']);
    expect(locked.message + other.message).not.toContain(hex);
    expect(locked.message + other.message).not.toContain(CANARY);
  });

  it('a store keyed by a key file: a PX_STORE_KEY that is another key is ignored with a warning', async () => {
    const plain = { ...project.env, PX_KEYCHAIN: 'off' };
    await (await LocalStore.open({ root: project.root, env: plain })).put('A', canary(1));
    const warnings: string[] = [];
    const store = await LocalStore.open({ root: project.root, env: { ...plain, PX_STORE_KEY: KEY }, warn: (line) => warnings.push(line) });
    expect((await store.list()).map((s) => s.name)).toEqual(['A']);
    expect(warnings).toEqual([expect.stringMatching(/^PX_STORE_KEY is set but is not this store's key: using the key file .*\.key\.$/)]);
  });

  it('a journal left from before the last snapshot (crash between the two renames) is ignored', async () => {
    const store = await open();
    await store.put('A', canary(1));
    const oldJournal = readFileSync(journal());
    await store.bulkPut(Array.from({ length: 40 }, (_, i) => ({ name: `B_${i}`, value: `${canary(i)}${'y'.repeat(2000)}` })));
    // The bulk write outgrew the journal and made a new snapshot; put the old journal back.
    writeFileSync(journal(), oldJournal);
    const reader = await open();
    expect(await reader.list()).toHaveLength(41);
    await reader.put('C', canary(2));
    expect(await (await open()).list()).toHaveLength(42);
  });

  it('a snapshot older than its journal (restored alone from a backup) is refused, not half-read', async () => {
    const store = await open();
    await store.put('A', canary(1));
    const oldSnapshot = readFileSync(snapshot());
    await store.bulkPut(Array.from({ length: 40 }, (_, i) => ({ name: `B_${i}`, value: `${canary(i)}${'y'.repeat(2000)}` })));
    writeFileSync(snapshot(), oldSnapshot);
    const result = await failure((await open()).list());
    expect(result.code).toBe(2);
    expect(result.message).toMatch(/older than its journal/);
  });

  it('keeps no plaintext on disk and removes temp files a killed writer left', async () => {
    const store = await open();
    await store.put('A', canary(1));
    writeFileSync(join(project.root, '.px', `.secrets.enc.99999.deadbeef.tmp`), 'left by a killed writer');
    await store.bulkPut(Array.from({ length: 40 }, (_, i) => ({ name: `B_${i}`, value: `${canary(i)}${'y'.repeat(2000)}` })));
    const files = readdirSync(join(project.root, '.px'));
    expect(files.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    for (const name of files) expect(readFileSync(join(project.root, '.px', name)).includes(CANARY), name).toBe(false);
  });
});
