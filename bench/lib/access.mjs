// Bench cases of the access model: POST /secrets/values for 10 names under load (auditing on, as
// always), and `px run` reading its secrets from a px server with a service token, next to the
// local-store `px run`.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const NAMES = Array.from({ length: 10 }, (_, i) => `SERVICE_SECRET_${i}`);

async function call(url, token, method, path, body) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', connection: 'close' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * `px` runs the CLI in a context, `serve` starts `px server` in a directory, `freshDir` makes one.
 * Returns the CLI case, the fixture that the cases need ('access') and the load row.
 */
export function accessBench({ px, serve, freshDir, env }) {
  const state = {};
  const cwd = freshDir('access');

  async function setUp() {
    writeFileSync(join(cwd, '.env.secrets.example'), `${NAMES.map((name) => `${name}=`).join('\n')}\n`);
    const dotenv = join(cwd, 'seed.env');
    writeFileSync(dotenv, `${NAMES.map((name) => `${name}=${randomBytes(24).toString('base64url')}`).join('\n')}\n`);
    const seeded = await px(['secret', 'import', dotenv, '--yes'], { cwd, env });
    if (seeded.error) return seeded;
    const server = await serve(cwd);
    const { token } = await call(server.url, server.token, 'POST', '/tokens', { role: 'service', name: 'bench' });
    const request = await call(server.url, token, 'POST', '/access-requests', { names: NAMES });
    await call(server.url, server.token, 'POST', `/access-requests/${request.id}/approve`);
    Object.assign(state, { server, token });
    return {};
  }

  const runCase = {
    id: 'server/run-service',
    mode: 'server',
    label: 'px run -- node -e 0',
    detail: `service token, ${NAMES.length} secrets in one request`,
    goal: { maxRatioTo: { id: 'local/run', max: 2 } },
    needs: ['access'],
    run: () => px(['run', '--', process.execPath, '-e', '0'], { cwd, env: { ...env, PX_URL: state.server.url, PX_TOKEN: state.token } }),
  };

  const loadRow = { id: 'server/load-values', label: `POST /secrets/values (${NAMES.length} names, audited)`, goal: { minRps: 5000 } };

  async function loadValues({ load, roundAll, seconds, warmupSeconds, connections, progress, peakMemoryMiB }) {
    const body = JSON.stringify({ names: NAMES });
    const next = () => ({ method: 'POST', path: '/secrets/values', body });
    progress(`load: warm-up ${warmupSeconds} s, then POST /secrets/values for ${seconds} s`);
    await load({ url: state.server.url, token: state.token, seconds: warmupSeconds, connections, next }).catch(() => {});
    const r = await load({ url: state.server.url, token: state.token, seconds, connections, next, cpu: { server: () => [state.server.pid] } });
    const problems = [r.non2xx && `${r.non2xx} non-2xx`, r.errors && `${r.errors} errors`, r.timeouts && `${r.timeouts} timeouts`].filter(Boolean).join(', ');
    return {
      ...loadRow,
      kind: 'load',
      status: r.ok > 0 ? 'ok' : 'error',
      rps: Math.round(r.rps),
      p50Ms: Math.round(r.p50 * 100) / 100,
      p99Ms: Math.round(r.p99 * 100) / 100,
      requests: r.ok,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      seconds: r.seconds,
      connections,
      peakMiBAfter: Math.round(peakMemoryMiB(state.server.pid) * 10) / 10,
      cpuMsPerRequest: roundAll(r.cpuMsPerRequest),
      ...(r.ok === 0 ? { error: `no 2xx response (${problems || 'nothing answered'})` } : problems ? { note: `${problems} (not counted in the throughput)` } : {}),
    };
  }

  return { setUp, cases: [runCase], loadRow, loadValues };
}

/** The ratio of a row's median to another row's (goal `maxRatioTo`), once both are measured. */
export function relateRows(rows) {
  for (const row of rows) {
    const to = row.goal?.maxRatioTo;
    if (!to || row.status !== 'ok') continue;
    const other = rows.find((candidate) => candidate.id === to.id);
    row.relativeRatio = other?.status === 'ok' && other.median ? Math.round((row.median / other.median) * 100) / 100 : null;
    if (row.relativeRatio !== null) row.note = `${row.relativeRatio}× ${to.id} (goal ≤ ${to.max}×)`;
  }
  return rows;
}
