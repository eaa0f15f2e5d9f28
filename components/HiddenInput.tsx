import { Box, Text, useStderr, useStdin } from 'ink';
import React, { useLayoutEffect, useRef, useState } from 'react';

export interface HiddenInputProps {
  label: string;
  /** Shown above the prompt; the wizard and the manager name the target elsewhere. */
  target?: string;
  onSubmit: (value: string) => void;
  onCancel: () => void;
  /** The line under the prompt (default: Enter to save, Esc to cancel). */
  hint?: string;
  /** Why the last value was refused, shown until the prompt has a problem of its own. */
  problem?: string;
  /** When given, Tab outside a paste calls it (the wizard's skip) instead of typing a tab. */
  onTab?: () => void;
  /**
   * Run on what has been typed so far, after each key: a verdict shown under the prompt (a format
   * rule it breaks, or that it matches). It must never quote the value.
   */
  check?: (value: string) => { ok: boolean; text: string } | null;
  /** Configuration that is not secret (`sensitive: false`): what is typed is shown, not masked. */
  visible?: boolean;
}

/** The state of a hidden input between events. */
export interface Entry {
  value: string;
  /** Characters (code points) in `value`, kept as it changes: counting a 60 KB paste on every event would be quadratic. */
  count: number;
  /** Between bracketed-paste markers. */
  pasting: boolean;
  /** The last pasted character was a CR: an LF right after it (CR LF cut across reads) is the same line break. */
  afterCR: boolean;
  /** More than a secret can hold was typed or pasted: the rest was not kept, and neither will this be. */
  tooLong: boolean;
}

export const newEntry = (): Entry => ({ value: '', count: 0, pasting: false, afterCR: false, tooLong: false });

/**
 * What an event asks of the prompt once applied. 'enter-with-keys': Enter arrived together with
 * other keys in one read, which is either fast typing or the first part of a multi-line paste
 * from a terminal without bracketed paste; the caller waits briefly to tell which.
 */
export type Outcome = 'more' | 'submit' | 'enter-with-keys' | 'cancel' | 'ambiguous';

const PASTE_START = '\u001b[200~';
const PASTE_END = '\u001b[201~';
/** UTF-16 units; each is at least one UTF-8 byte, so past this the value is over 64 KiB for sure. */
const MAX_UNITS = 64 * 1024;

/** True while `text` could still grow into a paste marker (Ink may deliver one in pieces). */
export const isMarkerPrefix = (text: string): boolean =>
  text.length < PASTE_START.length && (PASTE_START.startsWith(text) || PASTE_END.startsWith(text));

function append(entry: Entry, char: string): void {
  if (entry.tooLong) return;
  if (entry.value.length + char.length > MAX_UNITS) {
    entry.tooLong = true;
    return;
  }
  entry.value += char;
  entry.count += 1;
}

function clear(entry: Entry): void {
  entry.value = '';
  entry.count = 0;
  entry.tooLong = false;
}

/**
 * Applies one input event, as Ink delivers it (escape sequences are events of their own, and a
 * marker cut across reads has been put back together by the caller), to the entry.
 *
 * Between bracketed-paste markers everything is text: a CR (how terminals send a pasted newline)
 * is a line break, other control characters carry nothing, except Ctrl+C, which always cancels.
 * Outside a paste, keys act: Enter submits, Esc and Ctrl+C cancel, Backspace deletes, Ctrl+U
 * clears; Enter followed by more keys in one event (typeahead of several lines, or a multi-line
 * paste from a terminal without bracketed paste) cannot be told apart and is 'ambiguous'.
 */
export function applyEvent(entry: Entry, event: string): Outcome {
  if (event.startsWith(PASTE_START)) {
    entry.pasting = true;
    entry.afterCR = false;
    return applyEvent(entry, event.slice(PASTE_START.length));
  }
  if (event.startsWith(PASTE_END)) {
    entry.pasting = false;
    // A copied line usually ends in a newline that is not part of the secret.
    const trimmed = entry.value.replace(/\n+$/, '');
    entry.count -= entry.value.length - trimmed.length;
    entry.value = trimmed;
    return applyEvent(entry, event.slice(PASTE_END.length));
  }
  if (entry.pasting) {
    for (const char of event) {
      if (char === '\u0003') return 'cancel';
      const afterCR = entry.afterCR;
      entry.afterCR = char === '\r';
      if (char === '\r') append(entry, '\n');
      else if (char === '\n') {
        if (!afterCR) append(entry, '\n');
      } else if (char === '\t' || (char >= ' ' && char !== '\u007f')) append(entry, char);
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
      if (rest !== '') return 'ambiguous';
      return i === 0 ? 'submit' : 'enter-with-keys';
    }
    if (char === '\u0015') clear(entry);
    else if (char === '\u007f' || char === '\b') {
      if (entry.count > 0) {
        entry.value = [...entry.value].slice(0, -1).join('');
        entry.count -= 1;
        entry.tooLong = false;
      }
    } else if (char === '\t' || char >= ' ') append(entry, char);
  }
  return 'more';
}

/** How long a lone Esc waits to be the start of a paste marker before it counts as Esc. */
const ESC_WAIT_MS = 300;
/** How long Enter that came with other keys waits for more of a paste before it submits. */
const ENTER_SETTLE_MS = 150;
const BRACKETED_PASTE_ON = '\u001b[?2004h';
const BRACKETED_PASTE_OFF = '\u001b[?2004l';

