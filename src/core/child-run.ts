// Runs a command with secrets added to its environment (`px run`, `px deploy`): values masked in
// its stdout/stderr, its exit code passed through, signals forwarded.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { closeInspectorOpenedBySignal, INSPECTOR_CLOSED } from './debug-signal.js';
import { CommandNotRunnable, UsageError } from './errors.js';
import { childControlReason } from './names.js';
import { maskMatcher, maskPatterns, maskingStream } from './masking.js';

export interface ChildCommand {
  /** argv form: run directly, no shell. */
  argv?: string[];
  /** A command line for the shell (`deploy` in px.config.json as a string). */
  shell?: string;
}

export interface ChildRunOptions {
  command: ChildCommand;
  cwd: string;
  /** The environment the child starts from (px's own), before `secrets` are added. */
  baseEnv: NodeJS.ProcessEnv;
  secrets: ReadonlyMap<string, string>;
  /**
   * The names whose values are masked in the child's output; default every one. Values shorter
   * than MIN_MASKED_LENGTH are never masked (`***` in place of every `1` would garble the output).
   */
  masked?: Iterable<string>;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable;
  /** Signals to forward; defaults to FORWARDED_SIGNALS. */
  signals?: NodeJS.Signals[];
}

/** Values shorter than this are not masked. */
export const MIN_MASKED_LENGTH = 4;

/** Passed on to the command. SIGUSR1/SIGUSR2 too: px itself has no use for them (its own SIGUSR1
 *  is kept from opening Node's inspector) and the command may (log rotation, reloads, dumps). */
export const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', ...(process.platform === 'win32' ? [] : (['SIGUSR1', 'SIGUSR2'] as const))];

/** What a shell would exit with for a command killed by `signal`. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/** Resolves with the child's exit code (128 + signal number when a signal ended it). */
export function runWithSecrets(options: ChildRunOptions): Promise<number> {
  const { command } = options;
  const env: NodeJS.ProcessEnv = { ...options.baseEnv };
  for (const [name, value] of options.secrets) {
    // Stored before px refused such names, or by another tool: passing one would let whoever
    // wrote it choose what the command runs. Leave it out and say so, by name.
    const control = childControlReason(name);
    if (control) {
      options.stderr.write(`warning: not passing ${name}: ${control}.\n`);
      continue;
    }
    // Stored before px refused such values, or by another tool: spawn would fail for every
    // command, with the value in its error message. Leave this one out and say so, by name.
    if (value.includes('\0')) {
      options.stderr.write(`warning: not passing ${name}: its value holds a NUL character, which no environment variable can hold.\n`);
    } else env[name] = value;
  }
  const [file, ...args] = command.argv ?? [];
  if (!command.shell && !file) throw new UsageError('Name the command to run after --, e.g. `px run -- npm start`.');
  let child: ChildProcess;
  try {
    child = command.shell
      ? spawn(command.shell, { cwd: options.cwd, env, shell: true, stdio: ['inherit', 'pipe', 'pipe'] })
      : spawn(file, args, { cwd: options.cwd, env, stdio: ['inherit', 'pipe', 'pipe'] });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'E2BIG') throw error;
    const kib = Math.ceil([...options.secrets].reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value) + 2, 0) / 1024);
    throw new CommandNotRunnable(
      126,
      `${command.shell ? 'the shell' : file}: cannot be started, its arguments and environment are larger than the system allows (E2BIG); the ${options.secrets.size} secrets px adds take ${kib} KiB: pass fewer or smaller secrets, or shorter arguments.`,
    );
  }
  // Every value px knows is masked, also one it could not pass on: CMD may print it from elsewhere.
  const maskedNames = options.masked ? new Set(options.masked) : null;
  const values = [...options.secrets]
    .filter(([name, value]) => (maskedNames === null || maskedNames.has(name)) && value.length >= MIN_MASKED_LENGTH)
    .map(([, value]) => value);
  // One automaton for the run, shared by both outputs.
  const matcher = maskMatcher(maskPatterns(values));
  const out = child.stdout!.pipe(maskingStream(matcher));
  const err = child.stderr!.pipe(maskingStream(matcher));
  out.pipe(options.stdout, { end: false });
  err.pipe(options.stderr, { end: false });

  // A Ctrl+C typed in the terminal already reaches the child (same process group): forwarding
  // SIGINT too would deliver it twice. Signals sent to px alone (kill, a supervisor) are forwarded.
  const fromTerminal = Boolean(options.stdin.isTTY);
  const signals = options.signals ?? FORWARDED_SIGNALS;
  const forward = (signal: NodeJS.Signals): void => {
    if (signal === 'SIGINT' && fromTerminal) return;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of signals) process.on(signal, forward);
  // px holds every value for as long as the command runs: no inspector may stay open on it.
  setImmediate(() => {
    if (closeInspectorOpenedBySignal(options.baseEnv)) options.stderr.write(`warning: ${INSPECTOR_CLOSED}\n`);
  });
  const cleanup = (): void => {
    for (const signal of signals) process.off(signal, forward);
  };

  return new Promise<number>((resolve, reject) => {
    let outputsOpen = 2;
    let exit: number | undefined;
    const finish = (): void => {
      if (outputsOpen === 0 && exit !== undefined) {
        cleanup();
        resolve(exit);
      }
    };
    const closed = (): void => {
      outputsOpen--;
      finish();
    };
    // Wait for both masked outputs to end, so nothing the child printed is lost.
    out.on('end', closed);
    err.on('end', closed);
    child.on('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      const name = command.shell ? 'the shell' : file;
      if (error.code === 'ENOENT') reject(new CommandNotRunnable(127, `${name}: command not found. Check the spelling and your PATH.`));
      else if (error.code === 'EACCES') reject(new CommandNotRunnable(126, `${name}: permission denied (is it executable?).`));
      else reject(error);
    });
    child.on('exit', (code, signal) => {
      exit = code ?? (signal ? signalExitCode(signal) : 1);
      finish();
    });
  });
}

