// Reading one item of the Secret Service (Linux) in px's own process, over one D-Bus connection:
// the desktop path's store key, without loading the keychain library's native module and its own
// bus connections for every lookup (README, Performance). Only the plain case is answered here:
// no item, or exactly one unlocked item whose secret is UTF-8 text. Anything else (a locked item,
// several, an error reply, a bus that refuses px's login) is `undefined`, and keychain.ts asks the
// library, which then decides exactly as before (unlock, ambiguity, error wording).
//
// The secret crosses the bus encrypted, as the library sends it: a session of the algorithm
// dh-ietf1024-sha256-aes128-cbc-pkcs7 (secret-service-dh.ts). Nothing is kept: the connection
// ends with the process, the DH key with it.
import { createDecipheriv } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { decodeMessage, encodeMethodCall, MESSAGE_TYPE, messageLength, type Message, type MethodCall, type Variant } from './dbus-wire.js';
import { ALGORITHM, dhKeyPair, sessionKey, type DhKeyPair } from './secret-service-dh.js';

const SERVICE = { destination: 'org.freedesktop.secrets', path: '/org/freedesktop/secrets', interface: 'org.freedesktop.Secret.Service' };
/** Longer than any answer a bus gives to AUTH: past it, what came back is not a login's answer. */
const MAX_LOGIN_LINE = 1024;
/** What one read takes at most; a longer answer comes in several reads. */
const READ_BUFFER_BYTES = 16 * 1024;

/** Why the bus could not be used at all: keychain.ts words it as the bus probe does. */
export class BusUnreachable extends Error {}

/** A call the Secret Service did not answer in time (a stopped daemon). */
export class CallTimedOut extends Error {
  constructor() {
    super('the Secret Service did not answer');
  }
}

/** A call's reply, or the error it got; its timer runs from the login's answer on. */
type Pending = { resolve: (message: Message) => void; reject: (error: Error) => void; timer?: NodeJS.Timeout };

/**
 * One connection to the session bus. The login (SASL EXTERNAL: the bus checks px's uid on the
 * socket) is not waited for: AUTH, BEGIN and the first calls go out in one write as soon as the
 * socket connects, as the D-Bus specification allows, and the bus answers them in order. A bus
 * that refuses the login fails every call.
 */
class Connection {
  private readonly socket: Socket;
  private buffered: Buffer = Buffer.alloc(0);
  private serial = 0;
  private readonly pending = new Map<number, Pending>();
  private closed?: Error;
  /** What waits for the socket to connect, written at once when it has; null from then on. */
  private outgoing: Buffer[] | null;
  private authenticated = false;
  private readonly loginTimer: NodeJS.Timeout;

