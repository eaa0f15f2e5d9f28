// `px server` as a child process of the built binary, started and waited for through its JSON log.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const PX_BIN = join(import.meta.dirname, '..', '..', 'bin', 'px.cjs');

export interface PxServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Sends `signal` and resolves with the exit code (null when killed by the signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startPxServer(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<PxServerProcess> {
  const child = spawn(process.execPath, [PX_BIN, 'server', '--port', '0', ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`px server did not start: ${stderr}`)), 30_000);
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
      const match = /"url":"(https?:\/\/[^"]+)"/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`px server exited with ${code} before it served: ${stderr}${stdout}`));
    });
  });
  return {
    url,
    child,
    stderr: () => stderr,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
