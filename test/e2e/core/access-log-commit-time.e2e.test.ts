/**
 * %F, the time to commit the response: responses read the clock when they commit only once an AccessLogValve
 * prints %F (container-response.ts, recordCommitTimes). A servlet that answers after 300 ms commits then.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLogLine } from '../../helpers/access-log-file.js';
import { RawHttpClient } from '../../helpers/raw-http-client.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';

describe('AccessLogValve %F', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      appBase: join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'core'),
      hostContent: `<Valve className="org.apache.catalina.valves.AccessLogValve" directory="logs" prefix="commit" suffix=".txt"
               pattern="%r %s %F %D" buffered="false"/>`,
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('is the milliseconds from the request to the commit of its response', async () => {
    const client = await RawHttpClient.connect(server.port);
    try {
      await client.write('GET /slow/sleep?ms=300 HTTP/1.1\r\nHost: localhost\r\n\r\n');
      const response = await client.readResponse();
      expect(response.status).toBe(200);
      expect(response.body).toBe('slept 300');
    } finally {
      client.close();
    }
    const line = await accessLogLine(join(server.base, 'logs'), 'commit', '/slow/sleep?ms=300');
    const match = /^GET \/slow\/sleep\?ms=300 HTTP\/1\.1 200 (\d+) (\d+)$/.exec(line ?? '');
    expect(match, `access log line: ${line}`).not.toBeNull();
    const commitMs = Number(match![1]);
    const elapsedUs = Number(match![2]);
    expect(commitMs).toBeGreaterThanOrEqual(299);
    expect(commitMs).toBeLessThanOrEqual(Math.ceil(elapsedUs / 1000));
  });
});
