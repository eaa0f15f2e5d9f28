// The launcher's V8 code cache: private, rebuilt when stale or damaged, never in the way.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { tempProject, type TempProject } from '../helpers/project.js';

const PX = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');
let project: TempProject;
beforeEach(() => {
  project = tempProject();
});
afterEach(() => project.cleanup());

const cacheDir = () => join(project.env.HOME!, '.cache', 'px');
const px = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync('node', [PX, ...args], { cwd: project.root, encoding: 'utf8', input: '', env: { ...project.env, ...env } });
const cacheFiles = () => readdirSync(cacheDir()).filter((name) => name.endsWith('.v8cache')).sort();

it('is written on the first run (0600 in a 0700 directory) and used by the next, for each part of px', () => {
  expect(px(['secret', 'list', '--json']).status).toBe(0);
  expect(cacheFiles()).toEqual([expect.stringMatching(/^px\.cjs-v\d+\.\d+\.\d+-.*-secret-list\.v8cache$/)]);
  // The yargs CLI is a second file with a cache of its own; the launcher's bundle keeps one per command.
  const help = px(['secret', 'delete', '--help']);
  expect(help.status, help.stderr).toBe(0);
  expect(help.stdout).toMatch(/--yes/);
  const files = cacheFiles();
  expect(files).toEqual([expect.stringMatching(/^cli\.cjs-v[^-]+-[^-]+-\d+-\d+\.v8cache$/), expect.stringMatching(/^px\.cjs-.*-secret-delete\.v8cache$/), expect.stringMatching(/^px\.cjs-.*-secret-list\.v8cache$/)]);
  expect(statSync(cacheDir()).mode & 0o777).toBe(0o700);
  for (const file of files) expect(statSync(join(cacheDir(), file)).mode & 0o777).toBe(0o600);
  const written = files.map((file) => statSync(join(cacheDir(), file)).mtimeMs);
  // Runs from the caches: the fast path, the CLI and an error path; nothing is rewritten.
  expect(px(['secret', 'list', '--json']).stdout).toBe('{"target":"local store (.px)","env":"development","secrets":[],"missing":[],"count":0}\n');
  expect(px(['secret', 'delete', 'NOPE', '--yes']).stderr).toBe('error: No secret named NOPE in local store (.px).\n');
  expect(px(['secret', 'delete', '--help']).stdout).toBe(help.stdout);
  expect(files.map((file) => statSync(join(cacheDir(), file)).mtimeMs)).toEqual(written);
});

