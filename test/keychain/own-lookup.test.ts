// px's own Secret Service lookup (src/core/secret-service.ts) against gnome-keyring: it reads what
// secret-tool stored, agrees with the keychain library on every item, and leaves to the library
// what it cannot decide alone (several items, a locked keyring), whose answers and errors stay.
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AsyncEntry } from '@napi-rs/keyring';
import { busSocketPath, ENTRY_OPTIONS, openKeychain } from '../../src/core/keychain.js';
import { openSecretService } from '../../src/core/secret-service.js';
import { canary, tempProject, type TempProject } from '../helpers/project.js';
import { inFreshSession, secretTool, sessionBus } from './session.js';
import { holdingRelay } from './bus-relay.js';
import { childEnv } from '../helpers/child-env.js';

const SERVICE = `px own-lookup test ${process.pid}`;
let project: TempProject;
beforeEach(() => {
  sessionBus();
  project = tempProject();
});
afterEach(() => {
  secretTool('clear', 'service', SERVICE);
  project.cleanup();
});

function store(value: string, ...attributes: string[]): void {
  const stored = spawnSync('secret-tool', ['store', '--label', 'px test', 'service', SERVICE, ...attributes], { input: value, encoding: 'utf8', env: childEnv({ DBUS_SESSION_BUS_ADDRESS: sessionBus() }) });
  expect(stored.status, stored.stderr).toBe(0);
}

const open = () => openSecretService(busSocketPath(sessionBus())!, { timeoutMs: 5000, callTimeoutMs: 2000 });
const library = (account: string) => new AsyncEntry(SERVICE, account, ENTRY_OPTIONS).getPassword();

it('reads what secret-tool stored, over one connection, as the library reads it; null for no item', async () => {
  const plain = canary(1);
  const wide = `${canary(2)} ünïcode ✓ and a long tail ${'x'.repeat(300)}`;
  store(plain, 'username', 'PLAIN');
  store(wide, 'username', 'WIDE');
  const own = await open();
  expect(await own.lookup({ service: SERVICE, username: 'PLAIN' })).toBe(plain);
  expect(await own.lookup({ service: SERVICE, username: 'WIDE' })).toBe(wide);
  expect(await own.lookup({ service: SERVICE, username: 'ABSENT' })).toBeNull();
  for (const account of ['PLAIN', 'WIDE']) expect(await library(account)).toBe(await own.lookup({ service: SERVICE, username: account }));
  expect(await library('ABSENT')).toBeNull();
  // And through the keychain px uses.
  const keychain = openKeychain(childEnv({ DBUS_SESSION_BUS_ADDRESS: sessionBus() }));
  expect(await keychain.get(SERVICE, 'WIDE')).toBe(wide);
  expect(await keychain.get(SERVICE, 'ABSENT')).toBeNull();
});

it('an answer longer than one read of the socket is put together from its reads', async () => {
  // Several times the connection's read buffer, which every read reuses: what one read left
  // unfinished must survive the next.
  // (secret-tool stores at most 8 KiB: the library stores it.)
  const long = `${canary(3)} ${'z'.repeat(60_000)}`;
  await new AsyncEntry(SERVICE, 'LONG', ENTRY_OPTIONS).setPassword(long);
  const own = await open();
  const found = await own.lookup({ service: SERVICE, username: 'LONG' });
  expect(found?.length).toBe(long.length);
  expect(found === long).toBe(true);
});

it('two items under one name are left to the library, which refuses them as it always did', async () => {
  store(canary(3), 'username', 'TWICE', 'copy', '1');
  store(canary(4), 'username', 'TWICE', 'copy', '2');
  const own = await open();
  expect(await own.lookup({ service: SERVICE, username: 'TWICE' })).toBeUndefined();
  const keychain = openKeychain(childEnv({ DBUS_SESSION_BUS_ADDRESS: sessionBus() }));
  const viaPx = await keychain.get(SERVICE, 'TWICE').then(
    (value) => ({ value }),
    (error: Error) => ({ error: error.message }),
  );
  const viaLibrary = await library('TWICE').then(
    (value) => ({ value }),
    (error: Error) => ({ error: error.message }),
  );
  // Whatever the library makes of it, px says the same; neither value is ever in a message.
  if ('value' in viaLibrary) expect(viaPx).toEqual(viaLibrary);
  else expect('error' in viaPx).toBe(true);
  expect(JSON.stringify(viaPx)).not.toContain(canary(3));
  expect(JSON.stringify(viaPx)).not.toContain(canary(4));
});

const UNLOCK = 'printf %s px-test-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null';
const codes = (stdout: string): Record<string, number> => Object.fromEntries([...stdout.matchAll(/^(\w[\w-]*)=(\d+)$/gm)].map((match) => [match[1], Number(match[2])]));

it('a store keyed in a locked keyring, or in a stopped one: px secret list exits 4 with the reason, as before', () => {
  const result = inFreshSession(
    `${UNLOCK}
    printf 'A_SECRET=${canary(5)}\\n' > values.env
    "$NODE" "$PX" secret import values.env --yes >/dev/null 2>&1; echo "import=$?"
    "$NODE" "$PX" secret list --json >/dev/null; echo "unlocked=$?"
    dbus-send --session --dest=org.freedesktop.secrets --print-reply /org/freedesktop/secrets org.freedesktop.Secret.Service.LockService >/dev/null; echo "lock=$?"
    "$NODE" "$PX" secret list --json; echo "locked=$?"
    dbus-send --session --dest=org.freedesktop.secrets --print-reply /org/freedesktop/secrets org.freedesktop.Secret.Service.Unlock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null 2>&1
    pid=$(dbus-send --session --dest=org.freedesktop.DBus --print-reply=literal /org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets | awk '{print $2}')
    kill -STOP "$pid"
    "$NODE" "$PX" secret list --json; echo "stopped=$?"
    kill -CONT "$pid"`,
    project.env,
    project.root,
  );
  expect(codes(result.stdout), result.stderr).toEqual({ import: 0, unlocked: 0, lock: 0, locked: 4, stopped: 4 });
  const errors = result.stderr.split('\n').filter((line) => line.startsWith('error: '));
  expect(errors).toHaveLength(2);
  expect(errors[0]).toMatch(/^error: The local store \(\.px\) is encrypted with a key kept in the OS keychain .*it is locked/);
  expect(errors[1]).toMatch(/^error: The local store \(\.px\) is encrypted with a key kept in the OS keychain .*did not answer/);
  expect(result.stdout + result.stderr).not.toContain(canary(5));
});

it('the store key and the key of a rotation are searched for together, with the login and the session opening: nothing waits for an answer', async () => {
  const value = canary(7);
  store(value, 'username', 'STORE_KEY');
  // Hello, OpenSession and both searches must reach the bus before it answers any of them, the login included.
  const relay = await holdingRelay(sessionBus(), project.root, 4);
  try {
    const keychain = openKeychain(childEnv({ DBUS_SESSION_BUS_ADDRESS: relay.address }));
    expect(await keychain.getFirst(SERVICE, ['ROTATED_KEY', 'STORE_KEY'])).toEqual({ account: 'STORE_KEY', value });
  } finally {
    await relay.close();
  }
});
