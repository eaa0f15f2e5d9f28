import { Box, Text } from 'ink';
import React from 'react';

export interface SecretRow {
  name: string;
  createdAt?: string;
  updatedAt?: string;
  /** Against the manifest (px.config.json or .env.secrets.example), when there is one. */
  status?: 'configured' | 'missing' | 'stale' | 'invalid' | 'not in manifest';
}

export interface SecretTableProps {
  target: string;
  rows: SecretRow[];
  count: number;
  exampleFile?: string;
  /** Said after the count: how many are stale and how to rotate them. */
  staleNote?: string;
}

const day = (iso?: string): string => (iso ? iso.replace('T', ' ').slice(0, 16) : '—');

/** Names and times, never values. */
export function SecretTable({ target, rows, count, exampleFile, staleNote }: SecretTableProps): React.ReactElement {
  const width = Math.max(4, ...rows.map((row) => row.name.length));
  const missing = rows.filter((row) => row.status === 'missing').length;
  return (
    <Box flexDirection="column">
      <Text dimColor>Target: {target}</Text>
      {count === 0 ? (
        <Text>No secrets yet. Add one with `px secret create NAME` or import a file with `px secret import`.</Text>
      ) : (
        <Text bold>
          {'NAME'.padEnd(width)}  {'CREATED (UTC)'.padEnd(16)}  {'UPDATED (UTC)'.padEnd(16)}
          {exampleFile ? '  STATUS' : ''}
        </Text>
      )}
      {rows.map((row) => (
        <Text key={row.name}>
          {row.name.padEnd(width)}  {day(row.createdAt).padEnd(16)}  {day(row.updatedAt).padEnd(16)}
          {row.status === 'configured' ? <Text color="green">  ✓ configured</Text> : null}
          {row.status === 'missing' ? <Text color="red">  ✗ missing</Text> : null}
          {row.status === 'stale' ? <Text color="yellow">  ! stale</Text> : null}
          {row.status === 'invalid' ? <Text color="red">  ✗ invalid</Text> : null}
          {exampleFile && row.status === 'not in manifest' ? <Text dimColor>  not in manifest</Text> : null}
        </Text>
      ))}
      <Text>
        {count} {count === 1 ? 'secret' : 'secrets'}
        {exampleFile && missing > 0 ? `, ${missing} from ${exampleFile} missing` : ''}
        {staleNote ?? ''}
      </Text>
    </Box>
  );
}
