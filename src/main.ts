// Entry of the bundle: wires the real process to runCli and owns process.exitCode.
import { runCli } from './cli.js';
import { processIo } from './commands/context.js';

export async function main(argv: string[]): Promise<void> {
  const io = processIo(argv);
  process.exitCode = await runCli(argv, io);
}
