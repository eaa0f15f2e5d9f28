// The local px server's audit log (.px/audit.log): JSON lines appended to one O_APPEND descriptor.
// The records of one event-loop turn go out in one write(2), and append() resolves when that write
// has returned: a value read is answered only once its lines are in the file. The file is in the
// kernel's page cache then, so they survive a crash or SIGKILL of px server; they are not fsynced,
// so a power loss or kernel crash may lose the last few seconds of lines. close() writes what is
// left before it returns: a clean stop loses nothing.
import { writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { AuditRecord } from './access-store.js';

export class AuditFile {
  private text = '';
  private waiting: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  private scheduled = false;
  private closed = false;

  constructor(private readonly file: FileHandle) {}

  append(records: AuditRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the audit log is closed'));
    for (const record of records) this.text += `${JSON.stringify(record)}\n`;
    const written = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.write());
    }
    return written;
  }

  /** Resolves once every line appended so far is written. */
  async written(): Promise<void> {
    if (this.scheduled) this.write();
  }

  async close(): Promise<void> {
    await this.written();
    this.closed = true;
    await this.file.close();
  }

  private write(): void {
    this.scheduled = false;
    const text = this.text;
    const waiting = this.waiting;
    this.text = '';
    this.waiting = [];
    // Nothing to append: whoever waits has nothing unwritten.
    if (text === '') {
      for (const { resolve } of waiting) resolve();
      return;
    }
    try {
      // One synchronous append per turn: it lands in the page cache in microseconds, and a
      // thread-pool round trip would hold every answer of the turn for longer than the write.
      const bytes = Buffer.from(text, 'utf8');
      for (let done = 0; done < bytes.length; ) done += writeSync(this.file.fd, bytes, done);
      for (const { resolve } of waiting) resolve();
    } catch (error) {
      for (const { reject } of waiting) reject(error);
    }
  }
}
