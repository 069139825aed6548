/**
 * Slow and hostile clients, many at once: dribbled headers, stalled bodies, idle keep-alive connections and
 * clients that never read their response are each cut off by their timeout while a normal client is
 * served throughout; maxConnections makes newcomers wait, then refuses them, and the server recovers.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RawHttpClient } from '../../helpers/raw-http-client.js';
import { eventually, get, startTestServer, type TestServer } from './http11-harness.js';

const EACH = 8;

describe('HTTP/1.1 endpoint: slow clients', () => {
  let server: TestServer | undefined;
  const clients: RawHttpClient[] = [];
  const sockets: net.Socket[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const socket of sockets.splice(0)) socket.destroy();
    await server?.stop(0);
    server = undefined;
  });
  async function connect(): Promise<RawHttpClient> {
    const client = await RawHttpClient.connect((server as TestServer).port);
    clients.push(client);
    return client;
  }

  it('each kind of slow client is cut by its timeout while a normal client keeps being served', async () => {
    server = await startTestServer({ connectionTimeout: 600, keepAliveTimeout: 600 });
    const s = server;

    const dribblers = await Promise.all(Array.from({ length: EACH }, connect));
    const dribbling = dribblers.map((c) => c.writeSlowly(`GET /hello HTTP/1.1\r\nHost: x\r\n${'X-Pad: aaaa\r\n'.repeat(100)}\r\n`, 1, 50));
    const stalledBodies = await Promise.all(Array.from({ length: EACH }, connect));
    for (const c of stalledBodies) await c.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly a part');
    const idle = await Promise.all(Array.from({ length: EACH }, connect));
    for (const c of idle) {
      await c.write(get('/hello'));
      expect((await c.readResponse()).status).toBe(200);
    }
    // Never read: the client stops taking bytes, so the server's writes stall until connectionTimeout.
    for (let i = 0; i < EACH; i++) {
      const socket = net.connect({ port: s.port, host: '127.0.0.1' });
      socket.on('error', () => undefined);
      sockets.push(socket);
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write(get('/big?size=50000000'));
      socket.pause();
    }
    const opened = 4 * EACH;
    expect(await eventually(() => s.protocol.stats().connections >= opened, 3000)).toBe(true);

    // Served normally throughout: a fresh request every 100 ms (pacing, so that the requests span the cutting),
    // each answered within the client's own bound, the first while slow clients are still connected.
    const normal = await connect();
    for (let i = 0; i < 15; i++) {
      await normal.write(get('/hello'));
      const response = await normal.readResponse({ timeoutMs: 2000 });
      expect(response.body).toBe('hello');
      if (i === 0) expect(s.protocol.stats().connections).toBeGreaterThan(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    for (const c of [...dribblers, ...stalledBodies, ...idle]) expect(await c.waitForClose(8000)).toBe(true);
    expect(await eventually(() => s.protocol.stats().connections === 1, 8000)).toBe(true);
    await Promise.all(dribbling);
    // Stalled bodies get 408; dribbled headers 408 (or a plain close); idle keep-alive just closes.
    for (const c of stalledBodies) expect(c.received).toMatch(/^HTTP\/1\.1 408 /);
    for (const c of dribblers) if (c.received !== '') expect(c.received).toMatch(/^HTTP\/1\.1 408 /);
    for (const c of idle) expect(c.received.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect(s.adapter.rejected.filter((r) => r.status === 408).length).toBeGreaterThanOrEqual(EACH);
  });

  it('maxConnections reached: newcomers wait in the accept queue, are refused beyond acceptCount, and service recovers', async () => {
    server = await startTestServer({ maxConnections: 3, acceptCount: 2, connectionTimeout: 5000, keepAliveTimeout: 5000 });
    const s = server;
    const holders = await Promise.all(Array.from({ length: 3 }, connect));
    for (const c of holders) {
      await c.write(get('/hello'));
      expect((await c.readResponse()).status).toBe(200);
    }
    const waiting = await Promise.all(Array.from({ length: 2 }, connect));
    for (const c of waiting) await c.write(get('/hello'));
    expect(await eventually(() => s.protocol.stats().queued === 2)).toBe(true);
    const refused = await Promise.all(Array.from({ length: 3 }, connect));
    for (const c of refused) {
      expect(await c.waitForClose(3000)).toBe(true);
      expect(c.received).toBe('');
    }
    for (const c of waiting) expect(await c.waitForData(200)).toBe(false);

    for (const c of holders) c.close();
    for (const c of waiting) expect((await c.readResponse()).body).toBe('hello');
    for (const c of waiting) c.close();
    expect(await eventually(() => s.protocol.stats().connections === 0)).toBe(true);

    const after = await Promise.all(Array.from({ length: 3 }, connect));
    for (const c of after) {
      await c.write(get('/hello'));
      expect((await c.readResponse()).body).toBe('hello');
    }
    expect(s.protocol.stats()).toMatchObject({ connections: 3, queued: 0 });
  });
});
