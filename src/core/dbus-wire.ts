// The D-Bus wire format, as much of it as px's Secret Service lookup needs (secret-service.ts):
// little-endian messages whose bodies hold the basic types y b u s o g, arrays, structs, dict
// entries and variants. Alignment counts from the start of the message; a body starts 8-aligned.

export const MESSAGE_TYPE = { methodCall: 1, methodReturn: 2, error: 3, signal: 4 } as const;

/** A variant: its signature and its value. */
export interface Variant {
  signature: string;
  value: unknown;
}

/** The end of the single complete type that starts at `at` in `signature`. */
function typeEnd(signature: string, at: number): number {
  const code = signature[at];
  if (code === 'a') return typeEnd(signature, at + 1);
  if (code === '(' || code === '{') {
    const close = code === '(' ? ')' : '}';
    let i = at + 1;
    while (signature[i] !== close) {
      if (i >= signature.length) throw new Error(`unbalanced D-Bus signature ${signature}`);
      i = typeEnd(signature, i);
    }
    return i + 1;
  }
  if ('ybnqiuxtdsogvh'.includes(code)) return at + 1;
  throw new Error(`unsupported D-Bus type ${code} in ${signature}`);
}

/** The complete types of a signature: "sv" → ["s", "v"]. */
export function splitSignature(signature: string): string[] {
  const types: string[] = [];
  for (let at = 0; at < signature.length; ) {
    const end = typeEnd(signature, at);
    types.push(signature.slice(at, end));
    at = end;
  }
  return types;
}

const alignmentOf = (type: string): number => ({ y: 1, g: 1, v: 1, b: 4, u: 4, i: 4, s: 4, o: 4, a: 4, '(': 8, '{': 8 })[type[0]] ?? 8;

export class Writer {
  private bytes = Buffer.alloc(256);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const grown = Buffer.alloc(Math.max(this.bytes.length * 2, this.length + n));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  align(n: number): void {
    const padding = (n - (this.length % n)) % n;
    this.reserve(padding);
    this.bytes.fill(0, this.length, this.length + padding);
    this.length += padding;
  }

  byte(value: number): void {
    this.reserve(1);
    this.bytes[this.length++] = value;
  }

  uint32(value: number): void {
    this.align(4);
    this.reserve(4);
    this.bytes.writeUInt32LE(value, this.length);
    this.length += 4;
  }

  private raw(data: Buffer): void {
    this.reserve(data.length);
    data.copy(this.bytes, this.length);
    this.length += data.length;
  }

  /** One value of the complete type `type`. */
  value(type: string, value: unknown): void {
    switch (type[0]) {
      case 'y':
        return this.byte(value as number);
      case 'b':
        return this.uint32(value ? 1 : 0);
      case 'u':
        return this.uint32(value as number);
      case 's':
      case 'o': {
        const text = Buffer.from(value as string, 'utf8');
        this.uint32(text.length);
        this.raw(text);
        return this.byte(0);
      }
      case 'g': {
        const text = Buffer.from(value as string, 'ascii');
        this.byte(text.length);
        this.raw(text);
        return this.byte(0);
      }
      case 'v': {
        const { signature, value: inner } = value as Variant;
        this.value('g', signature);
        return this.value(signature, inner);
      }
      case 'a': {
        const element = type.slice(1);
        this.uint32(0);
        const lengthAt = this.length - 4;
        this.align(alignmentOf(element));
        const start = this.length;
        if (element === 'y') this.raw(value as Buffer);
        else for (const item of value as unknown[]) this.value(element, item);
        this.bytes.writeUInt32LE(this.length - start, lengthAt);
        return;
      }
      case '(':
      case '{': {
        this.align(8);
        const fields = splitSignature(type.slice(1, -1));
        fields.forEach((field, i) => this.value(field, (value as unknown[])[i]));
        return;
      }
      default:
        throw new Error(`unsupported D-Bus type ${type}`);
    }
  }

  done(): Buffer {
    return this.bytes.subarray(0, this.length);
  }
}

export class Reader {
  constructor(
    private readonly bytes: Buffer,
    public at = 0,
  ) {}

  private need(n: number): void {
    if (this.at + n > this.bytes.length) throw new Error('truncated D-Bus message');
  }

  align(n: number): void {
    this.at += (n - (this.at % n)) % n;
  }

  uint32(): number {
    this.align(4);
    this.need(4);
    const value = this.bytes.readUInt32LE(this.at);
    this.at += 4;
    return value;
  }

