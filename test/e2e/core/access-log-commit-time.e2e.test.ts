/**
 * %F, the time to commit the response: responses read the clock when they commit only once an AccessLogValve
 * prints %F (container-response.ts, recordCommitTimes). A servlet that answers after 300 ms commits then.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawHttpClient, sleep } from '../../helpers/raw-http-client.js';
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

  async function loggedLine(target: string): Promise<string | undefined> {
    const file = join(server.base, 'logs', `commit.${new Date().toISOString().slice(0, 10)}.txt`);
    for (let attempt = 0; attempt < 100; attempt++) {
      const line = existsSync(file) ? readFileSync(file, 'utf8').split('\n').find((l) => l.includes(target)) : undefined;
      if (line !== undefined) return line;
      await sleep(20);
    }
    return undefined;
  }

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
    const line = await loggedLine('/slow/sleep?ms=300');
    const match = /^GET \/slow\/sleep\?ms=300 HTTP\/1\.1 200 (\d+) (\d+)$/.exec(line ?? '');
    expect(match, `access log line: ${line}`).not.toBeNull();
    const commitMs = Number(match![1]);
    const elapsedUs = Number(match![2]);
    expect(commitMs).toBeGreaterThanOrEqual(299);
    expect(commitMs).toBeLessThanOrEqual(Math.ceil(elapsedUs / 1000));
  });
});
