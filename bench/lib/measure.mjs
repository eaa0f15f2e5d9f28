// How one sample is taken: a timed child process, a timed pseudo-terminal prompt, a `px server`
// started for a case, a load run with autocannon, and the server's peak memory.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const NODE = process.execPath;
const TAIL = 600;

/** Every child still running, so an interrupted run can stop what it started (by pid). */
const live = new Set();

export function stopAll() {
  for (const child of live) {
    try {
      process.kill(child.detachedGroup ? -child.pid : child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

export function track(child, detachedGroup = false) {
  child.detachedGroup = detachedGroup;
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

export const elapsedMs = (start) => Number(process.hrtime.bigint() - start) / 1e6;

function keepTail(stream, sink) {
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk) => {
    sink.text = (sink.text + chunk).slice(-TAIL);
  });
}

/** The last meaningful line of a child's output, for an error row. */
export function lastLine(text) {
  const lines = stripAnsi(text)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.at(-1) ?? '';
}

// CSI, OSC and two-character escapes: enough to find text in Ink's output.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
export const stripAnsi = (text) => text.replace(ANSI, '');

/**
 * Runs `node ARGS` to completion and times it from spawn to exit. stdout and stderr are pipes
 * (drained), stdin is /dev/null unless `input` is given (then it is written and closed).
 * Resolves { ms } or { error }.
 */
export function timeNode(args, { cwd, env, input, expectCode = 0, timeoutMs = 120_000 }) {
  return new Promise((resolve) => {
    const out = { text: '' };
    const err = { text: '' };
    const start = process.hrtime.bigint();
    const child = track(spawn(NODE, args, { cwd, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] }));
    let ms;
    let settled = false;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ error: `timed out after ${timeoutMs / 1000} s` });
    }, timeoutMs);
    keepTail(child.stdout, out);
    keepTail(child.stderr, err);
    if (input !== undefined) {
      child.stdin.on('error', () => {}); // the child may exit without reading
      child.stdin.end(input);
    }
    child.on('error', (error) => finish({ error: error.message }));
    child.on('exit', () => {
      ms = elapsedMs(start);
    });
    // 'close' comes after the pipes are drained: the tail of stderr is complete by then.
    child.on('close', (code, signal) => {
      if (code === expectCode) finish({ ms });
      else finish({ error: `exit ${code ?? signal}${lastLine(err.text || out.text) ? `: ${lastLine(err.text || out.text)}` : ''}` });
    });
  });
}

/** Why the pseudo-terminal case cannot run here, or null when util-linux script(1) is present. */
export function ptyUnavailableReason() {
  if (process.platform === 'win32') return 'needs script(1) (util-linux); not available on Windows';
  const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (probe.error) return 'needs script(1) (util-linux); it is not installed';
  if (!/util-linux/.test(`${probe.stdout}${probe.stderr}`)) return 'needs script(1) from util-linux (this one is another implementation)';
  return null;
}

