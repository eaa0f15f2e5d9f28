// The OS keychain over @napi-rs/keyring (macOS Keychain, Windows Credential Manager, Secret
// Service on Linux). There is no plaintext-file fallback anywhere: an unreachable keychain is an
// error (exit 4) that says what to do.
//
// Linux: without options the library tries the Secret Service and silently falls back to the
// kernel keyring (keyutils), which forgets everything on reboot. ENTRY_OPTIONS pins the Secret
// Service, so an entry fails instead of falling back. `findCredentials` takes no options; it
// talks to the Secret Service over D-Bus only (it fails with a D-Bus error when there is none).
//
// Timeouts: a pinned entry connects to the bus in its (synchronous) constructor, and its Secret
// Service client gives up on a method call after 2 s, so a stopped keychain daemon cannot hang
// get/set/delete; the bus itself is probed first (below), because a bus that accepts connections
// and never answers would block that constructor for good. `findCredentials` has no timeout and
// ignores its AbortSignal, so enumeration runs in a child process that is killed at the deadline.
// node:child_process, node:net and node:module are imported where used: this module is on the
// start-up path of `px secret list`, which never needs them.
import type { AsyncEntry } from '@napi-rs/keyring';
import { AuthRejected } from './errors.js';
import type { SecretService } from './secret-service.js';
import { visibleText } from './visible-text.js';

export const KEYCHAIN_TIMEOUT_MS = 5000;
/** As long as the library's Secret Service client waits for one reply. */
const SECRET_SERVICE_CALL_TIMEOUT_MS = 2000;

export interface Keychain {
  get(service: string, account: string): Promise<string | null>;
  /** The first of `accounts`, in order, that has a value (as get() one after another would find
   *  it), asked at once where the keychain can: the OS keychain's own lookups share one round trip. */
  getFirst?(service: string, accounts: readonly string[]): Promise<{ account: string; value: string } | null>;
  set(service: string, account: string, value: string): Promise<void>;
  /** True when something was deleted. */
  delete(service: string, account: string): Promise<boolean>;
  /** Account names stored under `service`, sorted. */
  accounts(service: string): Promise<string[]>;
  /** Every account under `service` with its value. */
  entries(service: string): Promise<Map<string, string>>;
}

/** Pins the Secret Service on Linux (ignored on macOS and Windows). */
export const ENTRY_OPTIONS = { linux: { store: 'secret-service' } } as const;

function keychainFix(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'linux') {
    return 'start a Secret Service such as gnome-keyring or KeePassXC in a D-Bus session and unlock it, or run px in your desktop session (README: "Keychain on headless Linux")';
  }
  if (platform === 'darwin') return 'unlock your login keychain (Keychain Access) and try again';
  return 'make sure Windows Credential Manager is available for your user and try again';
}

const KEYCHAIN_OFF = 'PX_KEYCHAIN=off';

/** The error every keychain failure becomes: one sentence, exit 4. */
export function keychainUnavailable(reason: string, cause?: unknown): AuthRejected {
  // Turned off on purpose: the fix is to turn it back on, not to start a Secret Service.
  if (reason === KEYCHAIN_OFF) return new AuthRejected(`The OS keychain is turned off (${KEYCHAIN_OFF}): unset PX_KEYCHAIN to use it.`, { cause });
  return new AuthRejected(`The OS keychain is not available (${reason}): ${keychainFix()}.`, { cause });
}

/** A short reason when the keychain certainly cannot be reached, without asking it. */
export function keychainUnreachableReason(env: NodeJS.ProcessEnv, platform = process.platform): string | null {
  if (env.PX_KEYCHAIN === 'off') return KEYCHAIN_OFF;
  if (platform === 'linux' && !env.DBUS_SESSION_BUS_ADDRESS) return 'no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set';
  return null;
}

/**
 * Why a keychain call failed, as a few words for keychainUnavailable. The library's messages
 * (`Platform failure: DBus error: …`, `zbus error: org.freedesktop.DBus.Error.…`) are its own,
 * so the match is on the D-Bus error names and the wording of the daemons behind it.
 */
