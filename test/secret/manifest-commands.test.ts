// The manifest commands through the real yargs → command path, against the local store and a
// TestDevServer, with canary values that must appear in no output.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/core/local-store.js';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';
import { runPx, type PxResult } from '../helpers/px-session.js';

const MANIFEST = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'product-manifest.json'), 'utf8');
const LOCAL = JSON.stringify({ ...JSON.parse(MANIFEST), url: undefined, envs: { staging: {}, production: {} } });
const JWT = 'Q'.repeat(16) + canary(1).replace(/[^A-Za-z0-9]/g, '');
const OPENROUTER = `sk-or-${canary(2)}`;

let project: TempProject;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  project = tempProject();
  env = { ...project.env, PX_KEYCHAIN: 'off' };
  writeFileSync(join(project.root, 'px.config.json'), LOCAL);
});
afterEach(() => project.cleanup());
const px = (args: string[], extra: { stdin?: string; env?: NodeJS.ProcessEnv } = {}) => runPx(args, { cwd: project.root, env: { ...env, ...extra.env }, stdin: extra.stdin });
const store = () => LocalStore.open({ root: project.root, env });
/** No canary in stdout or stderr, nor in any file under .px but the encrypted store's. */
function expectNoCanary(...results: PxResult[]): void {
  for (const result of results) expect(result.stdout + result.stderr).not.toContain(CANARY);
}

