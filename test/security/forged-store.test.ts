// A `.px/` px did not make: shipped in a cloned git repository, or planted in a directory others
// can write. The built px must neither read the forger's names nor run their code, nor encrypt a
// new value under the forger's key, nor write through a link they planted.
import { spawnSync } from 'node:child_process';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forgeJournalHeader, forgeSnapshot } from '../helpers/forged-store.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
const FORGER_KEY = randomBytes(32);
const NOBODY = 65534;
let base: TempProject;

beforeEach(() => {
  base = tempProject();
});
afterEach(() => base.cleanup());

const env = (): NodeJS.ProcessEnv => ({ ...base.env, PX_KEYCHAIN: 'off' });
const px = (cwd: string, args: string[], input = '') => spawnSync('node', [PX, ...args], { cwd, input, encoding: 'utf8', env: env() });
const git = (cwd: string, ...args: string[]) => {
  const result = spawnSync('git', ['-c', 'user.name=forger', '-c', 'user.email=forger@localhost', ...args], { cwd, encoding: 'utf8', env: base.env });
  expect(result.status, result.stderr).toBe(0);
};
const keyDir = () => join(base.env.XDG_CONFIG_HOME!, 'px', 'store-keys');
const oneLine = (stderr: string) => expect(stderr.trimEnd().split('\n')).toHaveLength(1);

/**
 * The forger's repository: a store naming, as its "store id", a path from the victim's key
 * directory to a key file that ships with it, holding a NODE_OPTIONS that loads the forger's code.
 */
function forgedRepository(clone: string): string {
  const origin = join(base.root, '..', 'origin');
  mkdirSync(join(origin, '.px'), { recursive: true });
  const shipped = join(clone, '.px', 'k');
  const storeId = relative(keyDir(), shipped);
  writeFileSync(join(origin, '.px', 'k.key'), `${FORGER_KEY.toString('hex')}\n`);
  writeFileSync(join(origin, 'evil.cjs'), `require('node:fs').writeFileSync(${JSON.stringify(join(clone, 'PWNED'))}, 'ran');\n`);
  writeFileSync(
    join(origin, '.px', 'secrets.enc'),
    forgeSnapshot({ storeId, keySource: 'file', key: FORGER_KEY, secrets: { NODE_OPTIONS: `--require ${join(clone, 'evil.cjs')}`, FORGED_NAME: 'x' } }),
  );
  writeFileSync(join(origin, '.px', 'server-token'), 'forger-known-token\n');
  git(origin, 'init', '-q');
  git(origin, 'add', '-f', '.');
  git(origin, 'commit', '-q', '-m', 'innocent');
  return origin;
}

