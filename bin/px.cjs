#!/usr/bin/env node
'use strict';
// Launcher only: answers --version without loading anything, else runs the build in dist/.
// First of all: SIGUSR1 would open Node's inspector (unauthenticated, on 127.0.0.1:9229) in this
// process, which holds the store key and the server token. A listener of px's own replaces Node's
// handler from here on (Node 20, 22 and 24 alike; 22.14+ also has --disable-sigusr1, which a
// shebang cannot pass portably). `px run` and `px deploy` forward the signal to their command.
if (process.platform !== 'win32') process.on('SIGUSR1', () => undefined);
const args = process.argv.slice(2);
const launcherModule = module;
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  writeStdout(`${require('../package.json').version}\n`);
} else {
  load('px.cjs').main(args);
}

/**
 * Writes to file descriptor 1 directly: process.stdout on a pipe would load Node's net and stream
 * modules for one line. A pipe left non-blocking by another program
 * may refuse the write (EAGAIN): the stream then takes what is left. A closed pipe is not an error.
 */
function writeStdout(text) {
  const fs = require('node:fs');
  const bytes = Buffer.from(text);
  let done = 0;
  try {
    while (done < bytes.length) done += fs.writeSync(1, bytes, done);
  } catch (error) {
    if (error.code === 'EAGAIN') process.stdout.write(bytes.subarray(done));
    else if (error.code !== 'EPIPE') throw error;
  }
}

/**
 * Loads a file of dist/ (CommonJS, see scripts/build.mjs) once, with a V8 code cache kept in the
 * user's cache directory, so that runs after the first skip compiling px's own code. Node 22 has
 * module.enableCompileCache() for this; px supports Node 20, whose cached code cannot call
 * import(), so the files reach each other through `__pxImport`. PX_CODE_CACHE=off turns it off.
 *
 * A cache holds the functions of the run that wrote it, so dist/px.cjs (the fast path's commands)
 * and dist/ui.cjs (the screens) keep one per command: `px secret list` does not compile its code
 * on every run because `px secret import` happened to run first. dist/cli.cjs, mostly yargs, keeps one.
 */
function load(name) {
  load.done ??= new Map();
  if (!load.done.has(name)) load.done.set(name, run(name));
  return load.done.get(name);
}

function run(name) {
  const fs = require('node:fs');
  const path = require('node:path');
  const vm = require('node:vm');
  // Module.createRequire is what node:module exports; asking the loader's own class for it
  // skips loading node:module, which brings Node's ES module loader along.
  const { createRequire } = launcherModule.constructor;
  const file = path.join(__dirname, '..', 'dist', name);
  let source;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
    // a checkout that was installed but not built: say what to run instead of a stack trace
    process.stderr.write(`error: px is not built: dist/${name} is missing. Run \`npm run build\` in ${path.join(__dirname, '..')} and try again.\n`);
    process.exit(2);
  }
  const { size, mtimeMs } = fs.statSync(file);
  const dir = cacheDir();
  // V8 checks its own version and flags, and only the length of the source: the name adds the rest.
  const prefix = `${name}-`;
  const build = `${prefix}${process.version}-${process.arch}-${size}-${Math.trunc(mtimeMs)}`;
  const cacheName = name === 'cli.cjs' ? `${build}.v8cache` : `${build}-${commandWords(args)}${variant()}${keychainWord()}.v8cache`;
  let cachedData;
  if (dir) {
    try {
      cachedData = fs.readFileSync(path.join(dir, cacheName));
    } catch {
      // first run of this build: compiled now, cached at exit
    }
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname, __pxImport) {${source}\n})`;
  const script = new vm.Script(wrapped, { filename: file, cachedData });
  if (dir && (!cachedData || script.cachedDataRejected)) process.once('exit', () => saveCache(dir, prefix, build, cacheName, script));
  const module = { exports: {} };
  const pxImport = (sibling) => Promise.resolve().then(() => load(path.basename(sibling)));
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file), pxImport);
  return module.exports;
}

/** The command's first words (`secret-list`), which name its cache: at most two, lowercase. */
function commandWords(argv) {
  const words = [];
  for (const arg of argv) {
    if (words.length === 2 || !/^[a-z][a-z0-9-]{0,23}$/.test(arg)) break;
    words.push(arg);
  }
  return words.length > 0 ? words.join('-') : 'px';
}

/**
 * What else makes runs of one command run different code: a remote target (PX_URL: the endpoint
 * client instead of the local store's crypto) and a project with px.config.json (the manifest's
 * code). Each keeps a cache of its own; with one for all, whichever ran first would leave the
 * others compiling their code afresh on every run (~2 ms). A px.config.json above the project
 * only costs a cache that fits less well.
 */
function variant() {
  const fs = require('node:fs');
  const path = require('node:path');
  const remote = process.env.PX_URL ? '-url' : '';
  let dir;
  try {
    dir = process.cwd();
  } catch {
    return remote;
  }
  for (;;) {
    if (fs.existsSync(path.join(dir, 'px.config.json'))) return `${remote}-manifest`;
    const parent = path.dirname(dir);
    if (parent === dir) return remote;
    dir = parent;
  }
}

/**
 * On Linux, a run that can reach the Secret Service reads a keychain-keyed store's key with px's
 * own D-Bus code, which a run without a session bus (or with PX_KEYCHAIN=off) never compiles: the
 * two keep caches apart, so that neither compiles the other's code on every run.
 */
function keychainWord() {
  const env = process.env;
  return process.platform === 'linux' && env.PX_KEYCHAIN !== 'off' && env.DBUS_SESSION_BUS_ADDRESS ? '-keychain' : '';
}

/** Caches of one file and build beyond this many (odd words make new ones) go, oldest first. */
const MAX_CACHES_PER_FILE = 16;

/** At exit, so the cache holds every function this run compiled. Never fails the run. */
function saveCache(dir, prefix, build, cacheName, script) {
  const fs = require('node:fs');
  const path = require('node:path');
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const current = [];
    for (const old of fs.readdirSync(dir)) {
      if (!old.startsWith(prefix) || !old.endsWith('.v8cache') || old === cacheName) continue;
      // Another build's: it can never be used again.
      if (!old.startsWith(`${build}.`) && !old.startsWith(`${build}-`)) fs.rmSync(path.join(dir, old), { force: true });
      else current.push(old);
    }
    if (current.length >= MAX_CACHES_PER_FILE) {
      const byAge = current.map((old) => [fs.statSync(path.join(dir, old)).mtimeMs, old]).sort((a, b) => a[0] - b[0]);
      for (const [, old] of byAge.slice(0, current.length - MAX_CACHES_PER_FILE + 1)) fs.rmSync(path.join(dir, old), { force: true });
    }
    const temp = path.join(dir, `.${cacheName}.${process.pid}.tmp`);
    fs.writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
    fs.renameSync(temp, path.join(dir, cacheName));
  } catch {
    // a read-only or full disk only costs the cache
  }
}

/** The user's own cache directory, never a shared one: a planted cache would run as the user. */
function cacheDir() {
  const env = process.env;
  if (env.PX_CODE_CACHE === 'off') return null;
  const path = require('node:path');
  const home = env.HOME || env.USERPROFILE;
  if (process.platform === 'win32') return env.LOCALAPPDATA ? path.join(env.LOCALAPPDATA, 'px', 'Cache') : null;
  if (process.platform === 'darwin') return home ? path.join(home, 'Library', 'Caches', 'px') : null;
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'px');
  return home ? path.join(home, '.cache', 'px') : null;
}