/** One star per character; a long paste (a key file) shows a count instead of screens of stars. */
const MAX_STARS = 48;
const stars = (length: number): string => (length <= MAX_STARS ? '*'.repeat(length) : `${'*'.repeat(MAX_STARS)}… (${length} characters)`);

/** A `check` for HiddenInput from a format: its rule's sentence while the value breaks it, a tick once it matches. */
export function formatVerdict(format: string, problem: (value: string) => string | null): (value: string) => { ok: boolean; text: string } {
  return (value) => {
    const text = problem(value);
    return text ? { ok: false, text } : { ok: true, text: `matches its format /${format}/` };
  };
}

/** A visible value on one line: line breaks and other controls as `⏎`/`?`, never as terminal codes. */
const shownText = (value: string): string => value.replace(/\n/g, '⏎').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');

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
export function HiddenInput({ label, target, onSubmit, onCancel, hint, problem: given, onTab, check, visible = false }: HiddenInputProps): React.ReactElement {
  const entry = useRef<Entry>(newEntry());
  const [length, setLength] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const [verdict, setVerdict] = useState<{ ok: boolean; text: string } | null>(null);
  // A visible value can change without its length changing (Backspace and a key in one read).
  const [, setRevision] = useState(0);
  const { stdin, setRawMode, internal_eventEmitter: events } = useStdin();
  const { stderr } = useStderr();
  // The latest callbacks, without subscribing again (which would lose a marker cut in half).
  const callbacks = useRef({ onSubmit, onCancel, onTab, check });
  callbacks.current = { onSubmit, onCancel, onTab, check };

  // Subscribed while React commits, not in a later passive effect: keys typed as soon as the
  // prompt shows must reach it.
  useLayoutEffect(() => {
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
    let escTimer: NodeJS.Timeout | undefined;
    let enterTimer: NodeJS.Timeout | undefined;
    let enterPending = false;
    const finish = (action: () => void): void => {
      done = true;
      clearTimeout(escTimer);
      clearTimeout(enterTimer);
      action();
    };
    const show = (text: string | null): void => {
      setLength(entry.current.count);
      setProblem(text);
      setRevision((n) => n + 1);
      const { value } = entry.current;
      setVerdict(value === '' || !callbacks.current.check ? null : callbacks.current.check(value));
    };
    const refuse = (text: string): void => {
      clear(entry.current);
      show(text);
    };
    const submit = (): void => {
      const { current } = entry;
      if (current.tooLong) return refuse('That was more than 64 KiB, the most a secret can hold, so nothing was kept: pipe a value that large.');
      if (current.value.length === 0) return show('The value is empty: type or paste it, or press Esc to cancel.');
      finish(() => callbacks.current.onSubmit(current.value));
    };
    const ambiguous = (): void =>
      refuse('Several lines arrived at once outside a paste, so nothing was kept: type the value again (for a multi-line value, paste it, or pipe it).');
    const apply = (event: string): void => {
      const outcome = applyEvent(entry.current, event);
      if (outcome === 'cancel') return finish(callbacks.current.onCancel);
      if (outcome === 'ambiguous') return ambiguous();
      if (outcome === 'submit') return submit();
      show(entry.current.tooLong ? 'More than 64 KiB: the rest is not kept. Esc to cancel, or Enter to see it refused.' : null);
      if (outcome === 'enter-with-keys') {
        enterPending = true;
        enterTimer = setTimeout(() => {
          enterPending = false;
          if (!done) submit();
        }, ENTER_SETTLE_MS);
      }
    };
    const onInput = (event: string): void => {
      if (done) return;
      clearTimeout(escTimer);
      const text = carry + event;
      carry = '';
      // More input right after an Enter that came with other keys: decided now, before anything
      // else (a marker piece must not leave the Enter hanging).
      if (enterPending) {
        clearTimeout(enterTimer);
        enterPending = false;
        // Only more Enters: the value is complete (a paste's newline, then the user's Enter).
        if (/^[\r\n]*$/.test(text)) return submit();
        if (text === '\u001b' || text.includes('\u0003')) return finish(callbacks.current.onCancel);
        // Text: lines of a paste from a terminal without bracketed paste.
        return ambiguous();
      }
      // A piece of a paste marker: wait for the rest. Only a lone ESC can also be a key (Esc),
      // so only it has a deadline; "ESC [ 2" is never typed by hand.
      if (text === '\t' && callbacks.current.onTab && !entry.current.pasting) return callbacks.current.onTab();
      if (isMarkerPrefix(text)) {
        carry = text;
        if (text === '\u001b') {
          escTimer = setTimeout(() => {
            carry = '';
            if (!done) apply(text);
          }, ESC_WAIT_MS);
        }
        return;
      }
      apply(text);
    };
    events?.on('input', onInput);
    return () => {
      done = true;
      clearTimeout(escTimer);
      clearTimeout(enterTimer);
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
      {target === undefined ? null : <Text dimColor>Target: {target}</Text>}
      <Box>
        <Text bold>{label} </Text>
        {visible ? <Text wrap="truncate-start">{shownText(entry.current.value)}</Text> : <Text>{stars(length)}</Text>}
        <Text inverse> </Text>
      </Box>
      {verdict && !problem ? <Text color={verdict.ok ? 'green' : 'yellow'}>{`${verdict.ok ? '✓' : '✗'} ${verdict.text}`}</Text> : null}
      {problem || given ? <Text color="red">{problem ?? given}</Text> : <Text dimColor>{hint ?? (visible ? 'Not a secret: shown as typed. Enter to save, Esc to cancel.' : 'Input is hidden. Enter to save, Esc to cancel.')}</Text>}
    </Box>
  );
}
