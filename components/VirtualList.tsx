import { Box, Text } from 'ink';
import React from 'react';
import { rowText, STATUS_WIDTH, UPDATED_WIDTH, fit, type ManagerRow, type RowStatus } from './manager-model.js';

export interface VirtualListProps {
  rows: ManagerRow[];
  selected: number;
  /** Lines the list may use. */
  height: number;
  columns: number;
  now: Date;
  focused: boolean;
  /** Said on the first line when there are no rows. */
  empty: string;
}

const STATUS_COLOR: Record<RowStatus, string | undefined> = {
  configured: 'green',
  generated: 'green',
  missing: 'red',
  'optional, not set': undefined,
  invalid: 'red',
  stale: 'yellow',
  'not in manifest': undefined,
};

/** The first row shown so that `selected` stays in view, near the middle once the list scrolls. */
export function firstShown(count: number, selected: number, height: number): number {
  if (count <= height) return 0;
  return Math.min(Math.max(0, selected - Math.floor(height / 2)), count - height);
}

/**
 * Secret rows, drawn by hand rather than with ink-select-input because a project may hold 10,000
 * secrets: only the rows that fit on screen become React elements, so a keystroke costs the same
 * at 10 rows or 10,000, where a select list lays out every item it is given.
 */
export function VirtualList({ rows, selected, height, columns, now, focused, empty }: VirtualListProps): React.ReactElement {
  if (rows.length === 0) {
    return (
      <Box flexDirection="column" height={height}>
        <Text dimColor wrap="truncate">
          {fit(`  ${empty}`, columns - 1)}
        </Text>
      </Box>
    );
  }
  const top = firstShown(rows.length, selected, height);
  const shown = rows.slice(top, top + height);
  return (
    <Box flexDirection="column" height={height}>
      {shown.map((row, i) => {
        const index = top + i;
        const { name, updated, status } = rowText(row, columns, now);
        const current = index === selected && focused;
        return (
          // One string before the status: each text child is a node Ink lays out and draws.
          <Text key={row.name} wrap="truncate" inverse={current}>
            {`${current ? '› ' : '  '}${name}  ${updated}  `}
            <Text color={current ? undefined : STATUS_COLOR[row.status ?? 'not in manifest']}>{status}</Text>
          </Text>
        );
      })}
    </Box>
  );
}

/** The column titles above a list, aligned with its rows. */
export function ListHeader({ columns }: { columns: number }): React.ReactElement {
  const { name } = rowText({ name: '' }, columns, new Date(0));
  return (
    <Text bold wrap="truncate">
      {'  '}
      {fit('NAME', name.length)}  {fit('UPDATED', UPDATED_WIDTH)}  {fit('STATUS', STATUS_WIDTH)}
    </Text>
  );
}
