// Secrets named like the variables that decide what a command runs (PATH, NODE_OPTIONS,
// LD_PRELOAD…) would let whoever can write a secret choose the programs and code `px run` starts.
// They are refused by the CLI (exit 2) and the server (400), and never passed on if one is stored.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runWithSecrets } from '../../src/core/child-run.js';
import { encodeSnapshot, type Doc } from '../../src/core/store-format.js';
import { keyFingerprint } from '../../src/core/store-key.js';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
const KEY = randomBytes(32);
let project: TempProject;
beforeEach(() => {
  project = tempProject();
});
afterEach(() => project.cleanup());

const env = () => ({ ...project.env, PX_KEYCHAIN: 'off', PX_STORE_KEY: KEY.toString('hex') });
const px = (args: string[], input = '') => spawnSync('node', [PX, ...args], { cwd: project.root, input, encoding: 'utf8', env: env() });

const REFUSED = ['PATH', 'path', 'NODE_OPTIONS', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'DYLD_INSERT_LIBRARIES', 'PYTHONPATH', 'BASH_ENV', 'ENV', 'IFS', 'COMSPEC', 'PATHEXT', 'PERL5OPT', 'JAVA_TOOL_OPTIONS', 'npm_config_script_shell', 'GIT_SSH_COMMAND'];
const WHY = 'cannot be a secret name: it changes how the commands px run starts behave (which programs, libraries or code they load); give the secret another name';

/** A store as an older px (or another tool) may have left it: holding names px now refuses. */
function storeHolding(secrets: Record<string, string>): void {
  const at = new Date().toISOString();
  const doc: Doc = new Map(Object.entries(secrets).map(([name, value]) => [name, { value, createdAt: at, updatedAt: at }]));
  mkdirSync(join(project.root, '.px'), { mode: 0o700 });
  const header = { storeId: '00112233445566ff', keySource: 'env' as const, keyId: keyFingerprint(KEY), generation: 0 };
  writeFileSync(join(project.root, '.px', 'secrets.enc'), encodeSnapshot(header, KEY, doc), { mode: 0o600 });
}

describe('names that change how a command runs', () => {
  it('px secret create refuses each with exit 2 and one sentence saying why; nothing is stored', () => {
    for (const name of REFUSED) {
      const result = px(['secret', 'create', name], canary(1));
      expect(result.status, name).toBe(2);
      expect(result.stderr).toBe(`error: ${name} ${WHY}.\n`);
    }
    const proto = px(['secret', 'create', '__proto__'], canary(1));
    expect(proto.status).toBe(2);
    expect(proto.stderr).toBe('error: __proto__ cannot be a secret name: in JavaScript __proto__ is no ordinary name, so px could never pass it to a command; give the secret another name.\n');
    expect(existsSync(join(project.root, '.px', 'secrets.enc'))).toBe(false);
    // Lookalikes that change nothing stay fine.
    expect(px(['secret', 'create', 'PATH_PREFIX'], canary(2)).status).toBe(0);
  });

  it('px secret import refuses a file that holds one, with its line number, and imports nothing', () => {
    writeFileSync(join(project.root, 'app.env'), `OK_NAME=${canary(1)}\nNODE_OPTIONS=--require ./evil.js\n`);
    const result = px(['secret', 'import', 'app.env', '--yes']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`app\\.env:2: .*NODE_OPTIONS ${WHY.replace(/[()]/g, '\\$&')}`));
    expect(existsSync(join(project.root, '.px', 'secrets.enc'))).toBe(false);
  });

  it('the server answers 400 with the sentence, for a create and for a bulk write (all or nothing)', async () => {
    const server = await TestDevServer.start();
    try {
      const post = (path: string, body: unknown) =>
        fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      for (const name of [...REFUSED, '__proto__']) {
        const response = await post('/secrets', { name, value: canary(1) });
        expect(response.status, name).toBe(400);
        expect((await response.json()).error.startsWith(`${name} cannot be a secret name: `), name).toBe(true);
      }
      const bulk = await post('/secrets/bulk', { secrets: [{ name: 'FINE', value: canary(1) }, { name: 'LD_PRELOAD', value: './evil.so' }] });
      expect(bulk.status).toBe(400);
      expect((await bulk.json()).entries).toEqual([{ index: 1, name: 'LD_PRELOAD', error: `LD_PRELOAD ${WHY}` }]);
      expect(await server.store.list()).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('px run never passes one that is already stored: the writer’s PATH does not pick the program, and it can be deleted', () => {
    const evil = join(project.root, 'evil-bin');
    mkdirSync(evil);
    const marker = join(project.root, 'PWNED');
    writeFileSync(join(evil, 'node'), `#!/bin/sh\necho pwned > ${marker}\n`);
    chmodSync(join(evil, 'node'), 0o755);
    storeHolding({ PATH: evil, NODE_OPTIONS: `--require ${join(project.root, 'evil.cjs')}`, GOOD: canary(3) });
    const result = px(['run', '--', 'node', '-e', 'console.log(process.env.GOOD === undefined ? "missing" : "good", process.env.NODE_OPTIONS ?? "none")']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('good none\n');
    expect(existsSync(marker)).toBe(false);
    expect(result.stderr).toContain('warning: not passing PATH: it changes how the commands px run starts behave (which programs, libraries or code they load).');
    expect(result.stderr).toContain('warning: not passing NODE_OPTIONS:');
    expect(px(['secret', 'exists', 'PATH']).status).toBe(0);
    expect(px(['secret', 'delete', 'PATH', '--yes']).status).toBe(0);
    expect(px(['secret', 'exists', 'PATH']).status).toBe(1);
  });

  it('px deploy (the same injection) leaves them out too', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (chunk) => (out += chunk));
    stderr.on('data', (chunk) => (err += chunk));
    const code = await runWithSecrets({
      command: { argv: [process.execPath, '-e', 'process.stdout.write(String(process.env.LD_PRELOAD) + " " + process.env.TOKEN_OK.length)'] },
      cwd: project.root,
      baseEnv: { PATH: process.env.PATH },
      secrets: new Map([
        ['LD_PRELOAD', join(project.root, 'evil.so')],
        ['TOKEN_OK', canary(4)],
      ]),
      stdin: new PassThrough(),
      stdout,
      stderr,
    });
    expect(code).toBe(0);
    expect(out).toBe(`undefined ${canary(4).length}`);
    expect(err).toContain('warning: not passing LD_PRELOAD:');
  });
});