  constructor(
    socketPath: string,
    timeoutMs: number,
    private readonly callTimeoutMs: number,
  ) {
    this.outgoing = [Buffer.from(`\0AUTH EXTERNAL ${Buffer.from(String(process.getuid?.() ?? 0)).toString('hex')}\r\nBEGIN\r\n`, 'latin1')];
    this.loginTimer = setTimeout(() => this.abort(new BusUnreachable(`the D-Bus session bus did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    // Read into a buffer of its own (onread): the bytes come to receive() directly, without the
    // readable stream's machinery that a 'data' listener sets going (compiled on first use).
    // Each read reuses that buffer, so what it brought is copied before it is kept.
    const onread = {
      buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
      callback: (length: number, buffer: Uint8Array): boolean => {
        this.receive(Buffer.from(buffer.subarray(0, length)));
        return true; // go on reading
      },
    };
    const socket = (this.socket = connect({ path: socketPath, onread }));
    socket.on('connect', () => {
      const waiting = this.outgoing ?? [];
      this.outgoing = null;
      socket.write(Buffer.concat(waiting));
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      this.fail(this.authenticated ? error : new BusUnreachable(`the D-Bus session bus is not reachable: ${error.code ?? error.message}`)),
    );
    socket.on('close', () => this.fail(this.authenticated ? new Error('the D-Bus connection closed') : new BusUnreachable('the D-Bus session bus closed the connection')));
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    try {
      if (!this.authenticated && !this.login()) return;
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
      this.abort(error as Error);
    }
  }

  /** Reads the login's answer off the front of what came; true once it is OK. */
  private login(): boolean {
    const end = this.buffered.indexOf('\r\n');
    if (end < 0) {
      if (this.buffered.length > MAX_LOGIN_LINE) throw new Error('the D-Bus session bus answered the login with something else');
      return false;
    }
    const line = this.buffered.toString('latin1', 0, end);
    this.buffered = this.buffered.subarray(end + 2);
    // REJECTED (another auth mechanism wanted): the library knows more of them.
    if (!/^OK [0-9a-f]+$/.test(line)) throw new Error('the D-Bus session bus refused the EXTERNAL login');
    this.authenticated = true;
    clearTimeout(this.loginTimer);
    for (const [serial, waiting] of this.pending) waiting.timer = this.callTimer(serial);
    return true;
  }

  private callTimer(serial: number): NodeJS.Timeout {
    return setTimeout(() => {
      const waiting = this.pending.get(serial);
      this.settle(serial);
      waiting?.reject(new CallTimedOut());
    }, this.callTimeoutMs);
  }

  private settle(serial: number): void {
    clearTimeout(this.pending.get(serial)?.timer);
    this.pending.delete(serial);
    if (this.pending.size === 0) this.socket.unref();
  }

  private fail(error: Error): void {
    this.closed ??= error;
    clearTimeout(this.loginTimer);
    for (const [serial, waiting] of this.pending) {
      this.settle(serial);
      waiting.reject(this.closed);
    }
  }

  private abort(error: Error): void {
    this.fail(error);
    this.socket.destroy();
  }

  /** Sends the calls in one write (the bus answers them in order) and resolves with their replies. */
  calls(calls: Array<Omit<MethodCall, 'serial'>>): Array<Promise<Message>> {
    if (this.closed) return calls.map(() => Promise.reject(this.closed));
    const sent = calls.map((call) => ({ ...call, serial: ++this.serial }));
    const replies = sent.map(
      ({ serial }) =>
        new Promise<Message>((resolve, reject) => {
          this.pending.set(serial, { resolve, reject, timer: this.authenticated ? this.callTimer(serial) : undefined });
        }),
    );
    this.socket.ref();
    const bytes = Buffer.concat(sent.map(encodeMethodCall));
    if (this.outgoing) this.outgoing.push(bytes);
    else this.socket.write(bytes);
    return replies;
  }
}

export interface SecretService {
  /** The secret of the one unlocked item with these attributes; null when no item has them;
   *  undefined when the library must decide (locked, several items, not UTF-8 text). */
  lookup(attributes: Record<string, string>): Promise<string | null | undefined>;
}

/**
 * Starts connecting to the session bus at `socketPath`, and making the DH key pair on the thread
 * pool meanwhile: the login, Hello, the searches of the lookups asked for before the socket
 * connects and OpenSession (once the key pair is there) go out in one write. A lookup sends
 * GetSecret for the item it found as soon as it has the session, and derives the session's key
 * while that call is answered. Round trips: that first write, then one GetSecret per item found
 * (and OpenSession's, when the key pair was not ready in time). A lookup
 * throws BusUnreachable when the bus cannot be used, CallTimedOut when the Secret Service does
 * not answer, any other error for what the library should be asked about instead.
 */
export function openSecretService(socketPath: string, options: { timeoutMs: number; callTimeoutMs: number }): SecretService {
  const keyPair = dhKeyPair();
  const connection = new Connection(socketPath, options.timeoutMs, options.callTimeoutMs);
  const [hello] = connection.calls([{ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'Hello' }]);
  let pair: DhKeyPair | undefined;
  const opening = keyPair.then(async (made) => {
    pair = made;
    const [opened] = connection.calls([{ ...SERVICE, member: 'OpenSession', signature: 'sv', body: [ALGORITHM, { signature: 'ay', value: pair.publicValue } satisfies Variant] }]);
    const [output, path] = (await Promise.all([hello, opened]))[1].body as [Variant, string];
    if (output.signature !== 'ay' || !Buffer.isBuffer(output.value)) throw new Error('the Secret Service answered OpenSession with something else');
    return { path, peerValue: output.value };
  });
  // Every lookup awaits it; this keeps a failure from being unhandled before the first one does.
  opening.catch(() => undefined);
  let key: Buffer | undefined;
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  return {
    async lookup(attributes) {
      const [search] = connection.calls([{ ...SERVICE, member: 'SearchItems', signature: 'a{ss}', body: [Object.entries(attributes)] }]);
      search.catch(() => undefined);
      const { path: session, peerValue } = await opening;
      const [unlocked, locked] = (await search).body as [string[], string[]];
      if (unlocked.length === 0 && locked.length === 0) return null;
      if (unlocked.length !== 1 || locked.length !== 0) return undefined;
      const [got] = connection.calls([{ destination: SERVICE.destination, path: unlocked[0], interface: 'org.freedesktop.Secret.Item', member: 'GetSecret', signature: 'o', body: [session] }]);
      got.catch(() => undefined);
      key ??= sessionKey(pair!, peerValue);
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
