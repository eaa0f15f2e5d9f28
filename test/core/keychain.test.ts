import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { busSocketPath, ENTRY_OPTIONS, keychainFailureReason, keychainUnreachableReason } from '../../src/core/keychain.js';
import { childEnv } from '../helpers/child-env.js';

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
      env: childEnv({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/px-test-bus' }),
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

  it.each([
    // The library's messages as it words them, each from a real failure.
    ['Platform failure: DBus error: Process org.freedesktop.secrets exited with status 1', 'the Secret Service could not be started: the program the D-Bus session starts for it exited'],
    ['zbus error: org.freedesktop.DBus.Error.Spawn.ChildExited: Process org.freedesktop.secrets exited with status 1', 'the Secret Service could not be started: the program the D-Bus session starts for it exited'],
    ['Platform failure: DBus error: org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files', 'no Secret Service is running'],
    ['Platform failure: DBus error: Did not receive a reply. Possible causes include: the remote application did not send a reply', 'the Secret Service did not answer'],
    ['Platform failure: DBus error: Failed to connect to socket /run/user/1000/bus: Connection refused', 'the D-Bus session bus is not reachable'],
    // A daemon that owns the name and fails the call: the bus did answer, the Secret Service did not serve.
    ["zbus error: org.freedesktop.DBus.Error.UnknownMethod: No such interface 'org.freedesktop.Secret.Service'", 'the Secret Service failed the request (org.freedesktop.DBus.Error.UnknownMethod)'],
    ['Platform failure: DBus error: org.freedesktop.Secret.Error.NoSuchObject: no such item\n  at line 2', 'the Secret Service failed the request (org.freedesktop.Secret.Error.NoSuchObject)'],
    ['Platform failure: DBus error: the service fell over', 'the Secret Service failed the request'],
  ])('names the failure in a few words, never "the bus did not answer" when it did: %s', (message, reason) => {
    expect(keychainFailureReason(new Error(message))).toBe(reason);
  });

  it('keeps an unknown failure to one visible line', () => {
    expect(keychainFailureReason(new Error('odd \u001b[31mfailure\u001b[39m\nsecond line'))).toBe('it refused the request: odd failure');
  });
});