export const shellQuote = (word) => `'${String(word).replace(/'/g, `'\\''`)}'`;

/**
 * Starts `node ARGS` on a pseudo-terminal (util-linux `script -qfec CMD /dev/null`) and times it
 * from spawn until its output contains `waitFor`; then presses Esc, as a user cancelling the
 * prompt would, and waits for it to exit (so it ends as a real run does, writing its code cache),
 * stopping it by signal only if it does not. The time includes script(1), `sh -c` and stty(1), a
 * few milliseconds.
 */
export function timePrompt(args, { cwd, env, waitFor, timeoutMs = 30_000 }) {
  // script(1) fed from a pipe gives the terminal 0×0 cells: set a usual size before px starts.
  const command = `stty cols 100 rows 30 2>/dev/null; exec ${[NODE, ...args].map(shellQuote).join(' ')}`;
  return new Promise((resolve) => {
    const out = { text: '' };
    let seen = '';
    const start = process.hrtime.bigint();
    const child = track(
      spawn('script', ['-qfec', command, '/dev/null'], { cwd, env: { ...env, SHELL: '/bin/sh' }, stdio: ['pipe', 'pipe', 'pipe'], detached: true }),
      true,
    );
    let result;
    const signal = (name) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, name); // script(1) and, through the closed terminal, px
      } catch {
        // already gone
      }
    };
    const stop = (r, { cancel = false } = {}) => {
      if (result) return;
      result = r;
      clearTimeout(timer);
      if (cancel) child.stdin.write('\u001b');
      else signal('SIGTERM');
      // If it does not go quietly, it goes anyway.
      setTimeout(() => signal('SIGTERM'), 3000).unref();
      setTimeout(() => signal('SIGKILL'), 5000).unref();
    };
    const timer = setTimeout(() => stop({ error: `no "${waitFor}" within ${timeoutMs / 1000} s; last output: ${lastLine(out.text) || '(none)'}` }), timeoutMs);
    child.stdin.on('error', () => {});
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out.text = (out.text + chunk).slice(-TAIL);
      seen = (seen + chunk).slice(-8192);
      if (!result && stripAnsi(seen).includes(waitFor)) stop({ ms: elapsedMs(start) }, { cancel: true });
    });
    keepTail(child.stderr, out);
    child.on('error', (error) => stop({ error: error.message }));
    child.on('close', (code, signal) => {
      if (!result) stop({ error: `exited (${code ?? signal}) before showing "${waitFor}": ${lastLine(out.text) || '(no output)'}` });
      resolve(result); // after the terminal is gone, so runs never overlap
    });
  });
}

/**
 * Starts `px server --port 0` in `cwd` and waits for the URL it prints on stderr.
 * Returns { url, pid, token, stop() }.
 */
export function startServer(pxBin, { cwd, env, timeoutMs = 30_000 }) {
  return new Promise((resolve, reject) => {
    const err = { text: '' };
    let buffer = '';
    const child = track(spawn(NODE, [pxBin, 'server', '--port', '0'], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] }));
    const fail = (message) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(message));
    };
    const timer = setTimeout(() => fail(`px server printed no URL within ${timeoutMs / 1000} s: ${lastLine(err.text) || '(no output)'}`), timeoutMs);
    child.stderr.setEncoding('utf8');
    const onData = (chunk) => {
      err.text = (err.text + chunk).slice(-TAIL);
      buffer += chunk;
      // px server logs JSON lines: the URL ends at a quote there.
      const match = /\bat (https?:\/\/[^\s"]+?)[.,;]?(?:[\s"]|$)/.exec(stripAnsi(buffer));
      if (!match) return;
      clearTimeout(timer);
      child.stderr.off('data', onData);
      child.stderr.resume(); // keep draining: warnings must never block the server
      let token = '';
      try {
        token = readFileSync(join(cwd, '.px', 'server-token'), 'utf8').trim();
      } catch {
        // only the load cases need it; they say so
      }
      resolve({
        url: match[1].replace(/\/+$/, ''),
        pid: child.pid,
        token,
        stop: () => stopChild(child),
      });
    };
    child.stderr.on('data', onData);
    child.on('error', (error) => fail(error.message));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`px server exited (${code ?? signal}) before listening: ${lastLine(err.text) || '(no output)'}`));
    });
  });
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Peak resident set size (VmHWM) of a process in MiB, or null where /proc is not there. */
export function peakMemoryMiB(pid) {
  if (process.platform !== 'linux') return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * GET /secrets/:name/exists for each of `names` (10,000 in the bench), one in ten replaced by a
 * name that is not stored, in an order that mixes both.
 */
export function existsRequestList(names) {
  return names.map((name, n) => ({ method: 'GET', path: `/secrets/${n % 10 === 9 ? `ABSENT_${n % 1000}` : name}/exists` }));
}

/**
 * CPU seconds (user + system) a process has used so far, or null where /proc is not there. The
 * kernel reports them in USER_HZ, which is 100 on every Linux.
 */
export function cpuSeconds(pid) {
  if (process.platform !== 'linux') return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * One autocannon run on keep-alive connections, one request at a time on each. Requests come from
 * `next()` ({ method, path, body? }), built as each is sent, or from `requests`, a fixed list that
 * the connections share out (each cycles over its own part), built once per run: the harness
 * shares the machine with the server, and what it spends building requests is taken from the
 * server. `cpu` maps a name (server, database) to a function giving the ids of its processes,
 * asked before and after: one that started meanwhile counts whole, one that ended is not counted.
 * Resolves { rps, p50, p99, ok, non2xx, errors, timeouts, seconds, cpuMsPerRequest }: rps and
 * latencies (ms) count 2xx only; CPU per request (ms) counts every answered request, with
 * `harness` for this process (the load generator).
 */
export async function load({ url, token, seconds, connections, next, requests, cpu = {} }) {
  const { default: autocannon } = await import('autocannon');
  // autocannon's own histogram counts whole milliseconds; keep every 2xx latency for finer p50/p99.
  const latencies = [];
  const share = requests ? Math.ceil(requests.length / connections) : 0;
  const parts = requests ? Array.from({ length: connections }, (_, i) => requests.slice(i * share, (i + 1) * share)) : [];
  let connection = 0;
  const usage = (pids) => new Map(pids().map((pid) => [pid, cpuSeconds(pid)]).filter(([, used]) => used !== null));
  const before = Object.fromEntries(Object.entries(cpu).map(([name, pids]) => [name, usage(pids)]));
  const harnessBefore = process.cpuUsage();
  const result = await new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        pipelining: 1,
        duration: seconds,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(requests
          ? { requests: [requests[0]], setupClient: (client) => client.setRequests(parts[connection++ % connections]) }
          : { requests: [{ setupRequest: (request) => ({ ...request, ...next() }) }] }),
      },
      (error, res) => (error ? reject(error) : resolve(res)),
    );
    instance.on('error', () => {}); // counted in the result
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
  });
  const harness = process.cpuUsage(harnessBefore);
  const seconds_ = result.duration || seconds;
  const answered = result['2xx'] + result.non2xx;
  const perRequest = (used) => (used === null || answered === 0 ? null : (used * 1000) / answered);
  const cpuMsPerRequest = Object.fromEntries(
    Object.entries(cpu).map(([name, pids]) => {
      const after = usage(pids);
      let used = 0;
      for (const [pid, now] of after) used += now - (before[name].get(pid) ?? 0);
      return [name, after.size === 0 ? null : perRequest(used)];
    }),
  );
  cpuMsPerRequest.harness = perRequest((harness.user + harness.system) / 1e6);
  latencies.sort((a, b) => a - b);
  const percentile = (q) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] : null);
  return {
    rps: result['2xx'] / seconds_,
    p50: percentile(0.5),
    p99: percentile(0.99),
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: seconds_,
    cpuMsPerRequest,
  };
}
