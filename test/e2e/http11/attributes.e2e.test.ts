/**
 * Connector attributes handled by the HTTP/1.1 endpoint, on the wire: continueResponseTiming, allowTrace,
 * relaxedPathChars / relaxedQueryChars / allowBackslash, allowedTrailerHeaders / maxTrailerSize,
 * maxSwallowSize for chunked bodies, disableUploadTimeout / connectionUploadTimeout.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Http11ConnectorConfig } from '../../../src/config/server-config.js';
import { RawHttpClient } from '../../helpers/raw-http-client.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import type { ContainerClock } from '../../../src/time/container-clock.js';
import { get, nextPoll, startTestServer, type TestServer } from './http11-harness.js';

const H = 'Host: localhost\r\n';

describe('HTTP/1.1 endpoint: connector attributes on the wire', () => {
  let server: TestServer | undefined;
  const clients: RawHttpClient[] = [];
  async function start(overrides: Partial<Http11ConnectorConfig> = {}, clock?: ContainerClock): Promise<TestServer> {
    server = await startTestServer(overrides, clock);
    return server;
  }
  async function connect(): Promise<RawHttpClient> {
    const client = await RawHttpClient.connect((server as TestServer).port);
    clients.push(client);
    return client;
  }
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server?.stop(0);
    server = undefined;
  });

  describe('Expect: 100-continue (RFC 9110 §10.1.1)', () => {
    const expecting = (path: string): string => `POST ${path} HTTP/1.1\r\n${H}Content-Length: 5\r\nExpect: 100-continue\r\n\r\n`;

    it('continueResponseTiming=immediately: 100 before the body is sent, then the final response', async () => {
      await start();
      const client = await connect();
      await client.write(expecting('/noread'));
      const interim = await client.readResponse();
      expect(interim.statusLine).toBe('HTTP/1.1 100 Continue');
      await client.write('hello');
      const final = await client.readResponse();
      expect(final.status).toBe(200);
      await client.write(get('/hello'));
      expect((await client.readResponse()).body).toBe('hello');
    });

    it('continueResponseTiming=onRead: 100 only once the application reads the body', async () => {
      await start({ continueResponseTiming: 'onRead' });
      const reader = await connect();
      await reader.write(expecting('/echo'));
      expect((await reader.readResponse()).status).toBe(100);
      await reader.write('hello');
      expect((await reader.readResponse()).body).toBe('hello');

      // The application answers without reading: no 100, and the connection cannot be reused because the
      // client may or may not send its body now.
      const ignorer = await connect();
      await ignorer.write(expecting('/noread'));
      const final = await ignorer.readResponse();
      expect(final.status).toBe(200);
      expect(final.header('connection')).toBe('close');
      expect(ignorer.received).not.toContain('100 Continue');
      expect(await ignorer.waitForClose(3000)).toBe(true);
    });

    it('continueResponseTiming=onRead: body bytes sent without waiting do not count as a read', async () => {
      const s = await start({ continueResponseTiming: 'onRead' });
      const client = await connect();
      // The client does not wait for the interim response; the application has not read anything yet.
      await client.write(`POST /slow/late HTTP/1.1\r\n${H}Content-Length: 10\r\nExpect: 100-continue\r\n\r\nabcde`);
      await s.adapter.until(() => s.adapter.started.length === 1);
      await nextPoll();
      expect(client.received).not.toContain('100 Continue');
      s.adapter.release('late');
      expect((await client.readResponse()).status).toBe(200);
    });

    it('HTTP/1.0 ignores the expectation', async () => {
      await start();
      const client = await connect();
      await client.write('POST /echo HTTP/1.0\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello');
      const response = await client.readResponse();
      expect(response.status).toBe(200);
      expect(response.body).toBe('hello');
      expect(client.received).not.toContain('100 Continue');
    });
  });

  describe('allowTrace', () => {
    it('TRACE → 405 with Allow by default, logged and never reaching the adapter; the connection stays open', async () => {
      const s = await start();
      const client = await connect();
      await client.write(`TRACE /hello HTTP/1.1\r\n${H}\r\n`);
      const response = await client.readResponse();
      expect(response.status).toBe(405);
      expect(response.header('allow')).toBe('GET, HEAD, POST, PUT, DELETE, OPTIONS');
      await client.write(get('/hello'));
      expect((await client.readResponse()).status).toBe(200);
      expect(s.adapter.started).toEqual(['/hello']);
      expect(s.adapter.rejected).toMatchObject([{ status: 405, method: 'TRACE', code: 'SV_ERR_HTTP_METHOD_NOT_ALLOWED' }]);
    });

    it('allowTrace=true passes TRACE to the adapter and OPTIONS * lists it', async () => {
      const s = await start({ allowTrace: true });
      const client = await connect();
      await client.write(`TRACE /hello HTTP/1.1\r\n${H}\r\n`);
      expect((await client.readResponse()).status).toBe(200);
      await client.write(`OPTIONS * HTTP/1.1\r\n${H}\r\n`);
      expect((await client.readResponse()).header('allow')).toBe('GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE');
      expect(s.adapter.started).toEqual(['/hello']);
    });
  });

  describe('request target characters (CVE-2016-6816)', () => {
    it('relaxedPathChars / relaxedQueryChars let the listed characters through, only where listed', async () => {
      const s = await start({ relaxedPathChars: '{}|', relaxedQueryChars: '<>"' });
      const cases: Array<[string, number]> = [
        ['/te{st}', 404],
        ['/a|b', 404],
        ['/hello?a=<b>&c="d"', 200],
        ['/te<st', 400],
        ['/hello?a={b}', 400],
        ['/te st', 400],
      ];
      for (const [target, status] of cases) {
        const client = await connect();
        await client.write(`GET ${target} HTTP/1.1\r\n${H}\r\n`);
        expect((await client.readResponse()).status, target).toBe(status);
      }
      expect(s.adapter.started).toEqual(['/te{st}', '/a|b', '/hello?a=<b>&c="d"']);
    });

    it('allowBackslash=true lets a backslash reach the URI canonicaliser', async () => {
      const s = await start({ allowBackslash: true });
      const client = await connect();
      await client.write(`GET /a\\b HTTP/1.1\r\n${H}\r\n`);
      expect((await client.readResponse()).status).toBe(404);
      expect(s.adapter.started).toEqual(['/a\\b']);
    });
  });

  describe('request trailers', () => {
    const withTrailers = `POST /trailers HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Checksum: 42\r\nX-Other: no\r\n\r\n`;

    it('reach the application only when listed in allowedTrailerHeaders', async () => {
      await start({ allowedTrailerHeaders: 'x-checksum' });
      const client = await connect();
      await client.write(withTrailers);
      expect(JSON.parse((await client.readResponse()).body)).toEqual(['X-Checksum', '42']);
    });

    it('none reach the application by default', async () => {
      await start();
      const client = await connect();
      await client.write(withTrailers);
      expect(JSON.parse((await client.readResponse()).body)).toEqual([]);
    });

    it('a trailer section over maxTrailerSize → 400 and close', async () => {
      const s = await start({ maxTrailerSize: 20 });
      const client = await connect();
      await client.write(withTrailers);
      expect((await client.readResponse()).status).toBe(400);
      expect(await client.waitForClose(3000)).toBe(true);
      expect(s.adapter.rejected).toMatchObject([{ status: 400, code: 'SV_ERR_HTTP_TRAILER_TOO_LARGE' }]);
    });
  });

  describe('maxSwallowSize with a chunked body the application did not read', () => {
    const unread = (size: number): string =>
      `POST /noread HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n${size.toString(16)}\r\n${'x'.repeat(size)}\r\n0\r\n\r\n`;

    it('within the limit the body is discarded and the connection reused', async () => {
      await start({ maxSwallowSize: 100 });
      const client = await connect();
      await client.write(unread(50));
      expect((await client.readResponse()).body).toBe('not read');
      await client.write(get('/hello'));
      expect((await client.readResponse()).body).toBe('hello');
    });

    it('beyond the limit the connection is closed', async () => {
      await start({ maxSwallowSize: 100 });
      const client = await connect();
      await client.write(`POST /noread HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n`);
      expect((await client.readResponse()).body).toBe('not read');
      await client.write(`c8\r\n${'x'.repeat(200)}\r\n`).catch(() => undefined);
      expect(await client.waitForClose(3000)).toBe(true);
    });
  });

  describe('disableUploadTimeout / connectionUploadTimeout', () => {
    /** Sends a 3-byte body one byte per `gapMs` of the clock, each read by /echo before the clock moves on. */
    const slowBody = async (s: TestServer, clock: ManualClock, client: RawHttpClient, gapMs: number): Promise<void> => {
      await client.write(`POST /echo HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\n`);
      await s.adapter.until(() => s.adapter.started.length === 1);
      for (const [index, byte] of [...'abc'].entries()) {
        clock.advance(gapMs);
        await client.write(byte);
        await s.adapter.until(() => s.adapter.bodyBytes === index + 1);
      }
    };

    it('by default a body stalled for connectionTimeout gets 408', async () => {
      const clock = new ManualClock();
      const s = await start({ connectionTimeout: 300, keepAliveTimeout: 300 }, clock);
      const client = await connect();
      await client.write(`POST /echo HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\na`);
      await s.adapter.until(() => s.adapter.bodyBytes === 1);
      clock.advance(299);
      await nextPoll();
      expect(client.received).toBe('');
      clock.advance(1);
      expect((await client.readResponse({ timeoutMs: 5000 })).status).toBe(408);
    });

    it('disableUploadTimeout=false reads the body under connectionUploadTimeout instead', async () => {
      const clock = new ManualClock();
      const s = await start(
        {
          connectionTimeout: 300,
          keepAliveTimeout: 300,
          disableUploadTimeout: false,
          connectionUploadTimeout: 3000,
        },
        clock,
      );
      const client = await connect();
      await slowBody(s, clock, client, 700);
      const response = await client.readResponse({ timeoutMs: 5000 });
      expect(response.status).toBe(200);
      expect(response.body).toBe('abc');
    });
  });
});
