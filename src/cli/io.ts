// The streams, environment and interactivity of one px run. Commands get one of these instead of
// touching `process`, so tests can drive them with fake streams and a test renderer.
import { fstatSync } from 'node:fs';
import { fdStream } from './fd-stream.js';
import type { Ui } from '../../components/ui.js';
import { colorEnabled, isInteractive, type InStream, type OutStream } from '../core/interactive.js';
import { openKeychain, type Keychain } from '../core/keychain.js';
import type { Transport } from '../core/endpoint-client.js';

export type { InStream, OutStream };

export interface Io {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: InStream;
  stdout: OutStream;
  stderr: OutStream;
  /** stdin and stdout are TTYs and CI is unset: prompts, spinners and tables may be shown. */
  interactive: boolean;
  color: boolean;
  /** The Ink layer, loaded on first use; never called on non-interactive paths. */
  ui(): Promise<Ui>;
  /** Tests may hand in another keychain; px itself always uses the OS keychain. */
  keychain?: () => Keychain;
  /** Tests may hand in the endpoint client's connector, to see whether px would connect. */
  transport?: () => Transport;
}

/** The keychain of this run: the OS keychain unless a test injected one. */
export function keychainOf(io: Io): Keychain {
  return io.keychain?.() ?? openKeychain(io.env);
}

/** Once the reader of a pipe is gone (`px secret list --json | head -1`), stop quietly. */
function quietOnEpipe<T extends NodeJS.WritableStream>(stream: T): T {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  return stream;
}

/**
 * isatty(fd), loading node:tty (and with it Node's net and stream modules) only for a character
 * device: a pipe, a file or a socket, where scripts run px, is never a terminal.
 */
function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return process.getBuiltinModule('node:tty').isatty(fd);
}

/**
 * `direct`: stdout and stderr, where they are not terminals, are written through fdStream instead
 * of Node's streams (the fast path; see main.ts for the commands that keep Node's).
 */
export function processIo(argv: readonly string[], options: { direct?: boolean } = {}): Io {
  // Node builds process.stdin/stderr on first use, which costs start-up time: ask the file
  // descriptors whether they are terminals, and touch the streams only when needed. stdin is
  // asked only when stdout is a terminal: interactive needs both.
  const stdoutTty = isTerminal(1);
  const ttys = { stdin: stdoutTty && isTerminal(0), stdout: stdoutTty, stderr: isTerminal(2) };
  let stdin: InStream | undefined;
  let stdout: OutStream | undefined;
  let stderr: OutStream | undefined;
  let loaded: Promise<Ui> | undefined;
  const io: Io = {
    cwd: process.cwd(),
    env: process.env,
    get stdin() {
      return (stdin ??= process.stdin as InStream);
    },
    get stdout() {
      return (stdout ??= quietOnEpipe(options.direct && !ttys.stdout ? fdStream(1) : (process.stdout as OutStream)));
    },
    get stderr() {
      return (stderr ??= quietOnEpipe(options.direct && !ttys.stderr ? fdStream(2) : (process.stderr as OutStream)));
    },
    interactive: isInteractive({ isTTY: ttys.stdin }, { isTTY: ttys.stdout }, process.env),
    color: colorEnabled({ isTTY: ttys.stderr }, process.env, argv),
    ui() {
      loaded ??= import('../../components/ui.js').then((m) => m.createInkUi({ stdin: io.stdin, stdout: io.stdout, stderr: io.stderr }, { color: io.color }));
      return loaded;
    },
  };
  return io;
}

/** Writes one line to a stream. */
export function line(stream: OutStream, text = ''): void {
  stream.write(`${text}\n`);
}

/** A warning line on stderr (yellow when color is on). */
export function warn(io: Io, text: string): void {
  line(io.stderr, io.color ? `\u001b[33mwarning:\u001b[39m ${text}` : `warning: ${text}`);
}
