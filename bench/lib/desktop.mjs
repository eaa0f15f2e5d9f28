// The desktop path: `px secret list --json` and `exists` on a local store whose key is in a real
// Secret Service, as on a Linux desktop, instead of the key file the other local cases use. The
// Secret Service is gnome-keyring, unlocked, in a private D-Bus session of its own (fresh data and
// runtime directories), as test/keychain/in-session.sh runs the keychain tests; both daemons are
// stopped at the end.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { track } from './measure.mjs';

const TOOLS = ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon'];
const READY_TIMEOUT_MS = 10_000;

/** Why the desktop cases cannot run here, or null. */
function unavailableReason() {
  if (process.platform !== 'linux') return 'needs a Secret Service in a D-Bus session (Linux only)';
  const missing = TOOLS.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0);
  return missing.length ? `needs ${missing.join(', ')} (dbus, gnome-keyring)` : null;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A private session bus and an unlocked gnome-keyring on it; resolves with their environment and stop(). */
async function startSession(dir, baseEnv) {
  const data = join(dir, 'data');
  const runtime = join(dir, 'runtime');
  mkdirSync(data, { mode: 0o700 });
  mkdirSync(runtime, { mode: 0o700 });
  const bus = track(spawn('dbus-daemon', ['--session', '--nofork', '--nopidfile', '--print-address=1', `--address=unix:path=${join(runtime, 'bus')}`], { stdio: ['ignore', 'pipe', 'ignore'] }));
  const children = [bus];
  const stop = async () => {
    for (const child of children.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await closed;
      clearTimeout(timer);
    }
  };
  try {
    const address = await new Promise((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error('dbus-daemon printed no address')), READY_TIMEOUT_MS);
      bus.stdout.setEncoding('utf8');
      bus.stdout.on('data', (chunk) => {
        text += chunk;
        if (!text.includes('\n')) return;
        clearTimeout(timer);
        resolve(text.split('\n')[0].trim());
      });
      bus.once('exit', (code) => reject(new Error(`dbus-daemon exited (${code})`)));
    });
    const env = { ...baseEnv, DBUS_SESSION_BUS_ADDRESS: address, XDG_DATA_HOME: data, XDG_RUNTIME_DIR: runtime };
    delete env.PX_KEYCHAIN;
    const keyring = track(spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], { env, stdio: ['pipe', 'ignore', 'ignore'] }));
    children.push(keyring);
    keyring.stdin.end('px-bench-keyring'); // the new login keyring's password, which also unlocks it
    // Ready once the Secret Service owns its name on the bus.
    const ask = ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets'];
    for (let waited = 0; ; waited += 100) {
      if (keyring.exitCode !== null) throw new Error(`gnome-keyring-daemon exited (${keyring.exitCode})`);
      if (/boolean true/.test(spawnSync('dbus-send', ask, { env, encoding: 'utf8' }).stdout ?? '')) break;
      if (waited >= READY_TIMEOUT_MS) throw new Error(`the Secret Service was not on the bus within ${READY_TIMEOUT_MS / 1000} s`);
      await sleep(100);
    }
    return { env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The cases and their fixture. `px(args, ctx)` times one px run; `freshDir` makes a directory under
 * the run's temp dir; `seedFile` holds the secrets to import; `existsName` is one of them.
 */
export function desktopCases({ px, freshDir, env, seedFile, existsName }) {
  const ctx = { cwd: freshDir('desktop'), env };
  let session;
  /** Starts the session and seeds the store; { skip }, { error } or {}. */
  const setup = async () => {
    const reason = unavailableReason();
    if (reason) return { skip: reason };
    try {
      session = await startSession(freshDir('desktop-session'), env);
    } catch (error) {
      return { error: `starting gnome-keyring in a private D-Bus session failed: ${error.message}` };
    }
    // A config directory of its own: a key file appearing in it means the key missed the keychain.
    const config = freshDir('desktop-config');
    ctx.env = { ...session.env, XDG_CONFIG_HOME: config };
    const seeded = await px(['secret', 'import', seedFile, '--yes'], ctx);
    if (seeded.error) return { error: `seeding the store (px secret import) failed: ${seeded.error}` };
    let keyFiles = [];
    try {
      keyFiles = readdirSync(join(config, 'px', 'store-keys'));
    } catch {
      // no key directory: the key went to the keychain
    }
    if (keyFiles.length > 0) return { error: 'the store key was written to a key file, not to the Secret Service' };
    return {};
  };
  const detail = 'store key in gnome-keyring over D-Bus';
  const cases = [
    { id: 'desktop/list', label: 'px secret list --json', detail, run: () => px(['secret', 'list', '--json'], ctx) },
    { id: 'desktop/exists', label: `px secret exists ${existsName}`, detail, run: () => px(['secret', 'exists', existsName], ctx) },
  ];
  return {
    setup,
    stop: () => session?.stop(),
    cases: cases.map((c) => ({ mode: 'desktop', needs: ['desktop'], goal: { maxRatio: 1.3 }, ...c })),
  };
}
