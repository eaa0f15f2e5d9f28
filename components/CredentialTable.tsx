import { Box, Text } from 'ink';
import React from 'react';

export interface CredentialRow {
  name: string;
  /** Set when .env.deploy.example exists: is this name in the keychain? */
  status?: 'configured' | 'missing' | 'extra';
}

export interface CredentialTableProps {
  /** Where they live: the keychain and this project's service name. */
  target: string;
  rows: CredentialRow[];
  count: number;
  exampleFile?: string;
}

/** Deploy credential names, never values. */
export function CredentialTable({ target, rows, count, exampleFile }: CredentialTableProps): React.ReactElement {
  const missing = rows.filter((row) => row.status === 'missing').length;
  const width = Math.max(4, ...rows.map((row) => row.name.length));
  return (
    <Box flexDirection="column">
      <Text dimColor>Target: {target}</Text>
      {count === 0 ? <Text>No deploy credentials for this project yet. Add one with `px creds set NAME` or import .env.deploy with `px creds import`.</Text> : null}
      {rows.map((row) => (
        <Text key={row.name}>
          {row.name.padEnd(width)}
          {row.status === 'configured' ? <Text color="green">  ✓ stored</Text> : null}
          {row.status === 'missing' ? <Text color="red">  ✗ missing</Text> : null}
          {row.status === 'extra' ? <Text dimColor>  not in example</Text> : null}
        </Text>
      ))}
      <Text>
        {count} {count === 1 ? 'credential' : 'credentials'}
        {exampleFile && missing > 0 ? `, ${missing} from ${exampleFile} missing` : ''}
      </Text>
    </Box>
  );
}