export function keychainFailureReason(error: unknown): string {
  const message = visibleText((error instanceof Error ? error.message : String(error)).split('\n')[0]);
  // First: "did not receive a reply" explains itself with "…policy blocked the reply".
  if (/Did not receive a reply|timed? ?out/i.test(message)) return 'the Secret Service did not answer';
  if (/IsLocked|\blocked\b|prompt was dismissed/i.test(message)) return 'it is locked';
  if (/no result found/i.test(message)) return 'the Secret Service has no default keyring to store items in';
  if (/Spawn\.|exited with status|killed by signal/i.test(message)) return 'the Secret Service could not be started: the program the D-Bus session starts for it exited';
  if (/ServiceUnknown|NameHasNoOwner|not provided by any/i.test(message)) return 'no Secret Service is running';
  if (/Failed to connect|No such file|Connection refused|autolaunch/i.test(message)) return 'the D-Bus session bus is not reachable';
  // Any other D-Bus error: the bus answered px's probe before this call, so it came from the
  // Secret Service behind it (a broken or half-started daemon), named by its D-Bus error name.
  if (/d-?bus|zbus/i.test(message)) {
    const name = /\b((?:org|com)\.[A-Za-z0-9_.]*\.Error\.[A-Za-z0-9_.]+)/.exec(message)?.[1];
    return `the Secret Service failed the request${name ? ` (${name})` : ''}`;
  }
  return `it refused the request: ${message.slice(0, 160)}`;
}

/** Runs `work` with a deadline; any failure becomes keychainUnavailable. */
async function withTimeout<T>(work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(keychainUnavailable(`it did not answer within ${KEYCHAIN_TIMEOUT_MS / 1000} s`)), KEYCHAIN_TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([work(), timeout]);
  } catch (error) {
    if (error instanceof AuthRejected) throw error;
    throw keychainUnavailable(keychainFailureReason(error), error);
  } finally {
    clearTimeout(timer);
  }
}

/** The unix socket of the first `unix:path=` or `unix:abstract=` address, if any. */
export function busSocketPath(address: string): string | null {
  for (const part of address.split(';')) {
    const match = /^unix:(?:.*,)?(path|abstract)=([^,]+)/.exec(part);
    if (!match) continue;
    const path = match[2].replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return match[1] === 'abstract' ? `\0${path}` : path;
  }
  return null;
}

/** Resolves when the bus answers the first step of its handshake (any reply line will do). */
async function probeBus(address: string): Promise<void> {
  const path = busSocketPath(address);
  if (!path) return;
  const { connect } = await import('node:net');
  return new Promise<void>((resolve, reject) => {
    const socket = connect(path);
    const fail = (reason: string): void => {
      socket.destroy();
      reject(keychainUnavailable(reason));
    };
    socket.setTimeout(KEYCHAIN_TIMEOUT_MS, () => fail(`the D-Bus session bus did not answer within ${KEYCHAIN_TIMEOUT_MS / 1000} s`));
    socket.on('connect', () => socket.write('\0AUTH\r\n'));
    socket.on('data', () => {
      socket.destroy();
      resolve();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => fail(`the D-Bus session bus is not reachable: ${error.code ?? error.message}`));
    socket.on('end', () => fail('the D-Bus session bus closed the connection'));
  });
}

// Run by `node -e` in a child: argv[1] the library, argv[2] the service, argv[3] 'values' or not.
const ENUMERATE = `
const { findCredentialsAsync } = require(process.argv[1]);
findCredentialsAsync(process.argv[2]).then(
  (found) => process.stdout.write(JSON.stringify(found.map((c) => process.argv[3] === 'values' ? [c.account, c.password] : [c.account, '']))),
  (error) => { process.stderr.write(String((error && error.message) || error)); process.exitCode = 1; },
);`;

async function enumerate(service: string, withValues: boolean, env: NodeJS.ProcessEnv): Promise<Array<[string, string]>> {
  const { createRequire } = await import('node:module');
  let library: string;
  try {
    library = createRequire(import.meta.url).resolve('@napi-rs/keyring');
  } catch (error) {
    throw keychainUnavailable(keychainFailureReason(error), error);
  }
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', ENUMERATE, library, service, withValues ? 'values' : 'names'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(keychainUnavailable(`it did not answer within ${KEYCHAIN_TIMEOUT_MS / 1000} s`));
    }, KEYCHAIN_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(keychainUnavailable(keychainFailureReason(error), error));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(keychainUnavailable(keychainFailureReason(err || `exit ${code}`)));
      try {
        resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as Array<[string, string]>);
      } catch (error) {
        reject(keychainUnavailable('it answered with something unreadable', error));
      }
    });
  });
}

