// Reading one item of the Secret Service (Linux) in px's own process, over one D-Bus connection:
// the desktop path's store key, without loading the keychain library's native module and its own
// bus connections for every lookup (README, Performance). Only the plain case is answered here:
// no item, or exactly one unlocked item whose secret is UTF-8 text. Anything else (a locked item,
// several, an error reply, a bus that refuses px's login) is `undefined`, and keychain.ts asks the
// library, which then decides exactly as before (unlock, ambiguity, error wording).
//
// The secret crosses the bus encrypted, as the library sends it: a session of the algorithm
// dh-ietf1024-sha256-aes128-cbc-pkcs7 (Diffie-Hellman on the 1024-bit IETF group, HKDF-SHA256,
// AES-128-CBC). Nothing is kept: the connection ends with the process, the DH key with it.
import { createDecipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject, type KeyPairKeyObjectResult } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { decodeMessage, encodeMethodCall, MESSAGE_TYPE, messageLength, type Message, type MethodCall, type Variant } from './dbus-wire.js';

const ALGORITHM = 'dh-ietf1024-sha256-aes128-cbc-pkcs7';
const SERVICE = { destination: 'org.freedesktop.secrets', path: '/org/freedesktop/secrets', interface: 'org.freedesktop.Secret.Service' };
/** The prime's size: the shared secret is padded to it before HKDF, as the Secret Service does. */
const PRIME_BYTES = 128;

/** Why the bus could not be used at all: keychain.ts words it as the bus probe does. */
export class BusUnreachable extends Error {}

/** A call the Secret Service did not answer in time (a stopped daemon). */
export class CallTimedOut extends Error {
  constructor() {
    super('the Secret Service did not answer');
  }
}

/** A call's reply, or the error it got (an error reply, a timeout, a closed connection). */
type Pending = { resolve: (message: Message) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };

class Connection {
  private buffered: Buffer = Buffer.alloc(0);
  private serial = 0;
  private readonly pending = new Map<number, Pending>();
  private closed?: Error;

  constructor(
    private readonly socket: Socket,
    private readonly callTimeoutMs: number,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('the D-Bus connection closed')));
    socket.unref();
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    try {
      for (let length = messageLength(this.buffered); length > 0; length = messageLength(this.buffered)) {
        const message = decodeMessage(this.buffered.subarray(0, length));
        this.buffered = this.buffered.subarray(length);
        const waiting = message.replySerial === undefined ? undefined : this.pending.get(message.replySerial);
        // Signals (NameAcquired) and anything not asked for are not px's business.
        if (!waiting || (message.type !== MESSAGE_TYPE.methodReturn && message.type !== MESSAGE_TYPE.error)) continue;
        this.settle(message.replySerial!);
        if (message.type === MESSAGE_TYPE.error) waiting.reject(new Error(`D-Bus error ${message.errorName ?? '(unnamed)'}`));
        else waiting.resolve(message);
      }
    } catch (error) {
      this.fail(error as Error);
      this.socket.destroy();
    }
  }

  private settle(serial: number): void {
    clearTimeout(this.pending.get(serial)?.timer);
    this.pending.delete(serial);
    if (this.pending.size === 0) this.socket.unref();
  }

  private fail(error: Error): void {
    this.closed ??= error;
    for (const [serial, waiting] of this.pending) {
      this.settle(serial);
      waiting.reject(error);
    }
  }

  /** Sends the calls in one write (the bus answers them in order) and resolves with their replies. */
  calls(calls: Array<Omit<MethodCall, 'serial'>>): Array<Promise<Message>> {
    if (this.closed) return calls.map(() => Promise.reject(this.closed));
    const sent = calls.map((call) => ({ ...call, serial: ++this.serial }));
    const replies = sent.map(
      ({ serial }) =>
        new Promise<Message>((resolve, reject) => {
          const timer = setTimeout(() => {
            this.settle(serial);
            reject(new CallTimedOut());
          }, this.callTimeoutMs);
          this.pending.set(serial, { resolve, reject, timer });
        }),
    );
    this.socket.ref();
    this.socket.write(Buffer.concat(sent.map(encodeMethodCall)));
    return replies;
  }
}

// Diffie-Hellman through KeyObjects: getDiffieHellman('modp2') would first test the group's prime
// (OpenSSL's DH_check), which costs more than the whole lookup. The Secret Service exchanges bare
// public values, KeyObjects come as DER SubjectPublicKeyInfo: these convert between the two.

/** A DER element: its tag, a definite length, its content. */
function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), content]);
}

/** Where the content of the DER element at `at` starts and ends. */
function derElement(bytes: Buffer, at: number): { start: number; end: number } {
  let length = bytes[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + bytes[start + i];
    start += octets;
  }
  if (start + length > bytes.length) throw new Error('a truncated DER element');
  return { start, end: start + length };
}

const withoutLeadingZeros = (bytes: Buffer): Buffer => {
  let at = 0;
  while (at < bytes.length - 1 && bytes[at] === 0) at++;
  return bytes.subarray(at);
};

