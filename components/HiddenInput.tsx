import { Box, Text, useInput, useStderr } from 'ink';
import React, { useEffect, useRef, useState } from 'react';

export interface HiddenInputProps {
  label: string;
  target: string;
  onSubmit: (value: string) => void;
  onCancel: () => void;
}

/** What a chunk of several keys (a paste, or keys typed faster than they are read) does. */
export interface Typed {
  value: string;
  /** Newlines at the end of the chunk, held back: Enter if nothing follows, text if more comes. */
  trailing: string;
  cancelled: boolean;
}

/**
 * Applies a chunk of input to the value. Terminals send a pasted newline as CR, so CR LF and lone
 * CRs become LF (a PEM key keeps its lines). Typed (not `pasted`), Ctrl+C cancels, Ctrl+U clears
 * and Backspace deletes; other control characters carry no text. Ink hands escape sequences over
 * as events of their own, so a chunk holds text only: `[` and the rest are kept as they are.
 */
export function applyTyped(current: string, chunk: string, pasted = false): Typed {
  let value = current;
  for (const char of chunk.replace(/\r\n?/g, '\n')) {
    if (!pasted && char === '\u0003') return { value: current, trailing: '', cancelled: true };
    if (!pasted && char === '\u0015') value = '';
    else if (!pasted && (char === '\u007f' || char === '\b')) value = [...value].slice(0, -1).join('');
    else if (char === '\n' || char === '\t' || (char >= ' ' && char !== '\u007f')) value += char;
  }
  const body = value.replace(/\n+$/, '');
  return { value: body, trailing: value.slice(body.length), cancelled: false };
}

/** Bracketed paste (the prompt asks the terminal for it): what comes between these is pasted text. */
const PASTE_START = /^\u001b?\[200~$/;
const PASTE_END = /^\u001b?\[201~$/;
const BRACKETED_PASTE_ON = '\u001b[?2004h';
const BRACKETED_PASTE_OFF = '\u001b[?2004l';

/**
 * A terminal without bracketed paste sends a paste as plain keys, its newlines as Enter: a chunk
 * that ends in one waits this long for more of the same paste before the newline counts as Enter.
 */
const UNBRACKETED_SETTLE_MS = 250;

/** One star per character; a long paste (a key file) shows a count instead of screens of stars. */
const MAX_STARS = 48;
const stars = (length: number): string => (length <= MAX_STARS ? '*'.repeat(length) : `${'*'.repeat(MAX_STARS)}… (${length} characters)`);

/**
 * A masked prompt: what is typed never appears on screen, only one `*` per character (a count
 * past 48).
 *
 * The value lives in a ref, not in React state: keys and paste chunks can arrive faster than Ink
 * re-renders, and a handler reading state from the last render would drop whatever came in
 * between (a fast typist's Enter would submit half the value). State only drives the stars.
 * There is no cursor to move (you cannot see what you would be editing): Backspace removes the
 * last character, Ctrl+U clears the line, as in sudo or ssh. A paste is only ever text: the
 * prompt turns on bracketed paste, so a pasted newline never submits, however the paste is split.
 */
export function HiddenInput({ label, target, onSubmit, onCancel }: HiddenInputProps): React.ReactElement {
  const value = useRef('');
  const [length, setLength] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const done = useRef(false);
  const pasting = useRef(false);
  const pending = useRef<{ timer: NodeJS.Timeout; trailing: string } | null>(null);
  const { stderr } = useStderr();
  useEffect(() => {
    const terminal = stderr as NodeJS.WriteStream;
    if (!terminal.isTTY) return () => clearTimeout(pending.current?.timer);
    terminal.write(BRACKETED_PASTE_ON);
    const off = (): void => void terminal.write(BRACKETED_PASTE_OFF);
    process.once('exit', off);
    return () => {
      clearTimeout(pending.current?.timer);
      process.removeListener('exit', off);
      off();
    };
  }, [stderr]);
  const update = (next: string): void => {
    value.current = next;
    setLength([...next].length);
    setProblem(null);
  };
  /** A held-back newline: part of the value when more input follows, dropped when Enter does. */
  const settle = (continued: boolean): void => {
    const held = pending.current;
    if (!held) return;
    clearTimeout(held.timer);
    pending.current = null;
    if (continued) update(value.current + held.trailing);
  };
  const finish = (action: () => void): void => {
    settle(false);
    done.current = true;
    action();
  };
  const submit = (): void => {
    if (value.current.length === 0) {
      setProblem('The value is empty: type or paste it, or press Esc to cancel.');
      return;
    }
    finish(() => onSubmit(value.current));
  };
  useInput((input, key) => {
    if (done.current) return;
    if (PASTE_START.test(input)) {
      settle(true);
      pasting.current = true;
      return;
    }
    if (PASTE_END.test(input)) {
      pasting.current = false;
      // A copied line usually ends in a newline that is not part of the secret.
      update(value.current.replace(/\n+$/, ''));
      return;
    }
    if (pasting.current) {
      // Between the markers everything is text: a CR (which Ink calls Return) is a line break.
      const typed = applyTyped(value.current, key.return ? '\n' : key.tab ? '\t' : input, true);
      update(typed.value + typed.trailing);
      return;
    }
    if (key.escape || (key.ctrl && input === 'c')) return finish(onCancel);
    if (key.return) {
      settle(false);
      return submit();
    }
    settle(true);
    if (key.backspace || key.delete) return update([...value.current].slice(0, -1).join(''));
    if (key.ctrl && input === 'u') return update('');
    if (key.tab) return update(`${value.current}\t`);
    if (input.length > 1) {
      // Several keys in one read: keys typed faster than px reads them (Enter included), or a
      // paste from a terminal without bracketed paste.
      const typed = applyTyped(value.current, input);
      if (typed.cancelled) return finish(onCancel);
      update(typed.value);
      if (typed.trailing) {
        pending.current = {
          trailing: typed.trailing,
          timer: setTimeout(() => {
            pending.current = null;
            submit();
          }, UNBRACKETED_SETTLE_MS),
        };
      }
      return;
    }
    // Other control keys and arrows carry no text for the value.
    if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.home || key.end) return;
    if (input.length === 1) update(value.current + input);
  });
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
