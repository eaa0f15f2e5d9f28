import { Box, Text } from 'ink';
import React, { useRef, useState } from 'react';
import { useKeypress } from './keypress.js';

export interface LineInputProps {
  label: string;
  initial?: string;
  /**
   * Whether what has been typed so far may be shown. A name field shows only what could be a name:
   * a value typed there by mistake must not appear on screen.
   */
  reveal?: (text: string) => boolean;
  /** Said instead of the text while `reveal` refuses it. */
  hiddenNote?: string;
  /** Why the last line was refused. */
  problem?: string;
  hint?: string;
  onSubmit: (text: string) => void;
  onCancel: () => void;
}

/**
 * A visible one-line input for names and file paths. Written here rather than taken from
 * ink-text-input because it must be able to hide what it was given (see `reveal`), and that
 * library always echoes.
 */
export function LineInput({ label, initial = '', reveal = () => true, hiddenNote, problem, hint, onSubmit, onCancel }: LineInputProps): React.ReactElement {
  const text = useRef(initial);
  const done = useRef(false);
  const [, redraw] = useState(0);
  useKeypress((key, raw) => {
    if (done.current) return;
    if (key.name === 'escape' || key.name === 'ctrl-c') {
      done.current = true;
      return onCancel();
    }
    // Keys typed quickly arrive together ("NAME\r"): one by one, and the line ends at a break.
    const chars = key.name === 'return' ? ['\r'] : key.name === 'backspace' ? ['\u007f'] : key.name === 'ctrl-u' ? ['\u0015'] : key.name ? [] : [...raw];
    for (const char of chars) {
      if (char === '\r' || char === '\n') {
        done.current = true;
        return onSubmit(text.current);
      }
      if (char === '\u007f' || char === '\b') text.current = [...text.current].slice(0, -1).join('');
      else if (char === '\u0015') text.current = '';
      else if (char >= ' ') text.current += char;
    }
    redraw((n) => n + 1);
  });
  const shown = reveal(text.current);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>{label} </Text>
        {shown ? text.current : <Text dimColor>{hiddenNote ?? '(not shown)'}</Text>}
        <Text inverse> </Text>
      </Text>
      {problem ? <Text color="red" wrap="truncate">{problem}</Text> : <Text dimColor wrap="truncate">{hint ?? 'Enter to continue, Esc to cancel.'}</Text>}
    </Box>
  );
}
