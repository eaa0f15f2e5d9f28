// The parts of the manager's screen other than its lists: the key table, a secret's history, an
// import's preview and the environment switcher.
import { Box, Text } from 'ink';
import React, { useRef, useState } from 'react';
import { useKeypress } from './keypress.js';
import { fit, relativeTime, type HistoryEntry, type ImportPlan } from './manager-model.js';

/** The key table, as `?` shows it and the README repeats it. */
export const KEYS: Array<[string, string]> = [
  ['↑ ↓ PgUp PgDn Home End', 'move'],
  ['Tab', 'switch pane (runtime secrets / deploy credentials)'],
  ['/', 'filter by name as you type (Enter keeps it, Esc clears it)'],
  ['n', 'new: a name, then its value at a hidden prompt'],
  ['e', 'replace the selected value (hidden prompt)'],
  ['g', 'generate the selected secret from its generator'],
  ['d', 'delete the selected one (asks first)'],
  ['i', 'import a file (shows the preview, asks first)'],
  ['h', 'history of the selected secret'],
  ['s', 'setup: generate and ask for what is missing'],
  ['v', 'switch environment'],
  ['r', 'reload'],
  ['?', 'this help'],
  ['q  Ctrl+C', 'quit'],
];

export function HelpPanel({ columns }: { columns: number }): React.ReactElement {
  return (
    <Box flexDirection="column">
      <Text bold>Keys</Text>
      {KEYS.map(([keys, what]) => (
        <Text key={keys} wrap="truncate">
          {fit(`  ${keys}`, 26)}
          {fit(what, Math.max(0, columns - 27))}
        </Text>
      ))}
      <Text dimColor>Values are never shown. Any key closes this.</Text>
    </Box>
  );
}

export function HistoryPanel({ name, entries, now, height }: { name: string; entries: HistoryEntry[]; now: Date; height: number }): React.ReactElement {
  const shown = entries.slice(0, Math.max(1, height - 2));
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        History of {name} ({entries.length} {entries.length === 1 ? 'version' : 'versions'}, newest first; never values)
      </Text>
      {entries.length === 0 ? <Text dimColor>  No versions recorded.</Text> : null}
      {shown.map((entry) => (
        <Text key={entry.version} wrap="truncate">
          {fit(`  v${entry.version}`, 8)}
          {fit(relativeTime(entry.createdAt, now), 14)}
          {entry.note ? fit(entry.by ?? '', 20) : (entry.by ?? '')}
          {entry.note ?? ''}
        </Text>
      ))}
      {entries.length > shown.length ? <Text dimColor>  … and {entries.length - shown.length} older</Text> : null}
      <Text dimColor>Any key goes back.</Text>
    </Box>
  );
}

export function ImportPanel({ plan, target, height }: { plan: ImportPlan; target: string; height: number }): React.ReactElement {
  const count = (action: string): number => plan.items.filter((item) => item.action === action).length;
  const room = Math.max(1, height - 3 - plan.warnings.length);
  const shown = plan.items.slice(0, room);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        Import {plan.items.length} from {plan.file} into {target}: {count('create')} to create, {count('update')} to update
        {count('unchanged') > 0 ? `, ${count('unchanged')} unchanged` : ''}
      </Text>
      {plan.warnings.map((warning) => (
        <Text key={warning} color="yellow" wrap="truncate">
          warning: {warning}
        </Text>
      ))}
      {shown.map((item) => (
        <Text key={item.name} wrap="truncate">
          {'  '}
          <Text color={item.action === 'create' ? 'green' : item.action === 'update' ? 'yellow' : undefined}>{item.action.padEnd(9)}</Text> {item.name}
        </Text>
      ))}
      {plan.items.length > shown.length ? <Text dimColor>  … and {plan.items.length - shown.length} more</Text> : null}
    </Box>
  );
}

/**
 * The environment switcher. Drawn by hand rather than with ink-select-input: that list reads keys
 * through a passive effect that React may run tens of milliseconds after a frame, so Down then
 * Enter typed quickly switched to the environment that had been highlighted before.
 */
export function EnvironmentSwitcher(props: { environments: string[]; current: string; onPick: (env: string) => void }): React.ReactElement {
  const { environments, current, onPick } = props;
  const highlighted = useRef(Math.max(0, environments.indexOf(current)));
  const [, redraw] = useState(0);
  useKeypress((key) => {
    const last = environments.length - 1;
    const move = (to: number): void => {
      highlighted.current = Math.max(0, Math.min(last, to));
      redraw((n) => n + 1);
    };
    if (key.name === 'up' || key.text === 'k') return move(highlighted.current - 1);
    if (key.name === 'down' || key.text === 'j') return move(highlighted.current + 1);
    if (key.name === 'home') return move(0);
    if (key.name === 'end') return move(last);
    if (key.name === 'return') return onPick(environments[highlighted.current]);
  });
  const first = Math.max(0, Math.min(highlighted.current - 5, environments.length - SWITCHER_ROWS));
  return (
    <Box flexDirection="column">
      <Text bold>Environment</Text>
      {environments.slice(first, first + SWITCHER_ROWS).map((env, i) => (
        <Text key={env} bold={first + i === highlighted.current} wrap="truncate">
          {first + i === highlighted.current ? '› ' : '  '}
          {env === current ? `${env} (current)` : env}
        </Text>
      ))}
      <Text dimColor>↑ ↓ to choose, Enter to switch, Esc to go back.</Text>
    </Box>
  );
}

/** Environments shown at once; more scroll. */
const SWITCHER_ROWS = 10;
