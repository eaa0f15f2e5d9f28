// The D-Bus wire format of secret-service.ts, checked against bytes laid out by hand from the
// D-Bus specification (alignment, array lengths, variants, header fields).
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMethodCall, messageLength, Reader, splitSignature, Writer } from '../../src/core/dbus-wire.js';

const hex = (bytes: Buffer): string => bytes.toString('hex');

describe('D-Bus values', () => {
  it('splits a signature into complete types', () => {
    expect(splitSignature('sv')).toEqual(['s', 'v']);
    expect(splitSignature('a{ss}aoao')).toEqual(['a{ss}', 'ao', 'ao']);
    expect(splitSignature('(oayays)')).toEqual(['(oayays)']);
    expect(() => splitSignature('(s')).toThrow(/unbalanced/);
    expect(() => splitSignature('x?')).toThrow(/unsupported/);
  });

  it('lays out a byte, a string and an array of dict entries with the padding the specification asks for', () => {
    const writer = new Writer();
    writer.value('y', 7);
    writer.value('s', 'ab');
    writer.value('a{ss}', [['k', 'v']]);
    // y at 0; s aligned to 4: length 2, "ab", NUL; the array's length at 12 (aligned to 4) counts
    // from its first entry at 16 (aligned to 8) to its end at 30; each string aligned to 4.
    expect(hex(writer.done())).toBe(['07', '000000', '02000000', '616200', '00', '0e000000', '01000000', '6b00', '0000', '01000000', '7600'].join(''));
    const reader = new Reader(writer.done());
    expect(reader.value('y')).toBe(7);
    expect(reader.value('s')).toBe('ab');
    expect(reader.value('a{ss}')).toEqual([['k', 'v']]);
  });

  it('reads back what it writes: variants, byte arrays, object paths, structs, booleans', () => {
    const writer = new Writer();
    const values: Array<[string, unknown]> = [
      ['v', { signature: 'ay', value: Buffer.from([1, 2, 3]) }],
      ['o', '/org/freedesktop/secrets/session/s1'],
      ['(oayays)', ['/s', Buffer.from('iv'), Buffer.from('sealed'), 'text/plain']],
      ['ao', []],
      ['b', true],
      ['u', 4_000_000_000],
      ['g', 'a{sv}'],
    ];
    for (const [type, value] of values) writer.value(type, value);
    const reader = new Reader(writer.done());
    for (const [type, value] of values) expect(reader.value(type)).toEqual(value);
    expect(reader.at).toBe(writer.length);
  });

  it('refuses a value that runs past the end', () => {
    const writer = new Writer();
    writer.value('s', 'hello');
    expect(() => new Reader(writer.done().subarray(0, 6)).value('s')).toThrow(/truncated/);
  });
});

describe('D-Bus messages', () => {
  it('encodes a method call that decodes to its own fields, and knows where it ends', () => {
    const bytes = encodeMethodCall({ serial: 3, destination: 'org.freedesktop.secrets', path: '/org/freedesktop/secrets', interface: 'org.freedesktop.Secret.Service', member: 'SearchItems', signature: 'a{ss}', body: [[['service', 'px']]] });
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x6c, 1, 0, 1]));
    expect(bytes.readUInt32LE(8)).toBe(3);
    expect(messageLength(bytes)).toBe(bytes.length);
    expect(messageLength(bytes.subarray(0, bytes.length - 1))).toBe(0);
    expect(messageLength(Buffer.concat([bytes, bytes.subarray(0, 5)]))).toBe(bytes.length);
    const message = decodeMessage(bytes);
    expect(message).toMatchObject({ type: 1, serial: 3, signature: 'a{ss}', body: [[['service', 'px']]] });
  });

  it('decodes a reply and an error reply with their reply serials', () => {
    /** A message of `type` laid out field by field, as a bus would send it. */
    const message = (type: number, fields: Array<[number, { signature: string; value: unknown }]>, body: Writer): Buffer => {
      const head = new Writer();
      for (const byte of [0x6c, type, 0, 1]) head.byte(byte);
      head.uint32(body.length);
      head.uint32(9);
      head.value('a(yv)', fields);
      head.align(8);
      return Buffer.concat([head.done(), body.done()]);
    };
    const body = new Writer();
    body.value('ao', ['/a']);
    body.value('ao', []);
    const reply = message(2, [[5, { signature: 'u', value: 4 }], [8, { signature: 'g', value: 'aoao' }]], body);
    expect(messageLength(reply)).toBe(reply.length);
    expect(decodeMessage(reply)).toMatchObject({ type: 2, serial: 9, replySerial: 4, signature: 'aoao', body: [['/a'], []] });
    const error = message(3, [[4, { signature: 's', value: 'org.freedesktop.DBus.Error.ServiceUnknown' }], [5, { signature: 'u', value: 2 }]], new Writer());
    expect(decodeMessage(error)).toMatchObject({ type: 3, replySerial: 2, errorName: 'org.freedesktop.DBus.Error.ServiceUnknown', body: [] });
    // A header field of the wrong type is not believed.
    expect(() => decodeMessage(message(2, [[5, { signature: 's', value: '4' }]], new Writer()))).toThrow(/wrong type/);
  });

  it('refuses a big-endian message rather than misreading it', () => {
    const bytes = Buffer.from(encodeMethodCall({ serial: 1, destination: 'a.b', path: '/', interface: 'a.b', member: 'C' }));
    bytes[0] = 0x42;
    expect(() => messageLength(bytes)).toThrow(/big-endian/);
  });
});
