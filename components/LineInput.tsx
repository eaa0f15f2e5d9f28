import { Box, Text, useInput } from 'ink';
import React, { useRef, useState } from 'react';

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
  useInput((input, key) => {
    if (done.current) return;
    if (key.escape || (key.ctrl && input === 'c')) {
      done.current = true;
      return onCancel();
    }
    if (key.return) {
      done.current = true;
      return onSubmit(text.current);
    }
    if (key.backspace || key.delete) text.current = [...text.current].slice(0, -1).join('');
    else if (key.ctrl && input === 'u') text.current = '';
    else if (!key.ctrl && !key.meta && !key.tab && !key.upArrow && !key.downArrow && !key.leftArrow && !key.rightArrow) {
      // A paste arrives as one event: keep its first line only, never its line breaks.
      text.current += input.split(/[\r\n]/)[0].replace(/[\u0000-\u001f\u007f]/g, '');
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
