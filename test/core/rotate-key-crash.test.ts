// `px store rotate-key` on the local store, stopped at every file it replaces, before and after
// each rename: the store must open and read every value afterwards, and a later rotation finish.
// A kill of the real binary lands between two renames only by chance (test/postgres/rotate-key.test.ts
// does that too); here every such point is hit, one at a time.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalStore } from '../../src/core/local-store.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';

/** Which replacement to stop at (1-based; 0: none), and whether its rename happened. */
const crash = vi.hoisted(() => ({ at: 0, afterRename: false, calls: 0, hit: false }));

vi.mock('../../src/core/atomic-file.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/core/atomic-file.js')>();
  const stopped = () => {
    crash.hit = true;
    return new Error('stopped here, as a kill would');
  };
  return {
    ...real,
    writeFileAtomic: async (...args: Parameters<typeof real.writeFileAtomic>) => {
      const call = ++crash.calls;
      if (call === crash.at && !crash.afterRename) throw stopped();
      await real.writeFileAtomic(...args);
      if (call === crash.at) throw stopped();
    },
  };
});

let project: TempProject;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  project = tempProject();
  // The key in a key file, as on a machine without a keychain: rotation writes a new key file too.
  env = { ...project.env, PX_KEYCHAIN: 'off' };
  Object.assign(crash, { at: 0, afterRename: false, calls: 0, hit: false });
});
afterEach(() => project.cleanup());

const open = (namespace?: string) => LocalStore.open({ root: project.root, env, namespace });

/** Every environment's values: both share the store's key, so a rotation must rewrite both. */
async function readAll(): Promise<{ development: Map<string, string>; staging: Map<string, string> }> {
  return { development: await (await open()).values(), staging: await (await open('staging')).values() };
}

/** A snapshot of 50 secrets and a journal of three more records (one an update), and a staging
 *  environment of its own secrets. */
async function seeded(): Promise<Awaited<ReturnType<typeof readAll>>> {
  const store = await open();
  await store.bulkPut(Array.from({ length: 50 }, (_, i) => ({ name: `S_${i}`, value: canary(i) })));
  await store.put('J_1', canary(100));
  await store.put('J_2', canary(101));
  await store.put('S_0', canary(102));
  const staging = await open('staging');
  await staging.bulkPut(Array.from({ length: 5 }, (_, i) => ({ name: `STAGING_${i}`, value: canary(200 + i) })));
  await staging.put('STAGING_0', canary(210));
  return readAll();
}

/** The key files of the store: one once a rotation finished. */
const keyFiles = (): string[] => readdirSync(join(project.env.XDG_CONFIG_HOME!, 'px', 'store-keys'));

describe('local rotate-key stopped at each file replacement', () => {
  for (const afterRename of [false, true]) {
    it(`${afterRename ? 'after' : 'before'} the rename: every value readable, and the next rotation finishes`, async () => {
      const expected = await seeded();
      expect([expected.development.size, expected.staging.size]).toEqual([52, 5]);
      for (let at = 1; ; at++) {
        Object.assign(crash, { at, afterRename, calls: 0, hit: false });
        const outcome = await (await open()).rotateKey().then(
          () => 'done',
          (error: Error) => error.message,
        );
        crash.at = 0;
        expect(await readAll(), `stopped at replacement ${at}`).toEqual(expected);
        if (!crash.hit) {
          // The rotation got past every replacement: this was the last point to try.
          expect(outcome).toBe('done');
          expect(at).toBeGreaterThan(2);
          break;
        }
        expect(outcome).toBe('stopped here, as a kill would');
        const store = await open();
        await store.rotateKey();
        expect(await readAll()).toEqual(expected);
        expect(keyFiles()).toHaveLength(1);
        // A write after the finished rotation lands in a journal of the new key.
        await store.put('AFTER', canary(at));
        expect((await (await open()).values()).get('AFTER')).toBe(canary(at));
        await store.delete('AFTER');
      }
    });
  }
});

describe('local rotate-key and an environment created while it waits for the lock', () => {
  it('rotates that environment too, whichever of the two gets the lock first', async () => {
    const { default: lockfile } = await import('proper-lockfile');
    // Either order may happen, and the race is decided by the lock's retry timing: each round
    // starts both while the test holds the lock, then lets them race.
    for (let round = 0; round < 8; round++) {
      const environment = `env${round}`;
      await (await open()).put(`DEV_${round}`, canary(300 + round));
      const release = await lockfile.lock(join(project.root, '.px'), { lockfilePath: join(project.root, '.px', 'store.lock') });
      const rotation = (await open()).rotateKey();
      const created = (await open(environment)).put('NEW_ENV_SECRET', canary(400 + round));
      await new Promise((resolve) => setTimeout(resolve, 30));
      await release();
      await Promise.all([rotation, created]);
      expect((await (await open(environment)).values()).get('NEW_ENV_SECRET'), `round ${round}`).toBe(canary(400 + round));
      expect((await (await open()).values()).get(`DEV_${round}`)).toBe(canary(300 + round));
      expect(keyFiles()).toHaveLength(1);
    }
  });
});
