// The OS keychain over @napi-rs/keyring (macOS Keychain, Windows Credential Manager, Secret
// Service on Linux). On Linux the Secret Service is pinned so px never silently falls back to the
// kernel keyring, and there is no plaintext-file fallback anywhere: an unreachable keychain is an
// error (exit 4) that says what to do.
import { AuthRejected } from './errors.js';

export const KEYCHAIN_TIMEOUT_MS = 5000;

export interface Keychain {
  get(service: string, account: string): Promise<string | null>;
  set(service: string, account: string, value: string): Promise<void>;
  /** True when something was deleted. */
  delete(service: string, account: string): Promise<boolean>;
  /** Account names stored under `service`, sorted. */
  accounts(service: string): Promise<string[]>;
}

const ENTRY_OPTIONS = { linux: { store: 'secret-service' as const } };

export function keychainHelp(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'linux') {
    return (
      'px needs a Secret Service (e.g. gnome-keyring or KeePassXC) on a D-Bus session bus; ' +
      'on a headless machine start one (see README "Keychain on headless Linux") or run this where you have a desktop session.'
    );
  }
  if (platform === 'darwin') return 'Unlock your login keychain (Keychain Access) and try again.';
  return 'Make sure Windows Credential Manager is available for your user and try again.';
}

function unavailable(reason: string, cause?: unknown): AuthRejected {
  return new AuthRejected(`The OS keychain is not available (${reason}). ${keychainHelp()}`, { cause });
}

/** A short reason when the keychain certainly cannot be reached, without asking it. */
export function keychainUnreachableReason(env: NodeJS.ProcessEnv, platform = process.platform): string | null {
  if (env.PX_KEYCHAIN === 'off') return 'PX_KEYCHAIN=off';
  if (platform === 'linux' && !env.DBUS_SESSION_BUS_ADDRESS) return 'no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set';
  return null;
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/locked|prompt|dismissed/i.test(message)) return 'it is locked';
  if (/ServiceUnknown|not provided by any \.service|org\.freedesktop\.secrets/i.test(message)) return 'no Secret Service is running';
  if (/dbus|DBus/.test(message)) return 'the D-Bus session bus did not answer';
  return 'it refused the request';
}

async function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(unavailable(`it did not answer within ${KEYCHAIN_TIMEOUT_MS / 1000} s`));
    }, KEYCHAIN_TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([work(controller.signal), timeout]);
  } catch (error) {
    if (error instanceof AuthRejected) throw error;
    throw unavailable(describe(error), error);
  } finally {
    clearTimeout(timer);
  }
}

/** The real keychain. The native module is loaded on first use only. */
export function openKeychain(env: NodeJS.ProcessEnv = process.env): Keychain {
  const check = (): void => {
    const reason = keychainUnreachableReason(env);
    if (reason) throw unavailable(reason);
  };
  const lib = async () => import('@napi-rs/keyring');
  return {
    async get(service, account) {
      check();
      const { AsyncEntry } = await lib();
      return withTimeout((signal) => new AsyncEntry(service, account, ENTRY_OPTIONS).getPassword(signal));
    },
    async set(service, account, value) {
      check();
      const { AsyncEntry } = await lib();
      await withTimeout((signal) => new AsyncEntry(service, account, ENTRY_OPTIONS).setPassword(value, signal));
    },
    async delete(service, account) {
      check();
      const { AsyncEntry } = await lib();
      return withTimeout((signal) => new AsyncEntry(service, account, ENTRY_OPTIONS).deleteCredential(signal));
    },
    async accounts(service) {
      check();
      const { findCredentialsAsync } = await lib();
      const found = await withTimeout((signal) => findCredentialsAsync(service, null, signal));
      return [...new Set(found.map((credential) => credential.account))].sort();
    },
  };
}
