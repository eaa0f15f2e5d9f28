// What the operating system refuses (an environment too big to start a command, a full disk, a
// directory where a file belongs) ends in one sentence saying what to do, not "px failed
// unexpectedly", and nothing is lost or leaked.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/core/local-store.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';
import { childEnv } from '../helpers/child-env.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
const KEY = randomBytes(32).toString('hex');
let project: TempProject;
beforeEach(() => {
  project = tempProject();
});
afterEach(() => project.cleanup());

const env = () => ({ ...project.env, PX_KEYCHAIN: 'off', PX_STORE_KEY: KEY });
const px = (cwd: string, args: string[], input = '') => spawnSync('node', [PX, ...args], { cwd, input, encoding: 'utf8', env: env() });
const oneLine = (stderr: string) => expect(stderr.trimEnd().split('\n')).toHaveLength(1);

/** 48 values of 60 KiB: about 2.8 MiB of environment, past Linux's and macOS's limit for a new program. */
const BIG = Array.from({ length: 48 }, (_, i) => ({ name: `BIG_${i}`, value: `${canary(i)}${'x'.repeat(60 * 1024)}` }));
const tooBigHere = (() => {
  const extra = Object.fromEntries(BIG.map(({ name, value }) => [name, value]));
  return spawnSync(process.execPath, ['-e', '0'], { env: childEnv(extra) }).error?.message.includes('E2BIG') === true;
})();

/** A 256 KiB file system of its own (root only: a tmpfs mount), or null where none can be made. */
function smallDisk(): { dir: string; remove: () => void } | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'px-full-'));
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir], { env: childEnv() }).status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    remove: () => {
      spawnSync('umount', [dir], { env: childEnv() });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
const canMount = (() => {
  const disk = smallDisk();
  disk?.remove();
  return disk !== null;
})();

describe('operating-system refusals', () => {
  it.skipIf(!tooBigHere)('px run whose secrets are too big to start a command (E2BIG): exit 126, one sentence with the size, no value', async () => {
    await (await LocalStore.open({ root: project.root, env: env() })).bulkPut(BIG);
    const result = px(project.root, ['run', '--', 'node', '-e', '0']);
    expect(result.status).toBe(126);
    oneLine(result.stderr);
    expect(result.stderr).toMatch(/^error: node: cannot be started, its arguments and environment are larger than the system allows \(E2BIG\); the 48 secrets px adds take \d+ KiB: pass fewer or smaller secrets, or shorter arguments\.\n$/);
    expect(result.stderr).not.toContain(CANARY);
  });

  it.skipIf(!canMount)('a full disk (ENOSPC): exit 1, one sentence, and what was stored before is still there', () => {
    const full = smallDisk();
    if (!full) return;
    try {
      const root = join(full.dir, 'project');
      mkdirSync(root);
      expect(px(root, ['secret', 'create', 'KEPT'], canary(1)).status).toBe(0);
      writeFileSync(join(full.dir, 'filler'), Buffer.alloc(0));
      // Fill what is left of the disk.
      for (let chunk = 64 * 1024; chunk >= 1; chunk = Math.floor(chunk / 2)) {
        try {
          for (;;) writeFileSync(join(full.dir, 'filler'), Buffer.alloc(chunk), { flag: 'a' });
        } catch {
          // this size no longer fits: try a smaller one
        }
      }
      const result = px(root, ['secret', 'create', 'LOST'], BIG[0].value);
      expect(result.status, result.stderr).toBe(1);
      oneLine(result.stderr);
      expect(result.stderr).toMatch(/^error: The disk is full( \(writing [^)]+\))?: free some space and try again; what px was writing was not saved\.\n$/);
      expect(result.stderr).not.toContain(CANARY);
      rmSync(join(full.dir, 'filler'));
      const listed = px(root, ['secret', 'list', '--json']);
      expect(JSON.parse(listed.stdout).secrets.map((s: { name: string }) => s.name)).toEqual(['KEPT']);
      // With space again, the next write replaces what the failed one left behind.
      expect(px(root, ['secret', 'create', 'NEXT'], canary(2)).status).toBe(0);
      expect(JSON.parse(px(root, ['secret', 'list', '--json']).stdout).count).toBe(2);
    } finally {
      full.remove();
    }
  });

  it('a directory where px keeps a file (EISDIR): exit 2, one sentence naming it', () => {
    expect(px(project.root, ['secret', 'create', 'A'], canary(1)).status).toBe(0);
    mkdirSync(join(project.root, '.px', 'audit.log'));
    const result = spawnSync('node', [PX, 'server', '--port', '0'], { cwd: project.root, encoding: 'utf8', env: env(), timeout: 10_000 });
    expect(result.status).toBe(2);
    oneLine(result.stderr);
    expect(result.stderr).toMatch(/^error: .*audit\.log is (a directory where px expects a file|not a regular file)/);
  });
});
