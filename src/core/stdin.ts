import type { Readable } from 'node:stream';
import { MAX_VALUE_BYTES } from './names.js';
import { UsageError } from './errors.js';

/** Reads a piped value to EOF and strips one trailing `\n` or `\r\n` (PRODUCT.md). */
export async function readPipedValue(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    // Stop early instead of buffering an unbounded pipe.
    if (size > MAX_VALUE_BYTES + 2) throw new UsageError('The value on stdin is larger than 64 KiB.');
    chunks.push(buffer);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new UsageError('The value on stdin is not UTF-8 text.');
  }
  return text.replace(/\r?\n$/, '');
}

/** Reads a piped stream to EOF as bytes, refusing more than `limit` bytes (`what` names it). */
export async function readPipedBytes(stream: Readable, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > limit) throw new UsageError(`${what} is larger than ${Math.round(limit / 1024 / 1024)} MiB.`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
