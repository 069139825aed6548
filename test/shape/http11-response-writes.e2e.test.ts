/**
 * How a response reaches the kernel: a head and a body that fit in one 64 KiB TCP segment leave in one write; a
 * larger response leaves as the head with the body's first bytes up to 64 KiB, then the rest (http-exchange.ts,
 * FIRST_WRITE_BYTES, says why). Observed at the server socket's write handle, where each call is one system call.
 * Beside a body buffer the head and the chunk framing are bytes too (CRLF_BYTES says why).
 */
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RawHttpClient } from '../helpers/raw-http-client.js';
import { get, startTestServer, type TestServer } from '../e2e/http11/http11-harness.js';

interface WriteCall {
  readonly localPort: number | undefined;
  readonly bytes: Buffer;
  /** No string among what was handed over. */
  readonly onlyBuffers: boolean;
}

type WritevChunk = { chunk: Buffer | string; encoding: BufferEncoding };
type SocketWrites = {
  _write(data: Buffer | string, encoding: BufferEncoding, callback: (error?: Error | null) => void): void;
  _writev(chunks: WritevChunk[], callback: (error?: Error | null) => void): void;
};

const calls: WriteCall[] = [];
const prototype = net.Socket.prototype as unknown as SocketWrites;
const originalWrite = prototype._write;
const originalWritev = prototype._writev;

function bytesOf(data: Buffer | string, encoding: BufferEncoding): Buffer {
  return typeof data === 'string' ? Buffer.from(data, encoding) : Buffer.from(data);
}

describe('HTTP/1.1: the writes a response leaves in', () => {
  let server: TestServer | undefined;
  const clients: RawHttpClient[] = [];

  beforeAll(() => {
    prototype._write = function (this: net.Socket, data, encoding, callback) {
      calls.push({ localPort: this.localPort, bytes: bytesOf(data, encoding), onlyBuffers: typeof data !== 'string' });
      originalWrite.call(this, data, encoding, callback);
    };
    prototype._writev = function (this: net.Socket, chunks, callback) {
      calls.push({
        localPort: this.localPort,
        bytes: Buffer.concat(chunks.map(({ chunk, encoding }) => bytesOf(chunk, encoding))),
        onlyBuffers: chunks.every(({ chunk }) => typeof chunk !== 'string'),
      });
      originalWritev.call(this, chunks, callback);
    };
  });

  afterAll(() => {
    prototype._write = originalWrite;
    prototype._writev = originalWritev;
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server?.stop(0);
    server = undefined;
  });

  /** The server's write calls for one request on a fresh connection, and the response the client read. */
  async function serverWrites(target: string): Promise<{ writes: Buffer[]; onlyBuffers: boolean[]; body: string; status: number }> {
    server ??= await startTestServer();
    const client = await RawHttpClient.connect(server.port);
    clients.push(client);
    calls.length = 0;
    await client.write(get(target));
    const response = await client.readResponse();
    const port = server.port;
    const own = calls.filter((call) => call.localPort === port);
    return {
      writes: own.map((call) => call.bytes),
      onlyBuffers: own.map((call) => call.onlyBuffers),
      body: response.body,
      status: response.status,
    };
  }

  it('a 100 000-byte body: the head and the body up to 64 KiB in the first write, the rest in the second', async () => {
    const { writes, onlyBuffers, body, status } = await serverWrites('/text?size=100000');
    expect(status).toBe(200);
    expect(body).toHaveLength(100_000);
    expect(writes.map((bytes) => bytes.length)).toEqual([65_536, Buffer.concat(writes).length - 65_536]);
    expect(onlyBuffers).toEqual([true, true]);
    const first = writes[0]?.toString('latin1') ?? '';
    expect(first).toMatch(/^HTTP\/1\.1 200 /);
    expect(first).toContain('Content-Length: 100000\r\n');
    // Both writes together are exactly the response the client read: nothing lost, nothing twice.
    const head = first.slice(0, first.indexOf('\r\n\r\n') + 4);
    expect(Buffer.concat(writes).toString('latin1')).toBe(head + body);
  });

  it('a 60 000-byte body, head included under 64 KiB: one write', async () => {
    const { writes, body } = await serverWrites('/text?size=60000');
    expect(body).toHaveLength(60_000);
    expect(writes).toHaveLength(1);
    expect(writes[0]?.toString('latin1').endsWith(body)).toBe(true);
  });

  it('a chunked body is not divided: its head, chunk-size line, chunk and CRLF leave in one write', async () => {
    const { writes, onlyBuffers, body } = await serverWrites('/text?size=100000&chunked=1');
    expect(body).toHaveLength(100_000);
    expect(onlyBuffers.every(Boolean)).toBe(true);
    const first = writes[0]?.toString('latin1') ?? '';
    expect(first).toMatch(/Transfer-Encoding: chunked\r\n[\s\S]*\r\n\r\n186a0\r\n/);
    expect(first.endsWith(`${body}\r\n`)).toBe(true);
  });
});