  value(type: string): unknown {
    switch (type[0]) {
      case 'y':
        this.need(1);
        return this.bytes[this.at++];
      case 'b':
        return this.uint32() !== 0;
      case 'u':
        return this.uint32();
      case 'i': {
        const value = this.uint32();
        return value | 0;
      }
      case 's':
      case 'o': {
        const length = this.uint32();
        this.need(length + 1);
        const text = this.bytes.toString('utf8', this.at, this.at + length);
        this.at += length + 1;
        return text;
      }
      case 'g': {
        this.need(1);
        const length = this.bytes[this.at++];
        this.need(length + 1);
        const text = this.bytes.toString('ascii', this.at, this.at + length);
        this.at += length + 1;
        return text;
      }
      case 'v': {
        const signature = this.value('g') as string;
        if (splitSignature(signature).length !== 1) throw new Error('a D-Bus variant holds one complete type');
        return { signature, value: this.value(signature) } satisfies Variant;
      }
      case 'a': {
        const length = this.uint32();
        const element = type.slice(1);
        this.align(alignmentOf(element));
        this.need(length);
        const end = this.at + length;
        if (element === 'y') {
          const bytes = Buffer.from(this.bytes.subarray(this.at, end));
          this.at = end;
          return bytes;
        }
        const items: unknown[] = [];
        while (this.at < end) items.push(this.value(element));
        if (this.at !== end) throw new Error('a D-Bus array overran its length');
        return items;
      }
      case '(':
      case '{': {
        this.align(8);
        return splitSignature(type.slice(1, -1)).map((field) => this.value(field));
      }
      default:
        throw new Error(`unsupported D-Bus type ${type}`);
    }
  }
}

/** Header fields by their codes in the D-Bus specification. */
const FIELD = { path: 1, interface: 2, member: 3, errorName: 4, replySerial: 5, destination: 6, sender: 7, signature: 8 } as const;
const FIELD_TYPES: Record<number, string> = { 1: 'o', 2: 's', 3: 's', 4: 's', 5: 'u', 6: 's', 7: 's', 8: 'g' };

export interface MethodCall {
  serial: number;
  destination: string;
  path: string;
  interface: string;
  member: string;
  signature?: string;
  body?: unknown[];
}

export function encodeMethodCall(call: MethodCall): Buffer {
  const body = new Writer();
  const types = call.signature ? splitSignature(call.signature) : [];
  types.forEach((type, i) => body.value(type, call.body?.[i]));
  const fields: Array<[number, Variant]> = [
    [FIELD.path, { signature: 'o', value: call.path }],
    [FIELD.interface, { signature: 's', value: call.interface }],
    [FIELD.member, { signature: 's', value: call.member }],
    [FIELD.destination, { signature: 's', value: call.destination }],
  ];
  if (call.signature) fields.push([FIELD.signature, { signature: 'g', value: call.signature }]);
  const head = new Writer();
  head.byte(0x6c); // 'l': little-endian
  head.byte(MESSAGE_TYPE.methodCall);
  head.byte(0); // flags
  head.byte(1); // protocol version
  head.uint32(body.length);
  head.uint32(call.serial);
  head.value('a(yv)', fields);
  head.align(8);
  return Buffer.concat([head.done(), body.done()]);
}

export interface Message {
  type: number;
  serial: number;
  replySerial?: number;
  errorName?: string;
  signature: string;
  body: unknown[];
}

/** The length of the first whole message in `bytes`, or 0 when more bytes are needed. */
export function messageLength(bytes: Buffer): number {
  if (bytes.length < 16) return 0;
  if (bytes[0] !== 0x6c) throw new Error('a big-endian D-Bus message (px reads little-endian ones only)');
  const fieldsLength = bytes.readUInt32LE(12);
  const headerEnd = 16 + fieldsLength + ((8 - ((16 + fieldsLength) % 8)) % 8);
  const total = headerEnd + bytes.readUInt32LE(4);
  return bytes.length >= total ? total : 0;
}

export function decodeMessage(bytes: Buffer): Message {
  const reader = new Reader(bytes, 4);
  const bodyLength = reader.uint32();
  const serial = reader.uint32();
  const fields = reader.value('a(yv)') as Array<[number, Variant]>;
  reader.align(8);
  const field = (code: number): unknown => {
    const found = fields.find(([c]) => c === code);
    if (found && found[1].signature !== FIELD_TYPES[code]) throw new Error('a D-Bus header field of the wrong type');
    return found?.[1].value;
  };
  const signature = (field(FIELD.signature) as string | undefined) ?? '';
  const bodyStart = reader.at;
  const body = splitSignature(signature).map((type) => reader.value(type));
  if (reader.at - bodyStart > bodyLength) throw new Error('a D-Bus body overran its length');
  return { type: bytes[1], serial, replySerial: field(FIELD.replySerial) as number | undefined, errorName: field(FIELD.errorName) as string | undefined, signature, body };
}
