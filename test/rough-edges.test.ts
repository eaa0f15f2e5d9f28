// What a new user tried and tripped on: each answer is one clear line that says what to do, and
// never repeats what may be a value.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useCredsProject } from './helpers/memory-keychain.js';
import { CANARY, canary, tempProject, type TempProject } from './helpers/project.js';
import { runPx } from './helpers/px-session.js';

describe('parse errors', () => {
  let project: TempProject;
  beforeEach(() => {
    project = tempProject();
  });
  afterEach(() => project.cleanup());
  const px = (args: string[]) => runPx(args, { cwd: project.root, env: { ...project.env, PX_KEYCHAIN: 'off' }, stdin: '' });

  it.each([
    [['run', 'node', '-e', '1'], 'px run takes the command to run after --: `px run -- CMD ARGS…` (px\'s own flags go before the --). Run `px run --help` for usage.'],
    [['secret', 'set', 'API_KEY'], 'Unknown secret command set: did you mean `px secret create`? Run `px secret --help` for usage.'],
    [['secret', 'add', 'API_KEY'], 'Unknown secret command add: did you mean `px secret create`? Run `px secret --help` for usage.'],
    [['secret', 'put', 'API_KEY'], 'Unknown secret command put: did you mean `px secret create`? Run `px secret --help` for usage.'],
    [['secret', 'rm', 'API_KEY'], 'Unknown secret command rm: did you mean `px secret delete`? Run `px secret --help` for usage.'],
    [['secret', 'remove', 'API_KEY'], 'Unknown secret command remove: did you mean `px secret delete`? Run `px secret --help` for usage.'],
    [['creds', 'rm', 'FLY_API_TOKEN'], 'Unknown creds command rm: did you mean `px creds delete`? Run `px creds --help` for usage.'],
    [['help', 'secret'], 'px help is not a command: run `px secret --help`.'],
    [['version'], 'px version is not a command: run `px --version`.'],
    [['secret', 'create', 'API_KEY', '--frce'], 'Unknown flag --frce: did you mean --force? Run `px secret create --help` for usage.'],
    [['secret', 'list', '--jsn'], 'Unknown flag --jsn: did you mean --json? Run `px secret list --help` for usage.'],
  ])('px %j', async (args, message) => {
    const result = await px(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`error: ${message}\n`);
  });

  it('px secret create NAME=value explains that px never takes a value as an argument, and repeats neither part', async () => {
    for (const [command, args] of [
      ['px secret create', ['secret', 'create', `API_KEY=${canary(1)}`]],
      ['px creds set', ['creds', 'set', `FLY_API_TOKEN=${canary(2)}`]],
      ['px secret create', ['secret', 'create', `QUJD${CANARY.replaceAll('-', '')}=`]],
    ] as const) {
      const result = await px([...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toBe(
        `error: ${command} takes only a NAME: px never takes a value as an argument (it would stay in your shell history and the process list), and nothing was stored. ` +
          `Type it at the hidden prompt with \`${command} NAME\`, or pipe it: printf %s "$VALUE" | ${command} NAME\n`,
      );
      expect(result.stderr).not.toContain('API_KEY');
      expect(result.stderr + result.stdout).not.toContain(CANARY.replaceAll('-', '').slice(0, 12));
    }
  });

  it('messages are English whatever the locale, and a word that may be a value is still not echoed', async () => {
    const saved = { LANG: process.env.LANG, LC_ALL: process.env.LC_ALL, LANGUAGE: process.env.LANGUAGE };
    Object.assign(process.env, { LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8', LANGUAGE: 'de' });
    try {
      const extra = await px(['secret', 'list', 'plaza-gather-fiddle']);
      expect(extra.stderr).toBe('error: Unknown argument (not shown, in case it is a value). Run `px secret list --help` for usage.\n');
      const missing = await px(['secret', 'create']);
      expect(missing.stderr).toBe('error: px secret create needs a NAME: px secret create NAME. Run `px secret create --help` for usage.\n');
      const help = await px(['secret', 'list', '--help']);
      expect(help.stdout).toContain('Options:');
      expect(help.stdout).not.toMatch(/Optionen|Befehle/);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('px secret delete NOPE without a terminal says NOPE does not exist before asking for --yes', async () => {
    const result = await px(['secret', 'delete', 'NOPE']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: No secret named NOPE in local store (.px).\n');
  });
});

describe("the project's own declarations", () => {
  let project: TempProject;
  beforeEach(() => {
    project = tempProject();
  });
  afterEach(() => project.cleanup());
  const px = (args: string[], stdin = '') => runPx(args, { cwd: project.root, env: { ...project.env, PX_KEYCHAIN: 'off' }, stdin });

  it('GITHUB_TOKEN declared as a runtime secret is one: the built-in deploy list only guards undeclared names', async () => {
    const refused = await px(['secret', 'create', 'GITHUB_TOKEN'], canary(1));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/GITHUB_TOKEN is a deploy credential/);
    writeFileSync(join(project.root, 'px.config.json'), JSON.stringify({ secrets: { GITHUB_TOKEN: { class: 'user_prompt' } } }));
    const created = await px(['secret', 'create', 'GITHUB_TOKEN'], canary(1));
    expect(created.code, created.stderr).toBe(0);
    const imported = await px(['secret', 'import', '-', '--yes'], `GITHUB_TOKEN=${canary(2)}\n`);
    expect(imported.code, imported.stderr).toBe(0);
    const ran = await px(['run', '--', process.execPath, '-e', 'process.stdout.write(String(process.env.GITHUB_TOKEN === process.argv[1]))', canary(2)]);
    expect(ran.stdout).toBe('true');
    expect((await px(['creds', 'set', 'GITHUB_TOKEN'], canary(3))).stderr).toMatch(/GITHUB_TOKEN is a runtime secret/);
  });

  it('so is one that .env.secrets.example lists, when there is no manifest', async () => {
    writeFileSync(join(project.root, '.env.secrets.example'), 'GITHUB_TOKEN=\n');
    const created = await px(['secret', 'create', 'GITHUB_TOKEN'], canary(1));
    expect(created.code, created.stderr).toBe(0);
    const listed = await px(['secret', 'list', '--json']);
    expect(JSON.parse(listed.stdout).secrets.map((secret: { name: string; status: string }) => [secret.name, secret.status])).toEqual([['GITHUB_TOKEN', 'configured']]);
  });
});

describe('deploy credentials', () => {
  const creds = useCredsProject();

  it('px creds delete NOPE without a terminal says NOPE does not exist before asking for --yes', async () => {
    const result = await creds.px(['creds', 'delete', 'NOPE'], { stdin: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: No deploy credential named NOPE in the OS keychain/);
  });

  it('PX_KEYCHAIN=off px deploy names the program only: its arguments may hold a token', async () => {
    const result = await creds.px(['deploy', '--', process.execPath, '-e', '0', '--', '--token', canary(3)], {
      env: { ...creds.project.env, PX_KEYCHAIN: 'off' },
      stdin: '',
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`PX_KEYCHAIN=off: running node with its own environment only`);
    expect(result.stderr).not.toContain(CANARY);
    expect(result.stderr).not.toContain('--token');
  });
});
