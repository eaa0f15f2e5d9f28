// The team server's cases: `px server --store postgres://…` on a throw-away PostgreSQL cluster
// (scripts/postgres-cluster.mjs, PostgreSQL's default durability) on this machine.
//   postgres/import-10k        px secret import of 10,000 entries through the CLI (a time case)
//   postgres/load-exists       GET /secrets/:name/exists on one server with 10,000 secrets
//   postgres/load-create       POST /secrets of new names (each one a committed transaction)
//   postgres/load-peak-memory  the server's peak memory after those
//   postgres/load-exists-2x    the exists load split over two servers on the same database
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { startCluster } from '../../scripts/postgres-cluster.mjs';

export const POSTGRES_LOAD_IDS = ['postgres/load-exists', 'postgres/load-create', 'postgres/load-peak-memory', 'postgres/load-exists-2x'];

/**
 * `h` carries what run.mjs shares: px(args, ctx, extra), startServer, load, peakMemoryMiB, round,
 * roundAll, existsRequestList, progress, freshDir, env, PX, importFile, loadSeconds, warmupSeconds, connections.
 */
export function postgresBench(h) {
  let cluster;
  let sql;
  const servers = [];
  // One admin token for both servers and the CLI (PX_TOKEN), one store key for both servers.
  const token = randomBytes(24).toString('base64url');
  const storeEnv = { ...h.env, PX_STORE_KEY: randomBytes(32).toString('hex'), PX_TOKEN: token };
  const cliEnv = () => ({ ...h.env, PX_URL: servers[0].url, PX_TOKEN: token });
  const dir = h.freshDir('postgres');
  mkdirSync(join(dir, 'second'));
  mkdirSync(join(dir, 'load'));

  const serve = async (cwd) => {
    const server = await h.startServer(h.PX, { cwd, env: { ...storeEnv, PX_STORE_URL: cluster.url('px_bench') } });
    const withToken = { ...server, token };
    servers.push(withToken);
    return withToken;
  };

  async function setup() {
    cluster = await startCluster({ durable: true });
    sql = postgres(cluster.url(), { max: 1, onnotice: () => undefined });
    await sql.unsafe('create database px_bench');
    await sql.end();
    sql = postgres(cluster.url('px_bench'), { max: 1, onnotice: () => undefined });
    await serve(dir);
    return {};
  }

  const importCase = {
    id: 'postgres/import-10k',
    mode: 'postgres',
    label: 'px secret import FILE --yes',
    detail: '10,000 new entries into px server on PostgreSQL',
    goal: { maxRatio: 15 },
    needs: ['postgres'],
    run: async () => {
      await sql`truncate px_secrets`; // a fresh store each run, not timed
      return h.px(['secret', 'import', h.importFile, '--yes'], { cwd: dir, env: cliEnv() }, { timeoutMs: 300_000 });
    },
  };

  async function loadRows(wanted) {
    const rows = [];
    const spec = {
      exists: { id: 'postgres/load-exists', label: 'GET /secrets/:name/exists (PostgreSQL)', goal: { minRps: 5000, maxP99Ms: 20 } },
      create: { id: 'postgres/load-create', label: 'POST /secrets, new names (PostgreSQL, durable)', goal: { minRps: 500 } },
      memory: { id: 'postgres/load-peak-memory', label: 'peak memory with 10,000 secrets (PostgreSQL)', goal: { maxMiB: 150 } },
      split: { id: 'postgres/load-exists-2x', label: 'GET /secrets/:name/exists over two servers', goal: { minRps: 5000, maxP99Ms: 20 } },
    };
    const row = (s, extra) => ({ id: s.id, kind: s === spec.memory ? 'memory' : 'load', label: s.label, goal: s.goal, ...extra });
    const any = Object.values(spec).some((s) => wanted(s.id));
    if (!any) return rows;
    try {
      if (!cluster) await setup();
      h.progress('postgres: seeding 10,000 secrets through px server');
      await sql`truncate px_secrets`;
      const seeded = await h.px(['secret', 'import', h.importFile, '--yes'], { cwd: dir, env: cliEnv() }, { timeoutMs: 300_000 });
      if (seeded.error) throw new Error(`seeding failed: ${seeded.error}`);
    } catch (error) {
      return Object.values(spec).filter((s) => wanted(s.id)).map((s) => row(s, { status: 'error', error: error.message }));
    }
    // Measured on a server started after the seeding, as the local-store case does: the peak of
    // the one that took the 10,000-entry import would be the import's, not the serving's.
    const first = await serve(join(dir, 'load'));
    const startMiB = h.round(h.peakMemoryMiB(first.pid));
    const names = readFileSync(h.importFile, 'utf8').split('\n').map((l) => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(l)?.[1]).filter(Boolean);
    const existsRequest = { requests: h.existsRequestList(names) };
    let created = 0;
    const createRequest = { next: () => ({ method: 'POST', path: '/secrets', body: JSON.stringify({ name: `PG_LOAD_${++created}`, value: randomBytes(24).toString('base64url') }) }) };
    const cpuOf = (server) => ({ server: () => [server.pid], database: () => cluster.pids() });
    const run = (server, traffic, seconds = h.loadSeconds) => h.load({ url: server.url, token: server.token, seconds, connections: h.connections, ...traffic, cpu: cpuOf(server) });
    const figures = (r, server) => {
      const problems = [r.non2xx && `${r.non2xx} non-2xx`, r.errors && `${r.errors} errors`, r.timeouts && `${r.timeouts} timeouts`].filter(Boolean).join(', ');
      return {
        status: r.ok > 0 ? 'ok' : 'error',
        rps: Math.round(r.rps),
        p50Ms: h.round(r.p50, 2),
        p99Ms: h.round(r.p99, 2),
        requests: r.ok,
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
        seconds: r.seconds,
        connections: h.connections,
        ...(server ? { peakMiBAfter: h.round(h.peakMemoryMiB(server.pid)) } : {}),
        cpuMsPerRequest: h.roundAll(r.cpuMsPerRequest),
        ...(r.ok === 0 ? { error: `no 2xx response (${problems || 'nothing answered'})` } : problems ? { note: `${problems} (not counted in the throughput)` } : {}),
      };
    };
    try {
      if (wanted(spec.exists.id) || wanted(spec.memory.id)) {
        h.progress('postgres: exists load on one server');
        await run(first, existsRequest, h.warmupSeconds).catch(() => undefined);
        const r = await run(first, existsRequest);
        if (wanted(spec.exists.id)) rows.push(row(spec.exists, figures(r, first)));
      }
      if (wanted(spec.create.id) || wanted(spec.memory.id)) {
        h.progress('postgres: create load on one server');
        const r = await run(first, createRequest);
        if (wanted(spec.create.id)) rows.push(row(spec.create, figures(r, first)));
      }
      if (wanted(spec.memory.id)) {
        const peak = h.peakMemoryMiB(first.pid);
        rows.push(row(spec.memory, { status: 'ok', peakMiB: h.round(peak), peakMiBBeforeLoad: startMiB }));
      }
      if (wanted(spec.split.id)) {
        h.progress('postgres: exists load split over two servers');
        const second = await serve(join(dir, 'second'));
        // Half the connections on each, at the same time; the figures are their sum (p99: the worse).
        const half = { ...h, connections: Math.max(1, Math.floor(h.connections / 2)) };
        // Both warmed up as the single server was: the second one has answered nothing yet.
        await Promise.all([first, second].map((server) => half.load({ url: server.url, token, seconds: h.warmupSeconds, connections: half.connections, ...existsRequest }))).catch(() => undefined);
        const both = await Promise.all([first, second].map((server) => half.load({ url: server.url, token, seconds: h.loadSeconds, connections: half.connections, ...existsRequest, cpu: cpuOf(server) })));
        const sum = (key) => both.reduce((total, r) => total + (r[key] ?? 0), 0);
        const answered = both.map((r) => r.ok + r.non2xx);
        const all = answered[0] + answered[1];
        // Each server's CPU is its own; the database and the harness (both loads run in it) are
        // shared, and each load saw all of their CPU: counted once, over both loads' requests.
        const shared = (key) => (both[0].cpuMsPerRequest[key] === null || all === 0 ? null : (both[0].cpuMsPerRequest[key] * answered[0]) / all);
        const cpuMsPerRequest = {
          server: all === 0 || both.some((r) => r.cpuMsPerRequest.server === null) ? null : (both[0].cpuMsPerRequest.server * answered[0] + both[1].cpuMsPerRequest.server * answered[1]) / all,
          database: shared('database'),
          harness: shared('harness'),
        };
        const merged = { rps: sum('rps'), ok: sum('ok'), non2xx: sum('non2xx'), errors: sum('errors'), timeouts: sum('timeouts'), seconds: both[0].seconds, p50: Math.max(...both.map((r) => r.p50 ?? 0)), p99: Math.max(...both.map((r) => r.p99 ?? 0)), cpuMsPerRequest };
        rows.push(row(spec.split, { ...figures(merged), detail: `two px server processes, ${half.connections} connections each` }));
      }
    } catch (error) {
      rows.push(row(spec.exists, { status: 'error', error: error.message }));
    }
    return rows;
  }

  async function stop() {
    await Promise.all(servers.map((server) => server.stop()));
    await sql?.end().catch(() => undefined);
    cluster?.stop();
  }

  /** For an interrupted run: the servers are SIGKILLed by run.mjs; the cluster goes here. */
  function stopCluster() {
    cluster?.stop();
  }

  return { setup, cases: [importCase], loadRows, stop, stopCluster };
}
