// The terminal while a full-screen app runs: the alternate screen, no cursor, raw input. It is
// given back on every way out (quit, Ctrl+C, SIGTERM, SIGHUP, an exception nobody caught, any
// process exit), so the shell never finds itself in raw mode or on the alternate screen.
import { writeSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';

export const ENTER_FULL_SCREEN = '\u001b[?1049h\u001b[?25l';
export const LEAVE_FULL_SCREEN = '\u001b[?25h\u001b[?1049l';

type Terminal = { stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown }; stdout: Writable & { fd?: number } };

export interface FullScreen {
  /** Leaves the alternate screen and cooked mode back; safe to call more than once. */
  release(): void;
}

/** What a process's signals and failures are reported through; tests pass their own. */
export interface ProcessHooks {
  on(event: 'SIGTERM' | 'SIGHUP' | 'exit' | 'uncaughtException', listener: (arg?: unknown) => void): void;
  off(event: 'SIGTERM' | 'SIGHUP' | 'exit' | 'uncaughtException', listener: (arg?: unknown) => void): void;
  exit(code: number): void;
  /** Where a one-line crash report goes. */
  reportCrash(error: unknown): void;
}

const nodeProcess: ProcessHooks = {
  on: (event, listener) => void process.on(event as 'exit', listener),
  off: (event, listener) => void process.off(event as 'exit', listener),
  exit: (code) => process.exit(code),
  reportCrash(error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    process.stderr.write(`error: px ui failed unexpectedly: ${reason}. Run again with PX_DEBUG=1 for details and report it.\n`);
    if (process.env.PX_DEBUG === '1' && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  },
};

/**
 * Enters the alternate screen. `stop` unmounts the app (so its last frame lands on the alternate
 * screen, not in the shell's scrollback) and is called before the terminal is given back on a
 * signal or a crash.
 */
export function enterFullScreen(terminal: Terminal, stop: () => void, hooks: ProcessHooks = nodeProcess): FullScreen {
  let released = false;
  const write = (text: string): void => {
    // At exit nothing asynchronous runs any more: write to the descriptor directly.
    if (typeof terminal.stdout.fd === 'number') writeSync(terminal.stdout.fd, text);
    else terminal.stdout.write(text);
  };
  const release = (): void => {
    if (released) return;
    released = true;
    for (const [event, listener] of listeners) hooks.off(event, listener);
    try {
      terminal.stdin.setRawMode?.(false);
    } catch {
      // stdin already closed: nothing to give back
    }
    write(LEAVE_FULL_SCREEN);
  };
  const leave = (code: number, error?: unknown) => {
    try {
      stop();
    } catch {
      // the app is already broken; the terminal still comes back
    }
    release();
    if (error !== undefined) hooks.reportCrash(error);
    hooks.exit(code);
  };
  const listeners: Array<['SIGTERM' | 'SIGHUP' | 'exit' | 'uncaughtException', (arg?: unknown) => void]> = [
    // 128 + the signal's number, as a shell reports a process a signal ended.
    ['SIGTERM', () => leave(143)],
    ['SIGHUP', () => leave(129)],
    ['uncaughtException', (error) => leave(1, error)],
    ['exit', () => release()],
  ];
  for (const [event, listener] of listeners) hooks.on(event, listener);
  write(ENTER_FULL_SCREEN);
  return { release };
}
