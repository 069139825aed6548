/**
 * The access log's request time (%t, %{msec}t) is when the request began to arrive, as in Tomcat, not when its
 * head was complete: a head that trickles in over 600 ms is logged at its first byte.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLogLine } from '../../helpers/access-log-file.js';
import { RawHttpClient, sleep } from '../../helpers/raw-http-client.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

describe('AccessLogValve request time', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      hostContent: `<Valve className="org.apache.catalina.valves.AccessLogValve" directory="logs" prefix="start" suffix=".txt"
               pattern="%{msec}t %r %s" buffered="false"/>`,
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('is the time of the first byte of the request head', async () => {
    const client = await RawHttpClient.connect(server.port);
    const firstByte = Date.now();
    try {
      await client.write('GET /trickled HTTP/1.1\r\n');
      await sleep(600);
      await client.write('Host: localhost\r\n\r\n');
      expect((await client.readResponse()).status).toBe(404);
    } finally {
      client.close();
    }
    const line = await accessLogLine(join(server.base, 'logs'), 'start', '/trickled');
    const match = /^(\d+) GET \/trickled HTTP\/1\.1 404$/.exec(line ?? '');
    expect(match, `access log line: ${line}`).not.toBeNull();
    const logged = Number(match![1]);
    // Within the first write's delivery, long before the head was complete 600 ms later.
    expect(logged).toBeGreaterThanOrEqual(firstByte - 5);
    expect(logged - firstByte).toBeLessThan(300);
  });
});
