// Drives the real yargs → command → Ink path in-process: fake streams for stdout/stderr/stdin and
// ink-testing-library as the renderer, so tests see each frame the user would see.
import { PassThrough, Writable } from 'node:stream';
import { render } from 'ink-testing-library';
import { createUi } from '../../components/ui.js';
import { runCli } from '../../src/cli.js';
import { matchFastPath, runFastPath } from '../../src/cli/fast-path.js';
import { REGISTRY } from '../../src/registry.js';
import type { Io, OutStream } from '../../src/cli/io.js';
import type { Keychain } from '../../src/core/keychain.js';
import type { Transport } from '../../src/core/endpoint-client.js';

class Capture extends Writable {
  text = '';
  isTTY: boolean;
  constructor(isTTY: boolean) {
    super();
    this.isTTY = isTTY;
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface SessionOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Piped stdin content; omit for a TTY stdin (interactive) or an empty pipe. */
  stdin?: string;
  interactive?: boolean;
  /** Run through the launcher's fast path instead of yargs (it must qualify). */
  fast?: boolean;
  /** A keychain to use instead of the OS keychain. */
  keychain?: Keychain;
  /** The endpoint client's connector, instead of Node's http/https. */
  transport?: () => Transport;
}

export interface PxResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Every frame Ink rendered, prompts and results alike. */
  frames: string[];
}

export interface PxSession {
  done: Promise<PxResult>;
  frames(): string[];
  /** Resolves once a frame matching `pattern` has been rendered. */
  waitForFrame(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Types into the prompt that is mounted now. */
  type(text: string): Promise<void>;
  press(key: 'enter' | 'escape' | 'ctrl-c'): Promise<void>;
}

const KEYS = { enter: '\r', escape: '\u001b', 'ctrl-c': '\u0003' };

export function startPx(args: string[], options: SessionOptions): PxSession {
  const interactive = options.interactive ?? false;
  const stdout = new Capture(interactive);
  const stderr = new Capture(interactive);
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (options.stdin !== undefined) stdin.end(options.stdin);
  else if (interactive) stdin.isTTY = true;
  else stdin.end();
  const mounted: Array<ReturnType<typeof render>> = [];
  const ui = createUi((node) => {
    const instance = render(node);
    mounted.push(instance);
    return { rerender: instance.rerender, unmount: instance.unmount };
  });
  const io: Io = {
    cwd: options.cwd,
    env: { ...options.env, CI: interactive ? undefined : 'true' },
    stdin,
    stdout: stdout as OutStream,
    stderr: stderr as OutStream,
    interactive,
    color: false,
    ui: async () => {
      if (!interactive) throw new Error('test: the Ink layer was loaded on a non-interactive run');
      return ui;
    },
    ...(options.keychain ? { keychain: () => options.keychain! } : {}),
    ...(options.transport ? { transport: options.transport } : {}),
  };
  const frames = (): string[] => mounted.flatMap((instance) => instance.frames);
  const run = (): Promise<number> => {
    if (!options.fast) return runCli(args, io);
    const fast = matchFastPath(REGISTRY, args);
    if (!fast) throw new Error(`test: ${args.join(' ')} does not take the fast path`);
    return runFastPath(REGISTRY, fast, io);
  };
  const done = run().then((code) => {
    for (const instance of mounted) instance.cleanup();
    return { code, stdout: stdout.text, stderr: stderr.text, frames: frames() };
  });
  const current = (): ReturnType<typeof render> => {
    const instance = mounted.at(-1);
    if (!instance) throw new Error('test: nothing is mounted');
    return instance;
  };
  const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));
  return {
    done,
    frames,
    async waitForFrame(pattern, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = frames().find((frame) => pattern.test(frame));
        if (hit !== undefined) {
          await tick(); // let the prompt's input handler attach
          return hit;
        }
        if (Date.now() > deadline) throw new Error(`test: no frame matched ${pattern}; frames:\n${frames().join('\n---\n')}`);
        await tick();
      }
    },
    async type(text) {
      current().stdin.write(text);
      await tick();
    },
    async press(key) {
      current().stdin.write(KEYS[key]);
      await tick();
    },
  };
}

/** Runs px to completion. */
export function runPx(args: string[], options: SessionOptions): Promise<PxResult> {
  return startPx(args, options).done;
}
