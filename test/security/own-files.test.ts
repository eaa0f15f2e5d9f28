// The files px reads and writes in .px/: only the user's own, never through a link, and 0600
// after px wrote them whatever they were before.
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOURNAL_FILE, LocalStore, STORE_FILE } from '../../src/core/local-store.js';
import { failure } from '../helpers/failure.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';

let project: TempProject;
const open = () => LocalStore.open({ root: project.root, env: { ...project.env, PX_KEYCHAIN: 'off', PX_STORE_KEY: randomKey } });
const randomKey = randomBytes(32).toString('hex');
const path = (file: string) => join(project.root, file);

beforeEach(() => {
  project = tempProject();
});
afterEach(() => project.cleanup());

describe.skipIf(process.platform === 'win32')('files of .px/', () => {
  it('a journal or snapshot others can write is refused (exit 2, with the chmod that fixes it); one only others can read is made 0600 by the next write', async () => {
    await (await open()).put('A', canary(1));
    chmodSync(path(JOURNAL_FILE), 0o666);
    const refused = await failure(open().then((store) => store.list()));
    expect(refused.code).toBe(2);
    expect(refused.message).toBe(
      `${JOURNAL_FILE} is writable by other users (mode 0666): px does not use a store others can change. If it is yours, run \`chmod go-w ${JOURNAL_FILE}\`; otherwise move .px away.`,
    );
    chmodSync(path(JOURNAL_FILE), 0o640);
    chmodSync(path(STORE_FILE), 0o644);
    const store = await open();
    expect(await store.exists('A')).toBe(true);
    await store.put('B', canary(2));
    expect(statSync(path(JOURNAL_FILE)).mode & 0o777).toBe(0o600);
    await store.bulkPut(Array.from({ length: 40 }, (_, i) => ({ name: `C_${i}`, value: `${canary(i)}${'z'.repeat(2000)}` })));
    expect(statSync(path(STORE_FILE)).mode & 0o777).toBe(0o600);
  });

  it('a journal that is a link is refused, and the file it points at is not written', async () => {
    await (await open()).put('A', canary(1));
    const elsewhere = path('elsewhere');
    renameSync(path(JOURNAL_FILE), elsewhere);
    symlinkSync(elsewhere, path(JOURNAL_FILE));
    const before = readFileSync(elsewhere);
    for (const work of [async () => (await open()).list(), async () => (await open()).put('B', canary(2))]) {
      const refused = await failure(work());
      expect(refused.code).toBe(2);
      expect(refused.message).toMatch(/^\.px[/\\]secrets\.journal is a symbolic link: px does not follow links in \.px\//);
    }
    expect(readFileSync(elsewhere)).toEqual(before);
  });

  it('a key file others can write is not the user’s key: refused', async () => {
    const env = { ...project.env, PX_KEYCHAIN: 'off' };
    await (await LocalStore.open({ root: project.root, env })).put('A', canary(1));
    const keyDir = join(project.env.XDG_CONFIG_HOME!, 'px', 'store-keys');
    const storeId = JSON.parse(readFileSync(path(STORE_FILE)).subarray(0, readFileSync(path(STORE_FILE)).indexOf(10)).toString()).storeId;
    chmodSync(join(keyDir, `${storeId}.key`), 0o666);
    const refused = await failure(LocalStore.open({ root: project.root, env }).then((store) => store.list()));
    expect(refused.code).toBe(2);
    expect(refused.message).toMatch(/^The key file .* is owned or writable by another user: px uses only a key that is yours alone\./);
  });
});
