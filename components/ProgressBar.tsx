import { Text } from 'ink';
import React from 'react';

export interface ProgressBarProps {
  label: string;
  done: number;
  total: number;
}

export function ProgressBar({ label, done, total }: ProgressBarProps): React.ReactElement {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return (
    <Text>
      {label} [{'█'.repeat(filled)}
      {'░'.repeat(width - filled)}] {done}/{total}
    </Text>
  );
}
