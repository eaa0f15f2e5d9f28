// `px secret validate` on an endpoint with a service token: it reads the declared names through
// POST /secrets/values (as px run does) and so reports a value that breaks its format; names the
// token is not granted are left unchecked by name, never reported missing, and no access request
// is left behind. Canary values appear in no output.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';
import { runPx } from '../helpers/px-session.js';

const MANIFEST = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'product-manifest.json'), 'utf8');
const JWT = 'Q'.repeat(16) + canary(1).replace(/[^A-Za-z0-9]/g, '');
const DECLARED = ['JWT_SECRET', 'OPENROUTER_API_KEY', 'DATABASE_URL', 'VAULT_DB_PASSWORD', 'LOG_LEVEL', 'SMTP_PASSWORD'];

let project: TempProject;
let server: TestDevServer;
beforeEach(async () => {
  project = tempProject();
  writeFileSync(join(project.root, 'px.config.json'), JSON.stringify({ ...JSON.parse(MANIFEST), url: undefined, envs: { staging: {}, production: {} } }));
  server = await TestDevServer.start();
  await server.store.put('JWT_SECRET', JWT);
  await server.store.put('OPENROUTER_API_KEY', `not-${canary(2)}`);
  await server.store.put('DATABASE_URL', canary(3));
});
afterEach(async () => {
  await server.close();
  project.cleanup();
});

const validate = (token: string, extra: string[] = []) =>
  runPx(['secret', 'validate', ...extra], { cwd: project.root, env: { ...project.env, PX_KEYCHAIN: 'off', PX_URL: server.url, PX_TOKEN: token } });
const reads = () => server.access.auditLog.filter((record) => record.outcome === 'read' || record.outcome === 'missing').map((record) => record.name);

describe('px secret validate with a service token', () => {
  it('reports a value that breaks its format (exit 1), from one read of the declared names, ages said unchecked', async () => {
    const { token } = await server.addToken('service', { grant: DECLARED });
    const result = await validate(token);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain('✗ OPENROUTER_API_KEY does not match its format /^sk-or-/ (px.config.json)');
    expect(result.stdout).toContain('Ages not checked: a service token reads values, not their times');
    expect(result.stdout).not.toContain('JWT_SECRET');
    expect(result.stderr).toBe('error: 1 problem with the secrets of px.config.json: OPENROUTER_API_KEY.\n');
    expect(server.requests.filter((request) => request.path === '/secrets/values')).toHaveLength(1);
    expect(reads().sort()).toEqual([...DECLARED].sort());
    const json = JSON.parse((await validate(token, ['--json'])).stdout);
    expect(json).toMatchObject({ ok: false, formatChecked: true, ageChecked: false, unchecked: [] });
    expect(json.problems.map((problem: { name: string; problem: string }) => `${problem.name}:${problem.problem}`)).toEqual(['OPENROUTER_API_KEY:invalid']);
    expect(result.stdout + result.stderr + JSON.stringify(json)).not.toContain(CANARY);
  });

  it('passes once the value is fixed; a required secret the token may read but nobody stored is missing', async () => {
    const { token } = await server.addToken('service', { grant: DECLARED });
    await server.store.put('OPENROUTER_API_KEY', `sk-or-${canary(4)}`);
    const fixed = await validate(token);
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    expect(fixed.stdout).toContain('✓ All 6 secrets of px.config.json are in order.');
    await server.store.delete('JWT_SECRET');
    const missing = await validate(token);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('✗ JWT_SECRET is required and missing');
    expect(fixed.stdout + missing.stdout + missing.stderr).not.toContain(CANARY);
  });

  it('names it is not granted are left unchecked by name, not called missing, and no access request is made', async () => {
    const { id, token } = await server.addToken('service', { grant: ['OPENROUTER_API_KEY'] });
    const result = await validate(token, ['--json']);
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout);
    expect(json.unchecked).toEqual(DECLARED.filter((name) => name !== 'OPENROUTER_API_KEY'));
    expect(json).toMatchObject({ formatChecked: false, ageChecked: false });
    expect(json.problems.map((problem: { name: string }) => problem.name)).toEqual(['OPENROUTER_API_KEY']);
    const plain = await validate(token);
    expect(plain.stdout).toMatch(/^Not checked for JWT_SECRET, DATABASE_URL, .*: this token is not granted them/m);
    // The one request it had (the grant) is all there is: validate asked for nothing.
    expect((await server.access.listRequests()).filter((request) => request.tokenId === id)).toHaveLength(1);
    expect(reads()).toEqual(['OPENROUTER_API_KEY', 'OPENROUTER_API_KEY']);
    expect(result.stdout + plain.stdout + plain.stderr).not.toContain(CANARY);
  });

  it('an unapproved service token is refused (exit 4) with the reason the endpoint gives, and reads nothing', async () => {
    const { token } = await server.addToken('service');
    const result = await validate(token);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^error: .*refused this token \(403/);
    expect(reads()).toEqual([]);
    expect(result.stdout + result.stderr).not.toContain(token);
  });
});
