// Decided once per run, before anything renders.
import type { Readable, Writable } from 'node:stream';

export type InStream = Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
export type OutStream = Writable & { isTTY?: boolean; columns?: number };

/** Interactive means stdin and stdout are TTYs and CI is not set. */
export function isInteractive(stdin: { isTTY?: boolean }, stdout: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI;
  const inCi = ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
  return Boolean(stdin.isTTY) && Boolean(stdout.isTTY) && !inCi;
}

export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, argv: readonly string[]): boolean {
  if (argv.includes('--no-color') || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}
