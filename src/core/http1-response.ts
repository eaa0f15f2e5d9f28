// A strict, incremental parser of one HTTP/1.1 response, for the loopback client of
// loopback-http.ts (README, Performance). It takes the bytes as they come, split anywhere, and
// knows when the answer is whole: by Content-Length, by chunked framing, or (neither given) by the
// end of the connection. What a px endpoint never sends is refused rather than guessed at: folded
// or oversized headers, a bad status line, a Transfer-Encoding other than chunked, both framings at
// once, two Content-Lengths. Bytes after a whole answer are ignored (the connection is closed then).

/** The whole status line and headers (and the trailers of a chunked body) stay under this, as Node's own limit. */
export const MAX_HEAD_BYTES = 16 * 1024;
/** A chunk-size line (size and extensions) longer than this is not from a px endpoint. */
const MAX_CHUNK_LINE = 1024;

/** The answer is not HTTP/1.1 as px speaks it. */
export class MalformedHttp extends Error {
  constructor(what: string) {
    super(`the answer is not valid HTTP/1.1: ${what}`);
  }
}
/** The answer is larger than the bound the client set. */
export class ResponseTooLarge extends Error {
  constructor() {
    super('response too large');
  }
}

const STATUS_LINE = /^HTTP\/1\.[01] ([1-9][0-9]{2})(?: [\t\x20-\x7e\x80-\xff]*)?$/;
const HEADER_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[\t ]*([\t\x20-\x7e\x80-\xff]*?)[\t ]*$/;
const CHUNK_LINE = /^([0-9A-Fa-f]{1,8})[\t ]*(?:;[\t\x20-\x7e\x80-\xff]*)?$/;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

type State = 'head' | 'length' | 'close' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'done';

export class ResponseParser {
  status = 0;
  private state: State = 'head';
  /** Bytes received and not yet consumed by the current state. */
  private pending: Buffer = Buffer.alloc(0);
  private readonly body: Buffer[] = [];
  private bodyBytes = 0;
  /** Body bytes still expected: of the whole body (Content-Length) or of the current chunk. */
  private remaining = 0;
  private trailerBytes = 0;

  constructor(private readonly maxBodyBytes: number) {}

  get complete(): boolean {
    return this.state === 'done';
  }

  /** The body, once complete, as UTF-8 text. */
  text(): string {
    return Buffer.concat(this.body).toString('utf8');
  }

  /** Takes the next bytes; true once the answer is whole. Throws MalformedHttp or ResponseTooLarge. */
  push(chunk: Buffer): boolean {
    if (this.complete) return true;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (!this.complete && this.step());
    return this.complete;
  }

  /** The connection ended: true when that completes the answer (a body framed by the close). */
  end(): boolean {
    if (this.state === 'close') this.state = 'done';
    return this.state === 'done';
  }

  /** One step of the current state; false when it needs more bytes. */
  private step(): boolean {
    switch (this.state) {
      case 'head':
        return this.head();
      case 'length':
      case 'chunk-data':
      case 'close':
        return this.data();
      case 'chunk-size':
        return this.chunkSize();
      case 'chunk-end': {
        if (this.pending.length < 2) return false;
        if (this.pending[0] !== 0x0d || this.pending[1] !== 0x0a) throw new MalformedHttp('a chunk does not end where its size says');
        this.pending = this.pending.subarray(2);
        this.state = 'chunk-size';
        return true;
      }
      case 'trailers':
        return this.trailer();
      default:
        return false;
    }
  }

