// The local px server's access file and its install admin token: hashes only, 0600, atomic,
// uses written later but never lost on close, and a server-token of an older px adopted. Its
// audit log: a value read is answered only once it is in .px/audit.log, a failed audit write is a
// 500 with no value, and lines nobody waits for (refusals) are written by close() at the latest.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryAccessStore, type AccessStore } from '../../src/core/access/access-store.js';
import { FileAccessStore } from '../../src/core/access/file-access-store.js';
import { hashToken, newId, newTokenSecret, parseScope, projectName, sameHash } from '../../src/core/access/tokens.js';
import { ensurePxDir } from '../../src/core/px-dir.js';
import { MemoryStore } from '../../src/core/store.js';
import { ensureAdminToken } from '../../src/server/admin-token.js';
import { createApp } from '../../src/server/app.js';
import { CANARY, canary, tempProject, type TempProject } from '../helpers/project.js';

// The n-th atomic write of the test fails as a full disk would (0: none fails); while `held` is
// set, every write waits for it first, as a slow disk would.
const writes = vi.hoisted(() => ({ count: 0, failAt: 0, held: null as Promise<void> | null }));
vi.mock('../../src/core/atomic-file.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/core/atomic-file.js')>();
  return {
    ...actual,
    writeFileAtomic: async (...args: Parameters<typeof actual.writeFileAtomic>) => {
      writes.count += 1;
      const failing = writes.count === writes.failAt;
      await writes.held;
      if (failing) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      return actual.writeFileAtomic(...args);
    },
  };
});

let project: TempProject;
beforeEach(async () => {
  project = tempProject();
  await ensurePxDir(project.root);
});
afterEach(() => project.cleanup());

const scope = { project: 'app', env: 'development' };
const record = (token: string) => ({ id: newId('tok'), name: 'ci', role: 'reader' as const, scope, hash: hashToken(token), approved: true, createdAt: new Date().toISOString(), lastUsedAt: null });

