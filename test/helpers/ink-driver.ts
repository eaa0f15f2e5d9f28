// Drives one ink-testing-library instance the way a terminal would: keys as the bytes a terminal
// sends, and waits for frames instead of sleeping.
import type { render } from 'ink-testing-library';

export type Instance = ReturnType<typeof render>;

export const KEY = {
  enter: '\r',
  escape: '\u001b',
  tab: '\t',
  up: '\u001b[A',
  down: '\u001b[B',
  backspace: '\u007f',
  ctrlC: '\u0003',
  pageUp: '\u001b[5~',
  pageDown: '\u001b[6~',
  home: '\u001b[H',
  end: '\u001b[F',
} as const;

const tick = (ms = 15): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the last frame once it matches; fails with the frame it got. */
export async function frameMatching(instance: Instance, pattern: RegExp, timeoutMs = 4000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = instance.lastFrame() ?? '';
    if (pattern.test(frame)) {
      // Ink subscribes the input handlers of what was just mounted in an effect that React runs
      // a little later: keys sent before that would be lost, as they are for a fast typist.
      await tick(150);
      return frame;
    }
    if (Date.now() > deadline) throw new Error(`no frame matched ${pattern}; the last one:\n${frame}`);
    await tick();
  }
}

/** Sends keys one event at a time, as a person types them. */
export async function press(instance: Instance, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    instance.stdin.write(key);
    // A lone Esc waits for the rest of a possible escape sequence before it counts.
    await tick(key === KEY.escape ? 350 : 25);
  }
}

/** Every frame of the instance, on stdout and stderr. */
export const allFrames = (instance: Instance): string => [...instance.frames, ...((instance.stderr as unknown as { frames: string[] }).frames ?? [])].join('\n');
