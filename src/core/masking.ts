// Masks secret values as `***` in a child's output (`px run`, `px deploy`). Works on bytes, so a
// value split across chunks (or across a multi-byte character) is still caught. Where matches
// overlap (one value's end is another's start), their union is masked as one `***`. A chunk's
// tail that could still begin a value is held back until the next chunk or the end decides: at
// most the longest value's length − 1 bytes, and only as many as could begin one.
// Hand-rolled: no maintained stream-masking library handles split and overlapping values.
import { Transform, type TransformCallback } from 'node:stream';
import { START_STATE, ValueMatcher } from './value-matcher.js';

export const MASK = '***';
const MASK_BYTES = Buffer.from(MASK);
/** Lines of a multiline value shorter than this are not masked on their own (`}`, `---`). */
const MIN_LINE_LENGTH = 8;

/** The byte strings to hide: each value, and each long enough line of a multiline value. */
export function maskPatterns(values: Iterable<string>): Buffer[] {
  const patterns = new Set<string>();
  for (const value of values) {
    // Only whitespace (stored before px refused it): masking it would garble every line of output.
    if (value.trim().length === 0) continue;
    patterns.add(value);
    if (value.includes('\n')) {
      for (const line of value.split(/\r?\n/)) {
        const trimmed = line.trim();
        if (trimmed.length >= MIN_LINE_LENGTH) patterns.add(trimmed);
      }
    }
  }
  return [...patterns].map((text) => Buffer.from(text, 'utf8'));
}

/** The automaton for `patterns`: build it once per run and share it between the run's streams. */
export function maskMatcher(patterns: readonly Uint8Array[]): ValueMatcher {
  return new ValueMatcher(patterns);
}

/** One output stream's masking state over a shared matcher. */
export class Masker {
  private readonly matcher: ValueMatcher;
  private state = START_STATE;
  /** Bytes read but not yet written: they start at stream offset `heldStart`. */
  private held: Buffer = Buffer.alloc(0);
  private heldStart = 0;
  /** Stream offset of the next byte to read. */
  private position = 0;
  /** Masked ranges not written yet, as [start, end) stream offsets, in order and disjoint. When
   *  `firstWritten`, the first one's `***` is out already and only its end may still grow. */
  private ranges: number[] = [];
  private firstWritten = false;

  constructor(patterns: readonly Uint8Array[] | ValueMatcher) {
    this.matcher = patterns instanceof ValueMatcher ? patterns : new ValueMatcher(patterns);
  }

  /** Masks what can be decided now; keeps what could still begin a value for the next call. */
  push(chunk: Buffer): Buffer {
    if (this.matcher.size === 0) return chunk;
    const base = this.position;
    this.state = this.matcher.scan(chunk, this.state, (start, end) => this.add(base + start, base + end));
    this.position += chunk.length;
    const data = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    return this.release(data, this.position - this.matcher.pending(this.state));
  }

  /** The end of the stream: whatever is held back cannot become a value any more. */
  end(): Buffer {
    const out = this.release(this.held, this.position);
    this.state = START_STATE;
    return out;
  }

  /** Adds a match, merging it with the ranges it overlaps (matches arrive by their end). */
  private add(start: number, end: number): void {
    const { ranges } = this;
    let from = start;
    while (ranges.length > 0 && ranges[ranges.length - 1] > from) {
      from = Math.min(from, ranges[ranges.length - 2]);
      ranges.length -= 2;
      if (ranges.length === 0 && this.firstWritten) {
        // Merged into the range whose `***` is already out: it only grows.
        ranges.push(from, end);
        return;
      }
    }
    if (ranges.length === 0) this.firstWritten = false;
    ranges.push(from, end);
  }

  /** Writes `data` (stream offsets from `heldStart`) up to the offset `until`; holds the rest. */
  private release(data: Buffer, until: number): Buffer {
    const parts: Buffer[] = [];
    const { ranges } = this;
    let cursor = this.heldStart;
    let done = 0;
    while (done < ranges.length && ranges[done] < until) {
      const [start, end] = [ranges[done], ranges[done + 1]];
      if (!(done === 0 && this.firstWritten)) {
        parts.push(data.subarray(cursor - this.heldStart, start - this.heldStart), MASK_BYTES);
      }
      // A later match starts at `until` or after: a range ending by then is complete.
      if (end > until) {
        this.firstWritten = true;
        cursor = until;
        break;
      }
      cursor = end;
      done += 2;
      if (done === 2) this.firstWritten = false;
    }
    if (done > 0) ranges.splice(0, done);
    if (ranges.length === 0 || ranges[0] >= until) {
      if (cursor < until) parts.push(data.subarray(cursor - this.heldStart, until - this.heldStart));
      cursor = until;
    }
    this.held = Buffer.from(data.subarray(cursor - this.heldStart));
    this.heldStart = cursor;
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }
}

/** `text` with every value in it (and each long line of a multiline one) replaced by `***`. */
export function maskText(text: string, values: Iterable<string>): string {
  const masker = new Masker(maskPatterns(values));
  return Buffer.concat([masker.push(Buffer.from(text, 'utf8')), masker.end()]).toString('utf8');
}

/** A stream that masks what flows through it: give it the run's shared matcher, or values. */
export function maskingStream(source: ValueMatcher | Iterable<string>): Transform {
  const masker = new Masker(source instanceof ValueMatcher ? source : maskPatterns(source));
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      const out = masker.push(chunk);
      done(null, out.length > 0 ? out : undefined);
    },
    flush(done: TransformCallback) {
      const out = masker.end();
      done(null, out.length > 0 ? out : undefined);
    },
  });
}
