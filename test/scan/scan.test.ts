// `px scan` as users run it: the built binary on real git repositories, with canary values
// planted in a tracked file, a staged change and an old commit; and the pre-commit hook.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { whatToDo } from '../../src/commands/scan.js';
import { LocalStore } from '../../src/core/local-store.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
let project: TempProject;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  project = tempProject();
  env = {
    ...project.env,
    PX_KEYCHAIN: 'off',
    PX_STORE_KEY: 'c'.repeat(64),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
  };
  git('init', '-q', '-b', 'main');
  const store = await LocalStore.open({ root: project.root, env });
  await store.bulkPut([
    { name: 'STRIPE_SECRET_KEY', value: canary(1) },
    { name: 'DATABASE_URL', value: `postgres://app:${canary(2)}@db/app` },
    { name: 'SHORT', value: 'abc' },
  ]);
});
afterEach(() => project.cleanup());

function git(...args: string[]): string {
  const result = spawnSync('git', args, { cwd: project.root, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}
const px = (...args: string[]) => spawnSync('node', [PX, ...args], { cwd: project.root, env, encoding: 'utf8' });
const write = (path: string, text: string | Buffer) => {
  mkdirSync(join(project.root, path, '..'), { recursive: true });
  writeFileSync(join(project.root, path), text);
};
const noValues = (...texts: string[]) => {
  for (const text of texts) expect(text).not.toContain(CANARY);
};

describe('px scan', () => {
  it('finds a value in a tracked file by path, line and name; exit 1; never prints the value', () => {
    write('src/config.js', `// settings\nconst a = 1;\nconst key = "${canary(1)}";\n`);
    write('README.md', 'nothing here\n');
    git('add', '.');
    const result = px('scan');
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toBe('src/config.js:3 STRIPE_SECRET_KEY\n');
    expect(result.stderr).toMatch(/1 finding in 2 files \(looked for 2 held values from local store \(\.px\)\)/);
    expect(result.stderr).toContain('  px secret rotate STRIPE_SECRET_KEY ');
    expect(result.stderr).toContain('px scan --history looks through past commits too.');
    noValues(result.stdout, result.stderr);
    const json = px('scan', '--json');
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ findings: [{ path: 'src/config.js', line: 3, name: 'STRIPE_SECRET_KEY' }] });
    noValues(json.stdout, json.stderr);
  });

  it("finds a value of another environment's namespace of the local store, and names the environments", async () => {
    const staging = await LocalStore.open({ root: project.root, env, namespace: 'staging' });
    await staging.put('STRIPE_SECRET_KEY', canary(3));
    write('deploy/staging.sh', `export STRIPE_SECRET_KEY=${canary(3)}\n`);
    const result = px('scan');
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toBe('deploy/staging.sh:1 STRIPE_SECRET_KEY\n');
    expect(result.stderr).toContain('looked for 3 held values from local store (.px) (development, staging)');
    // The advice rotates staging's value, not development's of the same name.
    expect(result.stderr).toContain('  px secret rotate STRIPE_SECRET_KEY --env staging ');
    expect(result.stderr).not.toMatch(/px secret rotate STRIPE_SECRET_KEY {2}/);
    noValues(result.stdout, result.stderr);
  });

  it('honours .gitignore, skips binary files and .px/, and reads a file named on the command line', () => {
    write('.gitignore', 'ignored.log\n');
    write('ignored.log', `${canary(1)}\n`);
    write('untracked.txt', `line one\nurl=postgres://app:${canary(2)}@db/app\n`);
    write('image.bin', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0]), Buffer.from(canary(1))]));
    write('notes.txt', 'abc abc abc\n'); // a held value under 4 characters is not looked for
    const result = px('scan');
    expect(result.stdout).toBe('untracked.txt:2 DATABASE_URL\n');
    expect(result.stderr).toMatch(/1 binary skipped/);
    expect(px('scan', 'ignored.log').stdout).toBe('ignored.log:1 STRIPE_SECRET_KEY\n');
    noValues(result.stdout, result.stderr);
  });

  it('exits 0 and says what it looked at when nothing is found', () => {
    write('clean.txt', 'clean\n');
    const result = px('scan');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/no held value found in 1 file/);
  });

  it('--staged finds a value in a staged change at its line in the new file, not in unstaged ones', () => {
    write('app.env.js', 'one\ntwo\nthree\n');
    git('add', '.');
    git('commit', '-qm', 'first');
    write('app.env.js', `one\ntwo\nsecret: ${canary(1)}\nthree\n`);
    write('other.js', `x = "${canary(2)}"\n`); // not staged
    git('add', 'app.env.js');
    const result = px('scan', '--staged');
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toBe('app.env.js:3 STRIPE_SECRET_KEY\n');
    expect(JSON.parse(px('scan', '--staged', '--json').stdout)).toEqual({ findings: [{ path: 'app.env.js', line: 3, name: 'STRIPE_SECRET_KEY' }] });
    noValues(result.stdout, result.stderr);
  });

  it('--history finds a value in an old commit that a later one removed, with the commit', () => {
    write('deploy.sh', '#!/bin/sh\necho deploy\n');
    git('add', '.');
    git('commit', '-qm', 'one');
    write('deploy.sh', `#!/bin/sh\nexport DATABASE_URL=postgres://app:${canary(2)}@db/app\necho deploy\n`);
    git('commit', '-qam', 'oops');
    const leaked = git('rev-parse', 'HEAD');
    write('deploy.sh', '#!/bin/sh\necho deploy\n');
    git('commit', '-qam', 'remove it');
    expect(px('scan').status).toBe(0);
    const result = px('scan', '--history', '--json');
    expect(result.status, result.stderr).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({ findings: [{ path: 'deploy.sh', line: 2, name: 'DATABASE_URL', commit: leaked }] });
    const plain = px('scan', '--history');
    expect(plain.stdout).toBe(`deploy.sh:2 DATABASE_URL (commit ${leaked.slice(0, 12)})\n`);
    expect(plain.stderr).toMatch(/in 3 commits reachable from HEAD/);
    noValues(result.stdout, result.stderr, plain.stdout, plain.stderr);
  });
});