describe('FileAccessStore', () => {
  it('keeps only hashes, in a 0600 file, and finds a token again after a restart', async () => {
    const token = newTokenSecret();
    const store = await FileAccessStore.open(project.root);
    await store.addToken(record(token));
    const path = join(project.root, '.px', 'access.json');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).not.toContain(token);
    expect(readFileSync(path, 'utf8')).toContain(hashToken(token));
    await store.close();
    const again = await FileAccessStore.open(project.root);
    expect((await again.tokenByHash(hashToken(token)))?.name).toBe('ci');
    expect(await again.tokenByHash(hashToken(`${token}x`))).toBeNull();
    await again.close();
  });

  it('writes uses (lastUsedAt) later, and on close at the latest', async () => {
    const token = newTokenSecret();
    const store = await FileAccessStore.open(project.root);
    const added = record(token);
    await store.addToken(added);
    store.touchToken(added.id, '2026-01-02T03:04:05.000Z');
    const path = join(project.root, '.px', 'access.json');
    expect(JSON.parse(readFileSync(path, 'utf8')).tokens[0].lastUsedAt).toBeNull();
    await store.close();
    expect(JSON.parse(readFileSync(path, 'utf8')).tokens[0].lastUsedAt).toBe('2026-01-02T03:04:05.000Z');
  });

  it('refuses a file that is not an access file (exit 2), saying what to do', async () => {
    writeFileSync(join(project.root, '.px', 'access.json'), '{"format":1,"tokens":[{"id":1}]}', { mode: 0o600 });
    await expect(FileAccessStore.open(project.root)).rejects.toMatchObject({ kind: 'usage', message: expect.stringMatching(/move it away/) });
  });

  it('grants are the names of approved requests; removing a token removes them', async () => {
    const store = await FileAccessStore.open(project.root);
    const token = record(newTokenSecret());
    await store.addToken(token);
    const request = { id: newId('req'), tokenId: token.id, names: ['A', 'B'], status: 'pending' as const, createdAt: '2026-01-01T00:00:00Z', decidedAt: null };
    await store.addRequest(request);
    expect([...(await store.grantedNames(token.id))]).toEqual([]);
    await store.decideRequest(request.id, 'approved', '2026-01-01T00:00:01Z');
    expect([...(await store.grantedNames(token.id))].sort()).toEqual(['A', 'B']);
    await store.removeToken(token.id);
    expect([...(await store.grantedNames(token.id))]).toEqual([]);
    expect(await store.listRequests()).toEqual([]);
    await store.close();
  });

  /** An unapproved service token that asked for A, in the access file of `root`. */
  async function pendingService(root: string) {
    const store = await FileAccessStore.open(root);
    const token = { ...record(newTokenSecret()), role: 'service' as const, approved: false };
    await store.addToken(token);
    const request = { id: newId('req'), tokenId: token.id, names: ['A'], status: 'pending' as const, createdAt: '2026-01-01T00:00:00Z', decidedAt: null };
    await store.addRequest(request);
    return { store, token, request };
  }

  for (const outcome of ['written', 'failed'] as const) {
    it(`an approval grants nothing while it is being written (the write ${outcome})`, async () => {
      const { store, token } = await pendingService(project.root);
      let release = () => {};
      writes.held = new Promise<void>((resolve) => {
        release = resolve;
      });
      writes.count = 0;
      writes.failAt = outcome === 'failed' ? 1 : 0;
      try {
        const approving = store.approveToken(token.id, '2026-01-01T00:00:01Z').then(
          () => 'written',
          () => 'failed',
        );
        await new Promise((resolve) => setTimeout(resolve, 20));
        // What the server's auth and value routes see meanwhile.
        expect((await store.tokenByHash(token.hash))?.approved).toBe(false);
        expect([...(await store.grantedNames(token.id))]).toEqual([]);
        release();
        expect(await approving).toBe(outcome);
        expect((await store.tokenByHash(token.hash))?.approved).toBe(outcome === 'written');
        expect([...(await store.grantedNames(token.id))]).toEqual(outcome === 'written' ? ['A'] : []);
      } finally {
        release();
        writes.held = null;
        writes.failAt = 0;
        await store.close();
      }
    });
  }

  it('a change made while a failed approval was being written does not carry the approval to disk', async () => {
    const { store, token } = await pendingService(project.root);
    writes.count = 0;
    writes.failAt = 1;
    try {
      const approving = store.approveToken(token.id, '2026-01-01T00:00:01Z');
      // Queued behind the approval's write, with the approval in its snapshot.
      const other = record(newTokenSecret());
      const adding = store.addToken(other);
      await expect(approving).rejects.toMatchObject({ code: 'ENOSPC' });
      await adding;
      await store.close();
      const disk = JSON.parse(readFileSync(join(project.root, '.px', 'access.json'), 'utf8'));
      expect(disk.tokens.map((t: { id: string; approved: boolean }) => [t.id, t.approved])).toEqual([
        [token.id, false],
        [other.id, true],
      ]);
      expect(disk.requests[0].status).toBe('pending');
    } finally {
      writes.failAt = 0;
    }
  });

  for (const how of ['token', 'request'] as const) {
    it(`approving a service token and what it asked for is one write: a failed one leaves neither done (approve by ${how})`, async () => {
      for (const failAt of [1, 2]) {
        const root = tempProject();
        await ensurePxDir(root.root);
        const path = join(root.root, '.px', 'access.json');
        try {
          const { store, token, request } = await pendingService(root.root);
          writes.count = 0;
          writes.failAt = failAt;
          const at = '2026-01-01T00:00:01Z';
          const outcome = await (how === 'token' ? store.approveToken(token.id, at) : store.decideRequest(request.id, 'approved', at)).then(
            () => 'done',
            (error: NodeJS.ErrnoException) => error.code,
          );
          writes.failAt = 0;
          const disk = JSON.parse(readFileSync(path, 'utf8'));
          const onDisk = [disk.tokens[0].approved, disk.requests[0].status];
          const inMemory = [(await store.getToken(token.id))!.approved, (await store.getRequest(request.id))!.status];
          // Both or neither, and the server's memory agrees with its file.
          expect(onDisk, `write ${failAt}`).toEqual(outcome === 'done' ? [true, 'approved'] : [false, 'pending']);
          expect(inMemory, `write ${failAt}`).toEqual(onDisk);
          expect([...(await store.grantedNames(token.id))]).toEqual(outcome === 'done' ? ['A'] : []);
          await store.close();
          const again = await FileAccessStore.open(root.root);
          expect((await again.getToken(token.id))!.approved).toBe(onDisk[0]);
          await again.close();
        } finally {
          writes.failAt = 0;
          root.cleanup();
        }
      }
    });
  }
});

