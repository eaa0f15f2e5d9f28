import { Box, Text } from 'ink';
import React from 'react';

export interface CredentialRow {
  name: string;
  /** Set when .env.deploy.example exists: is this name in the keychain? */
  status?: 'configured' | 'missing' | 'extra';
  /** How long ago px last set it ("12 days", "unknown"); absent for a missing one. */
  age?: string;
  /** Older than its rotateAfterDays in px.config.json. */
  stale?: boolean;
}

export interface CredentialTableProps {
  /** Where they live: the keychain and this project's service name. */
  target: string;
  rows: CredentialRow[];
  count: number;
  exampleFile?: string;
  /** Said after the count: how many are stale and how to replace them. */
  staleNote?: string;
}

/** Deploy credential names, never values. */
export function CredentialTable({ target, rows, count, exampleFile, staleNote }: CredentialTableProps): React.ReactElement {
  const missing = rows.filter((row) => row.status === 'missing').length;
  const width = Math.max(4, ...rows.map((row) => row.name.length));
  const STALE = ', stale';
  const ageWidth = Math.max(3, ...rows.map((row) => (row.age ?? '').length + (row.stale ? STALE.length : 0)));
  return (
    <Box flexDirection="column">
      <Text dimColor>Target: {target}</Text>
      {count === 0 ? <Text>No deploy credentials for this project yet. Add one with `px creds set NAME` or import .env.deploy with `px creds import`.</Text> : null}
      {rows.map((row) => (
        <Text key={row.name}>
          {row.name.padEnd(width)}
          {row.age !== undefined ? <Text dimColor>  {row.stale ? row.age : row.age.padEnd(ageWidth)}</Text> : null}
          {row.age !== undefined && row.stale ? <Text color="yellow">{STALE.padEnd(ageWidth - row.age.length)}</Text> : null}
          {row.status === 'configured' ? <Text color="green">  ✓ stored</Text> : null}
          {row.status === 'missing' ? <Text color="red">  ✗ missing</Text> : null}
          {row.status === 'extra' ? <Text dimColor>  not in example</Text> : null}
        </Text>
      ))}
      <Text>
        {count} {count === 1 ? 'credential' : 'credentials'}
        {exampleFile && missing > 0 ? `, ${missing} from ${exampleFile} missing` : ''}
        {staleNote ?? ''}
      </Text>
    </Box>
  );
}
