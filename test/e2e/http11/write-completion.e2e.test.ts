/**
 * When a response counts as written: once the socket has handed its last bytes to the kernel, not when the
 * application called end(). A response the kernel takes at once settles in the same turn; one that waits in
 * node's buffer behind a client that does not read settles only once the client has read it
 * (Http11Connection.afterWrites).
 */
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpExchange } from '../../../src/protocol/http11/http-exchange.js';
import { eventually, get, nextPoll, startTestServer, type TestServer } from './http11-harness.js';

/** Larger than what loopback's socket buffers hold on both sides, so part of it waits in node's buffer. */
const LARGE = 32 * 1024 * 1024;

describe('HTTP/1.1: a response is settled once its bytes are with the kernel', () => {
  let server: TestServer | undefined;
  const sockets: net.Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await server?.stop(0);
    server = undefined;
  });

  async function pausedClient(port: number): Promise<net.Socket> {
    const socket = net.connect(port, '127.0.0.1');
    sockets.push(socket);
    await once(socket, 'connect');
    socket.pause();
    return socket;
  }

  /** Reads until `bytes` bytes have arrived since the call, and returns them as latin1. */
  function readBytes(socket: net.Socket, bytes: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let total = 0;
      const onData = (chunk: Buffer): void => {
        chunks.push(chunk);
        total += chunk.length;
        if (total >= bytes) {
          socket.off('data', onData);
          socket.pause();
          resolve(Buffer.concat(chunks).toString('latin1'));
        }
      };
      socket.on('data', onData);
      socket.once('close', () => reject(new Error(`closed after ${total} of ${bytes} bytes`)));
      socket.resume();
    });
  }

  it('a response held back by a client that does not read settles once it is read, and the connection goes on', async () => {
    server = await startTestServer();
    const { adapter } = server;
    const socket = await pausedClient(server.port);
    socket.write(get(`/text?size=${LARGE}`));
    expect(await eventually(() => adapter.exchanges.length === 1)).toBe(true);
    const exchange = adapter.exchanges[0] as HttpExchange;
    let settled = false;
    void exchange.settled.then(() => {
      settled = true;
    });

    // The socket refused bytes: the response cannot be complete until the client reads.
    expect(await eventually(() => exchange.writeStalled)).toBe(true);
    await nextPoll();
    expect(settled).toBe(false);
    expect(adapter.finished).toEqual([]);

    const response = await readBytes(socket, LARGE);
    const headEnd = response.indexOf('\r\n\r\n') + 4;
    expect(response.slice(0, headEnd)).toContain(`Content-Length: ${LARGE}`);
    const rest = response.length - headEnd;
    if (rest < LARGE) await readBytes(socket, LARGE - rest);
    expect(await eventually(() => settled)).toBe(true);
    expect(await eventually(() => adapter.finished.length === 1)).toBe(true);

    socket.write(get('/hello'));
    const next = await readBytes(socket, 1);
    expect(next).toMatch(/^HTTP\/1\.1 200 /);
    expect(await eventually(() => adapter.finished.length === 2)).toBe(true);
  });
});
