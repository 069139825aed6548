import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/net/system-clock.js';
import { flushAtTurnEnd } from '../../../src/net/turn-end-flush.js';
import { Http11Connection } from '../../../src/protocol/http11/http11-connection.js';

const nextTick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));
const immediate = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('flushAtTurnEnd', () => {
  it('flushes every queued target once, in order, after this turn’s ticks and microtasks', async () => {
    const flushed: string[] = [];
    const target = (name: string) => ({ flushCorked: () => flushed.push(name) });
    flushAtTurnEnd(target('a'));
    flushAtTurnEnd(target('b'));
    flushAtTurnEnd(target('c'));
    await nextTick();
    await Promise.resolve();
    expect(flushed).toEqual([]);
    await immediate();
    expect(flushed).toEqual(['a', 'b', 'c']);
  });

  it('a target queued while the batch flushes waits for the next turn', async () => {
    const flushed: string[] = [];
    const late = { flushCorked: () => flushed.push('late') };
    flushAtTurnEnd({
      flushCorked: () => {
        flushed.push('first');
        flushAtTurnEnd(late);
      },
    });
    await immediate();
    expect(flushed).toEqual(['first']);
    await immediate();
    expect(flushed).toEqual(['first', 'late']);
  });
});

describe('Http11Connection corking', () => {
  let server: Server | undefined;
  const sockets: Socket[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    if (server !== undefined) await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  /** A connected pair over loopback: the server side wrapped in an Http11Connection, and the client. */
  async function pair(): Promise<{ connection: Http11Connection; client: Socket; received: () => string }> {
    server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const client = connect(address.port, '127.0.0.1');
    sockets.push(client);
    const [socket] = await accepted;
    sockets.push(socket);
    let text = '';
    client.setEncoding('latin1');
    client.on('data', (chunk: string) => (text += chunk));
    return { connection: new Http11Connection('test-1', socket, systemClock), client, received: () => text };
  }

  it('holds writes until the end of the turn, then hands them to the kernel in one go', async () => {
    const { connection, received } = await pair();
    connection.cork();
    connection.socket.write('head;');
    connection.socket.write('body');
    await nextTick();
    expect(connection.socket.writableCorked).toBe(1);
    expect(connection.socket.writableLength).toBe(9);
    await immediate();
    expect(connection.socket.writableCorked).toBe(0);
    await expect.poll(received, { timeout: 2000 }).toBe('head;body');
  });

  it('destroy() sends what was written in this turn before closing', async () => {
    const { connection, client, received } = await pair();
    connection.cork();
    connection.socket.write('the last words');
    const closed = once(client, 'close');
    connection.destroy();
    await closed;
    expect(received()).toBe('the last words');
  });
});
