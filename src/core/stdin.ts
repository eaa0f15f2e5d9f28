import type { Readable } from 'node:stream';
import { MAX_VALUE_BYTES } from './names.js';
import { UsageError } from './errors.js';

/** Reads a piped value to EOF and strips one trailing `\n` or `\r\n`. */
export async function readPipedValue(stream: Readable): Promise<string> {
  // Two bytes of slack for the trailing newline; stops early instead of buffering an unbounded pipe.
  const bytes = await readPipedBytes(stream, MAX_VALUE_BYTES + 2, 'The value on stdin', '64 KiB');
  let text: string;
  try {
    // ignoreBOM: a leading U+FEFF is part of what was piped; it is kept (with a warning), not dropped.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new UsageError('The value on stdin is not UTF-8 text.');
  }
  return text.replace(/\r?\n$/, '');
}

/** Reads a piped stream to EOF as bytes, refusing more than `limit` bytes (`what` and `shown` say so). */
export async function readPipedBytes(stream: Readable, limit: number, what: string, shown: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > limit) throw new UsageError(`${what} is larger than ${shown}.`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
