// px deploy with an in-memory keychain: a real child process, its environment and its output.
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { credentialsService } from '../../src/core/deploy-credentials.js';
import { LocalStore } from '../../src/core/local-store.js';
import { useCredsProject } from '../helpers/memory-keychain.js';
import type { SessionOptions } from '../helpers/px-session.js';
import { CANARY, canary } from '../helpers/project.js';

const creds = useCredsProject();
const px = creds.px;
/** `px deploy -- node -e script`. */
const deploy = (script: string, extra: Partial<SessionOptions> = {}) => px(['deploy', '--', process.execPath, '-e', script], extra);
const printEnv = (names: string[]): string => `console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(names)}.map((n) => [n, process.env[n] ?? null]))))`;

describe('px deploy', () => {
  it('adds the credentials to the environment and masks them in stdout and stderr', async () => {
    await creds.keychain.set(creds.service, 'CLOUDFLARE_API_TOKEN', canary(1));
    await creds.keychain.set(creds.service, 'FLY_API_TOKEN', canary(2));
    const result = await deploy(`
      console.log('cf=' + process.env.CLOUDFLARE_API_TOKEN);
      console.error('fly=' + process.env.FLY_API_TOKEN);
      console.log('len=' + process.env.CLOUDFLARE_API_TOKEN.length);
    `);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`cf=***\nlen=${canary(1).length}\n`);
    expect(result.stderr).toContain('fly=***\n');
    expect(result.stderr).toMatch(/^px deploy: CLOUDFLARE_API_TOKEN, FLY_API_TOKEN from the OS keychain/m);
    expect(result.stdout + result.stderr).not.toContain(CANARY);
  });

  it("uses only this project's credentials, never runtime secrets from the local store", async () => {
    const store = await LocalStore.open({ root: creds.project.root, env: creds.project.env });
    await store.put('OPENAI_API_KEY', canary(1));
    await creds.keychain.set(creds.service, 'FLY_API_TOKEN', canary(2));
    await creds.keychain.set(credentialsService(join(creds.project.root, '..')), 'OTHER_PROJECT_TOKEN', canary(3));
    const result = await deploy(printEnv(['OPENAI_API_KEY', 'FLY_API_TOKEN', 'OTHER_PROJECT_TOKEN']));
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ OPENAI_API_KEY: null, FLY_API_TOKEN: '***', OTHER_PROJECT_TOKEN: null });
  });

  it('passes the exit code through', async () => {
    await creds.keychain.set(creds.service, 'FLY_API_TOKEN', canary(1));
    expect((await deploy('process.exit(9)')).code).toBe(9);
  });

  it('runs "deploy" from px.config.json: a string through the shell, in the project root', async () => {
    await creds.keychain.set(creds.service, 'FLY_API_TOKEN', canary(1));
    writeFileSync(join(creds.project.root, 'px.config.json'), JSON.stringify({ deploy: `"${process.execPath}" -e "console.log(process.cwd(), process.env.FLY_API_TOKEN)" && exit 3` }));
    const sub = join(creds.project.root, 'sub');
    mkdirSync(sub);
    const result = await px(['deploy'], { cwd: sub });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toBe(`${realpathSync(creds.project.root)} ***\n`);
  });

  it('runs "deploy" from px.config.json given as an array, without a shell', async () => {
    await creds.keychain.set(creds.service, 'FLY_API_TOKEN', canary(1));
    writeFileSync(join(creds.project.root, 'px.config.json'), JSON.stringify({ deploy: [process.execPath, '-e', 'console.log(process.argv.length, process.env.FLY_API_TOKEN)', '$HOME'] }));
    const result = await px(['deploy']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('2 ***\n');
  });

  it('without a command or a configured one refuses with exit 2', async () => {
    const result = await px(['deploy']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: Name the deploy command after -- .* or set "deploy" in px\.config\.json\.$/m);
  });

  it('with nothing stored warns which names .env.deploy.example expects and runs anyway', async () => {
    writeFileSync(join(creds.project.root, '.env.deploy.example'), 'CLOUDFLARE_API_TOKEN=\nFLY_API_TOKEN=\n');
    const result = await deploy('console.log("ran")');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('ran\n');
    expect(result.stderr).toMatch(
      /^warning: no deploy credentials are stored for this project; \.env\.deploy\.example expects CLOUDFLARE_API_TOKEN, FLY_API_TOKEN: add them with `px creds set CLOUDFLARE_API_TOKEN` or `px creds import`\./m,
    );
  });

  it('with some stored, names the missing ones; names already in the environment are not missing', async () => {
    writeFileSync(join(creds.project.root, '.env.deploy.example'), 'CLOUDFLARE_API_TOKEN=\nFLY_API_TOKEN=\nAWS_ACCESS_KEY_ID=\n');
    await creds.keychain.set(creds.service, 'CLOUDFLARE_API_TOKEN', canary(1));
    const result = await deploy('0', { env: { ...creds.project.env, AWS_ACCESS_KEY_ID: 'from-env' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^warning: FLY_API_TOKEN from \.env\.deploy\.example is not stored: add it with `px creds set FLY_API_TOKEN`/m);
  });

  it('with the keychain unavailable exits 4 and never starts the command', async () => {
    creds.keychain.available = false;
    const marker = join(creds.project.root, 'ran');
    const result = await deploy(`require('fs').writeFileSync(${JSON.stringify(marker)}, '')`);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^error: The OS keychain is not available/m);
    expect(result.stdout).toBe('');
    expect(await import('node:fs').then((fs) => fs.existsSync(marker))).toBe(false);
  });

  it('PX_KEYCHAIN=off runs with the environment only (credentials from a CI secret store)', async () => {
    await creds.keychain.set(creds.service, 'FLY_API_TOKEN', canary(1));
    writeFileSync(join(creds.project.root, '.env.deploy.example'), 'FLY_API_TOKEN=\nCLOUDFLARE_API_TOKEN=\n');
    const result = await deploy(printEnv(['FLY_API_TOKEN', 'CLOUDFLARE_API_TOKEN']), {
      env: { ...creds.project.env, PX_KEYCHAIN: 'off', CLOUDFLARE_API_TOKEN: 'from-ci' },
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ FLY_API_TOKEN: null, CLOUDFLARE_API_TOKEN: 'from-ci' });
    expect(result.stderr).toMatch(/PX_KEYCHAIN=off: running .* with its own environment only/);
    expect(result.stderr).toMatch(/expects FLY_API_TOKEN, which is not in the environment/);
  });

  it('a command that cannot be found exits 127', async () => {
    await creds.keychain.set(creds.service, 'FLY_API_TOKEN', canary(1));
    const result = await px(['deploy', '--', 'px-no-such-deploy-tool']);
    expect(result.code).toBe(127);
    expect(result.stderr).toMatch(/px-no-such-deploy-tool: command not found/);
  });
});
