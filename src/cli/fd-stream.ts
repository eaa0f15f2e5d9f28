// Output straight to a file descriptor, for the fast path's commands when stdout or stderr is a
// pipe or a file. Node's process.stdout on a pipe is a net.Socket, and loading net is a good part
// of such a command's start-up (README, Performance). Writes are synchronous, as Node's own stdout
// is on a file, so nothing is left to flush at exit and the order of lines is kept.
//
// Not a node:stream Writable: its machinery (state, buffering, compiled afresh on each run, since
// Node's own code cache leaves most of it out) cost ~0.9 ms of a `px secret list` that writes one
// chunk. The fast path's commands only write, end and listen for 'error'; this does those, with a
// Writable's order of events: a failed write calls its callback, then 'error' follows once, on
// the next tick, and every later write fails too.
import { EventEmitter } from 'node:events';
import { writeSync } from 'node:fs';
import type { OutStream } from '../core/interactive.js';

type Done = (error?: Error | null) => void;

class FdWriter extends EventEmitter {
  writable = true;
  /** Node's own stream, once a write was refused (EAGAIN): it takes every write from then on. */
  private node: NodeJS.WriteStream | undefined;
  private failure: Error | undefined;

  constructor(private readonly fd: number) {
    super();
  }

  write(chunk: string | Uint8Array, encoding?: BufferEncoding | Done, callback?: Done): boolean {
    const done = typeof encoding === 'function' ? encoding : callback;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8') : chunk;
    if (this.node) return this.node.write(bytes, done);
    if (this.failure || !this.writable) {
      const error = this.failure ?? Object.assign(new Error('write after end'), { code: 'ERR_STREAM_WRITE_AFTER_END' });
      process.nextTick(() => done?.(error));
      if (!this.failure) this.fail(error);
      return false;
    }
    let written = 0;
    try {
      while (written < bytes.length) written += writeSync(this.fd, bytes, written);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') {
        process.nextTick(() => done?.(error as Error));
        this.fail(error as Error);
        return false;
      }
      this.node = this.fd === 2 ? process.stderr : process.stdout;
      return this.node.write(bytes.subarray(written), done);
    }
    if (done) process.nextTick(done);
    return true;
  }

  end(chunk?: string | Uint8Array | Done, encoding?: BufferEncoding | Done, callback?: Done): this {
    const done = [chunk, encoding, callback].find((arg): arg is Done => typeof arg === 'function');
    if (chunk !== undefined && typeof chunk !== 'function') this.write(chunk, typeof encoding === 'string' ? encoding : undefined);
    this.writable = false;
    // An empty write's callback comes once Node's stream has written what it holds.
    if (this.node) this.node.write(Buffer.alloc(0), () => done?.());
    else process.nextTick(() => done?.(this.failure));
    return this;
  }

  private fail(error: Error): void {
    this.failure = error;
    this.writable = false;
    process.nextTick(() => this.emit('error', error));
  }
}

/**
 * A writer over `fd` (1 or 2; another descriptor in tests). A pipe that another program left non-blocking may refuse a write
 * (EAGAIN) when it is full: from then on Node's own stream, which waits for the reader, takes the
 * rest, after what was already written. Other errors (EPIPE) reach the 'error' listeners.
 */
export function fdStream(fd: number): OutStream {
  // Typed as the Writable that interactive runs get: the fast path's commands use only the above.
  return new FdWriter(fd) as unknown as OutStream;
}
