// px against a real Secret Service: what px stores, secret-tool sees, and the other way round.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';
import { PX, secretTool, sessionBus } from './session.js';
import { childEnv } from '../helpers/child-env.js';

let project: TempProject;
let env: NodeJS.ProcessEnv;
let service: string;

beforeAll(() => {
  sessionBus();
  if (!existsSync(join(import.meta.dirname, '..', '..', 'dist', 'px.cjs'))) throw new Error('run `npm run build` first (npm test does)');
});
beforeEach(() => {
  project = tempProject();
  env = { ...project.env, DBUS_SESSION_BUS_ADDRESS: sessionBus() };
  service = `px creds:${realpathSync(project.root)}`;
});
afterEach(() => {
  // Leave nothing in the session's keyring for the next test.
  secretTool('clear', 'service', service);
  project.cleanup();
});

const px = (args: string[], input = '', cwd = project.root) => spawnSync('node', [PX, ...args], { cwd, input, encoding: 'utf8', env });
/** For runs that talk to a server in this process: spawnSync would block it from answering. */
const pxAsync = (args: string[], input = ''): Promise<{ status: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn('node', [PX, ...args], { cwd: project.root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
const lookup = (name: string, inService = service) => secretTool('lookup', 'service', inService, 'username', name);
const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

describe('px creds in the Secret Service', () => {
  it('a credential set with px is visible to secret-tool under this project, and delete removes it', () => {
    const set = px(['creds', 'set', 'CLOUDFLARE_API_TOKEN'], canary(1));
    expect(set.status, set.stderr).toBe(0);
    expect(lookup('CLOUDFLARE_API_TOKEN').stdout).toBe(canary(1));
    const search = secretTool('search', '--all', 'service', service);
    expect(search.stdout + search.stderr).toMatch(/attribute\.username = CLOUDFLARE_API_TOKEN/);
    expect(search.stdout + search.stderr).toContain(`attribute.service = ${service}`);

    const listed = px(['creds', 'list', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual({ credentials: [{ name: 'CLOUDFLARE_API_TOKEN', setAt: expect.any(String) }], count: 1, missing: [] });

    const deleted = px(['creds', 'delete', 'CLOUDFLARE_API_TOKEN', '--yes']);
    expect(deleted.status, deleted.stderr).toBe(0);
    expect(lookup('CLOUDFLARE_API_TOKEN').status).not.toBe(0);
    expect(lookup('CLOUDFLARE_API_TOKEN').stdout).toBe('');
    expect(JSON.parse(px(['creds', 'list', '--json']).stdout).count).toBe(0);
  });

  it('two projects with the same name do not collide', () => {
    const other = tempProject();
    const otherService = `px creds:${realpathSync(other.root)}`;
    try {
      expect(px(['creds', 'set', 'FLY_API_TOKEN'], canary(1)).status).toBe(0);
      expect(px(['creds', 'set', 'FLY_API_TOKEN'], canary(2), other.root).status).toBe(0);
      expect(lookup('FLY_API_TOKEN').stdout).toBe(canary(1));
      expect(lookup('FLY_API_TOKEN', otherService).stdout).toBe(canary(2));
      expect(px(['creds', 'delete', 'FLY_API_TOKEN', '--yes'], '', other.root).status).toBe(0);
      expect(lookup('FLY_API_TOKEN').stdout).toBe(canary(1));
    } finally {
      secretTool('clear', 'service', otherService);
      other.cleanup();
    }
  });

  it('a credential stored by another tool under the project service is listed and deployed', () => {
    const stored = spawnSync('secret-tool', ['store', '--label', 'test', 'service', service, 'username', 'EXTERNAL_TOKEN'], {
      input: canary(3),
      env: childEnv({ DBUS_SESSION_BUS_ADDRESS: sessionBus() }),
    });
    expect(stored.status).toBe(0);
    expect(JSON.parse(px(['creds', 'list', '--json']).stdout).credentials).toEqual([{ name: 'EXTERNAL_TOKEN' }]);
    const deployed = px(['deploy', '--', process.execPath, '-e', 'console.log(process.env.EXTERNAL_TOKEN)']);
    expect(deployed.stdout).toBe('***\n');
  });

  it('import stores every credential, then --remove-file deletes the plaintext file', () => {
    writeFileSync(join(project.root, '.env.deploy'), `CLOUDFLARE_API_TOKEN=${canary(1)}\nFLY_API_TOKEN="${canary(2)}"\n`);
    const result = px(['creds', 'import', '--yes', '--remove-file']);
    expect(result.status, result.stderr).toBe(0);
    expect(lookup('CLOUDFLARE_API_TOKEN').stdout).toBe(canary(1));
    expect(lookup('FLY_API_TOKEN').stdout).toBe(canary(2));
    expect(existsSync(join(project.root, '.env.deploy'))).toBe(false);
  });
});

describe('px deploy with the Secret Service', () => {
  it('the command sees the credential in its env and prints *** where it printed it', () => {
    expect(px(['creds', 'set', 'CLOUDFLARE_API_TOKEN'], canary(1)).status).toBe(0);
    const script = `
      const v = process.env.CLOUDFLARE_API_TOKEN;
      console.log('token=' + v);
      console.log('sha=' + require('crypto').createHash('sha256').update(v).digest('hex'));`;
    const result = px(['deploy', '--', process.execPath, '-e', script]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(`token=***\nsha=${sha(canary(1))}\n`);
    expect(result.stderr).not.toContain(CANARY);
  });

  it('runtime secrets of the local store are absent from a deploy, and deploy credentials from px run', () => {
    expect(px(['secret', 'create', 'OPENAI_API_KEY'], canary(1)).status).toBe(0);
    expect(px(['secret', 'create', 'APP_SESSION_KEY'], canary(2)).status).toBe(0);
    expect(px(['creds', 'set', 'FLY_API_TOKEN'], canary(3)).status).toBe(0);
    const names = ['OPENAI_API_KEY', 'APP_SESSION_KEY', 'FLY_API_TOKEN'];
    const script = `console.log(JSON.stringify(${JSON.stringify(names)}.filter((n) => n in process.env)))`;
    const deployed = px(['deploy', '--', process.execPath, '-e', script]);
    expect(deployed.status, deployed.stderr).toBe(0);
    expect(JSON.parse(deployed.stdout)).toEqual(['FLY_API_TOKEN']);
    const ran = px(['run', '--', process.execPath, '-e', script]);
    expect(ran.status, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual(['OPENAI_API_KEY', 'APP_SESSION_KEY']);
  });

  it('forwards SIGTERM to the command and passes its exit code through', async () => {
    expect(px(['creds', 'set', 'FLY_API_TOKEN'], canary(1)).status).toBe(0);
    const child = spawn('node', [PX, 'deploy', '--', process.execPath, '-e', `
      process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(3); });
      console.log('ready'); setInterval(() => {}, 1000);`], { cwd: project.root, env });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    await new Promise<void>((resolve) => child.stdout.on('data', () => stdout.includes('ready') && resolve()));
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stdout).toContain('got SIGTERM');
    expect(code).toBe(3);
  });

  it('canaries set and imported through px appear in no output and in no file, not even the keyring file', () => {
    writeFileSync(join(project.root, '.env.deploy'), `IMPORTED=${canary(2)}\n`);
    const results = [
      px(['creds', 'set', 'VIA_PIPE'], canary(1)),
      px(['creds', 'import', '--yes', '--remove-file']),
      px(['creds', 'list']),
      px(['deploy', '--', process.execPath, '-e', 'console.log(process.env.VIA_PIPE, process.env.IMPORTED); console.error(process.env.IMPORTED)']),
    ];
    for (const result of results) {
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout + result.stderr).not.toContain(CANARY);
    }
    expect(results[3].stdout).toBe('*** ***\n');
    const keyrings = join(process.env.XDG_DATA_HOME ?? '', 'keyrings');
    const files = [...filesUnder(project.root), ...filesUnder(project.env.HOME!), ...(existsSync(keyrings) ? filesUnder(keyrings) : [])];
    for (const file of files) expect(readFileSync(file).includes(CANARY), file).toBe(false);
    expect(lookup('VIA_PIPE').stdout).toBe(canary(1));
  });
});

describe('px login / px logout with the Secret Service', () => {
  let server: TestDevServer;
  beforeEach(async () => {
    server = await TestDevServer.start();
  });
  afterEach(async () => {
    secretTool('clear', 'service', 'px login', 'username', server.url);
    await server.close();
  });

  it('round trip: the token goes to the keychain, px secret uses it, logout removes it', async () => {
    const refused = await pxAsync(['login', '--url', server.url], 'not-the-token');
    expect(refused.status).toBe(4);
    expect(secretTool('lookup', 'service', 'px login', 'username', server.url).stdout).toBe('');

    const login = await pxAsync(['login', '--url', server.url], server.token);
    expect(login.status, login.stderr).toBe(0);
    expect(secretTool('lookup', 'service', 'px login', 'username', server.url).stdout).toBe(server.token);

    const created = await pxAsync(['secret', 'create', 'APP_KEY', '--url', server.url], canary(1));
    expect(created.status, created.stderr).toBe(0);
    expect((await server.store.values()).get('APP_KEY')).toBe(canary(1));

    const logout = await pxAsync(['logout', '--url', server.url]);
    expect(logout.status, logout.stderr).toBe(0);
    expect(secretTool('lookup', 'service', 'px login', 'username', server.url).stdout).toBe('');
    const after = await pxAsync(['secret', 'list', '--url', server.url]);
    expect(after.status).toBe(4);
    expect(after.stderr).toMatch(/No token for .*run `px login --url/);
  });
});

