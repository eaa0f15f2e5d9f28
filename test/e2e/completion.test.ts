// Shell completion through the real shells: the script `px completion SHELL` prints is loaded into
// bash, zsh and fish, which ask the built px for candidates: commands, flags, and the names stored
// in this project (never a value).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRY } from '../../src/registry.js';
import { completionFor } from '../../src/cli/completion.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';
import { childEnv } from '../helpers/child-env.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
let project: TempProject;
let env: NodeJS.ProcessEnv;

const hasShell = (shell: string): boolean => spawnSync(shell, ['-c', 'exit 0'], { env: childEnv() }).status === 0;
/** Locally a missing shell skips its case; CI installs them all (.ci/run), so there it fails. */
const shellCase = (shell: string) => (hasShell(shell) || process.env.CI ? it : it.skip);

beforeAll(() => {
  project = tempProject();
  const bin = join(project.root, '..', 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'px'), `#!/bin/sh\nexec "${process.execPath}" "${PX}" "$@"\n`);
  chmodSync(join(bin, 'px'), 0o755);
  env = { ...project.env, PATH: `${bin}:${process.env.PATH}`, PX_KEYCHAIN: 'off' };
  for (const [name, value] of [['API_KEY', canary(1)], ['APP_TOKEN', canary(2)], ['DATABASE_URL', canary(3)]]) {
    const created = spawnSync('px', ['secret', 'create', name], { cwd: project.root, env, input: value, encoding: 'utf8' });
    expect(created.status, created.stderr).toBe(0);
  }
});
afterAll(() => project.cleanup());

const sh = (shell: string, args: string[]) => {
  const result = spawnSync(shell, args, { cwd: project.root, env, encoding: 'utf8', timeout: 20_000 });
  expect(result.stdout + result.stderr).not.toContain(CANARY);
  return result;
};

const candidates = (output: string): string[] => output.split('\n').map((row) => row.split('\t')[0]).filter(Boolean).sort();

describe('completionFor', () => {
  it('offers commands, subcommands and flags from the registry', () => {
    expect(completionFor(REGISTRY, ['px', 'se'])).toEqual({ kind: 'words', words: ['secret', 'server', 'setup'] });
    expect(completionFor(REGISTRY, ['px', 'creds', ''])).toEqual({ kind: 'words', words: ['set', 'list', 'delete', 'import'] });
    expect(completionFor(REGISTRY, ['px', 'secret', 'import', '--d'])).toEqual({ kind: 'words', words: ['--dry-run'] });
    expect(completionFor(REGISTRY, ['px', '--no'])).toEqual({ kind: 'words', words: ['--no-color'] });
    expect(completionFor(REGISTRY, ['px', 'secret', 'delete', '--project', 'dir', 'A'])).toMatchObject({ kind: 'names', of: 'secret', prefix: 'A', args: { project: 'dir' } });
    expect(completionFor(REGISTRY, ['px', 'creds', 'set', ''])).toMatchObject({ kind: 'names', of: 'credential' });
  });

  it('offers nothing where a value, a file or a command goes (the shell then offers files)', () => {
    for (const words of [['px', 'secret', 'list', '--project', ''], ['px', 'secret', 'create', 'A', ''], ['px', 'run', '--', ''], ['px', 'secret', 'import', '']]) {
      expect(completionFor(REGISTRY, words), words.join(' ')).toEqual({ kind: 'words', words: [] });
    }
  });
});

describe('completion in real shells', () => {
  it('px completion without a known $SHELL prints the bash script; another shell is refused', () => {
    const bash = sh('px', ['completion']);
    expect(bash.status).toBe(0);
    expect(bash.stdout).toContain('complete -o default -F _px_complete px');
    const refused = sh('px', ['completion', 'tcsh']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe('error: px completion takes bash, zsh or fish, not tcsh.\n');
  });

  shellCase('bash')('bash: commands, flags and stored secret names', () => {
    const ask = (words: string[]) => {
      const list = words.map((word) => `'${word}'`).join(' ');
      const result = sh('bash', ['--norc', '-c', `eval "$(px completion bash)"; COMP_WORDS=(${list}); COMP_CWORD=${words.length - 1}; _px_complete; printf '%s\\n' "\${COMPREPLY[@]}"`]);
      expect(result.status, result.stderr).toBe(0);
      return candidates(result.stdout);
    };
    expect(ask(['px', 'sec'])).toEqual(['secret']);
    expect(ask(['px', 'secret', 'delete', 'A'])).toEqual(['API_KEY', 'APP_TOKEN']);
    expect(ask(['px', 'secret', 'exists', ''])).toEqual(['API_KEY', 'APP_TOKEN', 'DATABASE_URL']);
    expect(ask(['px', 'secret', 'list', '--j'])).toEqual(['--json']);
  });

  shellCase('zsh')('zsh: the same candidates through compadd', () => {
    // compadd and _files only work inside the line editor: stand-ins print what they are given.
    const ask = (words: string[]) => {
      const list = words.map((word) => `'${word}'`).join(' ');
      const script = `compdef() { :; }; compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }; _files() { print FILES; }
eval "$(px completion zsh)"; words=(${list}); CURRENT=${words.length}; _px`;
      const result = sh('zsh', ['-f', '-c', script]);
      expect(result.status, result.stderr).toBe(0);
      return candidates(result.stdout);
    };
    expect(ask(['px', 'cr'])).toEqual(['creds']);
    expect(ask(['px', 'secret', 'delete', 'D'])).toEqual(['DATABASE_URL']);
    expect(ask(['px', 'secret', 'import', ''])).toEqual(['FILES']);
  });

  shellCase('fish')('fish: complete -C asks the loaded completion', () => {
    const ask = (line: string) => {
      const result = sh('fish', ['--no-config', '-c', `px completion fish | source; complete -C'${line}'`]);
      expect(result.status, result.stderr).toBe(0);
      return candidates(result.stdout);
    };
    expect(ask('px secret cr')).toEqual(['create']);
    expect(ask('px secret delete AP')).toEqual(['API_KEY', 'APP_TOKEN']);
    expect(ask('px --proj')).toEqual(['--project']);
  });
});
