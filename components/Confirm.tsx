import { Box, Text } from 'ink';
import React, { useRef, useState } from 'react';
import { useKeypress } from './keypress.js';

export interface ConfirmProps {
  message: string;
  defaultYes?: boolean;
  onAnswer: (yes: boolean) => void;
  onCancel: () => void;
}

/** The answer a typed line stands for: yes, no, the default (empty), or not an answer. */
export function readAnswer(line: string, defaultYes: boolean): boolean | null {
  const answer = line.trim().toLowerCase();
  if (answer === '') return defaultYes;
  if (answer === 'y' || answer === 'yes') return true;
  if (answer === 'n' || answer === 'no') return false;
  return null;
}

/**
 * A y/n question, answered with a line: `y`, `yes`, `n`, `no`, or Enter alone for the default
 * (No unless said otherwise). A whole line, not a single key: someone who starts typing a secret
 * here (expecting the value prompt) must not have its first `n` or `y` taken as the answer and the
 * rest sent on. What is typed is not shown unless it is an answer, in case it is a secret.
 */
export function Confirm({ message, defaultYes = false, onAnswer, onCancel }: ConfirmProps): React.ReactElement {
  const line = useRef('');
  const done = useRef(false);
  const [shown, setShown] = useState('');
  const [problem, setProblem] = useState(false);
  useKeypress((key, raw) => {
    if (done.current) return;
    if (key.name === 'escape' || key.name === 'ctrl-c') {
      done.current = true;
      return onCancel();
    }
    // Keys typed quickly can arrive in one event ("yes\r"): go through them one by one.
    const keys = key.name === 'return' ? ['\r'] : key.name === 'backspace' ? ['\u007f'] : key.name ? [] : [...raw];
    for (const char of keys) {
      if (char === '\r' || char === '\n') {
        const answer = readAnswer(line.current, defaultYes);
        line.current = '';
        setShown('');
        if (answer === null) {
          setProblem(true);
          continue;
        }
        done.current = true;
        return onAnswer(answer);
      }
      if (char === '\u007f' || char === '\b') line.current = line.current.slice(0, -1);
      else if (char >= ' ') line.current += char;
    }
    setShown(/^(y|ye|yes|n|no)$/i.test(line.current) ? line.current : '');
  });
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>{message}</Text> <Text dimColor>{defaultYes ? '(Y/n)' : '(y/N)'}</Text> {shown}
      </Text>
      {problem ? <Text color="red">Answer y or n, then Enter (what was typed is not shown).</Text> : null}
    </Box>
  );
}
