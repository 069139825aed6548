import { afterEach, describe, expect, it } from 'vitest';
import { RawHttpClient } from '../../helpers/raw-http-client.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { eventually, get, startTestServer, type TestServer } from './http11-harness.js';

describe('HTTP/1.1 endpoint: keep-alive, pipelining, framing', () => {
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

  it('serves several requests over one keep-alive connection without Connection headers', async () => {
    server = await startTestServer();
    const client = await connect();
    for (let i = 0; i < 3; i++) {
      await client.write(get('/hello'));
      const response = await client.readResponse();
      expect(response.status).toBe(200);
      expect(response.body).toBe('hello');
      expect(response.header('connection')).toBeUndefined();
    }
    expect(client.closed).toBe(false);
    expect(server.adapter.exchanges.map((e) => e.connectionId).every((id, _, all) => id === all[0])).toBe(true);
  });

  it('answers pipelined requests in order', async () => {
    server = await startTestServer();
    const client = await connect();
    await client.write(get('/target?n=1') + get('/slow/first') + get('/target?n=3'));
    const adapter = server.adapter;
    const bodies = [(await client.readResponse()).body];
    await adapter.until(() => adapter.started.includes('/slow/first'));
    adapter.release('first');
    for (let i = 0; i < 2; i++) bodies.push((await client.readResponse()).body);
    expect(bodies).toEqual(['/target?n=1', 'done /slow/first', '/target?n=3']);
  });

  it('parses a request split across many small writes, body included', async () => {
    server = await startTestServer();
    const client = await connect();
    const request = 'POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\n\r\nhello world';
    await client.writeSlowly(request, 1, 1);
    const response = await client.readResponse();
    expect(response.status).toBe(200);
    expect(response.body).toBe('hello world');
  });

  it('echoes a chunked request body', async () => {
    server = await startTestServer();
    const client = await connect();
    await client.write('POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n');
    expect((await client.readResponse()).body).toBe('hello world');
  });

  it('maxKeepAliveRequests=3: the third response carries Connection: close and the connection closes', async () => {
    server = await startTestServer({ maxKeepAliveRequests: 3 });
    const client = await connect();
    for (let i = 1; i <= 2; i++) {
      await client.write(get('/hello'));
      const response = await client.readResponse();
      expect(response.header('connection')).toBeUndefined();
    }
    await client.write(get('/hello'));
    const third = await client.readResponse();
    expect(third.status).toBe(200);
    expect(third.header('connection')).toBe('close');
    expect(await client.waitForClose(3000)).toBe(true);
  });

  it('maxKeepAliveRequests=1 disables keep-alive', async () => {
    server = await startTestServer({ maxKeepAliveRequests: 1 });
    const client = await connect();
    await client.write(get('/hello'));
    expect((await client.readResponse()).header('connection')).toBe('close');
    expect(await client.waitForClose(3000)).toBe(true);
  });

  it('keepAliveTimeout closes an idle connection, but not while a request is being served', async () => {
    const clock = new ManualClock();
    server = await startTestServer({ keepAliveTimeout: 300 }, clock);
    const adapter = server.adapter;
    const client = await connect();
    await client.write(get('/slow/long'));
    await adapter.until(() => adapter.started.length === 1);
    clock.advance(700);
    adapter.release('long');
    // Still open: the response arrives.
    const response = await client.readResponse();
    expect(response.status).toBe(200);
    // Idle from the response on: 299 ms later a request is still served, 300 ms after the last response it closes.
    clock.advance(299);
    await client.write(get('/hello'));
    expect((await client.readResponse()).body).toBe('hello');
    clock.advance(300);
    expect(await client.waitForClose(3000)).toBe(true);
  });

  it('a request arriving within keepAliveTimeout keeps the connection', async () => {
    const clock = new ManualClock();
    server = await startTestServer({ keepAliveTimeout: 400 }, clock);
    const client = await connect();
    for (let i = 0; i < 3; i++) {
      // Each request arrives 399 ms into the idle period the response before it began.
      if (i > 0) clock.advance(399);
      await client.write(get('/hello'));
      expect((await client.readResponse()).status).toBe(200);
    }
  });

  it('HTTP/1.0 closes unless Connection: keep-alive, which is then confirmed with Keep-Alive: timeout', async () => {
    server = await startTestServer({ keepAliveTimeout: 15_000 });
    const plain = await connect();
    await plain.write('GET /hello HTTP/1.0\r\n\r\n');
    const closing = await plain.readResponse();
    expect(closing.header('connection')).toBe('close');
    expect(await plain.waitForClose(3000)).toBe(true);

    const keepAlive = await connect();
    await keepAlive.write('GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    const kept = await keepAlive.readResponse();
    expect(kept.header('connection')).toBe('keep-alive');
    expect(kept.header('keep-alive')).toBe('timeout=15');
    await keepAlive.write('GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    expect((await keepAlive.readResponse()).body).toBe('hello');
  });

  it('a client Connection: close ends the connection after the response', async () => {
    server = await startTestServer();
    const client = await connect();
    await client.write(get('/hello', 'Connection: close\r\n'));
    expect((await client.readResponse()).header('connection')).toBe('close');
    expect(await client.waitForClose(3000)).toBe(true);
  });

  it('keeps duplicate response headers such as Set-Cookie apart', async () => {
    server = await startTestServer();
    const client = await connect();
    await client.write(get('/cookies'));
    expect((await client.readResponse()).headerValues('set-cookie')).toEqual(['a=1', 'b=2']);
  });

  it('describes the connection in the exchange', async () => {
    server = await startTestServer();
    const first = await connect();
    const second = await connect();
    await first.write(get('/info'));
    await second.write(get('/info'));
    const a = JSON.parse((await first.readResponse()).body) as Record<string, unknown>;
    const b = JSON.parse((await second.readResponse()).body) as Record<string, unknown>;
    expect(a).toMatchObject({ remoteAddress: '127.0.0.1', localPort: server.port, scheme: 'http', protocol: 'HTTP/1.1', willClose: false });
    expect(a['connectionId']).not.toBe(b['connectionId']);
  });

  it('counts body bytes written and read', async () => {
    server = await startTestServer();
    const client = await connect();
    await client.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd');
    await client.readResponse();
    const exchange = server.adapter.exchanges[0];
    expect(exchange?.bytesWritten).toBe(4);
    expect(exchange?.bodyBytesRead).toBe(4);
    expect(exchange?.aborted).toBe(false);
  });

  it('answers 500 when the adapter throws before responding, and keeps serving', async () => {
    server = await startTestServer();
    const client = await connect();
    await client.write(get('/throw'));
    const response = await client.readResponse();
    expect(response.status).toBe(500);
    expect(response.header('connection')).toBe('close');
    const next = await connect();
    await next.write(get('/hello'));
    expect((await next.readResponse()).body).toBe('hello');
  });
  it('frees the request slot after a failure and after a response the application left unended (maxThreads=1)', async () => {
    server = await startTestServer({ maxThreads: 1 });
    const failing = await connect();
    await failing.write(get('/throw'));
    expect((await failing.readResponse()).status).toBe(500);
    const unended = await connect();
    await unended.write(get('/unended'));
    const response = await unended.readResponse();
    expect(response.status).toBe(200);
    expect(response.body).toBe('left open');
    // With the single slot still taken by either request above, this one would wait for ever.
    await unended.write(get('/hello'));
    expect((await unended.readResponse()).body).toBe('hello');
  });

  it('HEAD gets the headers without a body and counts no body bytes', async () => {
    server = await startTestServer();
    const client = await connect();
    await client.write('HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n');
    const response = await client.readResponse({ noBody: true });
    expect(response.header('content-length')).toBe('5');
    await client.write(get('/hello'));
    expect((await client.readResponse()).body).toBe('hello');
    expect(server.adapter.exchanges[0]?.bytesWritten).toBe(0);
  });

  it('an unread body within maxSwallowSize is discarded and the connection reused', async () => {
    server = await startTestServer({ maxSwallowSize: 100 });
    const client = await connect();
    await client.write('POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n');
    expect((await client.readResponse()).body).toBe('hello');
    await client.write('x'.repeat(50) + get('/target?second'));
    expect((await client.readResponse()).body).toBe('/target?second');
  });

  it('an unread body beyond maxSwallowSize closes the connection', async () => {
    server = await startTestServer({ maxSwallowSize: 100 });
    const client = await connect();
    await client.write('POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n');
    expect((await client.readResponse()).body).toBe('hello');
    await client.write('x'.repeat(1000)).catch(() => undefined);
    expect(await client.waitForClose(3000)).toBe(true);
  });

  it('marks the exchange aborted when the client goes away mid-request', async () => {
    server = await startTestServer();
    const client = await connect();
    await client.write(get('/slow/gone'));
    await eventually(() => server?.adapter.started.length === 1);
    client.close();
    const exchange = server.adapter.exchanges[0];
    expect(await eventually(() => exchange?.aborted === true)).toBe(true);
    server.adapter.release('gone');
    expect(await eventually(() => server?.adapter.finished.length === 1)).toBe(true);
    expect(server.protocol.stats()).toMatchObject({ inFlight: 0, connections: 0 });
  });
});
