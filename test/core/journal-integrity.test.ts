// One flipped bit anywhere in the journal must never drop acknowledged writes silently: only an
// incomplete last record is a torn tail; anything else that fails to verify is an error that
// changes nothing and says how to recover. Stores of the previous format stay readable.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/core/errors.js';
import { JOURNAL_FILE, LocalStore, STORE_FILE } from '../../src/core/local-store.js';
import { forgeJournalHeader, forgeSnapshot, legacyRecord } from '../helpers/forged-store.js';
import { failure } from '../helpers/failure.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';

let project: TempProject;
const KEY = randomBytes(32);
const open = () => LocalStore.open({ root: project.root, env: { ...project.env, PX_KEYCHAIN: 'off', PX_STORE_KEY: KEY.toString('hex') } });
const journal = () => join(project.root, JOURNAL_FILE);
const snapshot = () => join(project.root, STORE_FILE);
const names = async () => (await (await open()).list()).map((s) => s.name);

beforeEach(() => {
  project = tempProject();
});
afterEach(() => project.cleanup());

/** A store whose snapshot holds A and whose journal holds B, C, D (one record each). */
async function storeWithJournal(): Promise<{ header: number; records: number[] }> {
  const store = await open();
  await store.put('A', canary(1));
  const header = readFileSync(journal()).length;
  const records: number[] = [];
  for (const [i, name] of ['B', 'C', 'D'].entries()) {
    records.push(readFileSync(journal()).length);
    await store.put(name, canary(i + 2));
  }
  return { header, records };
}

const RECOVERY = /^The local store's journal \(\.px[/\\]secrets\.journal\) is damaged: .*\. Nothing was read or changed\. Restore \.px\/ from a backup, or move \.px[/\\]secrets\.journal away to open the store as of its last snapshot \(the changes saved after it are lost\)\.$/;

describe('journal integrity', () => {
  it('a flip in a record’s length prefix (the middle one or the last) is an error, not a torn tail; a write changes nothing', async () => {
    const { records } = await storeWithJournal();
    const intact = readFileSync(journal());
    for (const start of [records[1], records[2]]) {
      for (let bit = 0; bit < 32; bit++) {
        const raw = Buffer.from(intact);
        raw[start + (bit >> 3)] ^= 1 << (bit & 7);
        writeFileSync(journal(), raw);
        const read = await failure(names());
        expect(read.code, `byte ${start + (bit >> 3)}`).toBe(2);
        expect(read.message).toMatch(RECOVERY);
        const write = await failure((await open()).put('E', canary(9)));
        expect(write.code).toBe(2);
        expect(readFileSync(journal())).toEqual(raw);
      }
    }
  });

  it('a flip in the journal header’s generation is an error, and the next write does not erase the records', async () => {
    const { header } = await storeWithJournal();
    const intact = readFileSync(journal());
    const text = intact.subarray(0, header).toString();
    const at = text.indexOf('"generation":') + '"generation":'.length;
    for (let bit = 0; bit < 8; bit++) {
      const raw = Buffer.from(intact);
      raw[at] ^= 1 << bit;
      writeFileSync(journal(), raw);
      const read = await failure(names());
      expect(read.code).toBe(2);
      expect(read.message).toMatch(RECOVERY);
      expect((await failure((await open()).put('E', canary(9)))).code).toBe(2);
      expect(readFileSync(journal())).toEqual(raw);
    }
    writeFileSync(journal(), intact);
    expect(await names()).toEqual(['A', 'B', 'C', 'D']);
  });

  it('any single flipped bit anywhere in the journal: an error, or every write still there; never a silent loss', async () => {
    await storeWithJournal();
    const intact = readFileSync(journal());
    for (let at = 0; at < intact.length; at++) {
      for (const mask of [0x01, 0x80]) {
        const raw = Buffer.from(intact);
        raw[at] ^= mask;
        writeFileSync(journal(), raw);
        let listed: string[] | null = null;
        try {
          listed = await names();
        } catch (error) {
          expect(exitCodeFor(error), `byte ${at}`).toBe(2);
          expect((error as Error).message).not.toContain(CANARY);
        }
        if (listed) expect(listed, `byte ${at} ^ ${mask}`).toEqual(['A', 'B', 'C', 'D']);
      }
    }
  });

  it('an incomplete last record, cut anywhere, is a torn tail: ignored, and the next write replaces it', async () => {
    const { records } = await storeWithJournal();
    const intact = readFileSync(journal());
    for (let cut = records[2] + 1; cut < intact.length; cut += 7) {
      writeFileSync(journal(), intact.subarray(0, cut));
      expect(await names()).toEqual(['A', 'B', 'C']);
    }
    await (await open()).put('E', canary(9));
    expect(await names()).toEqual(['A', 'B', 'C', 'E']);
  });

  it('following the advice (moving the journal away) opens the store as of its snapshot, and it takes writes again', async () => {
    const { records } = await storeWithJournal();
    const raw = readFileSync(journal());
    raw[records[1]] ^= 0x10;
    writeFileSync(journal(), raw);
    expect((await failure(names())).code).toBe(2);
    renameSync(journal(), `${journal()}.damaged`);
    expect(await names()).toEqual(['A']);
    await (await open()).put('E', canary(9));
    expect(await names()).toEqual(['A', 'E']);
    expect(existsSync(`${journal()}.damaged`)).toBe(true);
  });
});

describe('the previous format (2)', () => {
  const storeId = '0123456789abcdef';

  it('is read as it is (snapshot and journal), and its next write moves it to the current format with nothing lost', async () => {
    mkdirSync(join(project.root, '.px'), { mode: 0o700 });
    writeFileSync(snapshot(), forgeSnapshot({ storeId, keySource: 'env', key: KEY, secrets: { OLD_A: canary(1) } }));
    const at = new Date().toISOString();
    const records = [legacyRecord(KEY, storeId, 0, 0, { at, ops: [['put', 'OLD_B', canary(2)]] }), legacyRecord(KEY, storeId, 0, 1, { at, ops: [['delete', 'OLD_A']] })];
    writeFileSync(journal(), Buffer.concat([forgeJournalHeader(storeId), ...records]));
    expect(await names()).toEqual(['OLD_B']);
    await (await open()).put('NEW', canary(3));
    const header = (file: string) => JSON.parse(readFileSync(file).subarray(0, readFileSync(file).indexOf(10)).toString());
    expect(header(snapshot())).toMatchObject({ version: 3, storeId, generation: 1 });
    expect(header(journal())).toMatchObject({ version: 3, storeId, generation: 1, mac: expect.any(String) });
    const values = await (await open()).values();
    expect([...values]).toEqual([['OLD_B', canary(2)], ['NEW', canary(3)]]);
  });

  it('a journal header of the previous format next to a current snapshot of the same generation is damage (a downgrade), not accepted', async () => {
    await storeWithJournal();
    const raw = readFileSync(journal());
    const newline = raw.indexOf(10);
    const header = JSON.parse(raw.subarray(0, newline).toString());
    writeFileSync(journal(), Buffer.concat([forgeJournalHeader(header.storeId, header.generation), raw.subarray(newline + 1)]));
    const read = await failure(names());
    expect(read.code).toBe(2);
    expect(read.message).toMatch(RECOVERY);
  });
});
