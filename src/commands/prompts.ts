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
  return cancellable(ui.hiddenInput(options));
}

export async function askConfirm(io: Io, message: string, defaultYes = false): Promise<boolean> {
  requireInteractive(io, message);
  const ui = await io.ui();
  return cancellable(ui.confirm({ message, defaultYes }));
}
