// The whole service flow against the team server (`px server --store postgres://…`, the built
// binary), through the CLI as people run it: a service token's first `px run` is refused and asks
// for access; `px token approve` grants it (all or nothing when the database fails in the middle); `px run --url` gets the value, masked; the token is
// revoked and refused (401). Every read is in px_audit with the token id and the client's
// address; no value or token is in the database.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/core/store/postgres-store.js';
import { createDatabase, pgDump, testStoreKey, type TestDatabase } from '../helpers/postgres.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';
import { call, startPxServer, type PxServer } from '../helpers/px-server.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
let database: TestDatabase;
let project: TempProject;
let key: string;
let server: PxServer;

beforeEach(async () => {
  database = await createDatabase();
  project = tempProject();
  project.env.PX_KEYCHAIN = 'off';
  key = testStoreKey();
  writeFileSync(join(project.root, '.env.secrets.example'), 'OPENAI_API_KEY=\n');
  server = await startPxServer(project.root, { ...project.env, PX_STORE_URL: database.url, PX_STORE_KEY: key });
});
afterEach(async () => {
  await server.stop();
  project.cleanup();
  await database.drop();
});

// The CLI of the same project: on loopback it finds the server's admin token in .px/ by itself.
const px = (args: string[], env: NodeJS.ProcessEnv = {}, input?: string) => {
  // --url goes before `--`: what follows is the child's command line.
  const end = args.includes('--') ? args.indexOf('--') : args.length;
  const argv = [...args.slice(0, end), '--url', server.url, ...args.slice(end)];
  return spawnSync(process.execPath, [PX, ...argv], { cwd: project.root, encoding: 'utf8', input, env: { ...project.env, ...env } });
};
const printKey = ['--', process.execPath, '-e', 'console.log("key=" + process.env.OPENAI_API_KEY)'];

describe('the service flow on PostgreSQL', () => {
  it('create → refused and asks → px token approve → px run gets the value masked → revoke → 401; reads in px_audit', async () => {
    expect(px(['secret', 'create', 'OPENAI_API_KEY'], {}, canary(1)).status).toBe(0);
    const created = px(['token', 'create', '--role', 'service', '--name', 'billing-api']);
    expect(created.status, created.stderr).toBe(0);
    const token = created.stdout.trim();
    const id = /token (tok_[0-9a-f]{16})/.exec(created.stderr)![1];

    const refused = px(['run', ...printKey], { PX_TOKEN: token });
    expect(refused.status).toBe(4);
    expect(refused.stdout).toBe('');
    const requestId = /access requested \((req_[0-9a-f]{16})\)/.exec(refused.stderr)![1];

    // A failure between granting the request and approving its token (here: the token's approval
    // refused by a trigger; its uses are still written) fails the command (exit 5) and leaves
    // neither done.
    const admin = await PostgresStore.open({ url: database.url, env: { PX_STORE_KEY: key }, max: 1 });
    try {
      await admin.sql`create function px_test_refuse() returns trigger language plpgsql as $$ begin raise exception 'refused by the test'; end $$`;
      await admin.sql`create trigger px_test_refuse before update of approved on px_tokens for each row execute function px_test_refuse()`;
      const failed = px(['token', 'approve', requestId]);
      expect(failed.status, failed.stderr).toBe(5);
      expect(failed.stderr.trim().split('\n')).toHaveLength(1);
      const state = (await call(server.url, server.adminToken, 'GET', '/access-requests')).body;
      expect(state.requests).toEqual([expect.objectContaining({ id: requestId, status: 'pending' })]);
      expect((await call(server.url, server.adminToken, 'GET', '/tokens')).body.tokens.find((t: { id: string }) => t.id === id).approved).toBe(false);
      await admin.sql`drop trigger px_test_refuse on px_tokens`;
    } finally {
      await admin.close();
    }

    const approved = px(['token', 'approve', requestId]);
    expect(approved.status, approved.stderr).toBe(0);
    const ran = px(['run', ...printKey], { PX_TOKEN: token });
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout).toBe('key=***\n');

    expect(px(['token', 'revoke', id]).status).toBe(0);
    const revoked = px(['run', ...printKey], { PX_TOKEN: token });
    expect(revoked.status).toBe(4);
    expect(revoked.stderr).toMatch(/^error: .*\(401/);
    expect((await call(server.url, token, 'POST', '/secrets/values', { names: ['OPENAI_API_KEY'] })).status).toBe(401);

    // Stopping the server writes the audit lines it batched.
    expect(await server.stop()).toBe(0);
    const store = await PostgresStore.open({ url: database.url, env: { PX_STORE_KEY: key }, max: 1 });
    try {
      const rows = await store.sql<{ record: { tokenId?: string; name?: string; outcome: string; status: number; client?: string } }[]>`
        select record from px_audit where record ->> 'route' = '/secrets/values' order by id`;
      const records = rows.map((row) => row.record);
      const reads = records.filter((entry) => entry.outcome === 'read');
      expect(reads).toEqual([expect.objectContaining({ tokenId: id, name: 'OPENAI_API_KEY', client: '127.0.0.1' })]);
      expect(records.some((entry) => entry.status === 403 && entry.tokenId === id)).toBe(true);
      expect(records.some((entry) => entry.status === 401)).toBe(true);
    } finally {
      await store.close();
    }
    const dump = pgDump(database.name);
    expect(dump).not.toContain(CANARY);
    expect(dump).not.toContain(token);
  }, 120_000);
});
