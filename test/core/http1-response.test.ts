// The loopback client's HTTP/1.1 response parser: whole answers however the bytes are split, and a
// refusal of what a px endpoint never sends.
import { describe, expect, it } from 'vitest';
import { MalformedHttp, MAX_HEAD_BYTES, ResponseParser, ResponseTooLarge } from '../../src/core/http1-response.js';

const BOUND = 1024;

/** Feeds `raw` in pieces cut at `cuts`; the parser and whether the last piece completed it. */
function feed(raw: string | Buffer, cuts: number[] = [], bound = BOUND): { parser: ResponseParser; complete: boolean } {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw;
  const parser = new ResponseParser(bound);
  let complete = false;
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    complete = parser.push(bytes.subarray(from, cut));
    from = cut;
  }
  return { parser, complete };
}

const body = '{"secrets":[{"name":"A_1","createdAt":"t1","updatedAt":"t2"}],"count":1,"note":"caf\u00e9"}';
const utf8 = Buffer.from(body, 'utf8');
const chunked = Buffer.concat([
  Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n', 'latin1'),
  Buffer.from(`${(20).toString(16)}\r\n`),
  utf8.subarray(0, 20),
  Buffer.from(`\r\n${(utf8.length - 20).toString(16).toUpperCase()};ext=1\r\n`),
  utf8.subarray(20),
  Buffer.from('\r\n0\r\nX-Trailer: yes\r\n\r\n'),
]);

describe('a chunked answer', () => {
  it('is whole and the same text wherever the bytes are split, one cut or two', () => {
    for (let cut = 0; cut <= chunked.length; cut++) {
      const { parser, complete } = feed(chunked, [cut]);
      expect(complete, `cut at ${cut}`).toBe(true);
      expect(parser.status).toBe(200);
      expect(parser.text()).toBe(body);
    }
    for (let first = 1; first < chunked.length; first += 7) {
      for (let second = first; second < chunked.length; second += 3) expect(feed(chunked, [first, second]).parser.text()).toBe(body);
    }
  });

  it('is whole byte by byte, and not before its last byte', () => {
    const parser = new ResponseParser(BOUND);
    for (let i = 0; i < chunked.length - 1; i++) expect(parser.push(chunked.subarray(i, i + 1)), `byte ${i}`).toBe(false);
    expect(parser.push(chunked.subarray(chunked.length - 1))).toBe(true);
    expect(parser.text()).toBe(body);
  });

  it('is not whole when the connection ends before the last chunk', () => {
    const { parser, complete } = feed(chunked.subarray(0, chunked.length - 5));
    expect(complete).toBe(false);
    expect(parser.end()).toBe(false);
  });

  it.each([
    ['a size that is not hex', 'zz\r\nabc\r\n0\r\n\r\n'],
    ['a chunk longer than its size', '3\r\nabcd\r\n0\r\n\r\n'],
    ['a size line with no CRLF in sight', `${'0'.repeat(2000)}`],
    ['a trailer that is not a header', '0\r\nnot a header\r\n\r\n'],
  ])('%s is refused', (_what, rest) => {
    expect(() => feed(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${rest}`)).toThrow(MalformedHttp);
  });

  it('over the bound is refused as soon as a chunk size says so, before its bytes come', () => {
    expect(() => feed(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${(BOUND + 1).toString(16)}\r\n`)).toThrow(ResponseTooLarge);
    const half = (BOUND / 2 + 1).toString(16);
    expect(() => feed(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${half}\r\n${'a'.repeat(BOUND / 2 + 1)}\r\n${half}\r\n`)).toThrow(ResponseTooLarge);
    expect(feed(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${BOUND.toString(16)}\r\n${'a'.repeat(BOUND)}\r\n0\r\n\r\n`).parser.text()).toHaveLength(BOUND);
  });
});

