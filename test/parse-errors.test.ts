// Command lines px cannot parse: one `error:` line, exit 2, the command's help named, a guess at
// what was meant, and never an echo of what may be a secret value.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandPath as commandPathOf } from '../src/cli/command-spec.js';
import { REGISTRY } from '../src/registry.js';

const commandPath = (argv: string[]): string[] => commandPathOf(REGISTRY, argv);
import { runPx } from './helpers/px-session.js';
import { CANARY, canary, tempProject, type TempProject } from './helpers/project.js';

let project: TempProject;
beforeEach(() => {
  project = tempProject();
});
afterEach(() => project.cleanup());

const px = (args: string[]) => runPx(args, { cwd: project.root, env: { ...project.env, PX_KEYCHAIN: 'off' }, stdin: '' });

describe('commandPath', () => {
  it('finds the command words among flags and their arguments', () => {
    expect(commandPath(['--project', 'secret', 'secret', 'create', 'X'])).toEqual(['secret', 'create']);
    expect(commandPath(['creds', '--timeout', '3', 'set'])).toEqual(['creds', 'set']);
    expect(commandPath(['secrets', 'list'])).toEqual([]);
    expect(commandPath(['run', '--', 'secret'])).toEqual(['run']);
  });
});

describe('parse errors', () => {
  it.each([
    [['secrets', 'list'], 'Unknown command secrets: did you mean `px secret`? Run `px --help` for usage.'],
    [['sever'], 'Unknown command sever: did you mean `px server`? Run `px --help` for usage.'],
    [['frobnicate'], 'Unknown command (not shown, in case it is a value): px --help lists them.'],
    [['secret', 'lst'], 'Unknown secret command lst: did you mean `px secret list`? Run `px secret --help` for usage.'],
    [['secret', '--project', '.', 'lst'], 'Unknown secret command lst: did you mean `px secret list`? Run `px secret --help` for usage.'],
    [['secret', 'create'], 'px secret create needs a NAME: px secret create NAME. Run `px secret create --help` for usage.'],
    [['creds', 'delete'], 'px creds delete needs a NAME: px creds delete NAME. Run `px creds delete --help` for usage.'],
    [['secret', 'list', 'extra'], 'Unknown argument (not shown, in case it is a value). Run `px secret list --help` for usage.'],
    [['secret', 'list', '--bogus'], 'Unknown flag: --bogus. Run `px secret list --help` for usage.'],
    [['plaza-gather-fiddle'], 'Unknown command (not shown, in case it is a value): px --help lists them.'],
    [['secret', 'plaza-gather-fiddle'], 'Unknown secret command (not shown, in case it is a value): px secret --help lists them.'],
    [['secret', 'create', 'X', '--value', 'a', '--value', 'b'], '--value was given more than once: give it once. Run `px secret create --help` for usage.'],
    [['secret', 'list', '--timeout', '1', '--timeout', '2'], '--timeout was given more than once: give it once. Run `px secret list --help` for usage.'],
  ])('px %j', async (args, message) => {
    const result = await px(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`error: ${message}\n`);
  });

  it('never echoes what may be a value: after the name, after --, or after --value with a dash', async () => {
    const cases = [
      ['secret', 'create', 'OPENAI_API_KEY', canary(1)],
      ['creds', 'set', 'FLY_API_TOKEN', canary(2)],
      ['login', canary(3)],
      ['secret', 'create', 'X', '--force', '--', canary(5)],
      ['secret', 'create', 'X', '--value', `-${canary(4)}`],
      ['secret', 'create', 'X', '--value', '-help-me'],
    ];
    for (const args of cases) {
      const result = await px(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.split('\n')).toHaveLength(2);
      expect(result.stderr).toMatch(/^error: (.*not shown, in case one is a secret value.*Nothing was stored|.*must be written --value=VALUE.*nothing was stored)/);
      expect(result.stderr + result.stdout).not.toContain(CANARY);
      expect(result.stderr).not.toMatch(/\b[a-z], [a-z]\b/);
    }
    expect((await px(['secret', 'create', 'X', '--value=-starts-with-dash'])).code).toBe(0);
  });

  it('never echoes what may be a value: where the name or a command goes', async () => {
    const cases: Array<[string[], string]> = [
      [['secret', 'create', canary(6)], 'error: The NAME given is not a valid name (not shown, in case it is a value): names use letters, digits and _ and do not start with a digit.\n'],
      [['creds', 'set', canary(7)], 'error: The NAME given is not a valid name (not shown, in case it is a value): names use letters, digits and _ and do not start with a digit.\n'],
      [[canary(8)], 'error: Unknown command (not shown, in case it is a value): px --help lists them.\n'],
      [['secret', canary(9)], 'error: Unknown secret command (not shown, in case it is a value): px secret --help lists them.\n'],
      [['secret', 'add', 'OPENAI_API_KEY', canary(10)], 'error: Unknown secret command add: did you mean `px secret create`? Run `px secret --help` for usage.\n'],
      [['logout', canary(11)], 'error: Unknown argument (not shown, in case it is a value). Run `px logout --help` for usage.\n'],
      [['secret', 'list', canary(12), '--bogus'], 'error: Unknown flag: --bogus (and 1 more, not shown in case it is a value). Run `px secret list --help` for usage.\n'],
    ];
    for (const [args, stderr] of cases) {
      const result = await px(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toBe(stderr);
    }
  });

  it('an empty --url is a usage error, not the local store', async () => {
    for (const args of [['secret', 'list', '--url', ''], ['secret', 'exists', 'X', '--url']]) {
      const result = await px(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toBe('error: The endpoint URL from --url is empty: give one like https://secrets.example.com.\n');
    }
  });

  it('--timeout beyond a day is refused before anything is tried', async () => {
    const result = await px(['secret', 'list', '--url', 'http://127.0.0.1:9', '--timeout', '2200000']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: --timeout takes a number of seconds greater than 0 and at most 86400 (a day).\n');
  });
});
