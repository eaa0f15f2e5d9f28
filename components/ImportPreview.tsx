import { Box, Text } from 'ink';
import React from 'react';

export interface ImportPreviewProps {
  target: string;
  file: string;
  items: Array<{ name: string; action: 'create' | 'update' }>;
  dryRun: boolean;
}

/** What an import would do, name by name; never values. */
export function ImportPreview({ target, file, items, dryRun }: ImportPreviewProps): React.ReactElement {
  const creates = items.filter((item) => item.action === 'create').length;
  const shown = items.slice(0, 50);
  return (
    <Box flexDirection="column">
      <Text dimColor>Target: {target}</Text>
      <Text bold>
        {dryRun ? 'Dry run: would import' : 'Import'} {items.length} from {file}: {creates} to create, {items.length - creates} to update
      </Text>
      {shown.map((item) => (
        <Text key={item.name}>
          {'  '}
          {item.action === 'create' ? <Text color="green">create</Text> : <Text color="yellow">update</Text>} {item.name}
        </Text>
      ))}
      {items.length > shown.length ? <Text dimColor>  … and {items.length - shown.length} more</Text> : null}
    </Box>
  );
}
