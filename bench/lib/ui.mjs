// The full-screen UI on a pseudo-terminal, as the prompt case measures the hidden prompt: the time
// to its first frame holding the secrets, and the time from a filter keystroke to the frame that
// shows the filtered list (with 10,000 secrets).
import { spawn } from 'node:child_process';
import { elapsedMs, lastLine, shellQuote, stripAnsi, track } from './measure.mjs';

const NODE = process.execPath;
/** Ink ends every frame with the end of a synchronized update. */
const END_OF_FRAME = '\u001b[?2026l';
/** Between keystrokes, as a quick typist leaves them; not part of any measurement. */
const TYPING_GAP_MS = 120;

/** Starts `node ARGS` on a 100×30 pseudo-terminal; `read()` is everything it printed so far. */
function startOnPty(args, { cwd, env }) {
  const command = `stty cols 100 rows 30 2>/dev/null; exec ${[NODE, ...args].map(shellQuote).join(' ')}`;
  const child = track(spawn('script', ['-qfec', command, '/dev/null'], { cwd, env: { ...env, SHELL: '/bin/sh' }, stdio: ['pipe', 'pipe', 'pipe'], detached: true }), true);
  let raw = '';
  const waiters = new Set();
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    raw += chunk;
    for (const waiter of waiters) waiter();
  });
  child.stdin.on('error', () => {});
  const closed = new Promise((resolve) => child.on('close', resolve));
  const kill = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  return {
    child,
    /** Resolves with the time `text` (after `from`) and the end of its frame were seen. */
    waitForFrame(text, from, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const at = raw.indexOf(text, from);
          if (at >= 0 && raw.indexOf(END_OF_FRAME, at) >= 0) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(raw.indexOf(END_OF_FRAME, at) + END_OF_FRAME.length);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no "${text}" within ${timeoutMs / 1000} s; last output: ${lastLine(raw.slice(-2000)) || '(none)'}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    /** Where the output ends now, as plain text is searched from there. */
    get length() {
      return raw.length;
    },
    type: (text) => child.stdin.write(text),
    async quit() {
      child.stdin.write('q');
      const timer = setTimeout(() => kill('SIGTERM'), 3000);
      const killer = setTimeout(() => kill('SIGKILL'), 5000);
      await closed;
      clearTimeout(timer);
      clearTimeout(killer);
    },
    stripped: () => stripAnsi(raw),
  };
}

/** Time from spawn to the first frame whose status line names `waitFor` (`100 rows`). */
export async function timeUiFirstFrame(args, { cwd, env, waitFor, timeoutMs = 30_000 }) {
  const start = process.hrtime.bigint();
  const ui = startOnPty(args, { cwd, env });
  try {
    await ui.waitForFrame(waitFor, 0, timeoutMs);
    return { ms: elapsedMs(start) };
  } catch (error) {
    return { error: error.message };
  } finally {
    await ui.quit();
  }
}

/** How many of `names` contain `filter`, ignoring case, as the UI counts them. */
const matching = (names, filter) => names.filter((name) => name.toLowerCase().includes(filter.toLowerCase())).length;

/**
 * Opens the UI over `names.length` secrets, presses `/`, then types `keys` one at a time (a
 * backspace is '\x7f'): each keystroke is timed from the write to the end of the frame whose
 * title shows the new filter and its count. Resolves { ms: the median of this run } or { error }.
 */
export async function timeFilterKeystrokes(args, { cwd, env, names, keys, timeoutMs = 30_000 }) {
  const ui = startOnPty(args, { cwd, env });
  const total = names.length;
  try {
    let from = await ui.waitForFrame(`${total} rows`, 0, timeoutMs);
    ui.type('/');
    from = await ui.waitForFrame(`filter ▏ · ${total} of ${total}`, from, timeoutMs);
    let filter = '';
    const samples = [];
    for (const key of keys) {
      await new Promise((resolve) => setTimeout(resolve, TYPING_GAP_MS));
      filter = key === '\u007f' ? filter.slice(0, -1) : filter + key;
      const start = process.hrtime.bigint();
      const mark = ui.length;
      ui.type(key);
      from = await ui.waitForFrame(`filter ${filter}▏ · ${matching(names, filter)} of ${total}`, Math.max(from, mark), timeoutMs);
      samples.push(elapsedMs(start));
    }
    samples.sort((a, b) => a - b);
    const mid = samples.length >> 1;
    return { ms: samples.length % 2 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2 };
  } catch (error) {
    return { error: error.message };
  } finally {
    await ui.quit();
  }
}
