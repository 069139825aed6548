/**
 * Vector set A of tomcat.md §11 (HTTP/1.1 framing, from Tomcat's TestHttp11Processor, TestHttp11InputBuffer,
 * TestChunkedInputFilter) against the HTTP/1.1 endpoint. Where llhttp is stricter than Tomcat the adapted
 * expectation is here and the difference is listed in docs/http-conformance.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawHttpClient } from '../helpers/raw-http-client.js';
import { get, startTestServer, type TestServer } from '../e2e/http11/http11-harness.js';
import { runWireCase, type WireCase } from './http11-case-runner.js';

const H = 'Host: localhost\r\n';
const post = (headers: string, body: string): string => `POST /echo HTTP/1.1\r\n${H}${headers}\r\n${body}`;
const chunked = (body: string): string => post('Transfer-Encoding: chunked\r\n', body);
const manyHeaders = (n: number): string => Array.from({ length: n }, (_, i) => `X-H${i}: v\r\n`).join('');

const cases: WireCase[] = [
  // A.1 Host
  { name: 'HTTP/1.1 without Host', ref: 'A.1, RFC 9112 §3.2', request: 'GET /hello HTTP/1.1\r\n\r\n', status: 400, open: false },
  { name: 'two equal Host headers', ref: 'A.1, RFC 9112 §3.2', request: `GET /hello HTTP/1.1\r\n${H}${H}\r\n`, status: 400, open: false },
  {
    name: 'HTTP/1.0 without Host is served, then closed',
    ref: 'A.1',
    request: 'GET /hello HTTP/1.0\r\n\r\n',
    status: 200,
    open: false,
    headers: { connection: 'close' },
  },
  {
    name: 'empty Host on origin form',
    ref: 'A.1',
    request: 'GET /hello HTTP/1.1\r\nHost: \r\n\r\n',
    status: 200,
    open: true,
    body: 'hello',
  },
  { name: 'all-space Host on origin form', ref: 'A.1', request: 'GET /hello HTTP/1.1\r\nHost:    \r\n\r\n', status: 200, open: true },
  // A.2 absolute form
  {
    name: 'absolute form, Host differs',
    ref: 'A.2, RFC 9112 §3.2.2',
    request: 'GET http://a/hello HTTP/1.1\r\nHost: b\r\n\r\n',
    status: 400,
    open: false,
  },
  { name: 'absolute form, empty Host', ref: 'A.2', request: 'GET http://a/hello HTTP/1.1\r\nHost: \r\n\r\n', status: 400, open: false },
  {
    name: 'absolute form with userinfo',
    ref: 'A.2, RFC 9110 §4.2.4',
    request: 'GET http://user:pwd@a/hello HTTP/1.1\r\nHost: b\r\n\r\n',
    status: 400,
    open: false,
  },
  {
    name: 'absolute form, Host differs only in case',
    ref: 'A.2',
    request: 'GET http://a/hello HTTP/1.1\r\nHost: A\r\n\r\n',
    status: 200,
    open: true,
    body: 'hello',
  },
  // A.3 Content-Length
  {
    name: 'two Content-Length: 1',
    ref: 'A.3, RFC 9112 §6.3',
    request: post('Content-Length: 1\r\nContent-Length: 1\r\n', 'a'),
    status: 400,
    open: false,
  },
  { name: 'Content-Length: 1a', ref: 'A.3', request: post('Content-Length: 1a\r\n', 'a'), status: 400, open: false },
  { name: 'Content-Length: -1', ref: 'A.3', request: post('Content-Length: -1\r\n', 'a'), status: 400, open: false },
  { name: 'Content-Length: +1', ref: 'A.3', request: post('Content-Length: +1\r\n', 'a'), status: 400, open: false },
  { name: 'Content-Length: NBSP', ref: 'A.3', request: post('Content-Length: \xa0\r\n', 'a'), status: 400, open: false },
  { name: 'Content-Length: 1, 1', ref: 'RFC 9110 §8.6', request: post('Content-Length: 1, 1\r\n', 'a'), status: 400, open: false },
  // A.4 TE + CL: llhttp refuses the combination outright (difference D1)
  {
    name: 'Transfer-Encoding chunked plus Content-Length',
    ref: 'A.4 (adapted), RFC 9112 §6.3',
    request: post('Transfer-Encoding: chunked\r\nContent-Length: 1\r\n', '1\r\na\r\n0\r\n\r\n'),
    status: 400,
    open: false,
  },
  // A.5 transfer codings
  ...['identity', 'void', 'buffered', 'xchunked', 'gzip, chunked', 'identity, chunked', 'unknown, chunked'].map((te): WireCase => ({
    name: `Transfer-Encoding: ${te}`,
    ref: 'A.5, RFC 9112 §6.1',
    request: post(`Transfer-Encoding: ${te}\r\n`, te.endsWith('chunked') ? '1\r\na\r\n0\r\n\r\n' : ''),
    status: 501,
    open: false,
  })),
  {
    name: 'Transfer-Encoding: chunked, void',
    ref: 'A.5',
    request: post('Transfer-Encoding: chunked, void\r\n', ''),
    status: 400,
    open: false,
  },
  {
    name: 'Transfer-Encoding: chunked, gzip',
    ref: 'A.5',
    request: post('Transfer-Encoding: chunked, gzip\r\n', ''),
    status: 400,
    open: false,
  },
  // A.6 Expect
  {
    name: 'Expect: unknown',
    ref: 'A.6, RFC 9110 §10.1.1',
    request: `GET /hello HTTP/1.1\r\n${H}Expect: unknown\r\n\r\n`,
    status: 417,
    open: true,
  },
  // A.7 methods and asterisk form
  { name: 'CONNECT', ref: 'A.7', request: 'CONNECT example.local HTTP/1.1\r\nHost: example.local\r\n\r\n', status: 501, open: false },
  { name: 'GET *', ref: 'A.7, RFC 9112 §3.2.4', request: `GET * HTTP/1.1\r\n${H}\r\n`, status: 400, open: false },
  {
    name: 'OPTIONS *',
    ref: 'A.7, RFC 9110 §9.3.7',
    request: `OPTIONS * HTTP/1.1\r\n${H}\r\n`,
    status: 200,
    open: true,
    headers: { allow: 'GET, HEAD, POST, PUT, DELETE, OPTIONS' },
  },
  // A.8 version and method syntax
  { name: 'HTTP/1.2', ref: 'A.8, RFC 9110 §15.6.6', request: `GET /hello HTTP/1.2\r\n${H}\r\n`, status: 505, open: false },
  { name: 'HTTP/2.0', ref: 'A.8', request: `GET /hello HTTP/2.0\r\n${H}\r\n`, status: 505, open: false },
  { name: 'method with NUL', ref: 'A.8', request: `G\0ET /hello HTTP/1.1\r\n${H}\r\n`, status: 400, open: false },
  { name: 'method with (', ref: 'A.8', request: `GE(T /hello HTTP/1.1\r\n${H}\r\n`, status: 400, open: false },
  // llhttp only knows registered methods and is case-sensitive: 400, not Tomcat's 501 (difference D2)
  { name: 'lower-case get', ref: 'A.8 (adapted)', request: `get /hello HTTP/1.1\r\n${H}\r\n`, status: 400, open: false },
  // A.9 header names
  {
    name: 'header name with a space',
    ref: 'A.9, RFC 9110 §5.1',
    request: `GET /hello HTTP/1.1\r\n${H}X Y: z\r\n\r\n`,
    status: 400,
    open: false,
  },
  {
    name: 'space before the colon',
    ref: 'A.9, RFC 9112 §5.1',
    request: `GET /hello HTTP/1.1\r\n${H}X-Y : z\r\n\r\n`,
    status: 400,
    open: false,
  },
  { name: 'separator in the name', ref: 'A.9', request: `GET /hello HTTP/1.1\r\n${H}X-Bug=51557: v\r\n\r\n`, status: 400, open: false },
  { name: 'bare :b line', ref: 'A.9', request: `GET /hello HTTP/1.1\r\n${H}:b\r\n\r\n`, status: 400, open: false },
  { name: 'line without a colon', ref: 'A.9', request: `GET /hello HTTP/1.1\r\n${H}NoColon\r\n\r\n`, status: 400, open: false },
  // A.10 header values
  { name: 'CTL in a value', ref: 'A.10, RFC 9110 §5.5', request: `GET /hello HTTP/1.1\r\n${H}X: a\x01b\r\n\r\n`, status: 400, open: false },
  { name: 'DEL in a value', ref: 'A.10', request: `GET /hello HTTP/1.1\r\n${H}X: a\x7fb\r\n\r\n`, status: 400, open: false },
  { name: 'obs-text in a value', ref: 'A.10', request: `GET /hello HTTP/1.1\r\n${H}X: a\x80\xe9\xfeb\r\n\r\n`, status: 200, open: true },
  // A.11 obs-fold: llhttp refuses it (difference D3; RFC 9112 §5.2 allows either)
  { name: 'obs-fold', ref: 'A.11 (adapted)', request: `GET /hello HTTP/1.1\r\n${H}X-Y: a\r\n b\r\n\r\n`, status: 400, open: false },
  // A.12 line endings
  { name: 'bare LF line endings', ref: 'A.12 (adapted)', request: 'GET /hello HTTP/1.1\nHost: x\n\n', status: 400, open: false },
  { name: 'bare CR terminator', ref: 'A.12, RFC 9112 §2.2', request: 'GET /hello HTTP/1.1\rHost: x\r\n\r\n', status: 400, open: false },
  { name: 'CR CRLF after a value', ref: 'A.12', request: `GET /hello HTTP/1.1\r\n${H}X: a\r\r\n\r\n`, status: 400, open: false },
  {
    name: 'HTAB separators in the request line',
    ref: 'A.12 (adapted)',
    request: `GET\t/hello\tHTTP/1.1\r\n${H}\r\n`,
    status: 400,
    open: false,
  },
  { name: 'leading empty lines', ref: 'A.12, RFC 9112 §2.2', request: `\r\n\r\nGET /hello HTTP/1.1\r\n${H}\r\n`, status: 200, open: true },
  // A.13 HTTP/0.9 is not served (difference D5)
  { name: 'HTTP/0.9 GET', ref: 'A.13 (adapted)', request: 'GET /hello\r\n\r\n', status: 505, open: false },
  { name: 'HTTP/0.9 with a trailing space', ref: 'A.13', request: 'GET /hello \r\n\r\n', status: 400, open: false },
  { name: 'HTTP/0.9 HEAD', ref: 'A.13 (adapted)', request: 'HEAD /hello\r\n\r\n', status: 505, open: false, head: true },
  // A.14 request target (CVE-2016-6816)
  { name: '< in the path', ref: 'A.14, RFC 3986 §3.3', request: `GET /te<st HTTP/1.1\r\n${H}\r\n`, status: 400, open: false },
  { name: '< in the query', ref: 'A.14, RFC 3986 §3.4', request: `GET /hello?a=<b HTTP/1.1\r\n${H}\r\n`, status: 400, open: false },
  { name: 'fragment in the target', ref: 'A.14, RFC 9112 §3.2', request: `GET /hello#frag HTTP/1.1\r\n${H}\r\n`, status: 400, open: false },
  { name: '? inside the query', ref: 'A.14', request: `GET /hello?a=?b HTTP/1.1\r\n${H}\r\n`, status: 200, open: true },
  ...['{', '}', '"', '>', '|', '^', '`', '[', ']', '\\', '\xe9'].map((char): WireCase => ({
    name: `${JSON.stringify(char)} in the path`,
    ref: 'A.14, RFC 3986 §3.3',
    request: `GET /he${char}llo HTTP/1.1\r\n${H}\r\n`,
    status: 400,
    open: false,
  })),
  { name: 'target not starting with /', ref: 'RFC 9112 §3.2.1', request: `GET hello HTTP/1.1\r\n${H}\r\n`, status: 400, open: false },
  // A.15 sizes and counts
  {
    name: 'header block over maxHttpHeaderSize',
    ref: 'A.15 (adapted: 431)',
    request: `GET /hello HTTP/1.1\r\n${H}X-Big: ${'a'.repeat(9000)}\r\n\r\n`,
    status: 431,
    open: false,
  },
  { name: '150 headers', ref: 'A.15', request: `GET /hello HTTP/1.1\r\n${H}${manyHeaders(149)}\r\n`, status: 400, open: false },
  // A.16 chunked framing
  {
    name: 'chunk size with 8 hex digits',
    ref: 'A.16',
    request: chunked('0000000C\r\nabcdefghijkl\r\n0\r\n\r\n'),
    status: 200,
    open: true,
    body: 'abcdefghijkl',
  },
  ...['abc', 'abc=def'].map((ext): WireCase => ({
    name: `chunk extension ;${ext}`,
    ref: 'A.16, RFC 9112 §7.1.1',
    request: chunked(`3;${ext}\r\nabc\r\n0\r\n\r\n`),
    status: 200,
    open: true,
    body: 'abc',
  })),
  ...[' a = b ', ' a = "b" '].map((ext): WireCase => ({
    name: `chunk extension ;${JSON.stringify(ext)}`,
    ref: 'A.16 (adapted)',
    request: chunked(`3;${ext}\r\nabc\r\n0\r\n\r\n`),
    status: 400,
    open: false,
  })),
  ...['a=b=c', 'a=b;', 'a="b\r\nc"'].map((ext): WireCase => ({
    name: `chunk extension ;${JSON.stringify(ext)}`,
    ref: 'A.16',
    request: chunked(`3;${ext}\r\nabc\r\n0\r\n\r\n`),
    status: 400,
    open: false,
  })),
  { name: 'bare LF after the chunk size', ref: 'A.16', request: chunked('3\nabc\r\n0\r\n\r\n'), status: 400, open: false },
  { name: 'bare LF after chunk data', ref: 'A.16', request: chunked('3\r\nabc\n0\r\n\r\n'), status: 400, open: false },
  { name: 'bare LF in a trailer', ref: 'A.16', request: chunked('3\r\nabc\r\n0\r\nX: y\n\r\n'), status: 400, open: false },
  { name: 'bare LF at the end', ref: 'A.16', request: chunked('3\r\nabc\r\n0\r\n\n'), status: 400, open: false },
  {
    name: 'trailer after the last chunk',
    ref: 'A.16, RFC 9112 §7.1.2',
    request: chunked('3\r\nabc\r\n0\r\nX-T: y\r\n\r\n'),
    status: 200,
    open: true,
    body: 'abc',
  },
  // A.18 oversized single values
  ...['Transfer-Encoding', 'Expect', 'Connection', 'User-Agent'].map((name): WireCase => ({
    name: `16 KiB ${name}`,
    ref: 'A.18 (adapted: 431)',
    request: `POST /echo HTTP/1.1\r\n${H}${name}: ${'a'.repeat(16384)}\r\n\r\n`,
    status: 431,
    open: false,
  })),
  {
    name: 'absolute form with 150 headers over HTTP/1.0',
    ref: 'A.18',
    request: `GET http://host/09 HTTP/1.0\r\n${manyHeaders(150)}\r\n`,
    status: 400,
    open: false,
  },
];

describe('HTTP/1.1 conformance: Tomcat vector set A', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.stop(0);
  });

  it.each(cases.map((c) => [`${c.name} → ${c.status}${c.open ? '' : ' + close'} (${c.ref})`, c] as const))(
    '%s',
    async (_title, testCase) => {
      await runWireCase(server, testCase);
    },
  );

  it('A.12: ~10000 leading empty lines are skipped without buffering (adapted: llhttp ignores them)', async () => {
    await runWireCase(server, {
      name: 'many leading empty lines',
      ref: 'A.12 (adapted)',
      request: `${'\r\n'.repeat(10000)}GET /hello HTTP/1.1\r\n${H}\r\n`,
      status: 200,
      open: true,
    });
  });

  it('A.16: chunk sizes of 9 digits or >= 0x80000000 are not refused by llhttp, the body read is bounded by connectionTimeout', async () => {
    const bounded = await startTestServer({ connectionTimeout: 400, keepAliveTimeout: 400 });
    try {
      for (const size of ['80000000', 'ffffffff']) {
        await runWireCase(bounded, {
          name: `chunk size ${size}`,
          ref: 'A.16 (adapted)',
          request: chunked(`${size}\r\nabc`),
          status: 408,
          open: false,
        });
      }
      await runWireCase(bounded, {
        name: '9 digits',
        ref: 'A.16 (adapted)',
        request: chunked('00000000C\r\nabcdefghijkl\r\n0\r\n\r\n'),
        status: 200,
        open: true,
      });
    } finally {
      await bounded.stop(0);
    }
  });

  it('A.17: keep-alive headers follow the client: none by default, Keep-Alive: timeout=N when asked, close for HTTP/1.0', async () => {
    await runWireCase(server, {
      name: 'plain HTTP/1.1',
      ref: 'A.17',
      request: get('/hello'),
      status: 200,
      open: true,
      headers: { connection: undefined, 'keep-alive': undefined },
    });
    await runWireCase(server, {
      name: 'Connection: keep-alive',
      ref: 'A.17',
      request: get('/hello', 'Connection: keep-alive\r\n'),
      status: 200,
      open: true,
      headers: { connection: 'keep-alive', 'keep-alive': 'timeout=20' },
    });
    await runWireCase(server, {
      name: 'HTTP/1.0',
      ref: 'A.17',
      request: 'GET /hello HTTP/1.0\r\n\r\n',
      status: 200,
      open: false,
      headers: { connection: 'close' },
    });
    await runWireCase(server, {
      name: 'HTTP/1.0 keep-alive',
      ref: 'A.17',
      request: 'GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
      status: 200,
      open: true,
      headers: { connection: 'keep-alive' },
    });
  });

  it('A.17: 101 pipelined GETs get 100 responses, the last with Connection: close', async () => {
    const client = await RawHttpClient.connect(server.port);
    try {
      await client.write(get('/hello').repeat(101));
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 100; i++) {
        last = await client.readResponse();
        statuses.push(last.status);
      }
      expect(statuses.every((s) => s === 200)).toBe(true);
      expect(last?.header('connection')).toBe('close');
      expect(await client.waitForClose(3000)).toBe(true);
      expect(client.received.match(/HTTP\/1\.1 /g)).toHaveLength(100);
    } finally {
      client.close();
    }
  });

  it('A.17: maxKeepAliveRequests=1 answers Connection: close to a keep-alive request', async () => {
    const single = await startTestServer({ maxKeepAliveRequests: 1 });
    try {
      await runWireCase(single, {
        name: 'keep-alive disabled',
        ref: 'A.17',
        request: get('/hello', 'Connection: keep-alive\r\n'),
        status: 200,
        open: false,
        headers: { connection: 'close' },
      });
    } finally {
      await single.stop(0);
    }
  });
});
