// Where held values occur in bytes, by line: the masking matcher (value-matcher.ts) with each
// pattern mapped back to the names whose value it is. Exact matches of known values only: no
// pattern guessing, so no false positives, and nothing px does not hold is ever found.
import { START_STATE, ValueMatcher } from '../value-matcher.js';

/** Values shorter than this are not looked for: they occur by chance everywhere. */
export const MIN_SCANNED_LENGTH = 4;
/** A line of a multiline value is looked for on its own from this length (a PEM key's body). */
const MIN_LINE_LENGTH = 16;
/** PEM armour is the same in every key: finding it would flag keys px does not hold. */
const PEM_ARMOUR = /^-----(BEGIN|END) [A-Z0-9 ]+-----$/;

/** The byte strings that betray `value`: itself and, for a multiline one, its distinctive lines. */
function patternsOf(value: string): string[] {
  if (value.length < MIN_SCANNED_LENGTH || value.trim().length === 0) return [];
  const patterns = [value];
  if (value.includes('\n')) {
    for (const line of value.split(/\r?\n/)) {
      const trimmed = line.trim();
      if (trimmed.length >= MIN_LINE_LENGTH && !PEM_ARMOUR.test(trimmed)) patterns.push(trimmed);
    }
  }
  return patterns;
}

export interface Hit {
  /** 1-based line where the value starts. */
  line: number;
  name: string;
}

export class ValueFinder {
  private readonly matcher: ValueMatcher;
  /** For each pattern: the names holding it, and how many line breaks it spans. */
  private readonly names: string[][];
  private readonly breaks: number[];
  /** How many distinct values are looked for. */
  readonly size: number;

  constructor(values: Iterable<[name: string, value: string]>) {
    const byPattern = new Map<string, Set<string>>();
    for (const [name, value] of values) {
      // A multiline value pasted with other indentation or line ends is still found by its lines.
      for (const text of patternsOf(value)) {
        let names = byPattern.get(text);
        if (!names) byPattern.set(text, (names = new Set()));
        names.add(name);
      }
    }
    const patterns = [...byPattern.keys()];
    this.matcher = new ValueMatcher(patterns.map((text) => Buffer.from(text, 'utf8')));
    this.names = [...byPattern.values()].map((names) => [...names].sort());
    // Breaks before the value's last byte: a line is counted up to, not including, that byte.
    this.breaks = patterns.map((text) => text.slice(0, -1).split('\n').length - 1);
    this.size = this.matcher.size;
  }

  /** A reader of one stream of bytes (a file read in chunks, or one hunk's added lines). */
  reader(firstLine = 1): FindingReader {
    return new FindingReader(this.matcher, this.names, this.breaks, firstLine);
  }

  /** Every hit in `bytes`, the first line numbered `firstLine`. */
  find(bytes: Uint8Array, firstLine = 1): Hit[] {
    const reader = this.reader(firstLine);
    reader.push(bytes);
    return reader.hits;
  }
}

export class FindingReader {
  readonly hits: Hit[] = [];
  private state = START_STATE;
  /** Line breaks seen before the current chunk's first byte. */
  private breaksBefore = 0;

  constructor(
    private readonly matcher: ValueMatcher,
    private readonly names: string[][],
    private readonly breaks: number[],
    private readonly firstLine: number,
  ) {}

  push(chunk: Uint8Array): void {
    let counted = 0;
    let breaks = this.breaksBefore;
    this.state = this.matcher.findAll(chunk, this.state, (pattern, _start, end) => {
      // The line of the match's last byte, less the breaks inside the value: its first line.
      for (; counted < end - 1; counted++) if (chunk[counted] === 0x0a) breaks++;
      const line = this.firstLine + breaks - this.breaks[pattern];
      for (const name of this.names[pattern]) this.hits.push({ line, name });
    });
    for (; counted < chunk.length; counted++) if (chunk[counted] === 0x0a) breaks++;
    this.breaksBefore = breaks;
  }
}
