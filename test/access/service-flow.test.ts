// The whole service flow against the local `px server`, as people run it: an admin creates a
// service token; the service's first read is refused and asks for access; the admin approves;
// `px run --url` gets the value, masked in the child's output; the token is revoked and refused.
// Every read is in the audit log, with the token id and the client's address, and no value is.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, startPxServer, type PxServer } from '../helpers/px-server.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
let project: TempProject;
let server: PxServer;

beforeEach(async () => {
  project = tempProject();
  project.env.PX_KEYCHAIN = 'off';
  writeFileSync(join(project.root, '.env.secrets.example'), 'OPENAI_API_KEY=\nDATABASE_URL=\n');
  server = await startPxServer(project.root, project.env);
});
afterEach(async () => {
  await server.stop();
  project.cleanup();
});

const px = (args: string[], env: NodeJS.ProcessEnv = {}, input?: string) =>
  spawnSync(process.execPath, [PX, ...args], { cwd: project.root, encoding: 'utf8', input, env: { ...project.env, ...env } });

const printKey = ['--', process.execPath, '-e', 'console.log("key=" + process.env.OPENAI_API_KEY)'];

describe('the service flow', () => {
  it('create → refused and asks → approve → px run gets the value masked → revoke → 401', async () => {
    // The admin (this project's CLI finds the server's admin token by itself) stores two secrets.
    expect(px(['secret', 'create', 'OPENAI_API_KEY', '--url', server.url], {}, canary(1)).status).toBe(0);
    expect(px(['secret', 'create', 'DATABASE_URL', '--url', server.url], {}, canary(2)).status).toBe(0);

    const created = px(['token', 'create', '--role', 'service', '--name', 'billing-api', '--url', server.url]);
    expect(created.status, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^pxt_/);
    const id = /token (tok_[0-9a-f]{16})/.exec(created.stderr)![1];

    // Unapproved: refused in one line, exit 4, and an access request is waiting for the admin.
    const refused = px(['run', '--url', server.url, ...printKey], { PX_TOKEN: token });
    expect(refused.status).toBe(4);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    const requestId = /access requested \((req_[0-9a-f]{16})\)/.exec(refused.stderr)![1];
    expect(refused.stderr).toContain(`px token approve ${requestId}`);

    const listed = JSON.parse(px(['token', 'list', '--json', '--url', server.url]).stdout);
    expect(listed.requests).toEqual([expect.objectContaining({ id: requestId, tokenId: id, tokenName: 'billing-api', names: ['DATABASE_URL', 'OPENAI_API_KEY'], status: 'pending' })]);
    expect(listed.tokens.find((t: { id: string }) => t.id === id)).toMatchObject({ role: 'service', approved: false, scope: expect.stringMatching(/\/development$/) });

    const approved = px(['token', 'approve', requestId, '--url', server.url]);
    expect(approved.status, approved.stderr).toBe(0);

    // Approved: the child gets the value, and its output shows ***.
    const ran = px(['run', '--url', server.url, ...printKey], { PX_TOKEN: token });
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout).toBe('key=***\n');
    const length = px(['run', '--url', server.url, '--', process.execPath, '-e', 'console.log(process.env.OPENAI_API_KEY.length)'], { PX_TOKEN: token });
    expect(length.stdout).toBe(`${canary(1).length}\n`);
    expect(px(['secret', 'get', 'DATABASE_URL', '--url', server.url], { PX_TOKEN: token }).stdout).toBe(canary(2));

    // An admin's list says which tokens may read each secret: on the endpoint, and on the local
    // store next to the server's access file. A reader's list does not.
    const adminList = px(['secret', 'list', '--url', server.url]).stdout;
    expect(adminList).toMatch(/READABLE BY/);
    expect(adminList).toMatch(/^OPENAI_API_KEY .*  billing-api$/m);
    expect(px(['secret', 'list']).stdout).toMatch(/^DATABASE_URL .*  billing-api$/m);
    const reader = (await call(server.url, server.adminToken, 'POST', '/tokens', { role: 'reader' })).body.token;
    const readerList = px(['secret', 'list', '--url', server.url], { PX_TOKEN: reader });
    expect(readerList.status).toBe(0);
    expect(readerList.stdout).not.toMatch(/READABLE BY|billing-api/);

    const tokens = JSON.parse(px(['token', 'list', '--json', '--url', server.url]).stdout).tokens;
    expect(tokens.find((t: { id: string }) => t.id === id).lastUsedAt).toEqual(expect.any(String));

    expect(px(['token', 'revoke', id, '--url', server.url]).status).toBe(0);
    const revoked = px(['run', '--url', server.url, ...printKey], { PX_TOKEN: token });
    expect(revoked.status).toBe(4);
    expect(revoked.stderr).toMatch(/^error: .*\(401/);
    expect((await call(server.url, token, 'POST', '/secrets/values', { names: ['OPENAI_API_KEY'] })).status).toBe(401);

    expect(await server.stop()).toBe(0);
    const audit = readFileSync(join(project.root, '.px', 'audit.log'), 'utf8');
    expect(statSync(join(project.root, '.px', 'audit.log')).mode & 0o777).toBe(0o600);
    const records = audit.trim().split('\n').map((line) => JSON.parse(line));
    const reads = records.filter((r) => r.route === '/secrets/values' && r.outcome === 'read');
    // Two px run and one get: OPENAI_API_KEY and DATABASE_URL twice, DATABASE_URL once more.
    expect(reads.map((r) => r.name).sort()).toEqual(['DATABASE_URL', 'DATABASE_URL', 'DATABASE_URL', 'OPENAI_API_KEY', 'OPENAI_API_KEY']);
    for (const read of reads) expect(read).toMatchObject({ tokenId: id, client: '127.0.0.1', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(records.some((r) => r.status === 401 && r.route === '/secrets/values')).toBe(true);
    expect(records.some((r) => r.status === 403 && r.tokenId === id)).toBe(true);
    expect(audit).not.toContain(CANARY);
    expect(audit).not.toContain(token);
    // The token file holds only hashes.
    expect(readFileSync(join(project.root, '.px', 'access.json'), 'utf8')).not.toContain(token);
    // A dozen px processes one after another: well past 30 s on a loaded machine.
  }, 120_000);

  it('a granted name the server does not store: px run stops (exit 1) unless --allow-missing; the admin sees it missing, with who asked', async () => {
    expect(px(['secret', 'create', 'OPENAI_API_KEY', '--url', server.url], {}, canary(3)).status).toBe(0);
    const { id, token } = (await call(server.url, server.adminToken, 'POST', '/tokens', { role: 'service', name: 'worker' })).body;
    const asked = await call(server.url, token, 'POST', '/access-requests', { names: ['OPENAI_API_KEY', 'DATABASE_URL'] });
    expect(asked.status).toBe(201);
    expect(px(['token', 'approve', id, '--url', server.url]).status).toBe(0);

    const stopped = px(['run', '--url', server.url, ...printKey], { PX_TOKEN: token });
    expect(stopped.status).toBe(1);
    expect(stopped.stderr).toMatch(/1 required secret is missing in http:\/\/127\.0\.0\.1:\d+ \(pass --allow-missing to start anyway\)\.\n {2}DATABASE_URL is required and missing/);
    expect(stopped.stdout).toBe('');
    const allowed = px(['run', '--allow-missing', '--url', server.url, ...printKey], { PX_TOKEN: token });
    expect(allowed.status, allowed.stderr).toBe(0);
    expect(allowed.stdout).toBe('key=***\n');

    const requests = (await call(server.url, server.adminToken, 'GET', '/access-requests')).body;
    expect(requests.missing).toEqual([{ name: 'DATABASE_URL', scope: expect.stringMatching(/\/development$/), askedBy: [id], since: expect.any(String) }]);
    const shown = px(['token', 'list', '--url', server.url]).stdout;
    expect(shown).toContain('DATABASE_URL');
    expect(shown).toMatch(/missing/);
    // Once stored, it is no longer missing.
    expect(px(['secret', 'create', 'DATABASE_URL', '--url', server.url], {}, canary(4)).status).toBe(0);
    expect((await call(server.url, server.adminToken, 'GET', '/access-requests')).body.missing).toEqual([]);
  });

  it('a token asks only for names it lacks; a name it was not granted is refused by name (403), with no value', async () => {
    expect(px(['secret', 'create', 'OPENAI_API_KEY', '--url', server.url], {}, canary(5)).status).toBe(0);
    expect(px(['secret', 'create', 'DATABASE_URL', '--url', server.url], {}, canary(6)).status).toBe(0);
    const { token } = (await call(server.url, server.adminToken, 'POST', '/tokens', { role: 'service' })).body;
    const first = (await call(server.url, token, 'POST', '/access-requests', { names: ['OPENAI_API_KEY'] })).body;
    await call(server.url, server.adminToken, 'POST', `/access-requests/${first.id}/approve`);
    const refused = await call(server.url, token, 'POST', '/secrets/values', { names: ['OPENAI_API_KEY', 'DATABASE_URL'] });
    expect(refused.status).toBe(403);
    expect(refused.body.names).toEqual(['DATABASE_URL']);
    expect(refused.body.error).toContain('DATABASE_URL');
    expect(refused.text).not.toContain(CANARY);
    const ok = await call(server.url, token, 'POST', '/secrets/values', { names: ['OPENAI_API_KEY'] });
    expect(ok.body).toEqual({ values: { OPENAI_API_KEY: canary(5) } });
    const again = await call(server.url, token, 'POST', '/access-requests', { names: ['OPENAI_API_KEY', 'DATABASE_URL'] });
    expect(again.status).toBe(201);
    expect(again.body.names).toEqual(['DATABASE_URL']);
    const denied = await call(server.url, server.adminToken, 'POST', `/access-requests/${again.body.id}/deny`);
    expect(denied.body.status).toBe('denied');
    expect((await call(server.url, token, 'POST', '/secrets/values', { names: ['DATABASE_URL'] })).status).toBe(403);
  });
});
