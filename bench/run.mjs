#!/usr/bin/env node
// px benchmarks: CLI wall times next to `node -e 0` in the same run, and `px server` under load.
// Usage: node bench/run.mjs [--runs N] [--warmup N] [--quick] [--only PATTERN]   (see bench/README.md)
// Missed goals are reported, never fatal: the exit code is non-zero only when the harness broke.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { existsRequestList, load, peakMemoryMiB, ptyUnavailableReason, startServer, stopAll, timeNode, timePrompt } from './lib/measure.mjs';
import { timeFilterKeystrokes, timeUiFirstFrame } from './lib/ui.mjs';
import { headerLine, judge, markdownSection, printReport, round, roundAll, summarize, updateReadme } from './lib/report.mjs';
import { accessBench, relateRows } from './lib/access.mjs';
import { manifestCases } from './lib/manifest.mjs';
import { desktopCases } from './lib/desktop.mjs';
import { POSTGRES_LOAD_IDS, postgresBench } from './lib/postgres.mjs';
import { MASKING_SCAN_IDS, maskingScanRows } from './lib/masking-scan.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PX = join(ROOT, 'bin', 'px.cjs');
const RESULTS = join(ROOT, 'bench', 'results');

const USAGE = `Usage: node bench/run.mjs [options]   (npm run bench builds first)

  --runs N        measured runs per CLI case (default 15; --quick: 3)
  --warmup N      warm-up runs per CLI case, not measured (default 3; --quick: 1)
  --quick         a smoke check: few runs, 2 s load cases
  --only PATTERN  run only cases whose id matches PATTERN (a case-insensitive regular
                  expression, e.g. "local/", "exists", "import|load"); the baseline always runs
  --help          this text

A full run (no --quick, no --only) writes bench/results/latest.json and the table in README.md;
other runs write bench/results/partial/latest.json only.`;

// ───────────────────────────── options ─────────────────────────────

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      runs: { type: 'string' },
      warmup: { type: 'string' },
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (error) {
  process.stderr.write(`bench: ${error.message}\n\n${USAGE}\n`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

function count(raw, fallback, name, min) {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`bench: --${name} takes a whole number ≥ ${min}.\n`);
    process.exit(2);
  }
  return n;
}

const quick = options.quick;
const RUNS = count(options.runs, quick ? 3 : 15, 'runs', 1);
const WARMUP = count(options.warmup, quick ? 1 : 3, 'warmup', 0);
const LOAD_SECONDS = quick ? 2 : 5;
const LOAD_WARMUP_SECONDS = quick ? 0.5 : 1;
const CONNECTIONS = 10;
let only = null;
if (options.only !== undefined) {
  try {
    only = new RegExp(options.only, 'i');
  } catch (error) {
    process.stderr.write(`bench: --only: ${error.message}\n`);
    process.exit(2);
  }
}
const full = !quick && only === null;
const selected = (id) => id === 'baseline' || only === null || only.test(id);

// ───────────────────────────── fixtures ─────────────────────────────

const SEED_COUNT = 100;
const IMPORT_COUNT = 10_000;
const EXISTS_NAME = 'APP_SECRET_0042';
const CREATE_NAME = 'APP_SECRET_0001';
const PROMPT_NAME = 'PROMPT_PROBE';

const tmp = mkdtempSync(join(tmpdir(), 'px-bench-'));
let cleaned = false;
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  stopAll();
  pg.stopCluster();
  rmSync(tmp, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanup();
    process.stderr.write(`\nbench: stopped by ${signal}.\n`);
    process.exit(130);
  });
}

/** A fresh directory under the run's temp dir. */
const freshDir = (name) => mkdtempSync(join(tmp, `${name}-`));

// Isolated from the user's px setup: no endpoint, no token, no keychain (so the store key is a
// key file under the temp XDG_CONFIG_HOME), not CI (so the TTY case is interactive). Nor Node's
// NODE_EXTRA_CA_CERTS: Node reads that bundle at every start, before any code runs, which can
// make `node -e 0` several times slower and hide what px itself costs in the ratios.
const env = { ...process.env };
for (const key of ['PX_URL', 'PX_TOKEN', 'PX_STORE_KEY', 'PX_DEBUG', 'DBUS_SESSION_BUS_ADDRESS', 'CI', 'NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS']) delete env[key];
Object.assign(env, {
  HOME: join(tmp, 'home'),
  XDG_CONFIG_HOME: join(tmp, 'config'),
  PX_KEYCHAIN: 'off',
  TERM: env.TERM && env.TERM !== 'dumb' ? env.TERM : 'xterm-256color',
});
mkdirSync(env.HOME);
mkdirSync(env.XDG_CONFIG_HOME);

