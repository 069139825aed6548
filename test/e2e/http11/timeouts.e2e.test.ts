/**
 * connectionTimeout and keepAliveTimeout over real sockets, on a ManualClock: the test moves the endpoint's
 * clock and waits for what the server does (a 408, a close), never for time to pass.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RawHttpClient } from '../../helpers/raw-http-client.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { get, nextPoll, startTestServer, type TestServer } from './http11-harness.js';

describe('HTTP/1.1 endpoint: connectionTimeout', () => {
  let server: TestServer | undefined;
  const clients: RawHttpClient[] = [];
  async function connect(): Promise<RawHttpClient> {
    const client = await RawHttpClient.connect((server as TestServer).port);
    clients.push(client);
    return client;
  }
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server?.stop(0);
    server = undefined;
  });

  it('cuts off a client dribbling header bytes (slowloris) while serving a normal client', async () => {
    const clock = new ManualClock();
    server = await startTestServer({ connectionTimeout: 500, keepAliveTimeout: 500 }, clock);
    const slow = await connect();
    // 60 header lines at one byte per 100 ms of the clock would take 96 s; connectionTimeout must end it at 0.5 s.
    const head = `GET /hello HTTP/1.1\r\nHost: x\r\n${'X-Pad: aaaaaaaa\r\n'.repeat(60)}\r\n`;
    let sent = 0;
    while (sent < head.length && !slow.closed && slow.received === '') {
      await slow.write(head[sent++] as string).catch(() => undefined);
      await nextPoll();
      clock.advance(100);
    }
    expect(sent).toBeLessThan(head.length);

    const normal = await connect();
    await normal.write(get('/hello'));
    expect((await normal.readResponse()).body).toBe('hello');

    expect(await slow.waitForClose(5000)).toBe(true);
    // Either a 408 or a plain close is acceptable; a 200 is not.
    if (slow.received.length > 0) expect(slow.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(server.adapter.started).toEqual(['/hello']);
    expect(server.adapter.rejected.map((r) => r.status)).toEqual([408]);

    const after = await connect();
    await after.write(get('/hello'));
    expect((await after.readResponse()).status).toBe(200);
  });

  it('closes a connection that never sends a byte, without an access-log entry', async () => {
    const clock = new ManualClock();
    server = await startTestServer({ connectionTimeout: 300, keepAliveTimeout: 300 }, clock);
    const silent = await connect();
    await clock.whenArmed(1);
    clock.advance(300);
    expect(await silent.waitForClose(5000)).toBe(true);
    expect(silent.received).toBe('');
    expect(server.adapter.rejected).toEqual([]);
  });

  it('a body that stops arriving for connectionTimeout gets 408 and the connection closes', async () => {
    const clock = new ManualClock();
    server = await startTestServer({ connectionTimeout: 400, keepAliveTimeout: 400 }, clock);
    const adapter = server.adapter;
    const client = await connect();
    await client.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabcd');
    await adapter.until(() => adapter.bodyBytes === 4);
    clock.advance(399);
    // Nothing is due yet: a request on another connection is answered, this one is still waiting.
    const other = await connect();
    await other.write(get('/hello'));
    expect((await other.readResponse()).body).toBe('hello');
    expect(client.received).toBe('');
    clock.advance(1);
    const response = await client.readResponse({ timeoutMs: 5000 });
    expect(response.status).toBe(408);
    expect(response.header('connection')).toBe('close');
    expect(await client.waitForClose(3000)).toBe(true);
  });

  it('a slow but steady body is not cut off', async () => {
    const clock = new ManualClock();
    server = await startTestServer({ connectionTimeout: 400, keepAliveTimeout: 400 }, clock);
    const adapter = server.adapter;
    const client = await connect();
    await client.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n');
    await adapter.until(() => adapter.started.length === 1);
    // A byte every 300 ms: 2.4 s in all, never 400 ms without one.
    for (const [index, byte] of [...'abcdefgh'].entries()) {
      clock.advance(300);
      await client.write(byte);
      await adapter.until(() => adapter.bodyBytes === index + 1);
    }
    const response = await client.readResponse();
    expect(response.status).toBe(200);
    expect(response.body).toBe('abcdefgh');
  });

  it('a request arriving late in the keep-alive idle period is answered however long it takes, then idles afresh', async () => {
    const clock = new ManualClock();
    server = await startTestServer({ connectionTimeout: 400, keepAliveTimeout: 400 }, clock);
    const adapter = server.adapter;
    const client = await connect();
    await client.write(get('/hello'));
    expect((await client.readResponse()).body).toBe('hello');
    clock.advance(250);
    // Arrives whole 250 ms into the 400 ms idle period; the application takes another 350 ms.
    await client.write(get('/slow/late'));
    await adapter.until(() => adapter.started.length === 2);
    clock.advance(350);
    adapter.release('late');
    expect((await client.readResponse()).body).toBe('done /slow/late');
    // The idle period starts again with the response: 399 ms later the connection still serves a request…
    clock.advance(399);
    await client.write(get('/hello'));
    expect((await client.readResponse()).body).toBe('hello');
    // …and 400 ms after the last response it is closed.
    clock.advance(399);
    expect(client.closed).toBe(false);
    clock.advance(1);
    expect(await client.waitForClose(3000)).toBe(true);
  });
});
