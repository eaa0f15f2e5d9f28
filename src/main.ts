// Entry of the bundle: wires the real process to the CLI and owns process.exitCode.
import { matchFastPath, runFastPath } from './cli/fast-path.js';
import { processIo } from './cli/io.js';
import { REGISTRY } from './registry.js';

export async function main(argv: string[]): Promise<void> {
  // `px` alone: the full-screen UI on a terminal, the help anywhere else.
  const words = argv.length === 0 ? [processIo(argv).interactive ? 'ui' : '--help'] : argv;
  const fast = matchFastPath(REGISTRY, words);
  // The fast path writes to pipes and files directly (cli/fd-stream.ts). Not `px run`: it hands on
  // its command's output as it comes, and a blocking write to a full stdout would stop it reading
  // the command's stderr meanwhile.
  const io = processIo(argv, { direct: fast !== null && !fast.spec.passThrough });
  if (fast) {
    process.exitCode = await runFastPath(REGISTRY, fast, io);
    return;
  }
  const { runCli } = await import('./cli.js');
  process.exitCode = await runCli(words, io);
}
