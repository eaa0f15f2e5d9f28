// Entry of the bundle: wires the real process to the CLI and owns process.exitCode.
import { processIo } from './cli/io.js';
import { matchFastPath, runFastPath } from './fast-path.js';

export async function main(argv: string[]): Promise<void> {
  const io = processIo(argv);
  const fast = matchFastPath(argv);
  if (fast) {
    process.exitCode = await runFastPath(fast, io);
    return;
  }
  const { runCli } = await import('./cli.js');
  process.exitCode = await runCli(argv, io);
}