it.runIf(process.platform === 'linux')('a run that can reach the Secret Service keeps a cache apart from one that cannot, each used by its next run', () => {
  const bus = { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(project.root, 'no-bus')}` };
  expect(px(['secret', 'list', '--json']).status).toBe(0);
  expect(px(['secret', 'list', '--json'], bus).status).toBe(0);
  expect(px(['secret', 'list', '--json'], { ...bus, PX_KEYCHAIN: 'off' }).status).toBe(0);
  const files = cacheFiles();
  expect(files).toEqual([expect.stringMatching(/-secret-list-keychain\.v8cache$/), expect.stringMatching(/\d-secret-list\.v8cache$/)]);
  const written = files.map((file) => statSync(join(cacheDir(), file)).mtimeMs);
  expect(px(['secret', 'list', '--json'], bus).status).toBe(0);
  expect(px(['secret', 'list', '--json']).status).toBe(0);
  expect(files.map((file) => statSync(join(cacheDir(), file)).mtimeMs)).toEqual(written);
});

it('a damaged cache is ignored and replaced; caches of other builds are removed', () => {
  expect(px(['secret', 'list']).status).toBe(0);
  const [file] = cacheFiles();
  writeFileSync(join(cacheDir(), file), 'not a code cache');
  writeFileSync(join(cacheDir(), 'px.cjs-v0.0.0-x64-1-1.v8cache'), 'left by an older px');
  const result = px(['secret', 'list', '--json']);
  expect(result.status, result.stderr).toBe(0);
  expect(result.stderr).toBe('');
  expect(cacheFiles()).toEqual([file]);
  expect(statSync(join(cacheDir(), file)).size).toBeGreaterThan(1000);
});

it('each command keeps its own cache of the launcher\'s bundle, at most 16 of one build, the oldest going first', () => {
  expect(px(['secret', 'list', '--json']).status).toBe(0);
  const [list] = cacheFiles();
  const build = list.slice(0, -'-secret-list.v8cache'.length);
  // Caches of this build that odd words made earlier, older than any real one.
  for (let i = 0; i < 20; i++) {
    const path = join(cacheDir(), `${build}-odd-${i}.v8cache`);
    writeFileSync(path, 'an earlier cache');
    utimesSync(path, 1000 + i, 1000 + i);
  }
  expect(px(['secret', 'exists', 'NOPE']).status).toBe(1);
  const files = cacheFiles().filter((name) => name.startsWith(`${build}-`));
  expect(files).toHaveLength(16);
  expect(files).toContain(`${build}-secret-exists.v8cache`);
  expect(files).toContain(list);
  // The oldest went: odd-0 … odd-5.
  for (let i = 0; i < 6; i++) expect(files).not.toContain(`${build}-odd-${i}.v8cache`);
  // The list's cache is used as it is: a second run rewrites nothing.
  const before = statSync(join(cacheDir(), list)).mtimeMs;
  expect(px(['secret', 'list', '--json']).status).toBe(0);
  expect(statSync(join(cacheDir(), list)).mtimeMs).toBe(before);
});

it('a command run on a remote target, or in a project with px.config.json, keeps a cache of its own', () => {
  expect(px(['secret', 'list', '--json']).status).toBe(0);
  const [local] = cacheFiles();
  expect(local).toMatch(/-secret-list\.v8cache$/);
  const build = local.slice(0, -'-secret-list.v8cache'.length);
  const before = statSync(join(cacheDir(), local)).mtimeMs;
  // Nothing listens on port 9 of loopback: the run fails, and still leaves its cache.
  expect(px(['secret', 'list', '--json'], { PX_URL: 'http://127.0.0.1:9' }).status).not.toBe(0);
  expect(cacheFiles()).toContain(`${build}-secret-list-url.v8cache`);
  writeFileSync(join(project.root, 'px.config.json'), '{"secrets": {}}\n');
  mkdirSync(join(project.root, 'app'));
  const inApp = spawnSync('node', [PX, 'secret', 'list', '--json'], { cwd: join(project.root, 'app'), encoding: 'utf8', input: '', env: project.env });
  expect(inApp.status, inApp.stderr).toBe(0);
  expect(cacheFiles()).toContain(`${build}-secret-list-manifest.v8cache`);
  // The first cache is the local run's still, not rewritten by the others.
  expect(cacheFiles().filter((name) => name.startsWith(`${build}-secret-list`))).toHaveLength(3);
  expect(statSync(join(cacheDir(), local)).mtimeMs).toBe(before);
});

it('PX_CODE_CACHE=off writes nothing, and an unwritable cache directory costs nothing but the cache', () => {
  expect(px(['secret', 'list', '--json'], { PX_CODE_CACHE: 'off' }).status).toBe(0);
  expect(existsSync(cacheDir())).toBe(false);
  writeFileSync(join(project.env.HOME!, '.cache'), 'a file where the directory would go');
  const result = px(['secret', 'list', '--json']);
  expect(result.status).toBe(0);
  expect(result.stderr).toBe('');
});

it('an installed but unbuilt checkout says to build, in one line with exit 2, instead of a stack trace', () => {
  // The launcher and package.json alone, as after `npm install` without `npm run build`.
  const checkout = join(project.root, 'checkout');
  mkdirSync(join(checkout, 'bin'), { recursive: true });
  copyFileSync(PX, join(checkout, 'bin', 'px.cjs'));
  copyFileSync(join(import.meta.dirname, '..', '..', 'package.json'), join(checkout, 'package.json'));
  const result = spawnSync('node', [join(checkout, 'bin', 'px.cjs'), 'secret', 'list'], {
    cwd: project.root,
    encoding: 'utf8',
    input: '',
    env: project.env,
  });
  expect(result.status).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toBe(`error: px is not built: dist/px.cjs is missing. Run \`npm run build\` in ${checkout} and try again.\n`);
});
