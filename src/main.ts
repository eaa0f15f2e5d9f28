// Entry of the bundle: wires the real process to the CLI and owns process.exitCode.
import { matchFastPath, runFastPath } from './cli/fast-path.js';
import { processIo } from './cli/io.js';
import { REGISTRY } from './registry.js';

export async function main(argv: string[]): Promise<void> {
  const io = processIo(argv);
  // `px` alone: the full-screen UI on a terminal, the help anywhere else.
  const words = argv.length === 0 ? [io.interactive ? 'ui' : '--help'] : argv;
  const fast = matchFastPath(REGISTRY, words);
  if (fast) {
    process.exitCode = await runFastPath(REGISTRY, fast, io);
    return;
  }
  const { runCli } = await import('./cli.js');
  process.exitCode = await runCli(words, io);
}