describe('a .px/ that arrives with a cloned repository', () => {
  it('naming a key file it ships: refused (exit 2, one line), no forged name shown, the forger’s NODE_OPTIONS never runs', () => {
    const clone = join(base.root, 'clone');
    git(base.root, 'clone', '-q', forgedRepository(clone), clone);
    for (const args of [['secret', 'list', '--json'], ['secret', 'list'], ['secret', 'exists', 'FORGED_NAME']]) {
      const result = px(clone, args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stdout).not.toContain('FORGED_NAME');
      expect(result.stderr).toMatch(/^error: The local store \(\.px[/\\]secrets\.enc\) is damaged: its store id is not one px generates \(a store px did not make\?\)/);
      oneLine(result.stderr);
    }
    const run = px(clone, ['run', '--', 'node', '-e', 'process.stdout.write("child ran")']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(existsSync(join(clone, 'PWNED'))).toBe(false);
    // Nor does a write adopt the forged store and its key.
    const create = px(clone, ['secret', 'create', 'MINE'], canary(1));
    expect(create.status).toBe(2);
    expect(readFileSync(join(clone, '.px', 'secrets.enc')).includes(CANARY)).toBe(false);
  });

  it('with a well-formed id: opens only with a key the user holds, so it is refused (exit 4) and shows nothing', () => {
    const clone = join(base.root, 'clone');
    const origin = forgedRepository(clone);
    // The forger now plays by the format: a px-like id, the key "in the key file" or "in PX_STORE_KEY".
    for (const keySource of ['file', 'env', 'keychain'] as const) {
      writeFileSync(join(origin, '.px', 'secrets.enc'), forgeSnapshot({ storeId: 'a1b2c3d4e5f60718', keySource, key: FORGER_KEY, secrets: { FORGED_NAME: 'x' } }));
      git(origin, 'commit', '-q', '-am', keySource);
      const target = join(base.root, `clone-${keySource}`);
      git(base.root, 'clone', '-q', origin, target);
      const result = spawnSync('node', [PX, 'secret', 'list', '--json'], {
        cwd: target,
        encoding: 'utf8',
        env: { ...env(), PX_STORE_KEY: randomBytes(32).toString('hex') },
      });
      expect(result.status, keySource).toBe(4);
      expect(result.stdout).not.toContain('FORGED_NAME');
      oneLine(result.stderr);
    }
  });

  it('px server refuses a token file that came with the clone, and never writes through a planted link', () => {
    const clone = join(base.root, 'clone');
    const origin = forgedRepository(clone);
    const victimFile = join(base.env.HOME!, '.bashrc');
    writeFileSync(victimFile, 'export KEEP=1\n');
    symlinkSync(victimFile, join(origin, '.px', 'audit.log'));
    git(origin, 'add', '-f', '.');
    git(origin, 'commit', '-q', '-m', 'link');
    git(base.root, 'clone', '-q', origin, clone);
    const server = spawnSync('node', [PX, 'server', '--memory', '--port', '0'], { cwd: clone, encoding: 'utf8', env: env(), timeout: 10_000 });
    expect(server.status).toBe(2);
    oneLine(server.stderr);
    expect(server.stderr).toMatch(/^error: \.px[/\\](audit\.log is a symbolic link|server-token is readable by other users)/);
    expect(readFileSync(victimFile, 'utf8')).toBe('export KEEP=1\n');
  });
});

describe('a .px/ planted in a directory others can write', () => {
  /** A shared directory (mode 1777 like /tmp) where "another user" left a .px/ with a forged store and journal. */
  function planted(owner: number | null): { shared: string; journal: Buffer; storeId: string } {
    const shared = join(base.root, 'shared');
    mkdirSync(join(shared, '.px'), { recursive: true });
    chmodSync(shared, 0o1777);
    const storeId = relative(keyDir(), join(shared, '.px', 'k'));
    writeFileSync(join(shared, '.px', 'k.key'), FORGER_KEY.toString('hex'));
    writeFileSync(join(shared, '.px', 'secrets.enc'), forgeSnapshot({ storeId, keySource: 'file', key: FORGER_KEY, secrets: { FORGED_NAME: 'x' } }));
    const journal = forgeJournalHeader(storeId);
    writeFileSync(join(shared, '.px', 'secrets.journal'), journal);
    for (const name of ['k.key', 'secrets.enc', 'secrets.journal']) chmodSync(join(shared, '.px', name), 0o666);
    chmodSync(join(shared, '.px'), 0o777);
    if (owner !== null) {
      for (const path of ['.px', '.px/k.key', '.px/secrets.enc', '.px/secrets.journal']) chownSync(join(shared, path), owner, owner);
    }
    return { shared, journal, storeId };
  }

  /** Whatever px appended to the journal, opened with the forger's key (what the forger would do). */
  function forgerReads(shared: string, header: Buffer, storeId: string): string {
    const raw = readFileSync(join(shared, '.px', 'secrets.journal'));
    if (raw.length <= header.length) return '';
    const record = raw.subarray(header.length + 4);
    const decipher = createDecipheriv('aes-256-gcm', FORGER_KEY, record.subarray(0, 12));
    decipher.setAuthTag(record.subarray(12, 28));
    decipher.setAAD(Buffer.from(JSON.stringify(['px-local-journal', 2, storeId, 0, 0])));
    return decipher.update(record.subarray(28)).toString('utf8');
  }

  const attempts = (shared: string) => [
    px(shared, ['secret', 'list', '--json']),
    px(shared, ['secret', 'create', 'VICTIM_SECRET'], canary(7)),
  ];

  it('world-writable (.px 0777, files 0666): refused with exit 2 and one line; the victim’s value is not added under the forger’s key', () => {
    const { shared, journal, storeId } = planted(null);
    for (const result of attempts(shared)) {
      expect(result.status).toBe(2);
      expect(result.stdout).not.toContain('FORGED_NAME');
      expect(result.stderr).toMatch(/^error: \.px is writable by other users \(mode 0777\): px does not use a store others can change\./);
      oneLine(result.stderr);
    }
    expect(readFileSync(join(shared, '.px', 'secrets.journal'))).toEqual(journal);
    expect(forgerReads(shared, journal, storeId)).toBe('');
  });

  it.skipIf(process.getuid?.() !== 0)('owned by another user: refused with exit 2 and one line, nothing written', () => {
    const { shared, journal } = planted(NOBODY);
    chmodSync(join(shared, '.px'), 0o755);
    for (const result of attempts(shared)) {
      expect(result.status).toBe(2);
      expect(result.stdout).not.toContain('FORGED_NAME');
      expect(result.stderr).toMatch(new RegExp(`^error: \\.px is owned by another user \\(uid ${NOBODY}\\), not you: px does not use a store someone else controls\\.`));
      oneLine(result.stderr);
    }
    expect(readFileSync(join(shared, '.px', 'secrets.journal'))).toEqual(journal);
  });
});