const value = () => randomBytes(24).toString('base64url');

/** A dotenv file of `n` entries PREFIX_00001=…, with a comment now and then. */
function writeDotenv(path, prefix, n, width) {
  const lines = [`# generated by bench/run.mjs: ${n} entries`];
  for (let i = 1; i <= n; i++) {
    if (i % 500 === 0) lines.push(`# block ${i / 500}`);
    lines.push(`${prefix}_${String(i).padStart(width, '0')}=${value()}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const SEED_FILE = writeDotenv(join(tmp, 'seed-100.env'), 'APP_SECRET', SEED_COUNT, 4);
const IMPORT_FILE = writeDotenv(join(tmp, 'import-10k.env'), 'IMPORT_SECRET', IMPORT_COUNT, 5);

const px = (args, ctx, extra = {}) => timeNode([PX, ...args], { cwd: ctx.cwd, env: ctx.env, ...extra });

/** Runs `step` once; a failure becomes the reason every case needing it is an error row. */
async function fixture(what, step) {
  try {
    const result = await step();
    if (result?.error) return { error: `${what} failed: ${result.error}` };
    return { ok: true, ...result };
  } catch (error) {
    return { error: `${what} failed: ${error.message}` };
  }
}

const servers = [];
async function serve(cwd) {
  const server = await startServer(PX, { cwd, env });
  servers.push(server);
  return server;
}

// ───────────────────────────── cases ─────────────────────────────

const localCtx = { cwd: freshDir('local'), env };
const serverCtx = { cwd: freshDir('server'), env }; // PX_URL added once its server listens

/** CLI cases for one target. `ctx()` is read at run time (the server's URL is known late). */
function cliCases(mode, ctx, needs) {
  const list = [
    { id: `${mode}/version`, label: 'px --version', goal: { maxRatio: 1.1 }, needs: [], run: () => px(['--version'], ctx()) },
    { id: `${mode}/list`, label: 'px secret list --json', goal: { maxRatio: 1.2 }, run: () => px(['secret', 'list', '--json'], ctx()) },
    { id: `${mode}/exists`, label: `px secret exists ${EXISTS_NAME}`, goal: { maxRatio: 1.2 }, run: () => px(['secret', 'exists', EXISTS_NAME], ctx()) },
    {
      id: `${mode}/create`,
      label: `px secret create ${CREATE_NAME} --force`,
      detail: 'value piped on stdin',
      run: () => px(['secret', 'create', CREATE_NAME, '--force'], ctx(), { input: `${value()}\n` }),
    },
    {
      id: `${mode}/prompt`,
      label: `px secret create ${PROMPT_NAME}`,
      detail: 'TTY: until the hidden prompt shows',
      goal: { maxRatio: 2.5 },
      needs: [...needs, 'pty'],
      run: () => timePrompt([PX, 'secret', 'create', PROMPT_NAME], { ...ctx(), waitFor: `Value for ${PROMPT_NAME}` }),
    },
    {
      id: `${mode}/import-10k`,
      label: 'px secret import FILE --yes',
      detail: `${IMPORT_COUNT.toLocaleString('en-US')} new entries`,
      goal: { maxRatio: mode === 'local' ? 10 : 15 },
      needs: [],
      run: mode === 'local' ? importLocal : importServer,
    },
  ];
  if (mode === 'local') {
    list.push({ id: 'local/run', label: 'px run -- node -e 0', run: () => px(['run', '--', process.execPath, '-e', '0'], ctx()) });
    // The first run after an install or upgrade has no code cache yet (bin/px.cjs): shown, no goal.
    const cold = () => ({ ...ctx(), env: { ...ctx().env, PX_CODE_CACHE: 'off' } });
    list.push(
      { id: 'local/list-cold', label: 'px secret list --json', detail: 'first run: no code cache', run: () => px(['secret', 'list', '--json'], cold()) },
      {
        id: 'local/prompt-cold',
        label: `px secret create ${PROMPT_NAME}`,
        detail: 'TTY, first run: no code cache',
        needs: [...needs, 'pty'],
        run: () => timePrompt([PX, 'secret', 'create', PROMPT_NAME], { ...cold(), waitFor: `Value for ${PROMPT_NAME}` }),
      },
    );
  }
  return list.map((c) => ({ mode, needs, ...c }));
}

async function importLocal() {
  const cwd = freshDir('import-local');
  try {
    return await px(['secret', 'import', IMPORT_FILE, '--yes'], { cwd, env }, { timeoutMs: 300_000 });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

async function importServer() {
  const cwd = freshDir('import-server');
  let server;
  try {
    server = await startServer(PX, { cwd, env });
    return await px(['secret', 'import', IMPORT_FILE, '--yes'], { cwd, env: { ...env, PX_URL: server.url } }, { timeoutMs: 300_000 });
  } catch (error) {
    return { error: error.message };
  } finally {
    await server?.stop();
    rmSync(cwd, { recursive: true, force: true });
  }
}

const access = accessBench({ px, serve, freshDir, env });
const manifest = manifestCases({ px, freshDir, env, value });
const desktop = desktopCases({ px, freshDir, env, seedFile: SEED_FILE, existsName: EXISTS_NAME });
// px ui: its first frame over the seeded local store, and filter keystrokes over 10,000 secrets.
const uiCtx = { cwd: freshDir('ui-10k'), env };
const UI_KEYS = ['9', '9', '9', '1', '\u007f', '\u007f', '\u007f', '\u007f'];
const uiCases = [
  { id: 'local/ui-first-frame', mode: 'local', label: 'px ui', detail: `TTY: until the first frame shows the ${SEED_COUNT} secrets`, goal: { maxRatio: 2.5 }, needs: ['local', 'pty'], run: () => timeUiFirstFrame([PX, 'ui'], { ...localCtx, waitFor: `${SEED_COUNT} rows` }) },
  {
    id: 'local/ui-filter-10k',
    mode: 'local',
    label: 'px ui, / then filter keystrokes',
    detail: `${IMPORT_COUNT.toLocaleString('en-US')} secrets: median keystroke to redrawn frame`,
    goal: { maxMedianMs: 50 },
    noRatio: true,
    needs: ['ui10k', 'pty'],
    run: () => timeFilterKeystrokes([PX, 'ui'], { ...uiCtx, names: importNames(), keys: UI_KEYS }),
  },
];
const importNames = () => readFileSync(IMPORT_FILE, 'utf8').split('\n').flatMap((l) => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(l)?.[1] ?? []);
const pg = postgresBench({ px, startServer, load, peakMemoryMiB, round, roundAll, existsRequestList, progress: (text) => process.stderr.write(`bench: ${text}\n`), freshDir, env, PX, importFile: IMPORT_FILE, loadSeconds: LOAD_SECONDS, warmupSeconds: LOAD_WARMUP_SECONDS, connections: CONNECTIONS });

const cases = [
  ...pg.cases,
  { id: 'baseline', mode: '', label: 'node -e 0', needs: [], run: () => timeNode(['-e', '0'], { cwd: tmp, env }) },
  ...cliCases('local', () => localCtx, ['local']),
  ...cliCases('server', () => serverCtx, ['server']),
  ...access.cases,
  ...manifest.cases,
  ...desktop.cases,
  ...uiCases,
].filter((c) => selected(c.id));

const LOAD_IDS = ['server/load-exists', 'server/load-create', 'server/load-peak-memory'];
const loadSelected = LOAD_IDS.filter(selected);

// ───────────────────────────── run ─────────────────────────────

const progress = (text) => process.stderr.write(`bench: ${text}\n`);

async function main() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const meta = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    pxVersion: pkg.version,
    node: process.version,
    cpus: typeof availableParallelism === 'function' ? availableParallelism() : cpus().length,
    cpuModel: cpus()[0]?.model.trim().replace(/\s+/g, ' ') ?? 'unknown',
    platform: process.platform,
    arch: process.arch,
    runs: RUNS,
    warmup: WARMUP,
    quick,
    only: options.only ?? null,
    loadSeconds: LOAD_SECONDS,
    connections: CONNECTIONS,
  };
  progress(headerLine(meta));

  // Fixtures, only those the selected cases need.
  const needed = new Set(cases.flatMap((c) => c.needs));
  const state = {};
  if (needed.has('pty')) {
    const reason = ptyUnavailableReason();
    state.pty = reason ? { skip: reason } : { ok: true };
  }
  if (needed.has('local')) {
    progress(`seeding the local store with ${SEED_COUNT} secrets`);
    state.local = await fixture('seeding the local store (px secret import)', () => px(['secret', 'import', SEED_FILE, '--yes'], localCtx));
  }
  if (needed.has('manifest')) state.manifest = await fixture('seeding the manifest project (px secret import)', manifest.seed);
  if (needed.has('desktop')) {
    progress(`starting gnome-keyring in a private D-Bus session, seeding a store with ${SEED_COUNT} secrets keyed there`);
    state.desktop = await desktop.setup();
  }
  if (needed.has('ui10k')) {
    progress(`seeding another local store with ${IMPORT_COUNT.toLocaleString('en-US')} secrets for px ui`);
    state.ui10k = await fixture('seeding 10,000 secrets for px ui (px secret import)', () => px(['secret', 'import', IMPORT_FILE, '--yes'], uiCtx, { timeoutMs: 300_000 }));
  }
  if (needed.has('postgres')) state.postgres = await fixture('starting PostgreSQL and px server --store', () => pg.setup());
  if (needed.has('server')) {
    progress(`starting px server and seeding it with ${SEED_COUNT} secrets`);
    state.server = await fixture('starting px server', async () => {
      const server = await serve(serverCtx.cwd);
      serverCtx.env = { ...env, PX_URL: server.url };
      return px(['secret', 'import', SEED_FILE, '--yes'], serverCtx);
    });
  }
  if (needed.has('access') || selected(access.loadRow.id)) {
    progress('starting px server with a service token granted 10 secrets');
    state.access = await fixture('starting px server with a service token', access.setUp);
  }
  for (const c of cases) {
    for (const need of c.needs) {
      if (state[need]?.skip) c.skipped ??= state[need].skip;
      else if (state[need]?.error) c.error ??= state[need].error;
    }
    c.samples = [];
  }

  // Round robin: every case (and the baseline) once per round, so drift hits them all alike.
  const rounds = WARMUP + RUNS;
  for (let round_ = 0; round_ < rounds; round_++) {
    progress(round_ < WARMUP ? `warm-up ${round_ + 1}/${WARMUP}` : `run ${round_ - WARMUP + 1}/${RUNS}`);
    for (const c of cases) {
      if (c.error || c.skipped) continue;
      const result = await c.run();
      if (result.error) c.error = result.error; // one failure makes an error row; it is not retried
      else if (round_ >= WARMUP) c.samples.push(result.ms);
    }
  }
  const baseline = cases.find((c) => c.id === 'baseline');
  if (baseline.error) throw new Error(`the baseline \`node -e 0\` failed: ${baseline.error}`);
  const base = summarize(baseline.samples);

  const rows = cases.map((c) => {
    const s = summarize(c.samples);
    const status = c.skipped ? 'skipped' : c.error ? 'error' : 'ok';
    return judge({
      id: c.id,
      kind: 'time',
      mode: c.mode,
      label: c.label,
      ...(c.detail ? { detail: c.detail } : {}),
      status,
      ...s,
      ratio: status === 'ok' && !c.noRatio ? round(s.median / base.median, 2) : null,
      samplesMs: c.samples.map((x) => round(x, 2)),
      goal: c.goal ?? null,
      ...(c.error ? { error: c.error } : {}),
      ...(c.skipped ? { skipped: c.skipped } : {}),
    });
  });

  relateRows(rows).forEach((row, i) => (rows[i] = judge(row)));
  if (loadSelected.length) rows.push(...(await loadCases()).map(judge));
  if (selected(access.loadRow.id)) {
    const ctx = { load, roundAll, seconds: LOAD_SECONDS, warmupSeconds: LOAD_WARMUP_SECONDS, connections: CONNECTIONS, progress, peakMemoryMiB };
    rows.push(judge(state.access.error ? { ...access.loadRow, kind: 'load', status: 'error', error: state.access.error } : await access.loadValues(ctx).catch((error) => ({ ...access.loadRow, kind: 'load', status: 'error', error: error.message }))));
  }
  if (POSTGRES_LOAD_IDS.some(selected)) rows.push(...(await pg.loadRows(selected)).map(judge));
  if (MASKING_SCAN_IDS.some(selected)) rows.push(...(await maskingScanRows({ px: PX, freshDir, env, quick, selected, progress })).map(judge));

  await Promise.all(servers.map((s) => s.stop()));
  await pg.stop();
  await desktop.stop();
  const report = { meta, baseline: { ...base, samplesMs: baseline.samples.map((x) => round(x, 2)) }, rows };
  printReport(report);

  const file = full ? join(RESULTS, 'latest.json') : join(RESULTS, 'partial', 'latest.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  progress(`wrote ${file.slice(ROOT.length)}`);
  if (full) {
    updateReadme(join(ROOT, 'README.md'), markdownSection(report));
    progress('updated the Performance section of README.md');
  }
}

/** `px server` over a local store of 10,000 secrets, under autocannon on loopback. */
async function loadCases() {
  const rows = [];
  const row = (id, kind, label, goal, extra) => ({ id, kind, label, goal, ...extra });
  const existsRow = { id: 'server/load-exists', label: 'GET /secrets/:name/exists', goal: { minRps: 5000, maxP99Ms: 20 } };
  const createRow = { id: 'server/load-create', label: 'POST /secrets (new names)', goal: { minRps: 500 } };
  const memoryRow = { id: 'server/load-peak-memory', label: 'peak memory (VmHWM) after the load', goal: { maxMiB: 150 } };
  const wanted = (r) => loadSelected.includes(r.id);
  const fail = (message) => [existsRow, createRow, memoryRow].filter(wanted).map((r) => row(r.id, r === memoryRow ? 'memory' : 'load', r.label, r.goal, { status: 'error', error: message }));

  progress(`load: seeding a local store with ${IMPORT_COUNT.toLocaleString('en-US')} secrets and starting px server`);
  const cwd = freshDir('load');
  const seeded = await px(['secret', 'import', IMPORT_FILE, '--yes'], { cwd, env }, { timeoutMs: 300_000 });
  if (seeded.error) return fail(`seeding 10,000 secrets (px secret import) failed: ${seeded.error}`);
  let server;
  try {
    server = await serve(cwd);
  } catch (error) {
    return fail(error.message);
  }
  if (!server.token) return fail('px server started but .px/server-token is missing');
  const startMiB = round(peakMemoryMiB(server.pid));

  const names = readFileSync(IMPORT_FILE, 'utf8')
    .split('\n')
    .map((l) => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(l)?.[1])
    .filter(Boolean);
  const existsRequests = { requests: existsRequestList(names) };
  let created = 0;
  const createRequest = { next: () => ({ method: 'POST', path: '/secrets', body: JSON.stringify({ name: `LOAD_SECRET_${++created}`, value: value() }) }) };

  const measure = async (spec, traffic) => {
    try {
      const r = await load({ url: server.url, token: server.token, seconds: LOAD_SECONDS, connections: CONNECTIONS, ...traffic, cpu: { server: () => [server.pid] } });
      const problems = [r.non2xx && `${r.non2xx} non-2xx`, r.errors && `${r.errors} errors`, r.timeouts && `${r.timeouts} timeouts`].filter(Boolean).join(', ');
      const base = { status: r.ok > 0 ? 'ok' : 'error', rps: Math.round(r.rps), p50Ms: round(r.p50, 2), p99Ms: round(r.p99, 2), requests: r.ok, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, seconds: r.seconds, connections: CONNECTIONS, peakMiBAfter: round(peakMemoryMiB(server.pid)), cpuMsPerRequest: roundAll(r.cpuMsPerRequest) };
      if (r.ok === 0) base.error = `no 2xx response (${problems || 'nothing answered'})`;
      else if (problems) base.note = `${problems} (not counted in the throughput)`;
      return row(spec.id, 'load', spec.label, spec.goal, base);
    } catch (error) {
      return row(spec.id, 'load', spec.label, spec.goal, { status: 'error', error: error.message });
    }
  };

  const runExists = wanted(existsRow) || wanted(memoryRow);
  const runCreate = wanted(createRow) || wanted(memoryRow);
  if (runExists) {
    progress(`load: warm-up ${LOAD_WARMUP_SECONDS} s, then GET /secrets/:name/exists for ${LOAD_SECONDS} s`);
    await load({ url: server.url, token: server.token, seconds: LOAD_WARMUP_SECONDS, connections: CONNECTIONS, ...existsRequests }).catch(() => {});
    const r = await measure(existsRow, existsRequests);
    if (wanted(existsRow)) rows.push(r);
  }
  if (runCreate) {
    progress(`load: POST /secrets for ${LOAD_SECONDS} s`);
    const r = await measure(createRow, createRequest);
    if (wanted(createRow)) rows.push(r);
  }
  if (wanted(memoryRow)) {
    const peak = peakMemoryMiB(server.pid);
    rows.push(
      row(memoryRow.id, 'memory', memoryRow.label, memoryRow.goal, {
        status: 'ok',
        peakMiB: round(peak),
        peakMiBBeforeLoad: startMiB,
        ...(peak === null ? { note: `n/a: VmHWM is read from /proc (Linux only); this is ${process.platform}` } : {}),
      }),
    );
  }
  return rows;
}

try {
  await main();
  cleanup();
} catch (error) {
  cleanup();
  process.stderr.write(`bench: the harness broke: ${error.stack ?? error.message}\n`);
  process.exit(1);
}
