// The git-ignore check of plaintext secrets files, in a real git work tree.
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addToGitignore, gitIgnoreState } from '../../src/core/git-ignore.js';
import { MemoryKeychain } from '../helpers/memory-keychain.js';
import { runPx, startPx } from '../helpers/px-session.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';

let project: TempProject;
const git = (...args: string[]) => spawnSync('git', args, { cwd: project.root, encoding: 'utf8', env: project.env });

beforeEach(() => {
  project = tempProject();
});
afterEach(() => project.cleanup());

describe('gitIgnoreState', () => {
  it('is null outside a git work tree', () => {
    writeFileSync(join(project.root, '.env.deploy'), 'A=1\n');
    expect(gitIgnoreState(project.root, '.env.deploy')).toBeNull();
  });

  it('tells ignored, not ignored and tracked apart', () => {
    expect(git('init', '-q').status).toBe(0);
    writeFileSync(join(project.root, '.env.deploy'), 'A=1\n');
    writeFileSync(join(project.root, '.env.secrets'), 'B=1\n');
    writeFileSync(join(project.root, '.gitignore'), '.env.secrets\n');
    expect(gitIgnoreState(project.root, '.env.secrets')).toBe('ignored');
    expect(gitIgnoreState(project.root, '.env.deploy')).toBe('not-ignored');
    expect(git('add', '.env.deploy').status).toBe(0);
    expect(gitIgnoreState(project.root, '.env.deploy')).toBe('tracked');
  });
});

describe('addToGitignore', () => {
  it('appends a line (adding a missing final newline) and keeps the mode', async () => {
    const path = join(project.root, '.gitignore');
    writeFileSync(path, 'node_modules/');
    chmodSync(path, 0o664);
    await addToGitignore(project.root, '.env.deploy');
    expect(readFileSync(path, 'utf8')).toBe('node_modules/\n.env.deploy\n');
    expect(statSync(path).mode & 0o777).toBe(0o664);
  });

  it('creates .gitignore with mode 0644 when there is none', async () => {
    await addToGitignore(project.root, '.env.secrets');
    const path = join(project.root, '.gitignore');
    expect(readFileSync(path, 'utf8')).toBe('.env.secrets\n');
    expect(statSync(path).mode & 0o777).toBe(0o644);
  });
});

describe('the check in px commands', () => {
  let keychain: MemoryKeychain;
  beforeEach(() => {
    keychain = new MemoryKeychain();
    expect(git('init', '-q').status).toBe(0);
    writeFileSync(join(project.root, '.env.deploy'), `FLY_API_TOKEN=${canary(1)}\n`);
    writeFileSync(join(project.root, '.env.secrets'), `APP_KEY=${canary(2)}\n`);
  });

  it('non-interactive: warns with the exact fix and changes nothing', async () => {
    const result = await runPx(['creds', 'import', '--yes'], { cwd: project.root, env: project.env, keychain });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^warning: \.env\.deploy holds plaintext secrets and is not git-ignored: add it with `echo '\.env\.deploy' >> \.gitignore`\.$/m);
    expect(result.stderr).toMatch(/^warning: \.env\.secrets holds plaintext secrets and is not git-ignored/m);
    expect(git('check-ignore', '-q', '.env.deploy').status).toBe(1);
  });

  it('interactive: offers to add the file; Enter (default yes) appends it and git then ignores it', async () => {
    writeFileSync(join(project.root, '.gitignore'), '.env.secrets\n');
    const session = startPx(['creds', 'set', 'FLY_API_TOKEN'], { cwd: project.root, env: project.env, keychain, interactive: true });
    await session.waitForFrame(/\.env\.deploy holds plaintext secrets and is not git-ignored\. Add it to \.gitignore\? \(Y\/n\)/);
    await session.press('enter');
    await session.waitForFrame(/Value for FLY_API_TOKEN/);
    await session.type(canary(3));
    await session.press('enter');
    const result = await session.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Added .env.deploy to .gitignore.');
    expect(readFileSync(join(project.root, '.gitignore'), 'utf8')).toBe('.env.secrets\n.env.deploy\n');
    expect(git('check-ignore', '-q', '.env.deploy').status).toBe(0);
  });

  it('interactive: n leaves .gitignore alone and warns', async () => {
    writeFileSync(join(project.root, '.gitignore'), '.env.deploy\n');
    const session = startPx(['secret', 'import', '--yes'], { cwd: project.root, env: project.env, interactive: true });
    await session.waitForFrame(/\.env\.secrets holds plaintext secrets and is not git-ignored\. Add it/);
    await session.type('n');
    await session.press('enter');
    const result = await session.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: \.env\.secrets holds plaintext secrets and is not git-ignored: add it with/);
    expect(readFileSync(join(project.root, '.gitignore'), 'utf8')).toBe('.env.deploy\n');
  });

  it('a committed file gets the git rm --cached fix', async () => {
    writeFileSync(join(project.root, '.gitignore'), '.env.secrets\n');
    expect(git('add', '.env.deploy').status).toBe(0);
    const result = await runPx(['creds', 'import', '--yes'], { cwd: project.root, env: project.env, keychain });
    expect(result.stderr).toMatch(/warning: \.env\.deploy is tracked by git \(staged or committed\): remove it with `git rm --cached \.env\.deploy`/);
  });

  it('a tracked file that .gitignore already lists is told to leave the index, not to be added to .gitignore', async () => {
    writeFileSync(join(project.root, '.gitignore'), '.env.secrets\n');
    expect(git('add', '.env.deploy', '.gitignore').status).toBe(0);
    expect(git('add', '-f', '.env.secrets').status).toBe(0);
    const result = await runPx(['creds', 'import', '--yes'], { cwd: project.root, env: project.env, keychain });
    expect(result.code, result.stderr).toBe(0);
    const warnings = result.stderr.split('\n').filter((line) => line.startsWith('warning:'));
    expect(warnings.find((line) => line.includes('.env.secrets'))).toBe(
      'warning: .env.secrets is tracked by git (staged or committed) although .gitignore lists it, which does not apply to a tracked file: ' +
        'remove it from the index with `git rm --cached .env.secrets` (the file stays), and if it was ever committed, replace the secrets it held.',
    );
    expect(warnings.find((line) => line.includes('.env.deploy'))).toMatch(/\.env\.deploy is tracked by git \(staged or committed\): remove it with `git rm --cached \.env\.deploy`, add it to \.gitignore/);
    expect(git('rm', '-q', '--cached', '.env.secrets', '.env.deploy').status).toBe(0);
    const after = await runPx(['creds', 'import', '--yes'], { cwd: project.root, env: project.env, keychain });
    expect(after.stderr).not.toMatch(/\.env\.secrets (is tracked|holds plaintext)/);
    expect(after.stderr).toMatch(/\.env\.deploy holds plaintext secrets and is not git-ignored/);
  });

  it('is not run by px secret list (kept off the start-up path)', async () => {
    const result = await runPx(['secret', 'list'], { cwd: project.root, env: project.env });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/git-ignored/);
  });
});
