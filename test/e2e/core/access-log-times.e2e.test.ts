/**
 * The times an AccessLogValve prints, over real sockets:
 * - the request time (%t, %{msec}t) is when the request began to arrive, as in Tomcat, not when its head was
 *   complete: a head that trickles in over 600 ms is logged at its first byte;
 * - %F, the time to commit the response: responses read the clock when they commit only once a valve prints %F
 *   (the valve asks each response it logs: Response.recordCommitTime). A servlet that answers after 300 ms commits then.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLogLine } from '../../helpers/access-log-file.js';
import { RawHttpClient, sleep } from '../../helpers/raw-http-client.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';

describe('AccessLogValve times', () => {
  let server: TestServer;
  const logLine = (marker: string): Promise<string | undefined> => accessLogLine(join(server.base, 'logs'), 'times', marker);

  beforeAll(async () => {
    server = await startTestServer({
      appBase: join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'core'),
      hostContent: `<Valve className="org.apache.catalina.valves.AccessLogValve" directory="logs" prefix="times" suffix=".txt"
               pattern="%{msec}t %r %s %F %D" buffered="false"/>`,
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('the request time is the time of the first byte of the request head', async () => {
    const client = await RawHttpClient.connect(server.port);
    const firstByte = Date.now();
    let restSent = 0;
    try {
      await client.write('GET /trickled HTTP/1.1\r\n');
      await sleep(600);
      restSent = Date.now();
      await client.write('Host: localhost\r\n\r\n');
      expect((await client.readResponse()).status).toBe(404);
    } finally {
      client.close();
    }
    const line = await logLine('/trickled');
    const match = /^(\d+) GET \/trickled HTTP\/1\.1 404 \d+ \d+$/.exec(line ?? '');
    expect(match, `access log line: ${line}`).not.toBeNull();
    const logged = Number(match![1]);
    // Stamped after the first write began (5 ms for a start derived from the monotonic clock) and before the rest
    // of the head was sent: an order, not a duration, so a slow host cannot break it.
    expect(logged).toBeGreaterThanOrEqual(firstByte - 5);
    expect(logged).toBeLessThan(restSent);
  });

  it('%F is the milliseconds from the request to the commit of its response', async () => {
    const client = await RawHttpClient.connect(server.port);
    try {
      await client.write('GET /slow/sleep?ms=300 HTTP/1.1\r\nHost: localhost\r\n\r\n');
      const response = await client.readResponse();
      expect(response.status).toBe(200);
      expect(response.body).toBe('slept 300');
    } finally {
      client.close();
    }
    const line = await logLine('/slow/sleep?ms=300');
    const match = /^\d+ GET \/slow\/sleep\?ms=300 HTTP\/1\.1 200 (\d+) (\d+)$/.exec(line ?? '');
    expect(match, `access log line: ${line}`).not.toBeNull();
    const commitMs = Number(match![1]);
    const elapsedUs = Number(match![2]);
    expect(commitMs).toBeGreaterThanOrEqual(299);
    expect(commitMs).toBeLessThanOrEqual(Math.ceil(elapsedUs / 1000));
  });
});
