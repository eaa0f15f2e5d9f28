// A table as plain data (one view model): the command fills it once, and both the Ink component
// (Table.tsx, on a terminal) and the plain printer (`plainLines`, in a pipe) render the same
// rows, so a header, a status word or an empty state is worded in one place. On a terminal the
// table is cut to its width, never wrapped: the first column (the names) gives way first, down
// to a minimum, then each line ends with an ellipsis at the edge.
import { fit, relativeTime } from './manager-model.js';

export type Tone = 'good' | 'bad' | 'warn' | 'dim';

export interface Cell {
  text: string;
  tone?: Tone;
}

export interface TableView {
  /** The line above the table, e.g. `Target: local store (.px)`. */
  title: string;
  header: string[];
  rows: Cell[][];
  /** The empty state, said under the title when nothing is stored (rows may still list what is missing). */
  empty?: string;
  /** The line below, e.g. `2 secrets, 1 from .env.secrets.example missing`. */
  footer: string;
}

const GAP = 2;
const MIN_FIRST = 8;

/** The header and rows as cells padded (and, given `columns`, cut) to fit. */
export function layOut(view: TableView, columns?: number): Cell[][] {
  const lines: Cell[][] = [view.header.map((text) => ({ text })), ...view.rows];
  const widths = view.header.map((_, column) => Math.max(...lines.map((cells) => cells[column]?.text.length ?? 0)));
  // The last column of a terminal stays free: writing into it makes some terminals wrap.
  const room = columns === undefined ? Number.POSITIVE_INFINITY : columns - 1;
  const total = (): number => widths.reduce((sum, width) => sum + width, 0) + GAP * (widths.length - 1);
  if (total() > room) widths[0] = Math.max(Math.min(widths[0], MIN_FIRST), widths[0] - (total() - room));
  return lines.map((cells) => {
    let left = room;
    const out: Cell[] = [];
    cells.forEach((cell, column) => {
      const last = column === cells.length - 1;
      const gap = column === 0 ? 0 : GAP;
      if (left - gap <= 0) return;
      left -= gap;
      // The last cell is not padded (no trailing spaces); every cell is cut where the room ends.
      const width = Math.min(last ? cell.text.length : widths[column], left);
      const text = cell.text.length > width ? fit(cell.text, width) : last ? cell.text : cell.text.padEnd(width);
      left -= text.length;
      out.push({ text: `${' '.repeat(gap)}${text}`, tone: cell.tone });
    });
    // Columns left out altogether: the line still says it was cut.
    const shown = out.at(-1);
    if (shown && out.length < cells.length && !shown.text.endsWith('…')) shown.text = `${shown.text.slice(0, -1)}…`;
    return out;
  });
}

/** The table as lines of text: off a terminal `columns` is undefined and nothing is cut. */
export function plainLines(view: TableView, columns?: number): string[] {
  const body = view.rows.length === 0 ? [] : layOut(view, columns).map((cells) => cells.map((cell) => cell.text).join('').trimEnd());
  return [view.title, ...(view.empty ? [view.empty] : []), ...body, view.footer];
}

/** Times as a person reads them on a terminal (`5 min ago`, local dates), as ISO 8601 to the second in a pipe. */
export function timeText(iso: string | undefined, terminal: boolean, now: Date): string {
  if (!iso) return '-';
  if (terminal) return relativeTime(iso, now);
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
