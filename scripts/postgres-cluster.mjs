// A throw-away PostgreSQL cluster from the machine's own packages, for the tests and the bench:
// initdb in a new temp directory owned by an unprivileged user (as root: the `postgres` system
// user, created as `px-postgres` when missing), listening on a free loopback port only, with a
// random password; stop() shuts it down and removes the directory.
//
//   node scripts/postgres-cluster.mjs      starts one, prints its URL, stops on Ctrl+C
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const INSTALL_HINT = 'PostgreSQL is not installed: `sudo apt-get install -y postgresql` (Debian/Ubuntu), or put its bin directory on PATH.';

/** The directory holding initdb and pg_ctl: pg_config's, else Debian's newest version. */
export function postgresBin() {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (existsSync(join(dir, 'initdb'))) return dir;
  } catch {
    // no pg_config on PATH: look where Debian puts the server
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error(INSTALL_HINT);
  return join(root, versions[0], 'bin');
}

/** As root, the unprivileged user that owns the cluster; otherwise null (the current user does). */
function clusterUser() {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'px-postgres']) {
    if (spawnSync('id', ['-u', name], { stdio: 'ignore' }).status === 0) return name;
  }
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'px-postgres']);
  return 'px-postgres';
}

function idsOf(user) {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function run(user, command, args) {
  const [file, argv] = user ? ['runuser', ['-u', user, '--', command, ...args]] : [command, args];
  const result = spawnSync(file, argv, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} failed (${result.status}): ${(result.stderr || result.stdout || '').trim().slice(0, 2000)}`);
  return result.stdout;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a cluster. `durable: false` (the tests) turns fsync off to spare the disk; the bench
 * keeps PostgreSQL's defaults so "durable creates" means what it says.
 */
export async function startCluster({ durable = true } = {}) {
  const bin = postgresBin();
  const user = clusterUser();
  const dir = mkdtempSync(join(tmpdir(), 'px-pg-'));
  chmodSync(dir, 0o700);
  if (user) {
    const { uid, gid } = idsOf(user);
    chownSync(dir, uid, gid);
  }
  const password = randomBytes(16).toString('hex');
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user) chownSync(pwfile, idsOf(user).uid, idsOf(user).gid);
  const data = join(dir, 'data');
  run(user, join(bin, 'initdb'), ['-D', data, '-U', 'px', `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']);
  rmSync(pwfile);
  const port = await freePort();
  const settings = [
    `-c listen_addresses=127.0.0.1`,
    `-c port=${port}`,
    `-c unix_socket_directories=${dir}`,
    `-c max_connections=200`,
    ...(durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
  ].join(' ');
  run(user, join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', settings, 'start']);
  const url = (database = 'postgres') => `postgres://px:${password}@127.0.0.1:${port}/${database}`;
  let stopped = false;
  return {
    bin,
    port,
    password,
    url,
    /** The server's processes (the postmaster and its children, Linux only), for the bench's CPU figures. */
    pids() {
      const postmaster = readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0].trim();
      const children = readdirSync('/proc').filter((entry) => {
        if (!/^\d+$/.test(entry)) return false;
        try {
          return readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ').at(-1).split(' ')[1] === postmaster;
        } catch {
          return false; // gone meanwhile
        }
      });
      return [postmaster, ...children].map(Number);
    },
    /** Runs a client program (pg_dump, psql) against the cluster as the cluster's user. */
    client(program, args) {
      return run(user, join(bin, program), ['-h', dir, '-p', String(port), '-U', 'px', ...args]);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run(user, join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const cluster = await startCluster();
  process.stdout.write(`PostgreSQL is up: PX_STORE_URL=${cluster.url()}\nCtrl+C stops it and removes its data.\n`);
  const stop = () => {
    cluster.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  setInterval(() => undefined, 1 << 30);
}
