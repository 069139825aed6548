// StuckThreadDetectionValve (issue #7, a worker that hangs): the main thread reports a request running past
// threshold and terminates its worker past interruptThreadThreshold; the request gets a 500 (or its connection
// closes if the response had started), the worker is replaced, other connections go on. On the event-loop
// connector the valve reports slow requests when the loop gets a turn, and never interrupts.
import { executorOf } from '../../../src/blocking/main/connector-workers.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawHttpClient } from '../../helpers/raw-http-client.js';
import { startTestServer, type LogRecord, type TestServer } from '../../helpers/test-server.js';
import { BLOCKING_APP_BASE } from './blocking-server.js';

const VALVE = 'org.apache.catalina.valves.StuckThreadDetectionValve';

function serverXml(protocol: string, valve: string): string {
  return `<?xml version="1.0"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="0" address="127.0.0.1" protocol="${protocol}" maxThreads="4" minSpareThreads="2" disableKeepAlivePercentage="100"/>
    <Engine name="Catalina" defaultHost="localhost">
      ${valve}
      <Host name="localhost" appBase="${BLOCKING_APP_BASE}" autoDeploy="false"/>
    </Engine>
  </Service>
</Server>
`;
}

function get(path: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`;
}

function logged(server: TestServer, code: string, uri: string): LogRecord[] {
  return server.logs.filter((record) => record.code === code && record.uri === uri);
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  for (let waited = 0; waited < timeoutMs && !condition(); waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  return condition();
}

describe('StuckThreadDetectionValve on a blocking connector (interruptThreadThreshold="1")', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      serverXml: serverXml('HTTP/1.1-blocking', `<Valve className="${VALVE}" threshold="1" interruptThreadThreshold="1"/>`),
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  const executor = () => executorOf(server.catalina.server.services[0]!.connectors[0]!.workers)!;

  it('a servlet looping forever: its client gets a 500, the worker is replaced, a concurrent client is unaffected', async () => {
    const bystander = await RawHttpClient.connect(server.port);
    const victim = await RawHttpClient.connect(server.port);
    try {
      await bystander.write(get('/thread'));
      const bystanderThread = (await bystander.readResponse()).body;

      await victim.write(get('/spin-forever'));
      // While the victim's worker spins, the bystander's keep-alive connection is served by its own worker.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await bystander.write(get('/thread'));
      expect((await bystander.readResponse()).body).toBe(bystanderThread);

      const failed = await victim.readResponse({ timeoutMs: 10_000 });
      expect(failed.status).toBe(500);
      expect(failed.header('connection')).toBe('close');
      expect(await victim.waitForClose(2000)).toBe(true);

      const detected = logged(server, 'SV_MSG_STUCK_REQUEST_DETECTED', '/spin-forever');
      expect(detected).toHaveLength(1);
      expect(detected[0]!.msg).toContain('/spin-forever');
      expect(detected[0]!.thread).toMatch(/-exec-\d+$/);
      expect(logged(server, 'SV_MSG_STUCK_REQUEST_INTERRUPTED', '/spin-forever')).toHaveLength(1);
      const crash = server.logs.filter((record) => record.code === 'SV_ERR_WORKER_CRASHED').at(-1);
      expect(crash?.msg).toContain('StuckThreadDetectionValve');

      // The bystander still has its worker; a new connection is served; the pool is back to its spare count.
      await bystander.write(get('/thread'));
      expect((await bystander.readResponse()).body).toBe(bystanderThread);
      const after = await fetch(`${server.url}/hello`, { headers: { Connection: 'close' } });
      expect(await after.text()).toBe('hello');
      expect(await until(() => executor().stats.threads >= 2, 5000)).toBe(true);
      // Requests well under the threshold are never reported.
      expect(server.logs.filter((record) => record.code === 'SV_MSG_STUCK_REQUEST_DETECTED' && record.uri !== '/spin-forever')).toEqual([]);
    } finally {
      bystander.close();
      victim.close();
    }
  });

  it('a servlet that flushed its response before looping: its connection is closed mid-response', async () => {
    const victim = await RawHttpClient.connect(server.port);
    try {
      const interruptsBefore = logged(server, 'SV_MSG_STUCK_REQUEST_INTERRUPTED', '/spin-forever?flush=1').length;
      await victim.write(get('/spin-forever?flush=1'));
      expect(await victim.waitForData(5000)).toBe(true);
      expect(await victim.waitForClose(10_000)).toBe(true);
      const received = victim.received;
      expect(received).toMatch(/^HTTP\/1\.1 200 /);
      expect(received).toContain('started;');
      // The chunked body never got its last chunk: the client can tell the response is incomplete.
      expect(received.endsWith('0\r\n\r\n')).toBe(false);
      expect(logged(server, 'SV_MSG_STUCK_REQUEST_INTERRUPTED', '/spin-forever?flush=1')).toHaveLength(interruptsBefore + 1);
      const after = await fetch(`${server.url}/hello`, { headers: { Connection: 'close' } });
      expect(await after.text()).toBe('hello');
    } finally {
      victim.close();
    }
  });
});

describe('StuckThreadDetectionValve on the event-loop connector', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      serverXml: serverXml('HTTP/1.1', `<Valve className="${VALVE}" threshold="1" interruptThreadThreshold="1"/>`),
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('reports a request still in flight past the threshold and its completion; it is not interrupted', async () => {
    const response = await fetch(`${server.url}/slow?ms=1800`);
    expect(await response.text()).toBe('slow done');
    expect(logged(server, 'SV_MSG_STUCK_REQUEST_DETECTED', '/slow')).toHaveLength(1);
    expect(logged(server, 'SV_MSG_STUCK_REQUEST_COMPLETED', '/slow')).toHaveLength(1);
    expect(server.logs.filter((record) => record.code === 'SV_MSG_STUCK_REQUEST_INTERRUPTED')).toEqual([]);
    const quick = await fetch(`${server.url}/hello`);
    expect(await quick.text()).toBe('hello');
    expect(logged(server, 'SV_MSG_STUCK_REQUEST_DETECTED', '/hello')).toEqual([]);
  });
});
