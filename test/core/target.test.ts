// Which token goes where: this project's own server token only ever to a loopback address.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthRejected } from '../../src/core/errors.js';
import { isLoopbackHost, resolveToken } from '../../src/core/target.js';
import { failure } from '../helpers/failure.js';
import { MemoryKeychain } from '../helpers/memory-keychain.js';
import { tempProject, type TempProject } from '../helpers/project.js';

describe('isLoopbackHost', () => {
  it('accepts localhost, ::1 and 127.0.0.0/8 addresses', () => {
    for (const host of ['localhost', '::1', '[::1]', '127.0.0.1', '127.1.2.3', '127.255.255.255']) expect(isLoopbackHost(host), host).toBe(true);
  });
  it('refuses host names that only look like loopback, and other addresses', () => {
    for (const host of ['127.attacker.invalid', '127.0.0.1.example.com', '127.0.0.256', '0.0.0.0', '10.0.0.1', 'localhost.example.com', '::'])
      expect(isLoopbackHost(host), host).toBe(false);
  });
});

describe('resolveToken', () => {
  let project: TempProject;
  beforeEach(() => {
    project = tempProject();
    mkdirSync(join(project.root, '.px'));
    // As px server writes it.
    writeFileSync(join(project.root, '.px', 'server-token'), 'local-server-token\n', { mode: 0o600 });
  });
  afterEach(() => project.cleanup());

  it("sends the project's server token to its loopback server", async () => {
    for (const url of ['http://127.0.0.1:8787', 'http://localhost:8787', 'http://[::1]:8787'])
      expect(await resolveToken(url, {}, project.root, new MemoryKeychain())).toBe('local-server-token');
  });

  it.skipIf(process.platform === 'win32')('refuses a token file others can read, as one from a checkout is (exit 2): its token was chosen by whoever committed it', async () => {
    chmodSync(join(project.root, '.px', 'server-token'), 0o644);
    const refused = await failure(resolveToken('http://127.0.0.1:8787', {}, project.root, new MemoryKeychain()));
    expect(refused.code).toBe(2);
    expect(refused.message).toMatch(/^\.px[/\\]server-token is readable by other users \(mode 0644\): px writes it 0600 and trusts no other/);
  });

  it('never sends it to a host whose name merely starts with 127.', async () => {
    for (const url of ['http://127.attacker.invalid:8787', 'http://127.0.0.1.attacker.invalid']) {
      await expect(resolveToken(url, {}, project.root, new MemoryKeychain())).rejects.toThrow(AuthRejected);
    }
  });
});