/** A fresh key pair of the 1024-bit IETF group, and its public value as bytes. */
function dhKeyPair(): { privateKey: KeyObject; spki: Buffer; algorithmEnd: number; publicValue: Buffer } {
  // Node's types lack the 'dh' overload that Node itself has.
  const generate = generateKeyPairSync as unknown as (type: 'dh', options: { group: string }) => KeyPairKeyObjectResult;
  const { privateKey, publicKey } = generate('dh', { group: 'modp2' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const outer = derElement(spki, 0);
  const algorithmEnd = derElement(spki, outer.start).end;
  const bits = derElement(spki, algorithmEnd);
  const value = derElement(spki, bits.start + 1); // after the BIT STRING's unused-bits octet
  return { privateKey, spki, algorithmEnd, publicValue: withoutLeadingZeros(spki.subarray(value.start, value.end)) };
}

/** The shared secret with the peer's public value, padded to the prime's size. */
function dhSecret(own: ReturnType<typeof dhKeyPair>, peerValue: Buffer): Buffer {
  const value = withoutLeadingZeros(peerValue);
  const integer = der(0x02, value[0] & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);
  const algorithm = own.spki.subarray(derElement(own.spki, 0).start, own.algorithmEnd);
  const peer = createPublicKey({ key: der(0x30, Buffer.concat([algorithm, der(0x03, Buffer.concat([Buffer.from([0]), integer]))])), format: 'der', type: 'spki' });
  const shared = diffieHellman({ privateKey: own.privateKey, publicKey: peer });
  const padded = Buffer.concat([Buffer.alloc(Math.max(0, PRIME_BYTES - shared.length)), shared]);
  shared.fill(0);
  return padded;
}

/**
 * Connects to the bus socket and logs in (SASL EXTERNAL: the bus checks px's uid on the socket).
 * `meanwhile` runs once the login is sent, while the bus answers it.
 */
function login(socketPath: string, timeoutMs: number, meanwhile: () => void): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let text = '';
    const fail = (error: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new BusUnreachable(`the D-Bus session bus did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    socket.on('connect', () => {
      socket.write(`\0AUTH EXTERNAL ${Buffer.from(String(process.getuid?.() ?? 0)).toString('hex')}\r\n`);
      meanwhile();
    });
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1');
      if (!text.includes('\r\n')) return;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.removeAllListeners('error');
      socket.removeAllListeners('end');
      // REJECTED (another auth mechanism wanted): the library knows more of them.
      if (!/^OK [0-9a-f]+\r\n$/.test(text)) return fail(new Error('the D-Bus session bus refused the EXTERNAL login'));
      socket.write('BEGIN\r\n');
      resolve(socket);
    };
    socket.on('data', onData);
    socket.on('error', (error: NodeJS.ErrnoException) => fail(new BusUnreachable(`the D-Bus session bus is not reachable: ${error.code ?? error.message}`)));
    socket.on('end', () => fail(new BusUnreachable('the D-Bus session bus closed the connection')));
  });
}

export interface SecretService {
  /** The secret of the one unlocked item with these attributes; null when no item has them;
   *  undefined when the library must decide (locked, several items, not UTF-8 text). */
  lookup(attributes: Record<string, string>): Promise<string | null | undefined>;
}

/**
 * Logs in to the session bus at `socketPath`, says Hello and opens an encrypted session. Throws
 * BusUnreachable when the bus cannot be used, CallTimedOut when the Secret Service does not answer,
 * any other error for what the library should be asked about instead (from the lookup when it is
 * the Hello or the session that failed). Round trips: the login, then Hello, OpenSession and the
 * lookups' searches in one write, then one GetSecret per item found.
 */
export async function openSecretService(socketPath: string, options: { timeoutMs: number; callTimeoutMs: number }): Promise<SecretService> {
  // The key pair is made while the bus answers the login.
  let own: ReturnType<typeof dhKeyPair> | undefined;
  const connection = new Connection(await login(socketPath, options.timeoutMs, () => (own = dhKeyPair())), options.callTimeoutMs);
  const pair = own ?? dhKeyPair();
  const [hello, opened] = connection.calls([
    { destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'Hello' },
    { ...SERVICE, member: 'OpenSession', signature: 'sv', body: [ALGORITHM, { signature: 'ay', value: pair.publicValue } satisfies Variant] },
  ]);
  // Searches need no session: they are sent before its answer, and a lookup waits for both.
  const opening = (async () => {
    await hello;
    const [output, path] = (await opened).body as [Variant, string];
    if (output.signature !== 'ay') throw new Error('the Secret Service answered OpenSession with something else');
    const shared = dhSecret(pair, output.value as Buffer);
    const key = Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(0), Buffer.alloc(0), 16));
    shared.fill(0);
    return { path, key };
  })();
  // Every lookup awaits it; this keeps a failure from being unhandled before the first one does.
  opening.catch(() => undefined);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  return {
    async lookup(attributes) {
      const [search] = connection.calls([{ ...SERVICE, member: 'SearchItems', signature: 'a{ss}', body: [Object.entries(attributes)] }]);
      search.catch(() => undefined);
      const { path: session, key } = await opening;
      const [unlocked, locked] = (await search).body as [string[], string[]];
      if (unlocked.length === 0 && locked.length === 0) return null;
      if (unlocked.length !== 1 || locked.length !== 0) return undefined;
      const [got] = connection.calls([{ destination: SERVICE.destination, path: unlocked[0], interface: 'org.freedesktop.Secret.Item', member: 'GetSecret', signature: 'o', body: [session] }]);
      const [secret] = (await got).body as [[string, Buffer, Buffer, string]];
      const [, iv, sealed] = secret;
      let plain: Buffer;
      try {
        const decipher = createDecipheriv('aes-128-cbc', key, iv);
        plain = Buffer.concat([decipher.update(sealed), decipher.final()]);
      } catch {
        return undefined;
      }
      try {
        return utf8.decode(plain);
      } catch {
        return undefined;
      } finally {
        plain.fill(0);
      }
    },
  };
}
