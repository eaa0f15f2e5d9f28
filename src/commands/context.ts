// The streams, environment and interactivity of one px run. Commands get one of these instead of
// touching `process`, so tests can drive them with fake streams and a test renderer.
import type { Ui } from '../../components/ui.js';
import { colorEnabled, isInteractive, type InStream, type OutStream } from '../core/interactive.js';
import { openKeychain, type Keychain } from '../core/keychain.js';

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
}

/** The keychain of this run: the OS keychain unless a test injected one. */
export function keychainOf(io: Io): Keychain {
  return io.keychain?.() ?? openKeychain(io.env);
}

export function processIo(argv: readonly string[]): Io {
  const stdin = process.stdin as InStream;
  const stdout = process.stdout as OutStream;
  const stderr = process.stderr as OutStream;
  let loaded: Promise<Ui> | undefined;
  return {
    cwd: process.cwd(),
    env: process.env,
    stdin,
    stdout,
    stderr,
    interactive: isInteractive(stdin, stdout, process.env),
    color: colorEnabled(stderr, process.env, argv),
    ui() {
      loaded ??= import('../../components/ui.js').then((m) => m.createInkUi({ stdin, stdout, stderr }));
      return loaded;
    },
  };
}

/** Writes one line to a stream. */
export function line(stream: OutStream, text = ''): void {
  stream.write(`${text}\n`);
}

/** A warning line on stderr (yellow when color is on). */
export function warn(io: Io, text: string): void {
  line(io.stderr, io.color ? `\u001b[33mwarning:\u001b[39m ${text}` : `warning: ${text}`);
}
