// One owner of exit: any error becomes one line on stderr and an exit code.
import { Cancelled, Declined, exitCodeFor, fromSystemError, PxError } from '../core/errors.js';
import { line, type Io } from './io.js';

export function report(io: Io, thrown: unknown): number {
  if (io.env.PX_DEBUG === '1' && thrown instanceof Error && thrown.stack) line(io.stderr, thrown.stack);
  const error = fromSystemError(thrown) ?? thrown;
  if (error instanceof PxError) {
    // A No or a Ctrl+C at a question is the user's choice, not something that went wrong.
    if (error instanceof Declined || error instanceof Cancelled) line(io.stderr, error.message);
    else line(io.stderr, io.color ? `\u001b[31merror:\u001b[39m ${error.message}` : `error: ${error.message}`);
    for (const detail of error.details) line(io.stderr, `  ${detail}`);
    return exitCodeFor(error);
  }
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  line(io.stderr, `error: px failed unexpectedly: ${reason}. Run again with PX_DEBUG=1 for details and report it.`);
  return 1;
}

/** Runs a command's work and turns whatever it throws into an exit code. */
export async function runReported(io: Io, work: (io: Io) => Promise<number>): Promise<number> {
  try {
    return await work(io);
  } catch (error) {
    return report(io, error);
  }
}
