// Masks secret values as `***` in a child's output (`px run`, `px deploy`). Works on bytes, so a
// value split across chunks (or across a multi-byte character) is still caught: a chunk's tail
// that could be the start of a value is held back until the next chunk or the end decides.
// Hand-rolled: no maintained stream-masking library handles split values.
import { Transform, type TransformCallback } from 'node:stream';

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
  // Longest first: where two patterns match at one place, the longer one wins.
  return [...patterns].map((text) => Buffer.from(text, 'utf8')).sort((a, b) => b.length - a.length);
}

export class Masker {
  private carry: Buffer = Buffer.alloc(0);
  private readonly starts = new Uint8Array(256);

  constructor(private readonly patterns: Buffer[]) {
    for (const pattern of patterns) this.starts[pattern[0]] = 1;
  }

  /** Masks what can be decided now; keeps a possible start of a value for the next call. */
  push(chunk: Buffer): Buffer {
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const { out, rest } = this.scan(data, false);
    this.carry = rest;
    return out;
  }

  /** The end of the stream: whatever is held back cannot become a value any more. */
  end(): Buffer {
    const { out } = this.scan(this.carry, true);
    this.carry = Buffer.alloc(0);
    return out;
  }

  private scan(data: Buffer, final: boolean): { out: Buffer; rest: Buffer } {
    if (this.patterns.length === 0) return { out: data, rest: Buffer.alloc(0) };
    const parts: Buffer[] = [];
    let emitted = 0;
    let i = 0;
    while (i < data.length) {
      if (this.starts[data[i]] === 0) {
        i++;
        continue;
      }
      let matched = 0;
      let partial = false;
      for (const pattern of this.patterns) {
        const available = data.length - i;
        if (available >= pattern.length) {
          if (matched === 0 && data.compare(pattern, 0, pattern.length, i, i + pattern.length) === 0) matched = pattern.length;
        } else if (!final && data.compare(pattern, 0, available, i, data.length) === 0) {
          partial = true; // the rest of the data is a prefix of this pattern: wait for more
        }
      }
      // A longer pattern that might still complete here beats a shorter one that matched.
      if (partial) {
        parts.push(data.subarray(emitted, i));
        return { out: Buffer.concat(parts), rest: Buffer.from(data.subarray(i)) };
      }
      if (matched > 0) {
        parts.push(data.subarray(emitted, i), MASK_BYTES);
        i += matched;
        emitted = i;
      } else {
        i++;
      }
    }
    parts.push(data.subarray(emitted));
    return { out: Buffer.concat(parts), rest: Buffer.alloc(0) };
  }
}

/** `text` with every value in it (and each long line of a multiline one) replaced by `***`. */
export function maskText(text: string, values: Iterable<string>): string {
  const masker = new Masker(maskPatterns(values));
  return Buffer.concat([masker.push(Buffer.from(text, 'utf8')), masker.end()]).toString('utf8');
}

/** A stream that masks `values` in what flows through it. */
export function maskingStream(values: Iterable<string>): Transform {
  const masker = new Masker(maskPatterns(values));
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
