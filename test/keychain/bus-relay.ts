// A relay between px and the session bus that holds back everything the bus sends, the login's
// answer included, until px has sent a given number of messages: a lookup that waits for an
// answer before sending what it could have sent already never gets one, and times out.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { messageLength } from '../../src/core/dbus-wire.js';
import { busSocketPath } from '../../src/core/keychain.js';

export interface BusRelay {
  address: string;
  close(): Promise<void>;
}

export async function holdingRelay(busAddress: string, dir: string, messagesFirst: number): Promise<BusRelay> {
  const sockets: Socket[] = [];
  const server: Server = createServer((client) => {
    const bus = connect(busSocketPath(busAddress)!);
    sockets.push(client, bus);
    let sasl = Buffer.alloc(0);
    let messages: Buffer | null = null;
    let sent = 0;
    const held: Buffer[] = [];
    const releasing = (): boolean => sent >= messagesFirst;
    client.on('data', (chunk: Buffer) => {
      bus.write(chunk);
      if (messages === null) {
        sasl = Buffer.concat([sasl, chunk]);
        const begin = sasl.indexOf('BEGIN\r\n');
        if (begin < 0) return;
        messages = sasl.subarray(begin + 'BEGIN\r\n'.length);
      } else messages = Buffer.concat([messages, chunk]);
      for (let length = messageLength(messages); length > 0; length = messageLength(messages)) {
        messages = messages.subarray(length);
        sent++;
      }
      if (releasing()) for (const part of held.splice(0)) client.write(part);
    });
    bus.on('data', (chunk: Buffer) => {
      if (releasing()) client.write(chunk);
      else held.push(chunk);
    });
    client.on('error', () => bus.destroy());
    bus.on('error', () => client.destroy());
    client.on('close', () => bus.destroy());
    bus.on('close', () => client.destroy());
  });
  const path = join(dir, 'relay.sock');
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    address: `unix:path=${path}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
