/**
 * Where one request ends and the next begins, now that the parser calls no message-begin callback and calls
 * message-complete only for requests with a body: requests with and without bodies alternate on one
 * connection, a head that begins in the same read as a finished request is timed from its next byte, and
 * empty lines between requests are not taken for a request.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RawHttpClient } from '../../helpers/raw-http-client.js';
import type { ContainerClock } from '../../../src/time/container-clock.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { get, nextPoll, startTestServer, type TestServer } from './http11-harness.js';

const post = (target: string, body: string): string =>
  `POST ${target} HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const chunkedWithTrailer = (target: string): string =>
  `POST ${target} HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Checksum: 42\r\n\r\n`;

/** Requests without a body, with a Content-Length body, chunked with a trailer, and an empty Content-Length body. */
const SEQUENCE: ReadonlyArray<{ request: string; body: string }> = [
  { request: get('/hello'), body: 'hello' },
  { request: post('/echo', 'first body'), body: 'first body' },
  { request: get('/target?after-body'), body: '/target?after-body' },
  { request: chunkedWithTrailer('/trailers'), body: '["X-Checksum","42"]' },
  { request: get('/hello'), body: 'hello' },
  { request: post('/echo', ''), body: '' },
  { request: chunkedWithTrailer('/trailers'), body: '["X-Checksum","42"]' },
  { request: post('/echo', 'last body'), body: 'last body' },
  { request: get('/target?end'), body: '/target?end' },
];

describe('HTTP/1.1 message boundaries without a message-begin callback', () => {
  let server: TestServer | undefined;
  const clients: RawHttpClient[] = [];

  async function connect(
    overrides: Parameters<typeof startTestServer>[0] = {},
    clock?: ContainerClock,
  ): Promise<{ server: TestServer; client: RawHttpClient }> {
    server = await startTestServer({ allowedTrailerHeaders: 'x-checksum', ...overrides }, clock);
    const client = await RawHttpClient.connect(server.port);
    clients.push(client);
    return { server, client };
  }

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server?.stop();
    server = undefined;
  });

  it('requests with and without bodies alternate on one connection, each sent on its own', async () => {
    const { client, server } = await connect();
    for (const { request, body } of SEQUENCE) {
      await client.write(request);
      const response = await client.readResponse();
      expect(response.status).toBe(200);
      expect(response.body).toBe(body);
    }
    expect(server.adapter.rejected).toEqual([]);
    expect(client.closed).toBe(false);
  });

  it('the same requests pipelined in one write are all answered, in order', async () => {
    const { client } = await connect();
    await client.write(SEQUENCE.map(({ request }) => request).join(''));
    for (const { body } of SEQUENCE) expect((await client.readResponse()).body).toBe(body);
  });

  it('a head begun in the same read as a finished request is timed from its next byte: 200, then 408', async () => {
    const clock = new ManualClock();
    const { client, server } = await connect({ connectionTimeout: 600, keepAliveTimeout: 5000 }, clock);
    await client.write(`${get('/hello')}GET /hello HTTP/1.1\r\nHo`);
    expect((await client.readResponse()).body).toBe('hello');
    // Timed from that read, the head would be cut now.
    clock.advance(1000);
    const rest = `st: localhost\r\nX-Long: ${'b'.repeat(200)}\r\n\r\n`;
    // One byte per 100 ms of the clock until the server answers.
    const answered = client.received.length;
    let trickled = 0;
    while (trickled < rest.length && !client.closed && client.received.length === answered) {
      await client.write(rest[trickled++] as string).catch(() => undefined);
      await nextPoll();
      clock.advance(100);
    }
    expect(await client.waitForClose(5000)).toBe(true);
    // Only the header clock can end it: the bytes kept coming and the head was still incomplete when the
    // connection closed, with a 408 (an idle close at keepAliveTimeout sends none), no sooner than 600 ms of
    // the clock after the first byte that followed the finished request.
    expect(trickled).toBeGreaterThanOrEqual(6);
    expect(trickled).toBeLessThan(rest.length);
    const response = await client.readResponse();
    expect(response.status).toBe(408);
    expect(server.adapter.rejected).toMatchObject([{ status: 408, code: 'SV_ERR_HTTP_HEADER_TIMEOUT' }]);
  });

  it('empty lines after a request begin no request: the idle connection is closed at keepAliveTimeout without a 408', async () => {
    const clock = new ManualClock();
    const { client, server } = await connect({ connectionTimeout: 300, keepAliveTimeout: 2000 }, clock);
    await client.write(get('/hello'));
    expect((await client.readResponse()).body).toBe('hello');
    clock.advance(50);
    await client.write('\r\n');
    await nextPoll();
    // A head would have been cut at connectionTimeout (300 ms) with a 408; idle, the connection lasts
    // keepAliveTimeout, then closes without a 408.
    clock.advance(600);
    clock.advance(2000);
    expect(await client.waitForClose(5000)).toBe(true);
    expect(client.received).not.toContain('408');
    expect(server.adapter.rejected).toEqual([]);
  });

  it('a head that arrives in pieces is answered once whole', async () => {
    const { client } = await connect();
    const request = get('/target?pieces');
    await client.write(request.slice(0, 10));
    await nextPoll();
    await client.write(request.slice(10, 25));
    await nextPoll();
    await client.write(request.slice(25));
    expect((await client.readResponse()).body).toBe('/target?pieces');
  });
});
