// Entry of dist/cli.cjs: the full yargs parser over the registry, for every command line the fast
// path does not take.
import { runParser } from './cli/parser.js';
import type { Io } from './cli/io.js';
import { REGISTRY } from './registry.js';

/** Runs px with `argv` (without node and script) and returns the exit code. */
export function runCli(argv: string[], io: Io): Promise<number> {
  return runParser(REGISTRY, argv, io);
}
