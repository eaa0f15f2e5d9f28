// How a chunk of several keys (a paste, or fast typing read at once) changes the hidden value.
// Ink hands escape sequences (arrows, bracketed-paste markers) over as events of their own, so a
// chunk here is text and control characters only.
import { describe, expect, it } from 'vitest';
import { applyTyped } from '../../components/HiddenInput.js';

describe('applyTyped', () => {
  it('appends text and holds back the newlines a chunk ends with', () => {
    expect(applyTyped('ab', 'cd')).toEqual({ value: 'abcd', trailing: '', cancelled: false });
    expect(applyTyped('', 'secret\r')).toEqual({ value: 'secret', trailing: '\n', cancelled: false });
    expect(applyTyped('', 'secret\r\n')).toEqual({ value: 'secret', trailing: '\n', cancelled: false });
  });
  it('keeps brackets and every other printable character as typed', () => {
    for (const text of ['Xk9[vQ2z-pa[ss', '["a","b"]', 'q[0;9Hz', '[200~', 'a\tb \u{1F600} \uFFFD ~`{}|']) {
      expect(applyTyped('', text).value, text).toBe(text);
    }
  });
  it('turns the CRs of a pasted multi-line value into LFs', () => {
    expect(applyTyped('', '-----BEGIN-----\rAAAA\rBBBB\r-----END-----\r')).toEqual({
      value: '-----BEGIN-----\nAAAA\nBBBB\n-----END-----',
      trailing: '\n',
      cancelled: false,
    });
    expect(applyTyped('', 'a\r\nb\r\n').value).toBe('a\nb');
  });
  it('applies Ctrl+U, Backspace and Ctrl+C in typed keys', () => {
    expect(applyTyped('old', 'wrong\u0015right').value).toBe('right');
    expect(applyTyped('', 'abc\u007f\u007fd').value).toBe('ad');
    expect(applyTyped('caf\u00e9', '\u007f').value).toBe('caf');
    expect(applyTyped('keep', 'abc\u0003def')).toEqual({ value: 'keep', trailing: '', cancelled: true });
  });
  it('in pasted text, control characters are dropped, never acted on', () => {
    expect(applyTyped('keep-', 'abc\u0003\u0015\u007fdef\u0000\u0007', true)).toEqual({ value: 'keep-abcdef', trailing: '', cancelled: false });
  });
});
