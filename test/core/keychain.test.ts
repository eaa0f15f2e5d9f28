import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { busSocketPath, ENTRY_OPTIONS, keychainUnreachableReason } from '../../src/core/keychain.js';

describe('keychain', () => {
  it.runIf(process.platform === 'linux')('with the Secret Service pinned, no Secret Service means a refusal, not another store', () => {
    const library = createRequire(import.meta.url).resolve('@napi-rs/keyring');
    const script = `
      const { AsyncEntry } = require(${JSON.stringify(library)});
      const say = (text) => process.stdout.write(text);
      try {
        new AsyncEntry('px-test-pinning', 'X', ${JSON.stringify(ENTRY_OPTIONS)}).setPassword('v').then(() => say('stored'), (e) => say('refused: ' + e.message));
      } catch (e) { say('refused: ' + e.message); }`;
    const result = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/px-test-bus' },
    });
    expect(result.stdout).toMatch(/^refused: .*D-?Bus/i);
  });

  it('finds the socket of a D-Bus address (path, abstract, escapes, several addresses)', () => {
    expect(busSocketPath('unix:path=/run/user/1000/bus')).toBe('/run/user/1000/bus');
    expect(busSocketPath('unix:path=/run/user/1000/bus-abc,guid=0123')).toBe('/run/user/1000/bus-abc');
    expect(busSocketPath('unix:guid=0123,abstract=/run/user/1000/bus-xyz')).toBe('\0/run/user/1000/bus-xyz');
    expect(busSocketPath('unix:path=/run/with%20space')).toBe('/run/with space');
    expect(busSocketPath('tcp:host=localhost,port=1;unix:path=/b')).toBe('/b');
    expect(busSocketPath('tcp:host=localhost,port=1')).toBeNull();
  });

  it('knows without asking when there is nothing to reach', () => {
    expect(keychainUnreachableReason({ PX_KEYCHAIN: 'off', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/x' }, 'linux')).toBe('PX_KEYCHAIN=off');
    expect(keychainUnreachableReason({}, 'linux')).toMatch(/DBUS_SESSION_BUS_ADDRESS is not set/);
    expect(keychainUnreachableReason({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/x' }, 'linux')).toBeNull();
    expect(keychainUnreachableReason({}, 'darwin')).toBeNull();
  });
});
