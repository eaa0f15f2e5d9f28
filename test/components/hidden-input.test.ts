// How a chunk of several keys (a paste, or fast typing read at once) changes the hidden value.
import { describe, expect, it } from 'vitest';
import { applyTyped } from '../../components/HiddenInput.js';

describe('applyTyped', () => {
  it('appends text and holds back the newlines a chunk ends with', () => {
    expect(applyTyped('ab', 'cd')).toEqual({ value: 'abcd', trailing: '', cancelled: false });
    expect(applyTyped('', 'secret\r')).toEqual({ value: 'secret', trailing: '\n', cancelled: false });
    expect(applyTyped('', 'secret\r\n')).toEqual({ value: 'secret', trailing: '\n', cancelled: false });
  });
  it('turns the CRs of a pasted multi-line value into LFs', () => {
    expect(applyTyped('', '-----BEGIN-----\rAAAA\rBBBB\r-----END-----\r')).toEqual({
      value: '-----BEGIN-----\nAAAA\nBBBB\n-----END-----',
      trailing: '\n',
      cancelled: false,
    });
    expect(applyTyped('', 'a\r\nb\r\n').value).toBe('a\nb');
  });
  it('applies Ctrl+U, Backspace and Ctrl+C inside a chunk', () => {
    expect(applyTyped('old', 'wrong\u0015right').value).toBe('right');
    expect(applyTyped('', 'abc\u007f\u007fd').value).toBe('ad');
    expect(applyTyped('caf\u00e9', '\u007f').value).toBe('caf');
    expect(applyTyped('keep', 'abc\u0003def')).toEqual({ value: 'keep', trailing: '', cancelled: true });
  });
  it('drops escape sequences and other control characters, keeps tabs and any text', () => {
    expect(applyTyped('', '\u001b[200~pasted\u001b[201~').value).toBe('pasted');
    expect(applyTyped('', '[200~pasted\u001b[201~').value).toBe('pasted');
    expect(applyTyped('', 'a\u001b[Db\u0000c\u0007').value).toBe('abc');
    expect(applyTyped('', 'a\tb \u{1F600} \uFFFD').value).toBe('a\tb \u{1F600} \uFFFD');
  });
});
