// The manager's two lists, each under its title line: runtime secrets of the environment on top,
// deploy credentials below.
import { Box, Text } from 'ink';
import React from 'react';
import { fit, readersLine, type ManagerRow, type PaneData, type PaneId } from './manager-model.js';
import { ListHeader, VirtualList } from './VirtualList.js';

const TITLES: Record<PaneId, string> = { secrets: 'Runtime secrets', credentials: 'Deploy credentials' };

/** Deploy credentials are few: their pane takes up to four lines and leaves the rest to secrets. */
export function credentialHeight(count: number): number {
  return Math.max(1, Math.min(4, count));
}

export interface ManagerListsProps {
  data: Record<PaneId, PaneData> | null;
  /** The rows left by each pane's filter. */
  shown: Record<PaneId, ManagerRow[]>;
  filters: Record<PaneId, string>;
  selected: Record<PaneId, number>;
  pane: PaneId;
  /** The filter of `pane` is being typed. */
  typing: boolean;
  env: string;
  columns: number;
  /** Lines of the runtime secrets' list. */
  listHeight: number;
  now: Date;
}

export function ManagerLists({ data, shown, filters, selected, pane, typing, env, columns, listHeight, now }: ManagerListsProps): React.ReactElement {
  const width = columns - 1;
  const title = (id: PaneId, suffix = ''): string => {
    const all = data?.[id].rows.length ?? 0;
    const filter = filters[id];
    const where = id === 'secrets' ? `${env} · ` : '';
    const editing = typing && id === pane;
    const count = filter || editing ? `filter ${filter}${editing ? '▏' : ''} · ${shown[id].length} of ${all}` : `${all} ${all === 1 ? 'row' : 'rows'}`;
    return fit(`${id === pane ? '▸' : ' '} ${TITLES[id]} · ${where}${count}${suffix}`, width);
  };
  const pick = (id: PaneId): number => Math.min(selected[id], Math.max(0, shown[id].length - 1));
  const empty = (id: PaneId): string =>
    data?.[id].error ??
    (!data ? 'Loading…' : filters[id] ? 'Nothing matches the filter.' : id === 'secrets' ? 'No secrets yet: n adds one, i imports a file, s runs the setup.' : 'No deploy credentials yet: n adds one, i imports .env.deploy.');
  return (
    <Box flexDirection="column">
      <Text bold={pane === 'secrets'} wrap="truncate">{title('secrets')}</Text>
      <ListHeader columns={columns} />
      <VirtualList rows={shown.secrets} selected={pick('secrets')} height={listHeight} columns={columns} now={now} focused={pane === 'secrets'} empty={empty('secrets')} />
      {data?.secrets.readers ? (
        <Text dimColor wrap="truncate">
          {fit(`  ${readersLine(shown.secrets[pick('secrets')])}`, width)}
        </Text>
      ) : null}
      <Text bold={pane === 'credentials'} wrap="truncate">{title('credentials', data?.credentials.label ? ` · ${data.credentials.label}` : '')}</Text>
      <VirtualList rows={shown.credentials} selected={pick('credentials')} height={credentialHeight(shown.credentials.length)} columns={columns} now={now} focused={pane === 'credentials'} empty={empty('credentials')} />
    </Box>
  );
}
