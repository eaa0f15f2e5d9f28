import { useStdin } from 'ink';
import { useLayoutEffect, useRef } from 'react';

export interface Keypress {
  /** Printable text of the event (several characters for a paste or fast typing), else ''. */
  text: string;
  name?: 'return' | 'escape' | 'backspace' | 'tab' | 'up' | 'down' | 'left' | 'right' | 'page-up' | 'page-down' | 'home' | 'end' | 'ctrl-c' | 'ctrl-u' | 'other';
}

const NAMED: Record<string, Keypress['name']> = {
  '\r': 'return',
  '\n': 'return',
  '\u001b': 'escape',
  '\u007f': 'backspace',
  '\b': 'backspace',
  '\t': 'tab',
  '\u0003': 'ctrl-c',
  '\u0015': 'ctrl-u',
  '\u001b[A': 'up',
  '\u001b[B': 'down',
  '\u001b[C': 'right',
  '\u001b[D': 'left',
  '\u001bOA': 'up',
  '\u001bOB': 'down',
  '\u001b[5~': 'page-up',
  '\u001b[6~': 'page-down',
  '\u001b[H': 'home',
  '\u001b[1~': 'home',
  '\u001bOH': 'home',
  '\u001b[F': 'end',
  '\u001b[4~': 'end',
  '\u001bOF': 'end',
};

/** One input event as Ink delivers it (an escape sequence, or text and control keys). */
export function parseKeypress(event: string): Keypress {
  const name = NAMED[event];
  if (name) return { text: '', name };
  if (event.startsWith('\u001b')) return { text: '', name: 'other' };
  if (event.includes('\u0003')) return { text: '', name: 'ctrl-c' };
  return { text: event };
}

/**
 * Key events for the prompts of `px ui` and `px setup`, subscribed while React commits (a layout
 * effect) rather than in a passive effect as Ink's useInput is: React may run those tens of
 * milliseconds after the prompt is on screen, and keys typed at once would be lost.
 */
export function useKeypress(handler: (key: Keypress, raw: string) => void, isActive = true): void {
  const { setRawMode, internal_eventEmitter: events } = useStdin();
  const latest = useRef(handler);
  latest.current = handler;
  useLayoutEffect(() => {
    if (!isActive) return;
    setRawMode(true);
    const onInput = (event: string): void => latest.current(parseKeypress(event), event);
    events?.on('input', onInput);
    return () => {
      events?.removeListener('input', onInput);
      setRawMode(false);
    };
  }, [isActive, events, setRawMode]);
}
