// Helpers for the tests that run against a real Secret Service (gnome-keyring in a throw-away
// D-Bus session, set up by test/keychain/in-session.sh).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv } from '../helpers/child-env.js';

export const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');

/** The session bus of the run; the suite refuses to run without one rather than skipping. */
export function sessionBus(): string {
  const address = process.env.DBUS_SESSION_BUS_ADDRESS;
  if (!address) {
    throw new Error('The keychain tests need a D-Bus session with an unlocked gnome-keyring: run them with `npm run test:keychain` (test/keychain/in-session.sh).');
  }
  return address;
}

export function secretTool(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync('secret-tool', args, { encoding: 'utf8', env: childEnv({ DBUS_SESSION_BUS_ADDRESS: sessionBus() }) });
}

/**
 * Runs a bash script in a D-Bus session of its own (fresh XDG dirs), for states the shared
 * session must not be left in: a locked keyring, a stopped daemon, no keyring at all.
 */
export function inFreshSession(script: string, env: NodeJS.ProcessEnv, cwd: string): SpawnSyncReturns<string> {
  const base = mkdtempSync(join(tmpdir(), 'px-keychain-nested-'));
  try {
    for (const dir of ['data', 'runtime']) mkdirSync(join(base, dir), { mode: 0o700 });
    return spawnSync('dbus-run-session', ['--', 'bash', '-c', script], {
      cwd,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...env, PX: PX, NODE: process.execPath, XDG_DATA_HOME: join(base, 'data'), XDG_RUNTIME_DIR: join(base, 'runtime') },
    });
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
