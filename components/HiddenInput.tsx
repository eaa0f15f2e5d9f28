import { Box, Text, useInput } from 'ink';
import TextInput from 'ink-text-input';
import React, { useState } from 'react';

export interface HiddenInputProps {
  label: string;
  target: string;
  onSubmit: (value: string) => void;
  onCancel: () => void;
}

// A paste often ends in a newline that would land in the value: drop it.
const stripTrailingNewline = (value: string): string => value.replace(/[\r\n]+$/, '');

/** A masked prompt: what is typed never appears on screen, only one `*` per character. */
export function HiddenInput({ label, target, onSubmit, onCancel }: HiddenInputProps): React.ReactElement {
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  useInput((input, key) => {
    if (key.escape || (key.ctrl && input === 'c')) onCancel();
  });
  const submit = (raw: string): void => {
    const clean = stripTrailingNewline(raw);
    if (clean.length === 0) {
      setProblem('The value is empty: type or paste it, or press Esc to cancel.');
      return;
    }
    onSubmit(clean);
  };
  return (
    <Box flexDirection="column">
      <Text dimColor>Target: {target}</Text>
      <Box>
        <Text bold>{label} </Text>
        <TextInput
          value={value}
          mask="*"
          showCursor
          onChange={(next) => {
            setProblem(null);
            setValue(stripTrailingNewline(next));
          }}
          onSubmit={submit}
        />
      </Box>
      {problem ? <Text color="red">{problem}</Text> : <Text dimColor>Input is hidden. Enter to save, Esc to cancel.</Text>}
    </Box>
  );
}
