// The hidden input's rules, event by event, as Ink delivers events: escape sequences (arrows,
// bracketed-paste markers) come as events of their own; text and control keys come together.
import { describe, expect, it } from 'vitest';
import { applyEvent, isMarkerPrefix, newEntry, type Outcome } from '../../components/HiddenInput.js';

function run(events: string[]): { value: string; outcomes: Outcome[] } {
  const entry = newEntry();
  const outcomes = events.map((event) => applyEvent(entry, event));
  return { value: entry.value, outcomes };
}

describe('applyEvent', () => {
  it('typed keys: text, Backspace, Ctrl+U, Tab; Enter submits; Esc and Ctrl+C cancel', () => {
    expect(run(['ab', 'c', '\u007f', 'd\t'])).toEqual({ value: 'abd\t', outcomes: ['more', 'more', 'more', 'more'] });
    expect(run(['wrong\u0015right\r']).outcomes).toEqual(['enter-with-keys']);
    expect(run(['right', '\r']).outcomes).toEqual(['more', 'submit']);
    expect(run(['wrong\u0015right\r']).value).toBe('right');
    expect(run(['abc', '\u001b']).outcomes).toEqual(['more', 'cancel']);
    expect(run(['abc\u0003def']).outcomes).toEqual(['cancel']);
    expect(run(['x', '\u001b[D', '\u001b[A']).value).toBe('x');
  });
  it('keeps brackets and every other printable character as typed', () => {
    for (const text of ['Xk9[vQ2z-pa[ss', '["a","b"]', 'q[0;9Hz', '[200~', 'a b \u{1F600} \uFFFD ~`{}|']) {
      expect(run([text]).value, text).toBe(text);
    }
  });
  it('several lines outside a paste (typeahead, or a terminal without bracketed paste) are ambiguous', () => {
    expect(run(['value1\rvalue2\r']).outcomes).toEqual(['ambiguous']);
    // Enter read together with keys: the prompt waits a moment to see whether more lines follow.
    expect(run(['fast-typed\r']).outcomes).toEqual(['enter-with-keys']);
    expect(run(['fast-typed\r\n']).outcomes).toEqual(['enter-with-keys']);
  });
  it('a bracketed paste is text: CRs become LFs, a pasted newline never submits, controls are dropped', () => {
    const pem = ['\u001b[200~', '-----BEGIN KEY-----\rAAAA\r', 'BBBB\r-----END KEY-----\r', '\u001b[201~'];
    expect(run(pem)).toEqual({ value: '-----BEGIN KEY-----\nAAAA\nBBBB\n-----END KEY-----', outcomes: ['more', 'more', 'more', 'more'] });
    expect(run(['\u001b[200~', 'a\u0015b\u007fc\u0000d', '\u001b[201~', '\r'])).toEqual({ value: 'abcd', outcomes: ['more', 'more', 'more', 'submit'] });
    // Ctrl+C always cancels, in a paste too.
    expect(run(['\u001b[200~', 'abc\u0003']).outcomes).toEqual(['more', 'cancel']);
    // CR LF cut across reads is one line break.
    expect(run(['\u001b[200~', 'a\r', '\nb\r\n', 'c', '\u001b[201~']).value).toBe('a\nb\nc');
    expect(run(['\u001b[200~tail after the end marker', '\u001b[201~typed']).value).toBe('tail after the end markertyped');
  });
  it('keeps no more than a secret can hold, counts characters as it goes, and forgets on Ctrl+U', () => {
    const entry = newEntry();
    applyEvent(entry, '\u001b[200~');
    applyEvent(entry, 'x'.repeat(64 * 1024));
    applyEvent(entry, 'y\u{1F600}');
    expect(entry).toMatchObject({ count: 64 * 1024, tooLong: true });
    expect(entry.value).toBe('x'.repeat(64 * 1024));
    applyEvent(entry, '\u001b[201~');
    applyEvent(entry, '\u0015\u{1F600}\u00e9');
    expect(entry).toMatchObject({ value: '\u{1F600}\u00e9', count: 2, tooLong: false });
    applyEvent(entry, '\u007f');
    expect(entry).toMatchObject({ value: '\u{1F600}', count: 1 });
  });

  it('tells a piece of a paste marker from a finished event', () => {
    for (const piece of ['\u001b', '\u001b[', '\u001b[2', '\u001b[20', '\u001b[200', '\u001b[201']) expect(isMarkerPrefix(piece), JSON.stringify(piece)).toBe(true);
    for (const other of ['\u001b[200~', '\u001b[D', '[', 'a', '\u001b[3']) expect(isMarkerPrefix(other), JSON.stringify(other)).toBe(false);
  });
});
