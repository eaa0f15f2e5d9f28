// Output straight to a file descriptor, for the fast path's commands when stdout or stderr is a
// pipe or a file. Node's process.stdout on a pipe is a net.Socket, and loading net is a good part
// of such a command's start-up (README, Performance). Writes are synchronous, as Node's own stdout
// is on a file, so nothing is left to flush at exit and the order of lines is kept.
import { writeSync } from 'node:fs';
import type { OutStream } from '../core/interactive.js';

/**
 * A Writable over `fd` (1 or 2). A pipe that another program left non-blocking may refuse a write
 * (EAGAIN) when it is full: from then on Node's own stream, which waits for the reader, takes the
 * rest, after what was already written. Other errors (EPIPE) reach the stream's 'error' listeners.
 */
export function fdStream(fd: 1 | 2): OutStream {
  const { Writable } = process.getBuiltinModule('node:stream');
  let node: NodeJS.WriteStream | undefined;
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (node) {
        node.write(chunk, callback);
        return;
      }
      let done = 0;
      try {
        while (done < chunk.length) done += writeSync(fd, chunk, done);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') {
          callback(error as Error);
          return;
        }
        node = fd === 1 ? process.stdout : process.stderr;
        node.write(chunk.subarray(done), callback);
        return;
      }
      callback();
    },
  });
}