/** The first of `accounts` that has a value in `keychain`: its getFirst, else get() one after another. */
export async function firstFound(keychain: Keychain, service: string, accounts: readonly string[]): Promise<{ account: string; value: string } | null> {
  if (keychain.getFirst) return keychain.getFirst(service, accounts);
  for (const account of accounts) {
    const value = await keychain.get(service, account);
    if (value !== null) return { account, value };
  }
  return null;
}

/** The real keychain. The native module is loaded on first use only. */
export function openKeychain(env: NodeJS.ProcessEnv = process.env): Required<Keychain> {
  let ready: Promise<void> | undefined;
  const check = (): Promise<void> => {
    const reason = keychainUnreachableReason(env);
    if (reason) return Promise.reject(keychainUnavailable(reason));
    ready ??= process.platform === 'linux' ? probeBus(env.DBUS_SESSION_BUS_ADDRESS!) : Promise.resolve();
    return ready;
  };
  // The bus is checked first, under its own deadline; then the entry's call gets one.
  const onEntry = async <T>(service: string, account: string, call: (entry: AsyncEntry) => Promise<T>): Promise<T> => {
    await check();
    return withTimeout(async () => {
      const { AsyncEntry } = await import('@napi-rs/keyring');
      return call(new AsyncEntry(service, account, ENTRY_OPTIONS));
    });
  };
  // Linux: a lookup is first tried over px's own D-Bus connection (secret-service.ts), one per run;
  // what that leaves undecided (undefined) goes to the library.
  let own: SecretService | undefined;
  const ownLookup = async (service: string, account: string): Promise<string | null | undefined> => {
    const reason = keychainUnreachableReason(env);
    if (reason) throw keychainUnavailable(reason);
    const path = process.platform === 'linux' ? busSocketPath(env.DBUS_SESSION_BUS_ADDRESS!) : null;
    if (!path) return undefined;
    const { BusUnreachable, CallTimedOut, openSecretService } = await import('./secret-service.js');
    try {
      own ??= openSecretService(path, { timeoutMs: KEYCHAIN_TIMEOUT_MS, callTimeoutMs: SECRET_SERVICE_CALL_TIMEOUT_MS });
      return await own.lookup({ service, username: account });
    } catch (error) {
      // A bus or a Secret Service that does not answer ends it, in the words the probe and the
      // library use; anything else is the library's to decide.
      if (error instanceof BusUnreachable || error instanceof CallTimedOut) throw keychainUnavailable(error.message, error);
      return undefined;
    }
  };
  return {
    async get(service, account) {
      return (await this.getFirst(service, [account]))?.value ?? null;
    },
    async getFirst(service, accounts) {
      // px's own lookups go out together; what they leave undecided, the library answers one by one, in order.
      const found = await Promise.all(accounts.map((account) => ownLookup(service, account)));
      for (const [i, account] of accounts.entries()) {
        const value = found[i] !== undefined ? found[i] : await onEntry(service, account, (entry) => entry.getPassword());
        if (value !== null) return { account, value };
      }
      return null;
    },
    set: (service, account, value) => onEntry(service, account, (entry) => entry.setPassword(value)),
    delete: (service, account) => onEntry(service, account, (entry) => entry.deleteCredential()),
    async accounts(service) {
      await check();
      const found = await enumerate(service, false, env);
      return [...new Set(found.map(([account]) => account))].sort();
    },
    async entries(service) {
      await check();
      return new Map(await enumerate(service, true, env));
    },
  };
}