describe('px secret validate', () => {
  it('lists each missing, invalid or stale secret by name (exit 1), then passes once they are fixed (exit 0)', async () => {
    const s = await store();
    await s.put('OPENROUTER_API_KEY', `not-${canary(3)}`);
    const first = await px(['secret', 'validate']);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('✗ JWT_SECRET is required and missing: add it with `px secret generate JWT_SECRET` (or `px setup`).');
    expect(first.stdout).toContain('✗ OPENROUTER_API_KEY does not match its format /^sk-or-/ (px.config.json)');
    expect(first.stdout).toContain('✗ DATABASE_URL is required and missing');
    expect(first.stdout).not.toContain('VAULT_DB_PASSWORD');
    expect(first.stderr).toBe('error: 3 problems with the secrets of px.config.json: JWT_SECRET, OPENROUTER_API_KEY, DATABASE_URL.\n');
    const json = JSON.parse((await px(['secret', 'validate', '--json'])).stdout);
    expect(json).toMatchObject({ target: 'local store (.px)', env: 'development', ok: false, formatChecked: true });
    expect(json.problems.map((p: { name: string; problem: string }) => `${p.name}:${p.problem}`)).toEqual(['JWT_SECRET:missing', 'OPENROUTER_API_KEY:invalid', 'DATABASE_URL:missing']);
    await s.put('OPENROUTER_API_KEY', OPENROUTER);
    expect((await px(['secret', 'generate', 'JWT_SECRET'])).code).toBe(0);
    const desktop = await px(['secret', 'validate', '--tier', 'desktop']);
    expect(desktop.code, desktop.stdout).toBe(0);
    expect(desktop.stdout).toBe('Target: local store (.px) · tier desktop\n✓ All 6 secrets of px.config.json are in order.\n');
    const production = await px(['secret', 'validate', '--tier', 'desktop', '--env', 'production']);
    expect(production.code).toBe(1);
    expect(production.stdout).toContain('SMTP_PASSWORD is required and missing');
    expectNoCanary(first, desktop, production);
  });

  it('a secret older than rotateAfterDays is stale', async () => {
    const s = await store();
    await s.put('JWT_SECRET', JWT);
    // The store keeps the time of the write: move the clock of this check instead.
    const later = await runPx(['secret', 'list', '--json'], { cwd: project.root, env });
    expect(JSON.parse(later.stdout).secrets[0].status).toBe('configured');
    const { validationProblems } = await import('../../src/core/manifest/manifest.js');
    const { findProject } = await import('../../src/core/project.js');
    const manifest = findProject(project.root).manifest;
    const meta = new Map((await s.list()).map((m) => [m.name, m]));
    const problems = validationProblems(manifest, 'development', 'desktop', meta, await s.values(), Date.now() + 91 * 86_400_000);
    expect(problems.find((p) => p.name === 'JWT_SECRET')).toMatchObject({ problem: 'stale' });
  });

  it('against an endpoint with a token that lists: presence and age, and says which formats were not checked', async () => {
    const server = await TestDevServer.start();
    try {
      await server.store.put('OPENROUTER_API_KEY', `bad-${canary(4)}`);
      const result = await px(['secret', 'validate', '--tier', 'cloud'], { env: { PX_URL: server.url, PX_TOKEN: server.token } });
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('Formats not checked for OPENROUTER_API_KEY: only an approved service token may read values, and this token lists instead (presence and age were checked).');
      expect(result.stdout).toContain('JWT_SECRET is required and missing');
      expect(result.stdout).not.toContain('✗ OPENROUTER_API_KEY');
      // No value was asked for: an admin's validate leaves no refused read in the audit log.
      expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /secrets']);
      expectNoCanary(result);
    } finally {
      await server.close();
    }
  });

  it('a malformed manifest stops it with the JSON path (exit 2)', async () => {
    writeFileSync(join(project.root, 'px.config.json'), JSON.stringify({ secrets: { A: { class: 'user_prompt', format: '(' } } }));
    for (const args of [['secret', 'validate'], ['secret', 'list'], ['run', '--', 'node', '-e', '0']]) {
      const result = await px(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^error: px\.config\.json: \$\.secrets\.A\.format is not a valid regular expression/);
    }
  });
  it('get of one name refuses a malformed manifest too, when the broken entry is another one (exit 2, no value)', async () => {
    await (await store()).put('B', JWT);
    writeFileSync(join(project.root, 'px.config.json'), JSON.stringify({ secrets: { B: { class: 'user_prompt' }, A: { class: 'user_prompt', prompt: { label: 7 } } } }));
    for (const args of [['secret', 'get', 'B'], ['secret', 'plan', '--tier', 'desktop', '--json'], ['secret', 'list', '--json']]) {
      const result = await px(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe('error: px.config.json: $.secrets.A.prompt.label must be a string. Fix it and run again (px secret validate checks the file).\n');
    }
  });
});

describe('px secret plan', () => {
  it('--tier desktop --json for the example manifest: strip, generate, prompt, delegate', async () => {
    await (await store()).put('OPENROUTER_API_KEY', OPENROUTER);
    const result = await px(['secret', 'plan', '--tier', 'desktop', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const body = JSON.parse(result.stdout);
    expect(body).toMatchObject({ target: 'local store (.px)', env: 'development', tier: 'desktop' });
    const by = Object.fromEntries(body.secrets.map((row: { name: string }) => [row.name, row]));
    expect(by.DATABASE_URL).toEqual({ name: 'DATABASE_URL', class: 'infrastructure', strategy: 'strip', required: true, present: false });
    expect(by.JWT_SECRET.strategy).toBe('generate');
    expect(by.OPENROUTER_API_KEY).toMatchObject({ strategy: 'prompt', present: true });
    expect(by.VAULT_DB_PASSWORD.strategy).toBe('delegate');
    const plain = await px(['secret', 'plan', '--tier', 'desktop']);
    expect(plain.stdout).toMatch(/^DATABASE_URL\s+infrastructure\s+strip\s+no$/m);
    expect(plain.stdout).toMatch(/^JWT_SECRET\s+per_install_generated\s+generate\s+no \(required\)$/m);
    expectNoCanary(result, plain);
  });

  it('needs --tier, and one the manifest declares (exit 2)', async () => {
    expect((await px(['secret', 'plan'])).stderr).toBe('error: px secret plan needs --tier, e.g. `px secret plan --tier desktop`.\n');
    expect((await px(['secret', 'plan', '--tier', canary(5)])).stderr).toBe("error: The --tier given is not one of px.config.json's tiers (local, desktop, cloud).\n");
  });
});

describe('px secret generate', () => {
  it('uses the manifest generator, never prints the value, and needs --force to replace', async () => {
    const result = await px(['secret', 'generate', 'JWT_SECRET']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('Generated JWT_SECRET in local store (.px) (32 random alnum characters).\n');
    const value = (await (await store()).values()).get('JWT_SECRET')!;
    expect(value).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(result.stdout + result.stderr).not.toContain(value);
    const again = await px(['secret', 'generate', 'JWT_SECRET']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: JWT_SECRET already exists in local store (.px): pass --force to replace it with a generated value.\n');
    const flags = await px(['secret', 'generate', 'OTHER_KEY', '--length', '64', '--charset', 'hex', '--env', 'staging']);
    expect(flags.stdout).toBe('Generated OTHER_KEY in local store (.px) · staging (64 random hex characters).\n');
    expect((await px(['secret', 'generate', 'X', '--length', '4'])).stderr).toBe('error: --length takes a whole number from 8 to 4096.\n');
    expect((await px(['secret', 'generate', 'OPENROUTER_API_KEY'])).stderr).toMatch(/^error: OPENROUTER_API_KEY is a user_prompt secret without a generator/);
    expect((await px(['secret', 'generate', 'CLOUDFLARE_API_TOKEN'])).stderr).toMatch(/is a deploy credential/);
  });
});

describe('px secret get', () => {
  it('prints the value to a pipe with nothing added; on a terminal only with --reveal', async () => {
    await (await store()).put('OPENROUTER_API_KEY', OPENROUTER);
    const piped = await px(['secret', 'get', 'OPENROUTER_API_KEY']);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe(OPENROUTER);
    expect(piped.stderr).toBe('');
    const terminal = await runPx(['secret', 'get', 'OPENROUTER_API_KEY'], { cwd: project.root, env, interactive: true });
    expect(terminal.code).toBe(2);
    expect(terminal.stderr).toMatch(/stdout is a terminal: pipe it .* or pass --reveal to show it\.\n$/);
    expectNoCanary(terminal);
    const revealed = await runPx(['secret', 'get', 'OPENROUTER_API_KEY', '--reveal'], { cwd: project.root, env, interactive: true });
    expect(revealed.stdout).toBe(OPENROUTER);
    const missing = await px(['secret', 'get', 'NOPE']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error: No secret named NOPE in local store (.px).\n');
    expect((await px(['secret', 'get', 'OPENROUTER_API_KEY', '--env', 'staging'])).code).toBe(1);
  });

  it('an endpoint without a value route: exit 4, nothing printed', async () => {
    const server = await TestDevServer.start();
    try {
      await server.store.put('A', canary(6));
      const result = await px(['secret', 'get', 'A'], { env: { PX_URL: server.url, PX_TOKEN: server.token } });
      expect(result.code).toBe(4);
      expect(result.stdout).toBe('');
      expectNoCanary(result);
    } finally {
      await server.close();
    }
  });
});

describe('format checks in create and import', () => {
  it('create refuses a value failing format (exit 2), naming the rule and the secret, never the value', async () => {
    const result = await px(['secret', 'create', 'OPENROUTER_API_KEY'], { stdin: `pasted-wrong-${canary(7)}` });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: OPENROUTER_API_KEY does not match its format /^sk-or-/ (px.config.json); nothing was stored.\n');
    expect(await (await store()).exists('OPENROUTER_API_KEY')).toBe(false);
    const ok = await px(['secret', 'create', 'OPENROUTER_API_KEY'], { stdin: OPENROUTER });
    expect(ok.code, ok.stderr).toBe(0);
    const unknown = await px(['secret', 'create', 'NOT_DECLARED'], { stdin: canary(8) });
    expect(unknown.stderr).toBe("warning: NOT_DECLARED is not in px.config.json's secrets: add it there so teammates and `px secret validate` know of it.\n");
    const short = await px(['secret', 'create', 'LOG_LEVEL'], { stdin: 'on' });
    expect(short.stderr).toBe('');
    const shortSecret = await px(['secret', 'create', 'SMTP_PASSWORD'], { stdin: 'abc' });
    expect(shortSecret.stderr).toBe('warning: the value of SMTP_PASSWORD is shorter than 4 characters, so px run will not mask it in output.\n');
    expectNoCanary(result, ok, unknown);
  });

  it('import reports each format violation by line, and sends nothing', async () => {
    const server = await TestDevServer.start();
    try {
      writeFileSync(join(project.root, '.env.secrets'), `OPENROUTER_API_KEY=wrong-${canary(9)}\nJWT_SECRET=${JWT}\nLOG_LEVEL=debug\n`);
      const result = await px(['secret', 'import', '--yes'], { env: { PX_URL: server.url, PX_TOKEN: server.token } });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe('error: .env.secrets has 1 problem; nothing was imported.\n  .env.secrets:1: OPENROUTER_API_KEY does not match its format /^sk-or-/ (px.config.json)\n');
      expect(server.requests.filter((r) => r.method === 'POST')).toEqual([]);
      expectNoCanary(result);
    } finally {
      await server.close();
    }
  });

  it('an import with thousands of bad lines lists the first 20 and a count; invalid names are never repeated', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => (i % 2 === 0 ? `${CANARY}.${i}=x` : `MIIEv${canary(i)}+/==`));
    writeFileSync(join(project.root, 'bad.env'), `${lines.join('\n')}\nDATABASE_URL: postgres://app:${canary(1)}@db/app\n`);
    const result = await px(['secret', 'import', 'bad.env', '--yes']);
    expect(result.code).toBe(2);
    const details = result.stderr.trimEnd().split('\n');
    expect(details[0]).toBe('error: bad.env has 5000 problems; nothing was imported.');
    expect(details).toHaveLength(22);
    expect(details[1]).toBe('  bad.env:1: not a valid name (not shown, in case it is a value): names use letters, digits and _ and do not start with a digit');
    expect(details[2]).toMatch(/^ {2}bad\.env:2: not NAME=value, so dotenv skips this line/);
    expect(details[21]).toBe('  … and 4980 more problems');
    expectNoCanary(result);
    expect(readdirSync(project.root)).not.toContain('.px');
  });
});

describe('list statuses', () => {
  it('configured, invalid, missing and not in manifest; --json has target, env, status and missing', async () => {
    const s = await store();
    await s.put('JWT_SECRET', JWT);
    await s.put('OPENROUTER_API_KEY', `nope-${canary(10)}`);
    await s.put('EXTRA', canary(11));
    const json = JSON.parse((await px(['secret', 'list', '--json'])).stdout);
    expect(json.target).toBe('local store (.px)');
    expect(json.env).toBe('development');
    expect(json.secrets.map((r: { name: string; status: string }) => `${r.name}:${r.status}`)).toEqual(['EXTRA:not in manifest', 'JWT_SECRET:configured', 'OPENROUTER_API_KEY:invalid']);
    expect(json.missing).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'SMTP_PASSWORD', 'VAULT_DB_PASSWORD']);
    expect(json.count).toBe(3);
    const plain = await px(['secret', 'list']);
    expect(plain.stdout).toMatch(/^OPENROUTER_API_KEY\s.*invalid$/m);
    expect(plain.stdout).toMatch(/^DATABASE_URL\s.*missing$/m);
    // Optional ones are not missing: nothing fails without them.
    expect(plain.stdout).toMatch(/^LOG_LEVEL\s.*optional, not set$/m);
    // Nor is one the app fetches itself (remote_fetch): px does not hold it.
    expect(plain.stdout).not.toContain('VAULT_DB_PASSWORD');
    expect(plain.stdout).toMatch(/3 secrets, 1 from px\.config\.json missing, 2 optional not set/);
    const staging = JSON.parse((await px(['secret', 'list', '--json', '--env', 'staging'])).stdout);
    expect(staging).toMatchObject({ env: 'staging', count: 0 });
  });
});

describe('px run and the manifest', () => {
  const node = (script: string): string[] => ['run', '--', process.execPath, '-e', script];
  it('refuses to start with a required secret missing (exit 1) unless --allow-missing', async () => {
    const s = await store();
    await s.put('OPENROUTER_API_KEY', OPENROUTER);
    const refused = await px(node('console.log("started")'));
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^error: Not starting .*: 2 required secrets are missing in local store \(\.px\) \(pass --allow-missing to start anyway\)\.\n {2}JWT_SECRET is required and missing/);
    const allowed = await px(['run', '--allow-missing', '--', process.execPath, '-e', 'console.log("started")']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toBe('started\n');
    expect(allowed.stderr).toBe('warning: starting without JWT_SECRET, DATABASE_URL (--allow-missing).\n');
    expectNoCanary(refused, allowed);
  });

  it('refuses a stored value that fails its format; masks sensitive values only, and none shorter than 4 characters', async () => {
    const s = await store();
    await s.put('JWT_SECRET', JWT);
    await s.put('DATABASE_URL', `postgres://${canary(12)}`);
    await s.put('OPENROUTER_API_KEY', `bad-${canary(13)}`);
    const invalid = await px(node('0'));
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^error: Not starting .*: OPENROUTER_API_KEY fails its format in local store \(\.px\)\./);
    await s.put('OPENROUTER_API_KEY', OPENROUTER);
    await s.put('LOG_LEVEL', 'debug-verbose');
    await s.put('SMTP_PASSWORD', 'ab');
    const result = await px(node('for (const k of ["JWT_SECRET","OPENROUTER_API_KEY","LOG_LEVEL","SMTP_PASSWORD"]) console.log(k + "=" + process.env[k])'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('JWT_SECRET=***\nOPENROUTER_API_KEY=***\nLOG_LEVEL=debug-verbose\nSMTP_PASSWORD=ab\n');
    expectNoCanary(invalid, result);
  });
});
