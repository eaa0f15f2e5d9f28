// Input that would be changed on its way in is refused or kept as it came: a JSON body that is not
// valid UTF-8 (it would be stored with U+FFFD in place of its bytes) gets 400, and a piped value
// that starts with a byte order mark keeps it, with a warning.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/core/local-store.js';
import { TestDevServer } from '../../src/server/test-dev-server.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
let server: TestDevServer;
let project: TempProject;
beforeEach(async () => {
  server = await TestDevServer.start();
  project = tempProject();
});
afterEach(async () => {
  await server.close();
  project.cleanup();
});

const post = (path: string, body: Buffer) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: new Uint8Array(body) });

describe('request bodies and piped values', () => {
  it('a JSON body that is not valid UTF-8 gets 400 and nothing is stored, for a create and a bulk write', async () => {
    const bad = Buffer.from([0xff, 0xfe, 0xc3]);
    const single = Buffer.concat([Buffer.from('{"name":"API_KEY","value":"ok-'), bad, Buffer.from('"}')]);
    const bulk = Buffer.concat([Buffer.from('{"secrets":[{"name":"A","value":"x-'), bad, Buffer.from('"}]}')]);
    for (const [path, body] of [['/secrets', single], ['/secrets/bulk', bulk]] as const) {
      const response = await post(path, body);
      expect(response.status, path).toBe(400);
      expect(await response.json()).toEqual({ error: 'the request body is not valid UTF-8 text; nothing was stored' });
    }
    expect(await server.store.list()).toEqual([]);
    // Valid UTF-8 (U+FFFD itself included) is stored as sent.
    expect((await post('/secrets', Buffer.from(JSON.stringify({ name: 'API_KEY', value: 'é-\ufffd-ok' })))).status).toBe(201);
    expect((await server.store.values()).get('API_KEY')).toBe('é-\ufffd-ok');
  });

  it('a piped value with a leading BOM is stored with it, and px says so', async () => {
    const env = { ...project.env, PX_KEYCHAIN: 'off', PX_STORE_KEY: randomBytes(32).toString('hex') };
    const value = `\ufeff${canary(1)}`;
    const result = spawnSync('node', [PX, 'secret', 'create', 'BOM_KEY'], { cwd: project.root, input: Buffer.from(`${value}\n`), encoding: 'utf8', env });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toBe('warning: the value of BOM_KEY starts with a byte order mark (U+FEFF, which some Windows editors add): it is kept as part of the value.\n');
    const stored = await (await LocalStore.open({ root: project.root, env })).values();
    expect(stored.get('BOM_KEY')).toBe(value);
  });
});
