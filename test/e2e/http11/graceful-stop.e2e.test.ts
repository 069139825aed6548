import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RawHttpClient } from '../../helpers/raw-http-client.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { eventually, get, nextPoll, startTestServer, type TestServer } from './http11-harness.js';

describe('HTTP/1.1 endpoint: graceful stop, pause and resume', () => {
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

  it('lets an in-flight request finish with Connection: close and closes idle keep-alive connections at once', async () => {
    server = await startTestServer();
    const busy = await connect();
    const idle = await connect();
    await idle.write(get('/hello'));
    expect((await idle.readResponse()).status).toBe(200);
    await busy.write(get('/slow/inflight'));
    expect(await eventually(() => server?.adapter.started.includes('/slow/inflight') === true)).toBe(true);

    const stopped = server.stop(10_000);
    expect(await idle.waitForClose(2000)).toBe(true);
    expect(busy.closed).toBe(false);

    server.adapter.release('inflight');
    const response = await busy.readResponse();
    expect(response.status).toBe(200);
    expect(response.body).toBe('done /slow/inflight');
    expect(response.header('connection')).toBe('close');
    expect(await busy.waitForClose(2000)).toBe(true);
    await stopped;
  });

  it('stops accepting: new connections are refused once stop() began', async () => {
    server = await startTestServer();
    const port = server.port;
    await server.stop(0);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });

  it('requests waiting for a maxThreads slot at stop still run', async () => {
    server = await startTestServer({ maxThreads: 1 });
    const a = await connect();
    const b = await connect();
    await a.write(get('/slow/a'));
    expect(await eventually(() => server?.adapter.started.length === 1)).toBe(true);
    await b.write(get('/hello'));
    expect(await eventually(() => server?.protocol.stats().queued === 1)).toBe(true);
    const stopped = server.stop(10_000);
    server.adapter.release('a');
    expect((await a.readResponse()).header('connection')).toBe('close');
    const queued = await b.readResponse();
    expect(queued.body).toBe('hello');
    expect(queued.header('connection')).toBe('close');
    await stopped;
  });

  it('destroys what is left when gracefulMs runs out', async () => {
    const clock = new ManualClock();
    server = await startTestServer({}, clock);
    const adapter = server.adapter;
    const stuck = await connect();
    await stuck.write(get('/slow/never'));
    await adapter.until(() => adapter.started.length === 1);
    let stopped = false;
    const stopping = server.stop(200).then(() => (stopped = true));
    clock.advance(199);
    await nextPoll();
    expect(stopped).toBe(false);
    expect(stuck.closed).toBe(false);
    clock.advance(1);
    await stopping;
    expect(await stuck.waitForClose(2000)).toBe(true);
    expect(server.adapter.exchanges[0]?.aborted).toBe(true);
  });

  it('pause() holds new requests and resume() serves them, without closing the listener', async () => {
    server = await startTestServer();
    const kept = await connect();
    await kept.write(get('/hello'));
    await kept.readResponse();

    server.protocol.pause();
    await kept.write(get('/hello'));
    const fresh = await connect();
    await fresh.write(get('/hello'));
    // The kept connection's request waits for a slot; the fresh connection waits to be accepted.
    expect(await eventually(() => server?.protocol.stats().queued === 2)).toBe(true);
    expect(await kept.waitForData(50)).toBe(false);
    expect(await fresh.waitForData(50)).toBe(false);
    expect(server.adapter.started).toHaveLength(1);

    server.protocol.resume();
    expect((await kept.readResponse()).body).toBe('hello');
    expect((await fresh.readResponse()).body).toBe('hello');
  });
});