describe('what a scan says to do next', () => {
  it('names px secret rotate (with the environment) for a runtime secret, the provider and px creds set for a deploy credential', () => {
    const found = [{ name: 'API_KEY', env: 'development' }, { name: 'API_KEY', env: 'staging' }, { name: 'CLOUDFLARE_API_TOKEN' }];
    const text = whatToDo(found, true).join('\n');
    expect(text).toMatch(/^ {2}px secret rotate API_KEY {6}\(/m);
    expect(text).toMatch(/^ {2}px secret rotate API_KEY --env staging {6}\(/m);
    expect(text).toContain('CLOUDFLARE_API_TOKEN: revoke it at its provider, then px creds set CLOUDFLARE_API_TOKEN');
    expect(text).not.toContain('px secret rotate CLOUDFLARE_API_TOKEN');
    expect(text).not.toContain('--history');
    expect(whatToDo(found, false).join('\n')).toContain('px scan --history looks through past commits too.');
  });
});

describe('px scan --install-hook', () => {
  it('blocks a commit that adds a held value and allows it once the value is gone', () => {
    const installed = px('scan', '--install-hook');
    expect(installed.status, installed.stderr).toBe(0);
    expect(installed.stdout).toMatch(/Pre-commit hook installed/);
    write('settings.py', `API_KEY = "${canary(1)}"\n`);
    git('add', 'settings.py');
    const blocked = spawnSync('git', ['commit', '-m', 'add settings'], { cwd: project.root, env, encoding: 'utf8' });
    expect(blocked.status).not.toBe(0);
    expect(blocked.stdout + blocked.stderr).toMatch(/settings\.py:1 STRIPE_SECRET_KEY/);
    noValues(blocked.stdout, blocked.stderr);
    expect(spawnSync('git', ['rev-parse', '--verify', '-q', 'HEAD'], { cwd: project.root, env }).status).not.toBe(0);
    write('settings.py', 'API_KEY = os.environ["API_KEY"]\n');
    git('add', 'settings.py');
    const allowed = spawnSync('git', ['commit', '-qm', 'add settings'], { cwd: project.root, env, encoding: 'utf8' });
    expect(allowed.status, allowed.stderr).toBe(0);
  });

  it('keeps an existing pre-commit hook, which still runs first and can still refuse', () => {
    const hooks = join(project.root, '.git', 'hooks');
    mkdirSync(hooks, { recursive: true });
    writeFileSync(join(hooks, 'pre-commit'), '#!/bin/sh\necho "lint ran" >> "$(git rev-parse --git-dir)/lint.log"\n[ -f STOP ] && exit 3\nexit 0\n');
    chmodSync(join(hooks, 'pre-commit'), 0o755);
    expect(px('scan', '--install-hook').stdout).toMatch(/installed, keeping the existing hook/);
    expect(existsSync(join(hooks, 'pre-commit.before-px'))).toBe(true);
    expect(px('scan', '--install-hook').stdout).toMatch(/Pre-commit hook updated/);
    write('ok.txt', 'fine\n');
    git('add', 'ok.txt');
    expect(spawnSync('git', ['commit', '-qm', 'ok'], { cwd: project.root, env }).status).toBe(0);
    expect(readFileSync(join(project.root, '.git', 'lint.log'), 'utf8')).toBe('lint ran\n');
    write('STOP', 'x\n');
    git('add', 'STOP');
    expect(spawnSync('git', ['commit', '-qm', 'stop'], { cwd: project.root, env }).status).not.toBe(0);
    expect(readFileSync(join(project.root, '.git', 'lint.log'), 'utf8')).toBe('lint ran\nlint ran\n');
    expect(git('log', '--format=%s')).toBe('ok');
  });
});
