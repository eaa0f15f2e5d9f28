// The streams, environment and interactivity of one px run. Commands get one of these instead of
// touching `process`, so tests can drive them with fake streams and a test renderer.
import { isatty } from 'node:tty';
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

export function processIo(argv: readonly string[]): Io {
  // Node builds process.stdin/stderr on first use, which costs start-up time: ask the file
  // descriptors whether they are terminals, and touch the streams only when needed.
  const ttys = { stdin: isatty(0), stdout: isatty(1), stderr: isatty(2) };
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
      return (stdout ??= quietOnEpipe(process.stdout) as OutStream);
    },
    get stderr() {
      return (stderr ??= quietOnEpipe(process.stderr) as OutStream);
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
