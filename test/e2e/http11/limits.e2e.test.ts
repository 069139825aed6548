import { afterEach, describe, expect, it } from 'vitest';
import { RawHttpClient } from '../../helpers/raw-http-client.js';
import { eventually, get, nextPoll, startTestServer, type TestServer } from './http11-harness.js';

function headers(count: number): string {
  // Host plus count - 1 others: `count` header fields in all.
  let block = 'Host: localhost\r\n';
  for (let i = 1; i < count; i++) block += `X-H${i}: v\r\n`;
  return block;
}

describe('HTTP/1.1 endpoint: limits and rejected requests', () => {
  let server: TestServer | undefined;
  const clients: RawHttpClient[] = [];
  async function connect(): Promise<RawHttpClient> {
    const client = await RawHttpClient.connect((server as TestServer).port);
    clients.push(client);
    return client;
  }
  async function expectServing(): Promise<void> {
    const client = await connect();
    await client.write(get('/hello'));
    expect((await client.readResponse()).body).toBe('hello');
  }
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server?.stop(0);
    server = undefined;
  });

  it('maxHeaderCount=100: 100 header fields are served, 101 get 400 and a close', async () => {
    server = await startTestServer({ maxHeaderCount: 100 });
    const ok = await connect();
    await ok.write(`GET /hello HTTP/1.1\r\n${headers(100)}\r\n`);
    expect((await ok.readResponse()).status).toBe(200);

    const tooMany = await connect();
    await tooMany.write(`GET /hello HTTP/1.1\r\n${headers(101)}\r\n`);
    const response = await tooMany.readResponse();
    expect(response.status).toBe(400);
    expect(response.header('connection')).toBe('close');
    expect(await tooMany.waitForClose(3000)).toBe(true);
    expect(server.adapter.started).toEqual(['/hello']);
    expect(server.adapter.rejected).toMatchObject([
      { status: 400, code: 'SV_ERR_HTTP_TOO_MANY_HEADERS', method: 'GET', target: '/hello', protocol: 'HTTP/1.1' },
    ]);
    await expectServing();
  });

  it('a header block over maxHttpHeaderSize gets 431 and a close', async () => {
    server = await startTestServer({ maxHttpHeaderSize: 8192 });
    const client = await connect();
    await client.write(`GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(9000)}\r\n\r\n`);
    const response = await client.readResponse();
    expect(response.status).toBe(431);
    expect(await client.waitForClose(3000)).toBe(true);
    expect(server.adapter.rejected).toMatchObject([{ status: 431, code: 'SV_ERR_HTTP_HEADER_TOO_LARGE', method: 'GET' }]);
    await expectServing();
  });

  it('a malformed request line gets 400, is logged as rejected, and the server keeps serving', async () => {
    server = await startTestServer();
    const client = await connect();
    await client.write('GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n');
    const response = await client.readResponse();
    expect(response.status).toBe(400);
    expect(response.header('connection')).toBe('close');
    expect(await client.waitForClose(3000)).toBe(true);
    expect(server.adapter.rejected).toHaveLength(1);
    expect(server.adapter.rejected[0]).toMatchObject({ status: 400, code: 'SV_ERR_HTTP_BAD_REQUEST', remoteAddress: '127.0.0.1' });
    expect(server.adapter.started).toEqual([]);
    await expectServing();
  });

  it('HTTP/1.1 without Host, or with two, gets 400; HTTP/1.0 without Host is served', async () => {
    server = await startTestServer();
    const none = await connect();
    await none.write('GET /hello HTTP/1.1\r\n\r\n');
    expect((await none.readResponse()).status).toBe(400);
    const two = await connect();
    await two.write('GET /hello HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n');
    expect((await two.readResponse()).status).toBe(400);
    const old = await connect();
    await old.write('GET /hello HTTP/1.0\r\n\r\n');
    expect((await old.readResponse()).status).toBe(200);
    expect(server.adapter.rejected.map((r) => r.status)).toEqual([400, 400]);
  });

  it('an absolute-form target whose authority differs from Host gets 400', async () => {
    server = await startTestServer();
    const client = await connect();
    await client.write('GET http://a/hello HTTP/1.1\r\nHost: b\r\n\r\n');
    expect((await client.readResponse()).status).toBe(400);
  });

  it('an unknown Expect gets 417 and CONNECT gets 501, both logged', async () => {
    server = await startTestServer();
    const expectation = await connect();
    await expectation.write(get('/hello', 'Expect: unknown\r\n'));
    expect((await expectation.readResponse()).status).toBe(417);
    // The connection stays usable after a 417 (the catalogue's close mode for it is 'keep').
    await expectation.write(get('/hello'));
    expect((await expectation.readResponse()).body).toBe('hello');
    const connectMethod = await connect();
    await connectMethod.write('CONNECT example.local:443 HTTP/1.1\r\nHost: example.local:443\r\n\r\n');
    expect((await connectMethod.readResponse()).status).toBe(501);
    expect(server.adapter.rejected.map((r) => r.status)).toEqual([417, 501]);
    expect(server.adapter.started).toEqual(['/hello']);
  });

  it('a rejection behind a pipelined request waits for that response', async () => {
    server = await startTestServer();
    const client = await connect();
    await client.write(get('/slow/ahead') + 'BROKEN\r\n\r\n');
    // The broken request is refused (and its answer deferred) before the one ahead of it is answered.
    const adapter = server.adapter;
    await adapter.until(() => adapter.rejected.length === 1);
    adapter.release('ahead');
    expect((await client.readResponse()).status).toBe(200);
    expect((await client.readResponse()).status).toBe(400);
    expect(await client.waitForClose(3000)).toBe(true);
  });

  it('maxConnections=2, acceptCount=1: a third connection waits for a slot, a fourth is closed', async () => {
    server = await startTestServer({ maxConnections: 2, acceptCount: 1 });
    const first = await connect();
    const second = await connect();
    for (const client of [first, second]) {
      await client.write(get('/hello'));
      expect((await client.readResponse()).status).toBe(200);
    }
    const third = await connect();
    await third.write(get('/hello'));
    expect(await eventually(() => server?.protocol.stats().queued === 1)).toBe(true);
    expect(await third.waitForData(300)).toBe(false);

    const fourth = await connect();
    expect(await fourth.waitForClose(3000)).toBe(true);
    expect(fourth.received).toBe('');

    first.close();
    const response = await third.readResponse();
    expect(response.body).toBe('hello');
    expect(server.protocol.stats().connections).toBe(2);
  });

  it('maxThreads=1: concurrent requests run one after the other, in arrival order', async () => {
    server = await startTestServer({ maxThreads: 1 });
    const a = await connect();
    const b = await connect();
    await a.write(get('/slow/a'));
    expect(await eventually(() => server?.adapter.started.length === 1)).toBe(true);
    await b.write(get('/slow/b'));
    expect(await eventually(() => server?.protocol.stats().queued === 1)).toBe(true);
    expect(server.protocol.stats().inFlight).toBe(1);
    server.adapter.release('b');
    await nextPoll();
    expect(server.adapter.started).toEqual(['/slow/a']);

    server.adapter.release('a');
    expect((await a.readResponse()).body).toBe('done /slow/a');
    expect((await b.readResponse()).body).toBe('done /slow/b');
    expect(server.adapter.started).toEqual(['/slow/a', '/slow/b']);
    expect(server.protocol.stats()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('a queued request whose client went away never reaches the adapter', async () => {
    server = await startTestServer({ maxThreads: 1 });
    const a = await connect();
    const b = await connect();
    await a.write(get('/slow/a'));
    expect(await eventually(() => server?.adapter.started.length === 1)).toBe(true);
    await b.write(get('/hello'));
    expect(await eventually(() => server?.protocol.stats().queued === 1)).toBe(true);
    b.close();
    expect(await eventually(() => server?.protocol.stats().queued === 0)).toBe(true);
    server.adapter.release('a');
    await a.readResponse();
    await expectServing();
    expect(server.adapter.started).toEqual(['/slow/a', '/hello']);
  });
});
