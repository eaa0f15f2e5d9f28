// A TableView (table-model.ts) on a terminal: the plain printer's rows, coloured by tone, cut to
// the terminal's width (never wrapped).
import { Box, Text, useStdout } from 'ink';
import React from 'react';
import { layOut, type TableView, type Tone } from './table-model.js';

const COLOURS: Record<Tone, string | undefined> = { good: 'green', bad: 'red', warn: 'yellow', dim: undefined };

export function Table({ view }: { view: TableView }): React.ReactElement {
  const { stdout } = useStdout();
  const lines = layOut(view, stdout.columns || 80);
  return (
    <Box flexDirection="column">
      <Text dimColor>{view.title}</Text>
      {view.empty ? <Text>{view.empty}</Text> : null}
      {view.rows.length === 0
        ? null
        : lines.map((cells, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows never move
          <Text key={index} wrap="truncate" bold={index === 0}>
            {cells.map((cell, column) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns never move
              <Text key={column} color={cell.tone ? COLOURS[cell.tone] : undefined} dimColor={cell.tone === 'dim'}>
                {cell.text}
              </Text>
            ))}
          </Text>
          ))}
      <Text>{view.footer}</Text>
    </Box>
  );
}
