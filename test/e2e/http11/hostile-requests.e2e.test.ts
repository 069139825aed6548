/**
 * Requests that once ended or hung the whole process (issue #18, "No single request can end or hang the
 * process"), each followed by a plain request on a new connection. An uncaught 'error' event here fails the
 * vitest run itself; a parser spinning on its input never lets the follow-up request through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawHttpClient, type RawResponse } from '../../helpers/raw-http-client.js';
import { get, startTestServer, type TestServer } from './http11-harness.js';

const H = 'Host: localhost\r\n';
const IMF_FIXDATE = /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.stop();
});

/** Sends `bytes` on a new connection; returns the responses read until the server closed it (or `count` of them). */
async function responsesTo(bytes: string, count: number): Promise<{ responses: RawResponse[]; closed: boolean; client: RawHttpClient }> {
  const client = await RawHttpClient.connect(server.port);
  await client.write(bytes);
  const responses: RawResponse[] = [];
  for (let i = 0; i < count; i++) responses.push(await client.readResponse());
  return { responses, closed: await client.waitForClose(3000), client };
}

/** The endpoint still serves: a new connection gets its 200. */
async function stillServing(): Promise<void> {
  const client = await RawHttpClient.connect(server.port);
  try {
    await client.write(get('/hello'));
    const response = await client.readResponse();
    expect(response.status).toBe(200);
    expect(response.body).toBe('hello');
  } finally {
    client.close();
  }
}

describe('a malformed chunk size in a body nobody reads', () => {
  const sizes = ['Z', 'FFFFFFFFFFFFFFFFF', '0x5', '-5', '5 ', '5\n', `5;${'e'.repeat(20_000)}`];
  for (const [index, size] of sizes.entries()) {
    it(`[${JSON.stringify(size).slice(0, 24)}] while the application works: 400 (413 for the extension), close, and the server keeps serving`, async () => {
      const body = size.endsWith('\n') ? `${size}hello\r\n0\r\n\r\n` : `${size}\r\nhello\r\n0\r\n\r\n`;
      // /slow/… answers only when released: the broken body fails a request whose response has not begun.
      const gate = `chunk-${index}`;
      const { responses, closed } = await responsesTo(`POST /slow/${gate} HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n${body}`, 1);
      server.adapter.release(gate);
      expect(responses[0]?.status).toBe(size.startsWith('5;') ? 413 : 400);
      expect(closed).toBe(true);
      await stillServing();
    });
  }

  it('after the application answered without reading it: that response, then close', async () => {
    const { responses, closed } = await responsesTo(`POST /noread HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nZ\r\nhello\r\n`, 1);
    expect(responses[0]?.body).toBe('not read');
    expect(closed).toBe(true);
    await stillServing();
  });

  it('after the response was complete, a bad chunk closes the connection without a second response', async () => {
    const client = await RawHttpClient.connect(server.port);
    await client.write(`POST /noread HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n`);
    const first = await client.readResponse();
    expect(first.status).toBe(200);
    await client.write('0x5\r\nhello\r\n');
    expect(await client.waitForClose(3000)).toBe(true);
    // Nothing after the first response: it is the whole of what the connection carried.
    expect(client.received).toBe(first.raw);
    await stillServing();
  });
});

describe('an Upgrade request when no upgrade is offered', () => {
  const upgrade = `GET /hello HTTP/1.1\r\n${H}Connection: upgrade\r\nUpgrade: foo\r\n\r\n`;

  it('followed by stray bytes in the same packet: answered, then 400 and close; the server keeps serving', async () => {
    const { responses, closed } = await responsesTo(`${upgrade}X`, 2);
    expect(responses.map((r) => r.status)).toEqual([200, 400]);
    expect(closed).toBe(true);
    await stillServing();
  });

  it('followed by a request with a malformed header: that request is refused, not let through', async () => {
    const before = server.adapter.started.length;
    const { responses, closed } = await responsesTo(`${upgrade}GET /target HTTP/1.1\r\n${H}Bad Header\r\n\r\n`, 2);
    expect(responses.map((r) => r.status)).toEqual([200, 400]);
    expect(closed).toBe(true);
    expect(server.adapter.started.slice(before)).toEqual(['/hello']);
  });

  it('followed by a valid request: both are answered on the connection, in the same packet or the next', async () => {
    const client = await RawHttpClient.connect(server.port);
    try {
      await client.write(`${upgrade}${get('/target?n=2')}`);
      expect((await client.readResponse()).body).toBe('hello');
      expect((await client.readResponse()).body).toBe('/target?n=2');
      await client.write(`${upgrade}`);
      expect((await client.readResponse()).status).toBe(200);
      await client.write(get('/target?n=4'));
      expect((await client.readResponse()).body).toBe('/target?n=4');
    } finally {
      client.close();
    }
  });

  it('with a body, followed by garbage in a later packet: 400 and close', async () => {
    const client = await RawHttpClient.connect(server.port);
    try {
      await client.write(`POST /echo HTTP/1.1\r\n${H}Connection: upgrade\r\nUpgrade: foo\r\nContent-Length: 3\r\n\r\nabc`);
      expect((await client.readResponse()).body).toBe('abc');
      await client.write('\x01\x02 garbage');
      expect((await client.readResponse()).status).toBe(400);
      expect(await client.waitForClose(3000)).toBe(true);
    } finally {
      client.close();
    }
    await stillServing();
  });
});

describe('an invalid Host (RFC 9112 §3.2)', () => {
  for (const host of ['a b', 'a/b', 'u@a', 'a:b:c', '[::1', 'a:65536']) {
    it(`[${host}] is answered 400 and never reaches the application`, async () => {
      const before = server.adapter.started.length;
      const { responses, closed } = await responsesTo(`GET /hello HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 1);
      expect(responses[0]?.status).toBe(400);
      expect(closed).toBe(true);
      expect(server.adapter.started.length).toBe(before);
    });
  }
});

describe('protocol-level error responses carry Date (RFC 9110 §6.6.1)', () => {
  const cases: Array<[string, number, string]> = [
    ['a malformed request line', 400, 'GET /hello HTTP/1.1 extra\r\n\r\n'],
    ['a head over maxHttpHeaderSize', 431, `GET /hello HTTP/1.1\r\n${H}X: ${'a'.repeat(9000)}\r\n\r\n`],
    ['CONNECT', 501, `CONNECT localhost:443 HTTP/1.1\r\n${H}\r\n`],
    ['HTTP/2.0 in an HTTP/1 request line', 505, `GET /hello HTTP/2.0\r\n${H}\r\n`],
    [
      'an oversized chunk extension',
      413,
      `POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3;${'e'.repeat(20_000)}\r\nabc\r\n0\r\n\r\n`,
    ],
  ];
  for (const [name, status, request] of cases) {
    it(`${name}: ${status} with a Date`, async () => {
      const { responses } = await responsesTo(request, 1);
      expect(responses[0]?.status).toBe(status);
      expect(responses[0]?.header('date')).toMatch(IMF_FIXDATE);
    });
  }
});
