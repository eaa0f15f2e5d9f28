// Every failure px reports is one of these kinds; `exitCodeFor` maps them to the README's exit-code table
// in one place. Messages are shown to users as they are: say what happened and what to do next,
// and never include a secret value.

export type ErrorKind =
  | 'usage' // 2: bad flags, invalid name/value, unreadable or malformed file, prompt needed
  | 'not-found' // 1: NAME not found, `exists` says no
  | 'refused' // 1: NAME exists without --force, and other refused states
  | 'unreachable' // 3: endpoint unreachable or timed out
  | 'auth' // 4: 401/403, keychain locked or unavailable
  | 'endpoint' // 5: 5xx, malformed response
  | 'cancelled' // 130: Ctrl+C, Esc
  | 'not-runnable'; // 127/126: the command for `px run`/`px deploy` could not be started (as a shell)

const EXIT_CODES: Record<ErrorKind, number> = {
  usage: 2,
  'not-found': 1,
  refused: 1,
  unreachable: 3,
  auth: 4,
  endpoint: 5,
  cancelled: 130,
  'not-runnable': 127,
};

export class PxError extends Error {
  readonly kind: ErrorKind;
  /** Extra lines shown under the one-line message (e.g. every malformed line of a file). */
  readonly details: string[];

  constructor(kind: ErrorKind, message: string, options: { details?: string[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PxError';
    this.kind = kind;
    this.details = options.details ?? [];
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }
}

export class UsageError extends PxError {
  constructor(message: string, options?: { details?: string[]; cause?: unknown }) {
    super('usage', message, options);
  }
}
export class NotFound extends PxError {
  constructor(message: string) {
    super('not-found', message);
  }
}
export class Refused extends PxError {
  constructor(message: string, options?: { details?: string[] }) {
    super('refused', message, options);
  }
}
/** The user answered No at a question: not an error, so it is said without `error:` (exit 1). */
export class Declined extends PxError {
  constructor(message: string) {
    super('refused', message);
  }
}
export class Unreachable extends PxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unreachable', message, options);
  }
}
export class AuthRejected extends PxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('auth', message, options);
  }
}
export class EndpointError extends PxError {
  constructor(message: string, options?: { details?: string[]; cause?: unknown }) {
    super('endpoint', message, options);
  }
}
export class Cancelled extends PxError {
  constructor(message = 'Cancelled; nothing changed.') {
    super('cancelled', message);
  }
}

/** The command could not be started: 127 not found, 126 not executable, as a shell would say. */
export class CommandNotRunnable extends PxError {
  constructor(
    private readonly code: 126 | 127,
    message: string,
  ) {
    super('not-runnable', message);
  }
  override get exitCode(): number {
    return this.code;
  }
}

/**
 * An operating-system error px cannot do anything about, as the one sentence (and exit code) that
 * says what to do; null for the others, which stay "unexpected". Never holds a value: only a path.
 */
export function fromSystemError(error: unknown): PxError | null {
  const { code, path } = (error ?? {}) as NodeJS.ErrnoException;
  const where = path ? ` (writing ${path})` : '';
  switch (code) {
    case 'ENOSPC':
      return new Refused(`The disk is full${where}: free some space and try again; what px was writing was not saved.`);
    case 'EDQUOT':
      return new Refused(`Your disk quota is used up${where}: free some space and try again; what px was writing was not saved.`);
    case 'EISDIR':
      return new UsageError(`${path ?? 'A path px uses'} is a directory where px expects a file: move it away, or give the path of a file.`);
    case 'E2BIG':
      return new CommandNotRunnable(126, 'The command could not be started: its arguments and environment are larger than the system allows (E2BIG). Pass shorter arguments, or fewer or smaller secrets.');
    default:
      return null;
  }
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof PxError) return error.exitCode;
  return 1;
}
