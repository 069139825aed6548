/**
 * Issue #18: an app's fault stays in that app. The faulty app (test/fixtures/webapps/faults/faulty) lets errors
 * escape its code in every way the issue lists, or tries to end the process; it is deployed beside a healthy one,
 * on both connector styles, in a server that runs as a child process (an uncaught error in vitest's own process
 * would fail the run). After each fault: the process is alive, the healthy app answers, the faulty request got
 * its status, and the catalina log has the fault with the app's name, the request when it can be told, the code
 * and the stack.
 */
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startChildServer, type ChildLogRecord, type ChildServer } from '../../helpers/child-server.js';
import { RawHttpClient } from '../../helpers/raw-http-client.js';

const APP_BASE = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'faults');
/** How long a fault's log line may take to reach the file (the logger writes asynchronously). */
const LOG_BOUND_MS = 10_000;

function serverXml(protocol: string): string {
  return `<?xml version="1.0"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="0" address="127.0.0.1" protocol="${protocol}"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="${APP_BASE}" autoDeploy="false"/>
    </Engine>
  </Service>
</Server>
`;
}

interface ErrField {
  readonly message?: string;
  readonly stack?: string;
}

/** Polls the child's log until a record matches (the file is written asynchronously); fails after a bound. */
async function logRecord(server: ChildServer, matches: (record: ChildLogRecord) => boolean): Promise<ChildLogRecord> {
  const deadline = Date.now() + LOG_BOUND_MS;
  for (;;) {
    const found = server.logRecords().find(matches);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no matching log record within ${LOG_BOUND_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const errOf = (record: ChildLogRecord): ErrField => record['err'] ?? {};

describe.each([
  ['event-loop', 'HTTP/1.1'],
  ['blocking', 'HTTP/1.1-blocking'],
])('misbehaving apps on the %s connector', (_style, protocol) => {
  let server: ChildServer;
  let url: string;

  beforeAll(async () => {
    server = await startChildServer({ serverXml: serverXml(protocol) });
    url = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await server?.stop();
  });

  /** The three checks after every fault: the process lives, the healthy app answers, the log has the fault. */
  async function expectContained(matches: (record: ChildLogRecord) => boolean, code = 'SV_ERR_WEBAPP_FAULT'): Promise<ChildLogRecord> {
    const record = await logRecord(server, (r) => r.code === code && matches(r));
    expect(server.alive()).toBe(true);
    const healthy = await fetch(`${url}/healthy/ping`);
    expect(healthy.status).toBe(200);
    expect(await healthy.text()).toBe('pong');
    expect(server.alive()).toBe(true);
    return record;
  }

  /** A fault charged to the faulty app and to the request it came from, with the stack of the throw. */
  async function expectRequestFault(path: string, message: string, kind: string): Promise<void> {
    const record = await expectContained((r) => r['uri'] === `GET /faulty/${path}` && errOf(r).message === message);
    expect(record['webapp']).toBe('faulty');
    expect(record.msg).toContain('Web application [faulty]');
    expect(record.msg).toContain(`(${kind})`);
    expect(record.msg).toContain(`[GET /faulty/${path}]`);
    expect(errOf(record).stack).toContain(join('faulty', 'WEB-INF', 'classes', 'faults.js'));
  }

  it.each([
    ['timer', 'thrown in a timer by TimerServlet', 'throw in a timer'],
    ['immediate', 'thrown in an immediate by ImmediateServlet', 'throw in an immediate'],
    ['microtask', 'thrown in a microtask by MicrotaskServlet', 'throw in a microtask'],
    ['next-tick', 'thrown in a nextTick callback by NextTickServlet', 'throw in a nextTick callback'],
    ['interval', 'thrown in an interval by IntervalServlet', 'throw in an interval'],
    ['emitter', 'thrown by an EventEmitter listener of EmitterServlet', 'throw in a timer'],
  ])('a throw in a %s while the request waits: that request gets a 500 through the error pages', async (path, message, kind) => {
    const response = await fetch(`${url}/faulty/${path}`);
    expect(response.status).toBe(500);
    // The webapp's <error-page> for 500 applies, as for an exception thrown by the servlet itself.
    expect(await response.text()).toContain('faulty error page');
    await expectRequestFault(path, message, kind);
  });

  it('an interval that threw is cleared: it is logged once', async () => {
    const lines = (): number => server.logRecords().filter((r) => r['uri'] === 'GET /faulty/interval').length;
    const before = lines();
    expect((await fetch(`${url}/faulty/interval`)).status).toBe(500);
    await logRecord(server, () => lines() > before);
    // Ticks of a 1 ms interval go by while other requests are served: still one line for this request.
    for (let i = 0; i < 5; i++) expect((await fetch(`${url}/healthy/ping`)).status).toBe(200);
    expect(lines()).toBe(before + 1);
  });

  it.each([
    ['rejection', 'unawaited rejection from RejectionServlet', 'unhandled rejection'],
    ['global-timer', 'thrown in a global timer by GlobalTimerServlet', 'uncaught exception'],
    ['stream', 'thrown by a stream data listener of StreamServlet', 'uncaught exception'],
  ])('%s: the servlet answered, the fault after it is charged to the app by its stack', async (path, message, kind) => {
    const response = await fetch(`${url}/faulty/${path}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('answered');
    const record = await expectContained((r) => r['webapp'] === 'faulty' && errOf(r).message === message);
    expect(record.msg).toContain(`Web application [faulty] let an error escape its code (${kind})`);
    expect(errOf(record).stack).toContain(join('faulty', 'WEB-INF', 'classes', 'faults.js'));
  });

  it('a fault after the response was committed closes the connection', async () => {
    const client = await RawHttpClient.connect(server.port);
    try {
      await client.write('GET /faulty/committed HTTP/1.1\r\nHost: localhost\r\n\r\n');
      expect(await client.waitForClose(LOG_BOUND_MS)).toBe(true);
      expect(client.received).toMatch(/^HTTP\/1\.1 200 /);
      expect(client.received).toContain('partial;');
      // The chunked body never got its last chunk: the close is the only signal that it is incomplete.
      expect(client.received).not.toContain('\r\n0\r\n\r\n');
    } finally {
      client.close();
    }
    await expectRequestFault('committed', 'thrown in a timer by CommittedServlet after the response was committed', 'throw in a timer');
  });

  it.each([
    ['exit', 'process.exit()'],
    ['global-exit', 'process.exit()'],
    ['kill', 'process.kill('],
    ['abort', 'process.abort()'],
  ])('%s is refused: the request gets a 500 and the attempt is logged as the app fault', async (path, call) => {
    const response = await fetch(`${url}/faulty/${path}`);
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('faulty error page');
    const record = await expectContained((r) => r['uri'] === `GET /faulty/${path}`, 'SV_ERR_WEBAPP_EXIT_REFUSED');
    expect(record['webapp']).toBe('faulty');
    expect(record.msg).toContain(`Web application [faulty] called [${call}`);
    expect(errOf(record).stack).toContain(join('faulty', 'WEB-INF', 'classes', 'faults.js'));
  });

  it('process.exit() from a global timer is refused and charged to the app by its stack', async () => {
    const refusals = (): ChildLogRecord[] =>
      server.logRecords().filter((r) => r.code === 'SV_ERR_WEBAPP_EXIT_REFUSED' && r['uri'] === undefined);
    const before = refusals().length;
    expect((await fetch(`${url}/faulty/timer-exit`)).status).toBe(200);
    await expectContained(() => refusals().length > before, 'SV_ERR_WEBAPP_EXIT_REFUSED');
    const record = refusals().at(-1)!;
    expect(record['webapp']).toBe('faulty');
    expect(record.msg).toContain('Web application [faulty] called [process.exit()];');
    // Refused, and logged once: not a second time as an uncaught error.
    expect(server.logRecords().filter((r) => r.code === 'SV_ERR_WEBAPP_FAULT' && errOf(r).message?.includes('process.exit()'))).toEqual([]);
  });

  it('a timer scheduled by contextInitialized that throws is charged to the app, without a request', async () => {
    const record = await expectContained((r) => errOf(r).message === 'thrown in a timer scheduled by contextInitialized');
    expect(record['webapp']).toBe('faulty');
    expect(record['uri']).toBeUndefined();
    expect(record.msg).toContain('Web application [faulty] let an error escape its code (throw in a timer);');
  });

  it('a thrown value that nothing ties to an app is the container fault, and the server keeps serving', async () => {
    expect((await fetch(`${url}/faulty/unowned`)).status).toBe(200);
    const record = await expectContained(
      (r) => r['thrown'] === 'a string thrown by UnownedServlet from a global timer',
      'SV_ERR_CONTAINER_FAULT',
    );
    expect(record.msg).toBe('A fault that no web application can be charged with (uncaught exception); the server keeps serving');
    expect(record['webapp']).toBeUndefined();
  });

  // Last: it stops the shared server. The container's own exit is not refused with the guards in place.
  it('after all of that, SIGTERM still ends the server gracefully with exit code 0', async () => {
    expect(server.alive()).toBe(true);
    await server.stop();
    expect(server.signalCode).toBeNull();
    expect(server.exitCode).toBe(0);
  });
});

describe("the container's own exits still work with the guards installed", () => {
  it('a connector that cannot bind fails the start: the process ends with exit code 1', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const xml = serverXml('HTTP/1.1').replace('port="0"', `port="${port}"`);
      await expect(startChildServer({ serverXml: xml })).rejects.toThrow(/exited during startup \(code 1, signal null\)/);
    } finally {
      taken.close();
    }
  });
});