describe('the install admin token', () => {
  it('first run over an empty table: created 0600 under .px/, only its hash in the table', async () => {
    const access = await FileAccessStore.open(project.root);
    const result = await ensureAdminToken({ root: project.root, env: {}, access, scope });
    expect(result.where).toMatch(/created now/);
    const path = join(project.root, '.px', 'server-token');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const token = readFileSync(path, 'utf8').trim();
    expect((await access.tokenByHash(hashToken(token)))?.role).toBe('admin');
    // Later runs leave the table as it is.
    expect((await ensureAdminToken({ root: project.root, env: {}, access, scope })).where).not.toMatch(/created/);
    expect(await access.countTokens()).toBe(1);
    await access.close();
  });

  it('a server-token written by an older px keeps working; PX_TOKEN is an admin never stored', async () => {
    writeFileSync(join(project.root, '.px', 'server-token'), 'old-install-token\n', { mode: 0o600 });
    const access = await FileAccessStore.open(project.root);
    expect((await ensureAdminToken({ root: project.root, env: { PX_TOKEN: 'from-env' }, access, scope })).envToken).toBe('from-env');
    expect(await access.countTokens()).toBe(0);
    await ensureAdminToken({ root: project.root, env: {}, access, scope });
    expect((await access.tokenByHash(hashToken('old-install-token')))?.role).toBe('admin');
    await access.close();
  });
});

describe('tokens and scopes', () => {
  it('scopes are PROJECT/ENV; project names come from the directory', () => {
    expect(parseScope('billing/production')).toEqual({ project: 'billing', env: 'production' });
    for (const bad of ['billing', 'Billing/prod', 'billing/Prod', 'billing/prod/x', '/prod', 'billing/']) expect(parseScope(bad), bad).toBeNull();
    expect(projectName('/home/me/My App')).toBe('my-app');
    expect(sameHash(hashToken('a'), hashToken('a'))).toBe(true);
    expect(sameHash(hashToken('a'), hashToken('b'))).toBe(false);
    expect(sameHash('', '')).toBe(false);
  });
});

const NAMES = ['A_1', 'A_2', 'A_3'];

/** An app over `access` with a service token granted NAMES, whose values are stored. */
async function serviceApp(access: AccessStore): Promise<{ read: () => Promise<Response>; token: string }> {
  const store = new MemoryStore();
  for (const [i, name] of NAMES.entries()) await store.put(name, canary(i));
  const token = newTokenSecret();
  const id = newId('tok');
  const at = new Date().toISOString();
  await access.addToken({ id, name: 'svc', role: 'service', scope, hash: hashToken(token), approved: true, createdAt: at, lastUsedAt: null });
  await access.addRequest({ id: newId('req'), tokenId: id, names: NAMES, status: 'approved', createdAt: at, decidedAt: at });
  const app = createApp({ store, access, scope });
  const read = async () =>
    app.request('/secrets/values', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ names: NAMES }) });
  return { read, token };
}

const logLines = () =>
  readFileSync(join(project.root, '.px', 'audit.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { name?: string; outcome: string; status: number });

describe('audit log of value reads', () => {
  it('every read answered is in .px/audit.log when its answer arrives, concurrent ones too', async () => {
    const access = await FileAccessStore.open(project.root);
    const { read } = await serviceApp(access);
    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        const response = await read();
        expect(response.status).toBe(200);
        // Read from the file itself, as a crash right after the answer would leave it.
        seen.push(logLines().filter((line) => line.outcome === 'read').length);
      }),
    );
    // Each answer found at least its own three lines, and at the end all 40 reads are there.
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(NAMES.length);
    expect(logLines().filter((line) => line.outcome === 'read')).toHaveLength(40 * NAMES.length);
    expect(readFileSync(join(project.root, '.px', 'audit.log'), 'utf8')).not.toContain(CANARY);
    await access.close();
  });

  it('a read whose audit lines cannot be written is a 500 with no value', async () => {
    const access = new MemoryAccessStore(async () => {
      throw new Error('disk full');
    });
    const { read } = await serviceApp(access);
    const response = await read();
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(body).not.toContain(CANARY);
    expect(JSON.parse(body)).toEqual({ error: 'internal error' });
  });

  it('a refusal nobody waits for is written by close() at the latest', async () => {
    const access = await FileAccessStore.open(project.root);
    const app = createApp({ store: new MemoryStore(), access, scope });
    const response = await app.request('/secrets', { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
    await access.close();
    expect(logLines()).toEqual([expect.objectContaining({ status: 401, outcome: 'wrong or revoked bearer token' })]);
  });
});
