import { afterEach, describe, expect, it } from 'vitest';
import { RawHttpClient } from '../../helpers/raw-http-client.js';
import { get, startTestServer, type TestServer } from './http11-harness.js';

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
    server = await startTestServer({ connectionTimeout: 500, keepAliveTimeout: 500 });
    const slow = await connect();
    // 60 header lines at one byte per 100 ms would take minutes; connectionTimeout must end it long before.
    const dribble = slow.writeSlowly(`GET /hello HTTP/1.1\r\nHost: x\r\n${'X-Pad: aaaaaaaa\r\n'.repeat(60)}\r\n`, 1, 100);

    const normal = await connect();
    await normal.write(get('/hello'));
    expect((await normal.readResponse()).body).toBe('hello');

    expect(await slow.waitForClose(5000)).toBe(true);
    await dribble;
    // Either a 408 or a plain close is acceptable; a 200 is not.
    if (slow.received.length > 0) expect(slow.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(server.adapter.started).toEqual(['/hello']);
    expect(server.adapter.rejected.map((r) => r.status)).toEqual([408]);

    const after = await connect();
    await after.write(get('/hello'));
    expect((await after.readResponse()).status).toBe(200);
  });

  it('closes a connection that never sends a byte, without an access-log entry', async () => {
    server = await startTestServer({ connectionTimeout: 300, keepAliveTimeout: 300 });
    const silent = await connect();
    expect(await silent.waitForClose(5000)).toBe(true);
    expect(silent.received).toBe('');
    expect(server.adapter.rejected).toEqual([]);
  });

  it('a body that stops arriving for connectionTimeout gets 408 and the connection closes', async () => {
    server = await startTestServer({ connectionTimeout: 400, keepAliveTimeout: 400 });
    const client = await connect();
    await client.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabcd');
    const response = await client.readResponse({ timeoutMs: 5000 });
    expect(response.status).toBe(408);
    expect(response.header('connection')).toBe('close');
    expect(await client.waitForClose(3000)).toBe(true);
  });

  it('a slow but steady body is not cut off', async () => {
    server = await startTestServer({ connectionTimeout: 400, keepAliveTimeout: 400 });
    const client = await connect();
    await client.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n');
    await client.writeSlowly('abcdefgh', 1, 150);
    const response = await client.readResponse();
    expect(response.status).toBe(200);
    expect(response.body).toBe('abcdefgh');
  });

  it('a request arriving late in the keep-alive idle period is answered however long it takes, then idles afresh', async () => {
    server = await startTestServer({ connectionTimeout: 400, keepAliveTimeout: 400 });
    const client = await connect();
    await client.write(get('/hello'));
    expect((await client.readResponse()).body).toBe('hello');
    await new Promise((resolve) => setTimeout(resolve, 250));
    // Arrives whole 250 ms into the 400 ms idle period; the application takes another 350 ms.
    await client.write(get('/slow/late'));
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(client.closed).toBe(false);
    server.adapter.release('late');
    expect((await client.readResponse()).body).toBe('done /slow/late');
    const answered = Date.now();
    expect(await client.waitForClose(3000)).toBe(true);
    // The idle period starts again with the response.
    expect(Date.now() - answered).toBeGreaterThanOrEqual(300);
  });
});
