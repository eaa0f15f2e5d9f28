// Prompts through the lazily loaded Ink layer, with cancellation turned into px's Cancelled
// error (exit 130). Callers check io.interactive first; asking here on a non-interactive run is
// a bug, so it is refused loudly rather than hanging.
import { Cancelled, UsageError } from '../core/errors.js';
import type { Io } from './io.js';
import { report } from './error-report.js';

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
  // Keys typed before the prompt showed were meant for it.
  const resume = suspendHolding(io, 'hand over');
  try {
    return await cancellable(ui.hiddenInput(options));
  } finally {
    resume();
  }
}

export async function askConfirm(io: Io, message: string, defaultYes = false): Promise<boolean> {
  requireInteractive(io, message);
  const ui = await io.ui();
  // Keys typed before a question showed were not an answer to it (an early Enter would answer
  // "Replace it?"): dropped, as sudo drops typeahead.
  const resume = suspendHolding(io, 'drop');
  try {
    return await cancellable(ui.confirm({ message, defaultYes }));
  } finally {
    resume();
  }
}

interface Held {
  io: Io;
  chunks: Buffer[];
  onReadable: () => void;
  collecting: boolean;
  /** The held keys went to a hidden prompt already: what comes later is dropped. */
  handedOver: boolean;
}

let held: Held | undefined;

/**
 * Runs `work`, which may ask something (a hidden prompt, a y/N question), with the terminal's
 * echo off from the start rather than from when Ink mounts (~100 ms later, after the store or
 * endpoint answered):
 * a value typed or pasted early must not appear on screen in clear. Keys that arrive meanwhile
 * are kept for the hidden prompt, and once it is answered echo stays off until `work` ends (keys
 * typed while the value is being saved are dropped, never echoed or left for the shell). Ctrl+C
 * among held keys cancels at once (exit 130), since the terminal no longer turns it into SIGINT.
 * Node puts the terminal back at exit.
 */
export async function withKeystrokesHeld<T>(io: Io, work: () => Promise<T>): Promise<T> {
  const stdin = io.stdin;
  if (!io.interactive || !stdin.isTTY || !stdin.setRawMode || held) return work();
  const state: Held = { io, chunks: [], onReadable: () => undefined, collecting: false, handedOver: false };
  // Paused-mode reading ('readable', as Ink reads): the stream stays in the mode Ink expects.
  state.onReadable = (): void => {
    for (let chunk = stdin.read() as Buffer | string | null; chunk !== null; chunk = stdin.read() as Buffer | string | null) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (bytes.includes(0x03)) {
        stdin.setRawMode?.(false);
        // A hard exit: the request px is waiting on would keep it alive for its whole timeout.
        // Once a value was given, it may be on its way: say so rather than a plain "Cancelled."
        const saving = state.handedOver ? new Cancelled('Cancelled; the value may already have been saved: check with `px secret list` or `px creds list`.') : new Cancelled();
        process.exit(report(io, saving));
      }
      state.chunks.push(bytes);
    }
  };
  held = state;
  collect(state);
  try {
    return await work();
  } finally {
    stopCollecting(state);
    held = undefined;
    // Stop reading, whoever read last (this, or a prompt that failed before it let go), so that px
    // can exit; a later prompt ref()s stdin again.
    (stdin as { unref?: () => void }).unref?.();
  }
}

function collect(state: Held): void {
  if (state.collecting) return;
  state.io.stdin.setRawMode?.(true);
  state.io.stdin.on('readable', state.onReadable);
  state.collecting = true;
}

function stopCollecting(state: Held): void {
  if (!state.collecting) return;
  state.io.stdin.removeListener('readable', state.onReadable);
  state.collecting = false;
}

/**
 * Lets a prompt read the keyboard: the held keys go back to the stream for it (`hand over`, the
 * first hidden prompt only) or are dropped. Returns how to resume holding once it is answered.
 */
function suspendHolding(io: Io, keys: 'hand over' | 'drop'): () => void {
  const state = held;
  if (!state || state.io !== io) return () => undefined;
  stopCollecting(state);
  if (keys === 'hand over' && !state.handedOver && state.chunks.length > 0) io.stdin.unshift(Buffer.concat(state.chunks));
  if (keys === 'hand over') state.handedOver = true;
  state.chunks = [];
  return () => {
    if (held === state) collect(state);
  };
}

/**
 * Runs `work`, an Ink screen that reads the keyboard itself (the setup wizard, `px ui`), with the
 * keys held so far handed to it; holding resumes once it is done.
 */
export async function withKeyboardHandedOver<T>(io: Io, work: () => Promise<T>): Promise<T> {
  const resume = suspendHolding(io, 'hand over');
  try {
    return await work();
  } finally {
    resume();
  }
}