  private head(): boolean {
    const end = this.pending.indexOf(HEAD_END);
    if (end < 0) {
      if (this.pending.length > MAX_HEAD_BYTES) throw new MalformedHttp('its headers are too large');
      return false;
    }
    if (end + HEAD_END.length > MAX_HEAD_BYTES) throw new MalformedHttp('its headers are too large');
    const lines = this.pending.subarray(0, end).toString('latin1').split('\r\n');
    this.pending = this.pending.subarray(end + HEAD_END.length);
    const status = STATUS_LINE.exec(lines[0]!);
    if (!status) throw new MalformedHttp('its status line is not HTTP/1.1');
    let length: string | undefined;
    let encoding: string | undefined;
    for (const line of lines.slice(1)) {
      if (line.startsWith(' ') || line.startsWith('\t')) throw new MalformedHttp('it folds a header over lines');
      const header = HEADER_LINE.exec(line);
      if (!header) throw new MalformedHttp('a header line is not a header');
      const name = header[1]!.toLowerCase();
      if (name === 'content-length') {
        if (length !== undefined) throw new MalformedHttp('it has two Content-Length headers');
        length = header[2]!;
      } else if (name === 'transfer-encoding') {
        if (encoding !== undefined) throw new MalformedHttp('it has two Transfer-Encoding headers');
        encoding = header[2]!;
      }
    }
    this.status = Number(status[1]);
    // An interim answer (100 Continue): the real one follows.
    if (this.status < 200) return true;
    if (encoding !== undefined && length !== undefined) throw new MalformedHttp('it has both Content-Length and Transfer-Encoding');
    if (this.status === 204 || this.status === 304) {
      this.state = 'done';
    } else if (encoding !== undefined) {
      if (encoding.toLowerCase() !== 'chunked') throw new MalformedHttp('its Transfer-Encoding is not chunked');
      this.state = 'chunk-size';
    } else if (length !== undefined) {
      if (!/^[0-9]{1,16}$/.test(length)) throw new MalformedHttp('its Content-Length is not a number');
      this.remaining = Number(length);
      this.grow(this.remaining);
      this.state = this.remaining === 0 ? 'done' : 'length';
    } else {
      this.state = 'close';
    }
    return true;
  }

  /** Body bytes of a Content-Length body, a chunk, or a body that ends with the connection. */
  private data(): boolean {
    if (this.pending.length === 0) return false;
    if (this.state === 'close') {
      this.grow(this.pending.length);
      this.take(this.pending.length);
      return false;
    }
    this.take(Math.min(this.remaining, this.pending.length));
    if (this.remaining > 0) return false;
    this.state = this.state === 'length' ? 'done' : 'chunk-end';
    return true;
  }

  private take(count: number): void {
    this.body.push(this.pending.subarray(0, count));
    this.pending = this.pending.subarray(count);
    this.remaining -= count;
  }

  /** Counts `count` more body bytes against the bound before any of them is kept. */
  private grow(count: number): void {
    this.bodyBytes += count;
    if (this.bodyBytes > this.maxBodyBytes) throw new ResponseTooLarge();
  }

  /** A line ending in CRLF within `max` bytes, or null while it is not all there. */
  private line(max: number, what: string): string | null {
    const end = this.pending.indexOf(CRLF);
    if (end < 0 || end > max) {
      if (end > max || this.pending.length > max + 1) throw new MalformedHttp(`${what} is too long`);
      return null;
    }
    const line = this.pending.subarray(0, end).toString('latin1');
    this.pending = this.pending.subarray(end + CRLF.length);
    return line;
  }

  private chunkSize(): boolean {
    const line = this.line(MAX_CHUNK_LINE, 'a chunk-size line');
    if (line === null) return false;
    const size = CHUNK_LINE.exec(line);
    if (!size) throw new MalformedHttp('a chunk size is not a hex number');
    this.remaining = Number.parseInt(size[1]!, 16);
    this.grow(this.remaining);
    this.state = this.remaining === 0 ? 'trailers' : 'chunk-data';
    return true;
  }

  /** The trailer lines after the last chunk, up to the empty line that ends the answer. */
  private trailer(): boolean {
    const line = this.line(MAX_HEAD_BYTES - this.trailerBytes, 'the trailers');
    if (line === null) return false;
    this.trailerBytes += line.length + CRLF.length;
    if (line === '') this.state = 'done';
    else if (!HEADER_LINE.exec(line)) throw new MalformedHttp('a trailer line is not a header');
    return true;
  }
}
