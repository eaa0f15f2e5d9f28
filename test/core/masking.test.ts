import { describe, expect, it } from 'vitest';
import { Masker, maskPatterns, maskingStream } from '../../src/core/masking.js';

const mask = (values: string[], chunks: Array<string | Buffer>): string => {
  const masker = new Masker(maskPatterns(values));
  const out = chunks.map((chunk) => masker.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
  out.push(masker.end());
  return Buffer.concat(out).toString('utf8');
};

describe('Masker', () => {
  it('masks every occurrence of every value', () => {
    expect(mask(['s3cret', 'tok-123'], ['a s3cret, tok-123 and s3crets3cret\n'])).toBe('a ***, *** and ******\n');
  });

  it('masks a value split across chunks at every possible point', () => {
    const value = 'canary-7f3a9e2b41d8c6';
    const text = `before ${value} after`;
    for (let cut = 1; cut < text.length; cut++) {
      expect(mask([value], [text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toBe('before *** after');
    }
    // one byte at a time
    expect(mask([value], [...text].map((ch) => ch))).toBe('before *** after');
  });

  it('masks a multi-byte value split inside a character', () => {
    const value = 'pässwörd-ключ';
    const bytes = Buffer.from(`x${value}y`);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(mask([value], [bytes.subarray(0, cut), bytes.subarray(cut)])).toBe('x***y');
    }
  });

  it('prefers the longer value when one value starts another, even across chunks', () => {
    expect(mask(['abc', 'abcdef'], ['xx abc', 'def yy'])).toBe('xx *** yy');
    expect(mask(['abc', 'abcdef'], ['xx abc', ' yy'])).toBe('xx *** yy');
  });

  it('releases a held-back prefix at the end of the stream unchanged', () => {
    expect(mask(['secret-value'], ['ends with secret-val'])).toBe('ends with secret-val');
  });

  it('masks each long line of a multiline value on its own too', () => {
    const pem = '-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEF\nAASCBKcwggSjAgEAAoIBAQC7\n-----END KEY-----';
    expect(mask([pem], [`key: ${pem}\n`])).toBe('key: ***\n');
    expect(mask([pem], ['line: MIIEvQIBADANBgkqhkiG9w0BAQEF\n'])).toBe('line: ***\n');
  });

  it('never masks a value that is only whitespace (it would garble every line)', () => {
    const patterns = maskPatterns([' ', '\n', '\t \n', 'real-value']).map(String);
    expect(patterns).toEqual(['real-value']);
  });

  it('passes output through untouched when there is nothing to mask', () => {
    expect(mask([], ['plain ', 'text'])).toBe('plain text');
    expect(mask([''], ['plain'])).toBe('plain');
  });
});

describe('maskingStream', () => {
  it('masks what flows through and flushes the tail', async () => {
    const stream = maskingStream(['hunter2-hunter2']);
    const out: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => out.push(chunk));
    const ended = new Promise((resolve) => stream.on('end', resolve));
    stream.write('pass=hunter2-');
    stream.write('hunter2; hunter2-h');
    stream.end();
    await ended;
    expect(Buffer.concat(out).toString()).toBe('pass=***; hunter2-h');
  });
});

describe('runWithSecrets', () => {
  it('leaves out a value no environment variable can hold (NUL), by name, passes the rest, masks both', async () => {
    const { PassThrough } = await import('node:stream');
    const { runWithSecrets } = await import('../../src/core/child-run.js');
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (chunk) => (out += chunk));
    stderr.on('data', (chunk) => (err += chunk));
    const code = await runWithSecrets({
      // The child prints the left-out value from elsewhere too: it is still masked.
      command: { argv: [process.execPath, '-e', 'console.log(String(process.env.BAD), process.env.GOOD); console.log("canary-nul\\u0000tail")'] },
      cwd: process.cwd(),
      baseEnv: { PATH: process.env.PATH },
      secrets: new Map([
        ['BAD', 'canary-nul\u0000tail'],
        ['GOOD', 'canary-good-value'],
      ]),
      stdin: { isTTY: false } as never,
      stdout,
      stderr,
    });
    expect(code).toBe(0);
    expect(out).toBe('undefined ***\n***\n');
    expect(err).toBe('warning: not passing BAD: its value holds a NUL character, which no environment variable can hold.\n');
    expect(out + err).not.toContain('canary');
  });
});
