// AjpConnection's write batching over a real loopback socket: a small response (SEND_HEADERS, SEND_BODY_CHUNK,
// END_RESPONSE) leaves in one socket write, packets sent alone leave at the end of the turn, and what the web
// server waits for (GET_BODY_CHUNK) goes out at once, after anything held before it.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AjpConnection } from '../../src/protocol/ajp/ajp-connection.js';
import { AjpResponseWriter, getBodyChunkPacket, maxRequestBodyChunk } from '../../src/protocol/ajp/ajp-response-writer.js';

const PACKET_SIZE = 8192;
let server: Server | null = null;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise<void>((resolve) => (server === null ? resolve() : server.close(() => resolve())));
  server = null;
});

/** The server side of a loopback connection, wrapped in an AjpConnection, and a spy on its socket writes. */
async function open(): Promise<{ connection: AjpConnection; writes: () => Buffer[] }> {
  const accepted = new Promise<Socket>((resolve) => {
    server = createServer(resolve);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const address = server?.address();
  if (address === null || typeof address !== 'object') throw new Error('no server address');
  sockets.push(connect(address.port, '127.0.0.1'));
  const socket = await accepted;
  sockets.push(socket);
  const spy = vi.spyOn(socket, 'write');
  const connection = new AjpConnection('t-1', socket, PACKET_SIZE, {
    finishResponse: () => Promise.resolve(),
    bodyPacketRequested: () => undefined,
  });
  return { connection, writes: () => spy.mock.calls.map((call) => Buffer.from(call[0] as Uint8Array)) };
}

function smallResponse(): Buffer[] {
  const writer = new AjpResponseWriter(PACKET_SIZE);
  return [writer.head(200, null, [['Content-Type', 'text/plain']], true), ...writer.body(Buffer.from('Hello')), writer.end(true)];
}

describe('AjpConnection writes', () => {
  it('sends a small response as one socket write, packets in order', async () => {
    const { connection, writes } = await open();
    const [head, body, end] = smallResponse() as [Buffer, Buffer, Buffer];
    connection.send([head]);
    connection.send([body]);
    expect(writes()).toHaveLength(0);
    const written = new Promise<void>((resolve) => connection.sendNow([end], resolve));
    expect(writes()).toEqual([Buffer.concat([head, body, end])]);
    await written;
    // Nothing is left for the end of the turn.
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes()).toHaveLength(1);
  });

  it('writes packets sent alone at the end of the turn, together', async () => {
    const { connection, writes } = await open();
    const [head, body] = smallResponse() as [Buffer, Buffer, Buffer];
    expect(connection.send([head])).toBe(true);
    expect(connection.send([body])).toBe(true);
    expect(writes()).toHaveLength(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes()).toEqual([Buffer.concat([head, body])]);
  });

  it('sends GET_BODY_CHUNK at once, after the packets held before it', async () => {
    const { connection, writes } = await open();
    const [head] = smallResponse() as [Buffer, Buffer, Buffer];
    connection.send([head]);
    connection.requestBodyPacket();
    expect(connection.owedBodyPackets).toBe(1);
    expect(writes()).toEqual([Buffer.concat([head, getBodyChunkPacket(maxRequestBodyChunk(PACKET_SIZE))])]);
  });

  it('writes at once once more than a few packets are held', async () => {
    const { connection, writes } = await open();
    const writer = new AjpResponseWriter(PACKET_SIZE);
    connection.send([writer.head(200, null, [], true)]);
    connection.send(writer.body(Buffer.alloc(20_000, 0x61)));
    expect(writes()).toHaveLength(1);
    expect(writes()[0]?.length).toBeGreaterThan(20_000);
  });
});
