// maxThreads, acceptCount and disableKeepAlivePercentage on the blocking endpoint with a handful of keep-alive
// clients (issue #7): a connection holds a worker for its keep-alive life, the next ones wait in the accept
// queue and are refused beyond it, and keep-alive is turned off when too many workers are held.
import { executorOf } from '../../../src/blocking/main/connector-workers.js';
import { afterEach, describe, expect, it } from 'vitest';
import { RawHttpClient } from '../../helpers/raw-http-client.js';
import type { TestServer } from '../../helpers/test-server.js';
import { BLOCKING_APP_BASE, startBlockingServer } from './blocking-server.js';

const HELLO = 'GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n';

let server: TestServer | undefined;
const clients: RawHttpClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server?.close();
  server = undefined;
});

async function connect(port: number): Promise<RawHttpClient> {
  const client = await RawHttpClient.connect(port);
  clients.push(client);
  return client;
}

describe('blocking endpoint limits', () => {
  it('maxThreads connections are served; the next waits in the accept queue, the one after is refused', async () => {
    server = await startBlockingServer({
      appBase: BLOCKING_APP_BASE,
      connectorAttributes: 'maxThreads="2" minSpareThreads="2" acceptCount="1" disableKeepAlivePercentage="100"',
    });
    const first = await connect(server.port);
    const second = await connect(server.port);
    for (const client of [first, second]) {
      await client.write(HELLO);
      const response = await client.readResponse();
      expect(response.body).toBe('hello');
      expect(response.header('connection')).not.toBe('close');
    }
    const waiting = await connect(server.port);
    await waiting.write(HELLO);
    // Both workers are held by idle keep-alive connections: nothing is read from the third.
    expect(await waiting.waitForData(400)).toBe(false);
    const refused = await connect(server.port);
    expect(await refused.waitForClose(2000)).toBe(true);
    expect(refused.received).toBe('');

    // When a connection goes, its worker serves the one that waited.
    first.close();
    const served = await waiting.readResponse({ timeoutMs: 5000 });
    expect(served.body).toBe('hello');
    const stats = executorOf(server.catalina.server.services[0]!.connectors[0]!.workers)!.stats;
    expect(stats.threads).toBe(2);
  });

  it('keep-alive is disabled once more than disableKeepAlivePercentage (default 75) of the workers are held', async () => {
    server = await startBlockingServer({ appBase: BLOCKING_APP_BASE, connectorAttributes: 'maxThreads="4" minSpareThreads="1"' });
    const connector = server.catalina.server.services[0]!.connectors[0]!;
    expect(connector.config.disableKeepAlivePercentage).toBe(75);
    const held: RawHttpClient[] = [];
    // 1, 2 and 3 of 4 workers held (25 %, 50 %, 75 %): keep-alive.
    for (let i = 0; i < 3; i++) {
      const client = await connect(server.port);
      await client.write(HELLO);
      const response = await client.readResponse();
      expect(response.header('connection')).not.toBe('close');
      held.push(client);
    }
    expect(connector.pinnedConnections).toBe(3);
    // The fourth holds 100 % > 75 %: its response closes the connection so that waiting clients get a turn.
    const fourth = await connect(server.port);
    await fourth.write(HELLO);
    const closing = await fourth.readResponse();
    expect(closing.body).toBe('hello');
    expect(closing.header('connection')).toBe('close');
    expect(await fourth.waitForClose(2000)).toBe(true);
    // Its worker is free again: back at 3 of 4, the held connections keep alive.
    for (let i = 0; i < 50 && connector.pinnedConnections > 3; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await held[0]!.write(HELLO);
    expect((await held[0]!.readResponse()).header('connection')).not.toBe('close');
  });

  it('without maxThreads a blocking connector gets twice the available cores', async () => {
    server = await startBlockingServer({ appBase: BLOCKING_APP_BASE, connectorAttributes: 'minSpareThreads="1"' });
    const { availableParallelism } = await import('node:os');
    const connector = server.catalina.server.services[0]!.connectors[0]!;
    expect(connector.config.maxThreads).toBe(2 * availableParallelism());
    expect(executorOf(connector.workers)!.maxThreads).toBe(2 * availableParallelism());
  });

  it('an Executor retires worker threads idle for maxIdleTime down to minSpareThreads', async () => {
    server = await startBlockingServer({
      appBase: BLOCKING_APP_BASE,
      serviceContent: '<Executor name="pool" maxThreads="3" minSpareThreads="1" maxIdleTime="200"/>',
      connectorAttributes: 'executor="pool" disableKeepAlivePercentage="100"',
    });
    expect(server.logs.filter((r) => /maxIdleTime/.test(r.msg))).toEqual([]);
    const executor = executorOf(server.catalina.server.services[0]!.connectors[0]!.workers)!;
    const held: RawHttpClient[] = [];
    for (let i = 0; i < 3; i++) {
      const client = await connect(server.port);
      await client.write(HELLO);
      expect((await client.readResponse()).body).toBe('hello');
      held.push(client);
    }
    expect(executor.stats.threads).toBe(3);
    for (const client of held) client.close();
    for (let i = 0; i < 200 && executor.stats.threads > 1; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(executor.stats.threads).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(executor.stats.threads).toBe(1);
    // No worker crashed: the retired ones stopped gracefully, and the one left serves.
    expect(server.logs.filter((r) => r.code === 'SV_ERR_WORKER_CRASHED' || r.code === 'SV_ERR_WORKER_EXITED')).toEqual([]);
    const next = await connect(server.port);
    await next.write(HELLO);
    expect((await next.readResponse()).body).toBe('hello');
  });
});
