/**
 * The clock given to Catalina is the one the Server's connectors run their timeouts on: a ManualClock injected
 * through the test server closes an idle keep-alive connection exactly at keepAliveTimeout of that clock.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { RawHttpClient } from '../../helpers/raw-http-client.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';

describe('the Server clock', () => {
  const clock = new ManualClock();
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      appBase: join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'core'),
      connectorAttributes: 'connectionTimeout="60000" keepAliveTimeout="5000"',
      clock,
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('is the one Catalina was given, and it times the keep-alive of its connector', async () => {
    expect(server.clock).toBe(clock);
    const client = await RawHttpClient.connect(server.port);
    try {
      await client.write('GET /missing HTTP/1.1\r\nHost: localhost\r\n\r\n');
      expect((await client.readResponse()).status).toBe(404);
      // 4999 ms of the clock into the idle period the connection still serves a request…
      clock.advance(4999);
      await client.write('GET /missing HTTP/1.1\r\nHost: localhost\r\n\r\n');
      expect((await client.readResponse()).status).toBe(404);
      // …and keepAliveTimeout after the last response it is closed.
      clock.advance(5000);
      expect(await client.waitForClose(5000)).toBe(true);
    } finally {
      client.close();
    }
  });
});
