// `px run` as users run it: the built binary, a real child process, pipes.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/core/local-store.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
let project: TempProject;

beforeEach(async () => {
  project = tempProject();
  const store = await LocalStore.open({ root: project.root, env: project.env });
  await store.bulkPut([
    { name: 'OPENAI_API_KEY', value: canary(1) },
    { name: 'DATABASE_URL', value: `postgres://app:${canary(2)}@db/app` },
  ]);
});
afterEach(() => project.cleanup());

const px = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync('node', [PX, ...args], { cwd: project.root, encoding: 'utf8', env: { ...project.env, ...env } });

/** A node child that runs `script` (its env and output are what the test looks at). */
const child = (script: string): string[] => ['run', '--', process.execPath, '-e', script];

describe('px run', () => {
  it('puts the secrets in the child environment and masks them in its stdout and stderr', () => {
    const result = px(
      child(`
        console.log('key=' + process.env.OPENAI_API_KEY);
        console.error('db=' + process.env.DATABASE_URL);
        console.log('len=' + process.env.OPENAI_API_KEY.length);
      `),
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(`key=***\nlen=${canary(1).length}\n`);
    expect(result.stderr).toContain('db=***\n');
    expect(result.stdout + result.stderr).not.toContain(CANARY);
  });

  it('masks a value the child writes in pieces, with pauses between them', () => {
    const result = px(
      child(`
        const v = process.env.OPENAI_API_KEY;
        process.stdout.write('start ' + v.slice(0, 5));
        setTimeout(() => process.stdout.write(v.slice(5, 12)), 50);
        setTimeout(() => process.stdout.write(v.slice(12) + ' end\\n'), 100);
      `),
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('start *** end\n');
  });

  it('passes the exit code through', () => {
    expect(px(child('process.exit(7)')).status).toBe(7);
    expect(px(child('0')).status).toBe(0);
  });

  it('a child killed by a signal exits px with 128 + the signal number', () => {
    expect(px(child(`process.kill(process.pid, 'SIGTERM')`)).status).toBe(143);
  });

  it('forwards SIGTERM and SIGINT sent to px to the child', async () => {
    for (const [signal, expected] of [['SIGTERM', 'got SIGTERM'], ['SIGINT', 'got SIGINT']] as const) {
      const proc = spawn('node', [PX, ...child(`
        process.on('${signal}', () => { console.log('got ${signal}'); process.exit(3); });
        console.log('ready'); setInterval(() => {}, 1000);
      `)], { cwd: project.root, env: project.env });
      let stdout = '';
      proc.stdout.on('data', (chunk) => (stdout += chunk));
      await new Promise<void>((resolve) => proc.stdout.on('data', () => stdout.includes('ready') && resolve()));
      proc.kill(signal);
      const code = await new Promise((resolve) => proc.on('close', resolve));
      expect(stdout).toContain(expected);
      expect(code).toBe(3);
    }
  });

  it('never passes deploy credentials, even when the store holds one', async () => {
    const store = await LocalStore.open({ root: project.root, env: project.env });
    await store.put('CLOUDFLARE_API_TOKEN', canary(3));
    const result = px(child(`console.log(JSON.stringify({ cf: process.env.CLOUDFLARE_API_TOKEN ?? null, openai: Boolean(process.env.OPENAI_API_KEY) }))`));
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ cf: null, openai: true });
    expect(result.stderr).toMatch(/not passing CLOUDFLARE_API_TOKEN: deploy credentials belong in the keychain/);
  });

  it('runs with a warning when the store is empty', () => {
    const empty = tempProject();
    try {
      const result = spawnSync('node', [PX, ...child('console.log("ran")')], { cwd: empty.root, encoding: 'utf8', env: empty.env });
      expect(result.status).toBe(0);
      expect(result.stdout).toBe('ran\n');
      expect(result.stderr).toMatch(/holds no secrets/);
    } finally {
      empty.cleanup();
    }
  });

  it('refuses a URL target (exit 2): an endpoint never hands values out', () => {
    const result = px(child('0'), { PX_URL: 'http://127.0.0.1:9' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^error: px run reads secrets from the local store only.*\(from PX_URL\).*unset PX_URL to use the local store\.$/m);
    const flag = px(['run', '--url', 'http://127.0.0.1:9', '--', process.execPath, '-e', '0']);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/^error: px run reads secrets from the local store only.*\(from --url\).*drop --url to use the local store\.$/m);
  });

  it('from a subdirectory, uses the store of the project root (the nearest .px/ above)', () => {
    const sub = join(project.root, 'app', 'src');
    mkdirSync(sub, { recursive: true });
    const script = 'console.log(String(process.env.OPENAI_API_KEY))';
    const here = spawnSync('node', [PX, ...child(script)], { cwd: sub, encoding: 'utf8', env: project.env });
    expect(here.status, here.stderr).toBe(0);
    expect(here.stdout).toBe('***\n');
    expect(here.stderr).toBe('');
    expect(existsSync(join(sub, '.px'))).toBe(false);
  });

  it('says so when the command is missing (exit 2) or cannot be found (exit 127)', () => {
    const missing = px(['run']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/Name the command to run after --/);
    const notFound = px(['run', '--', 'px-no-such-command-here']);
    expect(notFound.status).toBe(127);
    expect(notFound.stderr).toMatch(/px-no-such-command-here: command not found/);
  });

  it('takes arguments after -- verbatim, flags included', () => {
    writeFileSync(join(project.root, 'args.js'), 'console.log(process.argv.slice(2).join(","))');
    const result = px(['run', '--', process.execPath, 'args.js', '--', '--json', '-y']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('--,--json,-y\n');
  });
});
