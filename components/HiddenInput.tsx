import { Box, Text, useStderr, useStdin } from 'ink';
import React, { useEffect, useRef, useState } from 'react';

export interface HiddenInputProps {
  label: string;
  target: string;
  onSubmit: (value: string) => void;
  onCancel: () => void;
}

/** The state of a hidden input between events: the value, and whether a paste is coming in. */
export interface Entry {
  value: string;
  pasting: boolean;
}

/** What an event asks of the prompt once applied. */
export type Outcome = 'more' | 'submit' | 'cancel' | 'ambiguous';

const PASTE_START = '\u001b[200~';
const PASTE_END = '\u001b[201~';

/** True while `text` could still grow into a paste marker (Ink may deliver one in pieces). */
export const isMarkerPrefix = (text: string): boolean =>
  text.length < PASTE_START.length && (PASTE_START.startsWith(text) || PASTE_END.startsWith(text));

/**
 * Applies one input event, as Ink delivers it (escape sequences are events of their own, and a
 * marker cut across reads has been put back together by the caller), to the entry.
 *
 * Between bracketed-paste markers everything is text: a CR (how terminals send a pasted newline)
 * is a line break, other control characters carry nothing. Outside a paste, keys act: Enter
 * submits, Esc and Ctrl+C cancel, Backspace deletes, Ctrl+U clears; Enter followed by more keys
 * in one event (typeahead of several lines, or a multi-line paste from a terminal without
 * bracketed paste) cannot be told apart and is 'ambiguous': nothing of it is kept.
 */
export function applyEvent(entry: Entry, event: string): Outcome {
  if (event.startsWith(PASTE_START)) {
    entry.pasting = true;
    return applyEvent(entry, event.slice(PASTE_START.length));
  }
  if (event.startsWith(PASTE_END)) {
    entry.pasting = false;
    // A copied line usually ends in a newline that is not part of the secret.
    entry.value = entry.value.replace(/\n+$/, '');
    return applyEvent(entry, event.slice(PASTE_END.length));
  }
  if (entry.pasting) {
    for (const char of event.replace(/\r\n?/g, '\n')) {
      if (char === '\n' || char === '\t' || (char >= ' ' && char !== '\u007f')) entry.value += char;
    }
    return 'more';
  }
  if (event === '\u001b') return 'cancel';
  // Arrows, function keys, Alt+key: nothing to type into a hidden value.
  if (event.startsWith('\u001b')) return 'more';
  const chars = [...event];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i];
    if (char === '\u0003') return 'cancel';
    if (char === '\r' || char === '\n') {
      const rest = chars.slice(i + 1).join('').replace(/^[\r\n]+/, '');
      return rest === '' ? 'submit' : 'ambiguous';
    }
    if (char === '\u0015') entry.value = '';
    else if (char === '\u007f' || char === '\b') entry.value = [...entry.value].slice(0, -1).join('');
    else if (char === '\t' || char >= ' ') entry.value += char;
  }
  return 'more';
}

/** How long a piece of a paste marker waits for the rest before it counts as keys (a lone Esc). */
const MARKER_WAIT_MS = 100;
const BRACKETED_PASTE_ON = '\u001b[?2004h';
const BRACKETED_PASTE_OFF = '\u001b[?2004l';

/** One star per character; a long paste (a key file) shows a count instead of screens of stars. */
const MAX_STARS = 48;
const stars = (length: number): string => (length <= MAX_STARS ? '*'.repeat(length) : `${'*'.repeat(MAX_STARS)}… (${length} characters)`);

/**
 * A masked prompt: what is typed never appears on screen, only one `*` per character (a count
 * past 48). Backspace removes the last character, Ctrl+U clears, as in sudo or ssh; there is no
 * cursor to move (you cannot see what you would be editing).
 *
 * It reads Ink's raw input events rather than useInput's parsed keys, for two reasons: the value
 * lives in a ref, not in React state, so keys that arrive faster than Ink re-renders all count;
 * and bracketed paste (which the prompt turns on) needs the markers as sent, put back together
 * when a slow link splits one across reads, so that a pasted newline never submits.
 */
export function HiddenInput({ label, target, onSubmit, onCancel }: HiddenInputProps): React.ReactElement {
  const entry = useRef<Entry>({ value: '', pasting: false });
  const [length, setLength] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const { stdin, setRawMode, internal_eventEmitter: events } = useStdin();
  const { stderr } = useStderr();
  // The latest callbacks, without subscribing again (which would lose a marker cut in half).
  const callbacks = useRef({ onSubmit, onCancel });
  callbacks.current = { onSubmit, onCancel };

  useEffect(() => {
    setRawMode(true);
    const terminal = stderr as NodeJS.WriteStream;
    const bracketed = Boolean(terminal.isTTY);
    const off = (): void => void terminal.write(BRACKETED_PASTE_OFF);
    if (bracketed) {
      terminal.write(BRACKETED_PASTE_ON);
      process.once('exit', off);
    }
    let done = false;
    let carry = '';
    let timer: NodeJS.Timeout | undefined;
    const finish = (action: () => void): void => {
      done = true;
      clearTimeout(timer);
      action();
    };
    const apply = (event: string): void => {
      const outcome = applyEvent(entry.current, event);
      setLength([...entry.current.value].length);
      if (outcome === 'cancel') return finish(callbacks.current.onCancel);
      if (outcome === 'ambiguous') {
        entry.current.value = '';
        setLength(0);
        setProblem('Several lines arrived at once outside a paste, so nothing was kept: type the value again (for a multi-line value, paste it, or pipe it).');
        return;
      }
      if (outcome === 'submit') {
        if (entry.current.value.length === 0) return setProblem('The value is empty: type or paste it, or press Esc to cancel.');
        return finish(() => callbacks.current.onSubmit(entry.current.value));
      }
      setProblem(null);
    };
    const onInput = (event: string): void => {
      if (done) return;
      clearTimeout(timer);
      const text = carry + event;
      carry = '';
      // A piece of a paste marker: wait for the rest (a lone Esc turns out to be Esc).
      if (isMarkerPrefix(text)) {
        carry = text;
        timer = setTimeout(() => {
          carry = '';
          if (!done) apply(text);
        }, MARKER_WAIT_MS);
        return;
      }
      apply(text);
    };
    events?.on('input', onInput);
    return () => {
      done = true;
      clearTimeout(timer);
      events?.removeListener('input', onInput);
      setRawMode(false);
      if (bracketed) {
        process.removeListener('exit', off);
        off();
      }
    };
  }, [stdin, setRawMode, events, stderr]);

  return (
    <Box flexDirection="column">
      <Text dimColor>Target: {target}</Text>
      <Box>
        <Text bold>{label} </Text>
        <Text>{stars(length)}</Text>
        <Text inverse> </Text>
      </Box>
      {problem ? <Text color="red">{problem}</Text> : <Text dimColor>Input is hidden. Enter to save, Esc to cancel.</Text>}
    </Box>
  );
}
