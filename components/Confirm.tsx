import { Text, useInput } from 'ink';
import React from 'react';

export interface ConfirmProps {
  message: string;
  defaultYes?: boolean;
  onAnswer: (yes: boolean) => void;
  onCancel: () => void;
}

/** A y/n question. Enter takes the default, which is No unless said otherwise. */
export function Confirm({ message, defaultYes = false, onAnswer, onCancel }: ConfirmProps): React.ReactElement {
  useInput((input, key) => {
    if (key.escape || (key.ctrl && input === 'c')) return onCancel();
    if (key.return) return onAnswer(defaultYes);
    const answer = input.toLowerCase();
    if (answer === 'y') onAnswer(true);
    else if (answer === 'n') onAnswer(false);
  });
  return (
    <Text>
      <Text bold>{message}</Text> <Text dimColor>{defaultYes ? '(Y/n)' : '(y/N)'}</Text>
    </Text>
  );
}
