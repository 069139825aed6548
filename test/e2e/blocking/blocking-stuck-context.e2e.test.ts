// A StuckThreadDetectionValve on a Context, blocking-style connector: the valve lives in the workers' trees
// (a Context's valves are only known from its deployment), so a request entering it asks the main thread to
// watch it. Two Contexts share one docBase; only /watched has the valve.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawHttpClient } from '../../helpers/raw-http-client.js';
import { startTestServer, type LogRecord, type TestServer } from '../../helpers/test-server.js';
import { BLOCKING_APP_BASE } from './blocking-server.js';

const VALVE = 'org.apache.catalina.valves.StuckThreadDetectionValve';

function serverXml(emptyAppBase: string): string {
  const docBase = join(BLOCKING_APP_BASE, 'ROOT');
  return `<?xml version="1.0"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="0" address="127.0.0.1" protocol="HTTP/1.1-blocking" maxThreads="4" minSpareThreads="2"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="${emptyAppBase}" autoDeploy="false">
        <Context path="/watched" docBase="${docBase}">
          <Valve className="${VALVE}" threshold="1" interruptThreadThreshold="2"/>
        </Context>
        <Context path="/plain" docBase="${docBase}"/>
      </Host>
    </Engine>
  </Service>
</Server>
`;
}

function logged(server: TestServer, code: string, uri: string): LogRecord[] {
  return server.logs.filter((record) => record.code === code && record.uri === uri);
}

describe('StuckThreadDetectionValve on a Context, blocking connector', () => {
  let server: TestServer;
  let emptyAppBase: string;

  beforeAll(async () => {
    emptyAppBase = mkdtempSync(join(tmpdir(), 'serval-empty-appbase-'));
    server = await startTestServer({ serverXml: serverXml(emptyAppBase) });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(emptyAppBase, { recursive: true, force: true });
  });

  it('reports a slow request of its own Context and its completion, and no request of the other Context', async () => {
    const [watched, plain] = await Promise.all([fetch(`${server.url}/watched/slow?ms=1500`), fetch(`${server.url}/plain/slow?ms=1500`)]);
    expect(await watched.text()).toBe('slow done');
    expect(await plain.text()).toBe('slow done');
    const detected = logged(server, 'SV_MSG_STUCK_REQUEST_DETECTED', '/watched/slow?ms=1500');
    expect(detected).toHaveLength(1);
    expect(detected[0]!.thread).toMatch(/-exec-\d+$/);
    expect(logged(server, 'SV_MSG_STUCK_REQUEST_COMPLETED', '/watched/slow?ms=1500')).toHaveLength(1);
    // Past threshold but under interruptThreadThreshold: reported, not interrupted.
    expect(server.logs.filter((record) => record.code === 'SV_MSG_STUCK_REQUEST_INTERRUPTED')).toEqual([]);
    expect(
      server.logs.filter((record) => record.code === 'SV_MSG_STUCK_REQUEST_DETECTED' && String(record.uri).startsWith('/plain')),
    ).toEqual([]);
  });

  it('interrupts a servlet of its Context looping forever: 500, the worker replaced, the other Context still served', async () => {
    const victim = await RawHttpClient.connect(server.port);
    try {
      await victim.write('GET /watched/spin-forever HTTP/1.1\r\nHost: localhost\r\n\r\n');
      const failed = await victim.readResponse({ timeoutMs: 10_000 });
      expect(failed.status).toBe(500);
      expect(await victim.waitForClose(2000)).toBe(true);
      expect(logged(server, 'SV_MSG_STUCK_REQUEST_INTERRUPTED', '/watched/spin-forever')).toHaveLength(1);
      const crash = server.logs.filter((record) => record.code === 'SV_ERR_WORKER_CRASHED').at(-1);
      expect(crash?.msg).toContain('StuckThreadDetectionValve');
      const after = await fetch(`${server.url}/plain/hello`, { headers: { Connection: 'close' } });
      expect(await after.text()).toBe('hello');
    } finally {
      victim.close();
    }
  });
});
