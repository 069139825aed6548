/**
 * HTTP connector attributes through the whole container (server.xml → Connector → adapter → servlets):
 * request limits, proxy and scheme settings, response headers, header injection, URI decoding options,
 * compression of servlet and static responses, response trailers, and the access log of rejections.
 */
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RawHttpClient, type RawResponse } from '../../helpers/raw-http-client.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';

const appBase = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'http11');

describe('HTTP/1.1 connector attributes through the container', () => {
  let server: TestServer | undefined;
  const clients: RawHttpClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server?.close();
    server = undefined;
  });
  async function start(connectorAttributes = ''): Promise<TestServer> {
    server = await startTestServer({ appBase, connectorAttributes });
    return server;
  }
  async function send(raw: string, options: { head?: boolean } = {}): Promise<RawResponse & { client: RawHttpClient }> {
    const client = await RawHttpClient.connect((server as TestServer).port);
    clients.push(client);
    await client.write(raw);
    return Object.assign(await client.readResponse({ noBody: options.head === true }), { client });
  }
  const get = (target: string, headers = ''): string => `GET ${target} HTTP/1.1\r\nHost: localhost\r\n${headers}\r\n`;
  const form = (body: string): string =>
    `POST /params HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

  it('maxPostSize: a form body over the limit → 413 and close; at the limit it is parsed', async () => {
    await start('maxPostSize="10"');
    const ok = await send(form('a=1&b=2&cc'));
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('3');
    const tooBig = await send(form('a=1&b=2&ccc'));
    expect(tooBig.status).toBe(413);
    expect(await tooBig.client.waitForClose(3000)).toBe(true);
  });

  it('maxParameterCount and maxCookieCount: at the limit served, above it 400', async () => {
    await start('maxParameterCount="3" maxCookieCount="2"');
    expect((await send(get('/params?a=1&b=2&c=3'))).body).toBe('3');
    expect((await send(get('/params?a=1&b=2&c=3&d=4'))).status).toBe(400);
    expect((await send(get('/cookies', 'Cookie: a=1; b=2\r\n'))).body).toBe('2');
    expect((await send(get('/cookies', 'Cookie: a=1; b=2; c=3\r\n'))).status).toBe(400);
  });

  it('proxyName, proxyPort, scheme and secure shape what the application sees; redirectPort is kept', async () => {
    const s = await start('proxyName="www.example.com" proxyPort="443" scheme="https" secure="true" redirectPort="8443"');
    const info = JSON.parse((await send(get('/info/x'))).body) as Record<string, unknown>;
    expect(info).toMatchObject({ serverName: 'www.example.com', serverPort: 443, scheme: 'https', secure: true });
    expect(s.catalina.server.services[0]!.connectors[0]!.config.redirectPort).toBe(8443);
  });

  it('server and xpoweredBy: no Server or X-Powered-By header unless configured', async () => {
    await start();
    const plain = await send(get('/info/x'));
    expect(plain.header('server')).toBeUndefined();
    expect(plain.header('x-powered-by')).toBeUndefined();
    await server?.close();
    await start('server="Serval" xpoweredBy="true"');
    const branded = await send(get('/info/x'));
    expect(branded.header('server')).toBe('Serval');
    expect(branded.header('x-powered-by')).toBe('Servlet/6.0');
  });

  it('CR/LF injection through setHeader, addHeader, header names, sendRedirect, cookies or the content type is rejected, never emitted', async () => {
    await start();
    for (const how of ['header', 'add', 'name', 'redirect', 'cookie', 'type']) {
      const response = await send(get(`/inject?how=${how}`));
      expect(response.body, how).toMatch(/^rejected SV_ERR_HTTP_INVALID_(HEADER_VALUE|HEADER_NAME|COOKIE)$/);
      expect(response.header('set-cookie'), how).toBeUndefined();
      expect(response.raw).not.toContain('injected=1');
    }
  });

  it('URIEncoding decodes %xx in the path with the configured charset', async () => {
    // The JSON answer is UTF-8 (conf/web.xml's response-character-encoding); the raw client reads latin1.
    const pathInfo = (response: RawResponse): unknown => JSON.parse(Buffer.from(response.body, 'latin1').toString('utf8')).pathInfo;
    await start();
    expect(pathInfo(await send(get('/info/caf%C3%A9')))).toBe('/café');
    expect((await send(get('/info/caf%E9'))).status).toBe(400);
    await server?.close();
    await start('URIEncoding="ISO-8859-1"');
    expect(pathInfo(await send(get('/info/caf%E9')))).toBe('/café');
  });

  it('encodedSolidusHandling and allowBackslash', async () => {
    await start();
    expect((await send(get('/info/a%2Fb'))).status).toBe(400);
    expect((await send(get('/info/a\\b'))).status).toBe(400);
    await server?.close();
    await start('encodedSolidusHandling="decode" allowBackslash="true"');
    expect(JSON.parse((await send(get('/info/a%2Fb'))).body).pathInfo).toBe('/a/b');
    expect(JSON.parse((await send(get('/info/a\\b'))).body).pathInfo).toBe('/a/b');
  });

  it('compression: servlet and static responses are gzipped for clients that accept it; ranges are not; HEAD matches GET', async () => {
    await start('compression="on" compressionMinSize="1024"');
    const servlet = await send(get('/text', 'Accept-Encoding: gzip\r\n'));
    expect(servlet.header('content-encoding')).toBe('gzip');
    expect(servlet.header('etag')).toBe('W/"v1"');
    expect(gunzipSync(Buffer.from(servlet.body, 'latin1')).toString()).toBe('compress me please. '.repeat(200));

    const file = await send(get('/big.txt', 'Accept-Encoding: gzip\r\n'));
    expect(file.status).toBe(200);
    expect(file.header('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(file.body, 'latin1')).toString()).toMatch(/^line 00000 of a static/);

    const range = await send(get('/big.txt', 'Accept-Encoding: gzip\r\nRange: bytes=0-9\r\n'));
    expect(range.status).toBe(206);
    expect(range.header('content-encoding')).toBeUndefined();
    expect(range.body).toBe('line 00000');

    for (const target of ['/big.txt', '/text']) {
      const getResponse = await send(get(target, 'Accept-Encoding: gzip\r\n'));
      const head = await send(`HEAD ${target} HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\n\r\n`, { head: true });
      const fields = (r: RawResponse): string[] =>
        r.headers.filter(([n]) => n.toLowerCase() !== 'date').map(([n, v]) => `${n.toLowerCase()}: ${v}`);
      // A body encoded whole has a Content-Length only once encoded, which HEAD never is (RFC 9110 §9.3.2).
      expect(getResponse.header('content-length'), target).toBe(String(getResponse.body.length));
      expect(head.header('content-length'), target).toBeUndefined();
      expect(fields(head), target).toEqual(fields(getResponse).filter((line) => !line.startsWith('content-length:')));
      await head.client.write(get('/info/x'));
      expect((await head.client.readResponse()).status, 'no body after the HEAD response').toBe(200);
    }
  });

  it('setTrailerFields sends trailer fields after a chunked body', async () => {
    await start();
    const response = await send(get('/trailers'));
    expect(response.header('transfer-encoding')).toBe('chunked');
    expect(response.body).toBe('part one;part two');
    expect(response.raw).toMatch(/\r\n0\r\nX-Checksum: 42\r\n\r\n$/);
  });

  it('request trailers reach the servlet only when listed in allowedTrailerHeaders', async () => {
    await start('allowedTrailerHeaders="X-Checksum"');
    const response = await send(
      'POST /request-trailers HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Checksum: 42\r\nX-Other: no\r\n\r\n',
    );
    expect(JSON.parse(response.body)).toEqual({ body: 'abc', ready: true, trailers: { 'x-checksum': '42' } });
  });

  it('every 4xx/5xx the connector produces itself reaches the access log through Adapter.logRejected', async () => {
    const s = await start();
    const adapter = s.catalina.server.services[0]!.connectors[0]!.adapter;
    const spy = vi.spyOn(adapter, 'logRejected');
    const requests: Array<[string, number]> = [
      ['GET /info/x HTTP/1.1\r\n\r\n', 400],
      ['GET /info/x HTTP/1.2\r\nHost: x\r\n\r\n', 505],
      ['POST /params HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n', 501],
      ['TRACE /info/x HTTP/1.1\r\nHost: x\r\n\r\n', 405],
      ['GET /info/x HTTP/1.1\r\nHost: x\r\nExpect: nothing\r\n\r\n', 417],
      ['GET /te<st HTTP/1.1\r\nHost: x\r\n\r\n', 400],
      [`GET /info/x HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(9000)}\r\n\r\n`, 431],
      ['CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n', 501],
    ];
    for (const [raw, status] of requests) expect((await send(raw)).status, raw.slice(0, 30)).toBe(status);
    expect(spy.mock.calls.map(([rejected]) => rejected.status)).toEqual(requests.map(([, status]) => status));
  });
});
