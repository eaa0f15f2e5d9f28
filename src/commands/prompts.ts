// Prompts through the lazily loaded Ink layer, with cancellation turned into px's Cancelled
// error (exit 130). Callers check io.interactive first; asking here on a non-interactive run is
// a bug, so it is refused loudly rather than hanging.
import { Cancelled, UsageError } from '../core/errors.js';
import type { Io } from './context.js';

function requireInteractive(io: Io, what: string): void {
  if (!io.interactive) throw new UsageError(`${what} needs an answer and this run is not interactive.`);
}

async function cancellable<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof Error && error.name === 'PromptCancelled') throw new Cancelled();
    throw error;
  }
}

export async function askHidden(io: Io, options: { label: string; target: string }): Promise<string> {
  requireInteractive(io, options.label);
  const ui = await io.ui();
  releaseKeystrokes(io);
  return cancellable(ui.hiddenInput(options));
}

export async function askConfirm(io: Io, message: string, defaultYes = false): Promise<boolean> {
  requireInteractive(io, message);
  const ui = await io.ui();
  releaseKeystrokes(io);
  return cancellable(ui.confirm({ message, defaultYes }));
}

let held: { io: Io; chunks: Buffer[]; onReadable: () => void } | undefined;

/**
 * Runs `work`, which will probably show a hidden prompt, with the terminal's echo off from the
 * start rather than from when Ink mounts (~100 ms later, after the store or endpoint answered):
 * a value typed or pasted early must not appear on screen in clear. Keys that arrive meanwhile
 * are kept and handed to the first prompt; Ctrl+C among them cancels at once (exit 130), since
 * the terminal no longer turns it into SIGINT. Node puts the terminal back at exit.
 */
export async function withKeystrokesHeld<T>(io: Io, work: () => Promise<T>): Promise<T> {
  const stdin = io.stdin;
  if (!io.interactive || !stdin.isTTY || !stdin.setRawMode || held) return work();
  const chunks: Buffer[] = [];
  // Paused-mode reading ('readable', as Ink reads): the stream stays in the mode Ink expects.
  const onReadable = (): void => {
    for (let chunk = stdin.read() as Buffer | string | null; chunk !== null; chunk = stdin.read() as Buffer | string | null) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (bytes.includes(0x03)) {
        stdin.setRawMode?.(false);
        io.stderr.write('error: Cancelled.\n');
        process.exit(130);
      }
      chunks.push(bytes);
    }
  };
  stdin.setRawMode(true);
  stdin.on('readable', onReadable);
  held = { io, chunks, onReadable };
  try {
    return await work();
  } finally {
    // No prompt took the keys over (an error, or nothing to ask): stop reading so px can exit.
    if (releaseKeystrokes(io)) (stdin as { unref?: () => void }).unref?.();
  }
}

/** Hands held keys back to the stream, for Ink to read, and stops collecting; true if it held any. */
function releaseKeystrokes(io: Io): boolean {
  if (!held || held.io !== io) return false;
  const { chunks, onReadable } = held;
  held = undefined;
  io.stdin.removeListener('readable', onReadable);
  if (chunks.length > 0) io.stdin.unshift(Buffer.concat(chunks));
  return true;
}
