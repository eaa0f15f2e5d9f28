// One view model per table: the Ink table and the plain printer render the same rows; on a
// terminal a table is cut to its width and never wraps.
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { Table } from '../../components/Table.js';
import { layOut, plainLines, timeText, type TableView } from '../../components/table-model.js';

const LONG = `A_${'VERY_LONG_NAME_'.repeat(12)}END`;
const view = (names: string[]): TableView => ({
  title: 'Target: local store (.px)',
  header: ['NAME', 'CREATED', 'UPDATED', 'STATUS'],
  rows: names.map((name) => [{ text: name }, { text: '5 min ago' }, { text: 'just now' }, { text: 'not in manifest', tone: 'dim' }]),
  footer: `${names.length} secrets`,
});

describe('a table view', () => {
  it('the Ink table shows exactly the lines the plain printer prints at the same width', () => {
    const table = view(['ALPHA', 'BETA_KEY']);
    const { lastFrame } = render(<Table view={table} />);
    // ink-testing-library's terminal is 100 columns wide.
    expect(lastFrame()?.split('\n').map((text) => text.trimEnd())).toEqual(plainLines(table, 100));
    expect(plainLines(table)).toEqual([
      'Target: local store (.px)',
      'NAME      CREATED    UPDATED   STATUS',
      'ALPHA     5 min ago  just now  not in manifest',
      'BETA_KEY  5 min ago  just now  not in manifest',
      '2 secrets',
    ]);
  });

  it('cuts a long name on a terminal (the name gives way first), and never wraps a row', () => {
    const table = view([LONG, 'SHORT']);
    const { lastFrame } = render(<Table view={table} />);
    const lines = lastFrame()!.split('\n');
    expect(lines).toHaveLength(5);
    for (const text of lines) expect(text.length).toBeLessThan(100);
    const long = lines.find((text) => text.startsWith('A_VERY'))!;
    expect(long).toMatch(/^A_VERY_LONG_NAME_\S*…  5 min ago  just now  not in manifest$/);
    expect(lines.find((text) => text.startsWith('SHORT'))).toMatch(/^SHORT +5 min ago/);
  });

  it('in a very narrow terminal each line ends at the edge with an ellipsis', () => {
    const cut = layOut(view([LONG]), 30).map((cells) => cells.map((cell) => cell.text).join(''));
    for (const text of cut) expect(text.length).toBeLessThanOrEqual(29);
    expect(cut).toEqual(['NAME      CREATED    UPDATED…', 'A_VERY_…  5 min ago  just no…']);
  });

  it('off a terminal nothing is cut', () => {
    expect(plainLines(view([LONG]))[2].startsWith(`${LONG}  5 min ago`)).toBe(true);
  });

  it('times: relative and local on a terminal, ISO 8601 to the second in a pipe', () => {
    const now = new Date('2026-12-02T12:00:00.000Z');
    expect(timeText('2026-12-02T11:55:00.123Z', true, now)).toBe('5 min ago');
    expect(timeText('2026-12-02T11:59:30.000Z', true, now)).toBe('just now');
    expect(timeText('2026-12-02T11:55:00.123Z', false, now)).toBe('2026-12-02T11:55:00Z');
    const old = new Date(2026, 0, 5, 23, 30);
    expect(timeText(old.toISOString(), true, now)).toBe('2026-01-05');
    expect(timeText(undefined, true, now)).toBe('-');
  });
});