describe('a Content-Length answer', () => {
  const head = (length: number): string => `HTTP/1.1 201 Created\r\ncontent-length: ${length}\r\n\r\n`;

  it('is whole at its length wherever it is split', () => {
    const raw = Buffer.concat([Buffer.from(head(utf8.length)), utf8]);
    for (let cut = 0; cut <= raw.length; cut++) {
      const { parser, complete } = feed(raw, [cut]);
      expect(complete).toBe(true);
      expect(parser.status).toBe(201);
      expect(parser.text()).toBe(body);
    }
  });

  it('short: not whole, and the end of the connection does not make it so', () => {
    const { parser, complete } = feed(`${head(10)}12345`);
    expect(complete).toBe(false);
    expect(parser.end()).toBe(false);
  });

  it('long: whole at its length; the bytes after it are not part of the answer', () => {
    const { parser, complete } = feed(`${head(5)}12345EXTRA BYTES`);
    expect(complete).toBe(true);
    expect(parser.text()).toBe('12345');
    expect(parser.push(Buffer.from('more'))).toBe(true);
    expect(parser.text()).toBe('12345');
  });

  it('over the bound is refused from its header alone; at the bound it is read', () => {
    expect(() => feed(head(BOUND + 1))).toThrow(ResponseTooLarge);
    expect(feed(`${head(BOUND)}${'a'.repeat(BOUND)}`).parser.text()).toHaveLength(BOUND);
  });

  it.each([
    ['not a number', 'HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n'],
    ['negative', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'],
    ['given twice', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok'],
    ['next to Transfer-Encoding', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n'],
  ])('%s is refused', (_what, raw) => {
    expect(() => feed(raw)).toThrow(MalformedHttp);
  });
});

describe('other framings', () => {
  it('without a length, the body ends with the connection, within the bound', () => {
    const { parser, complete } = feed('HTTP/1.0 200 OK\r\n\r\n{"exists":true}', [25]);
    expect(complete).toBe(false);
    expect(parser.end()).toBe(true);
    expect(parser.text()).toBe('{"exists":true}');
    expect(() => feed(`HTTP/1.1 200 OK\r\n\r\n${'a'.repeat(BOUND + 1)}`)).toThrow(ResponseTooLarge);
  });

  it('a 204 has no body; an interim 100 is followed by the real answer', () => {
    expect(feed('HTTP/1.1 204 No Content\r\n\r\n').complete).toBe(true);
    const { parser, complete } = feed('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', [10, 30]);
    expect(complete).toBe(true);
    expect(parser.status).toBe(200);
    expect(parser.text()).toBe('ok');
  });

  it('a connection that ends before any byte is not an answer', () => {
    expect(new ResponseParser(BOUND).end()).toBe(false);
  });
});

describe('a head px refuses', () => {
  it.each([
    ['garbage for a status line', 'garbage\r\n\r\n'],
    ['another protocol', 'SSH-2.0-OpenSSH_9.6\r\n\r\n'],
    ['HTTP/2 framing in text', 'HTTP/2 200\r\n\r\n'],
    ['a status that is not three digits', 'HTTP/1.1 20 OK\r\n\r\n'],
    ['a status line with a bare LF inside', 'HTTP/1.1 200 OK\nX: y\r\n\r\n'],
    ['a folded header', 'HTTP/1.1 200 OK\r\nX-Long: first\r\n  second\r\nContent-Length: 0\r\n\r\n'],
    ['a header with no colon', 'HTTP/1.1 200 OK\r\nContent-Length 0\r\n\r\n'],
    ['a header name with a space', 'HTTP/1.1 200 OK\r\nContent Length: 0\r\n\r\n'],
    ['a header value with a control character', 'HTTP/1.1 200 OK\r\nX: a\u0001b\r\nContent-Length: 0\r\n\r\n'],
    ['a Transfer-Encoding other than chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n'],
  ])('%s', (_what, raw) => {
    expect(() => feed(raw)).toThrow(MalformedHttp);
  });

  it('headers over the limit, whole or still coming', () => {
    const big = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(MAX_HEAD_BYTES)}\r\nContent-Length: 0\r\n\r\n`;
    expect(() => feed(big)).toThrow(/headers are too large/);
    const parser = new ResponseParser(BOUND);
    expect(() => {
      for (let i = 0; i < MAX_HEAD_BYTES / 1024 + 2; i++) parser.push(Buffer.from(`X-${i}: ${'b'.repeat(1020)}`));
    }).toThrow(/headers are too large/);
    const fits = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(MAX_HEAD_BYTES - 100)}\r\nContent-Length: 2\r\n\r\nok`;
    expect(feed(fits).parser.text()).toBe('ok');
  });

  it('what it says about a bad answer holds none of the answer', () => {
    expect(() => feed('HTTP/1.1 200 OK\r\nX: canary-in-a-header\u0001\r\n\r\n')).toThrow(/^the answer is not valid HTTP\/1\.1: a header line is not a header$/);
  });
});
