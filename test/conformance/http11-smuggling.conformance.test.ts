/**
 * Request smuggling (RFC 9112 §6.3, §11.2): every way two parties could disagree on where a request ends
 * must be refused, answered once and followed by a close, so that no byte after it is parsed as a request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawHttpClient } from '../helpers/raw-http-client.js';
import { startTestServer, type TestServer } from '../e2e/http11/http11-harness.js';
import { runWireCase, type WireCase } from './http11-case-runner.js';

const H = 'Host: localhost\r\n';
/** A request hidden in a body: if it were ever parsed, the adapter would see /smuggled. */
const SMUGGLED = `GET /smuggled HTTP/1.1\r\n${H}\r\n`;
const post = (headers: string, body: string): string => `POST /echo HTTP/1.1\r\n${H}${headers}\r\n${body}`;

const cases: WireCase[] = [
  {
    name: 'CL.TE',
    ref: 'RFC 9112 §6.3',
    request: post('Content-Length: 6\r\nTransfer-Encoding: chunked\r\n', `0\r\n\r\n${SMUGGLED}`),
    status: 400,
    open: false,
  },
  {
    name: 'TE.CL',
    ref: 'RFC 9112 §6.3',
    request: post('Transfer-Encoding: chunked\r\nContent-Length: 3\r\n', `8\r\nSMUGGLED\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    open: false,
  },
  {
    name: 'TE: chunked, gzip',
    ref: 'RFC 9112 §6.1 (chunked must be last)',
    request: post('Transfer-Encoding: chunked, gzip\r\n', `0\r\n\r\n${SMUGGLED}`),
    status: 400,
    open: false,
  },
  {
    name: 'TE: gzip, chunked',
    ref: 'RFC 9112 §6.1 (unknown coding → 501)',
    request: post('Transfer-Encoding: gzip, chunked\r\n', `0\r\n\r\n${SMUGGLED}`),
    status: 501,
    open: false,
  },
  {
    name: 'duplicate TE chunked',
    ref: 'RFC 9112 §6.1',
    request: post('Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n', `0\r\n\r\n${SMUGGLED}`),
    status: 400,
    open: false,
  },
  {
    name: 'TE chunked then TE identity',
    ref: 'RFC 9112 §6.1',
    request: post('Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n', `0\r\n\r\n${SMUGGLED}`),
    status: 400,
    open: false,
  },
  {
    name: 'TE: xchunked',
    ref: 'RFC 9112 §6.1',
    request: post('Transfer-Encoding: xchunked\r\n', `0\r\n\r\n${SMUGGLED}`),
    status: 501,
    open: false,
  },
  {
    name: 'space before the colon of TE',
    ref: 'RFC 9112 §5.1',
    request: post('Transfer-Encoding : chunked\r\n', `0\r\n\r\n${SMUGGLED}`),
    status: 400,
    open: false,
  },
  {
    name: 'tab before the colon of TE',
    ref: 'RFC 9112 §5.1',
    request: post('Transfer-Encoding\t: chunked\r\n', `0\r\n\r\n${SMUGGLED}`),
    status: 400,
    open: false,
  },
  {
    name: 'TE folded onto the previous line',
    ref: 'RFC 9112 §5.2',
    request: post('X: y\r\n Transfer-Encoding: chunked\r\n', `0\r\n\r\n${SMUGGLED}`),
    status: 400,
    open: false,
  },
  {
    name: 'space at the start of the first header line',
    ref: 'RFC 9112 §2.2',
    request: `POST /echo HTTP/1.1\r\n Transfer-Encoding: chunked\r\n${H}\r\n0\r\n\r\n`,
    status: 400,
    open: false,
  },
  {
    name: 'TE over HTTP/1.0',
    ref: 'RFC 9112 §6.1 (faulty framing)',
    request: `POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
    open: false,
  },
  {
    name: 'chunk size zz',
    ref: 'RFC 9112 §7.1',
    request: post('Transfer-Encoding: chunked\r\n', `zz\r\nabc\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    open: false,
  },
  {
    name: 'chunk size -1',
    ref: 'RFC 9112 §7.1',
    request: post('Transfer-Encoding: chunked\r\n', `-1\r\nabc\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    open: false,
  },
  {
    name: 'chunk size 0x3',
    ref: 'RFC 9112 §7.1',
    request: post('Transfer-Encoding: chunked\r\n', `0x3\r\nabc\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    open: false,
  },
  {
    name: 'chunk size with a leading space',
    ref: 'RFC 9112 §7.1',
    request: post('Transfer-Encoding: chunked\r\n', ` 3\r\nabc\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    open: false,
  },
  {
    name: 'chunk size overflowing 64 bits',
    ref: 'RFC 9112 §7.1',
    request: post('Transfer-Encoding: chunked\r\n', `1${'0'.repeat(16)}\r\nabc\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    open: false,
  },
  {
    name: 'chunk data longer than its size',
    ref: 'RFC 9112 §7.1',
    request: post('Transfer-Encoding: chunked\r\n', `3\r\nabcdef\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    open: false,
  },
  {
    name: 'chunk extension without a name',
    ref: 'RFC 9112 §7.1.1',
    request: post('Transfer-Encoding: chunked\r\n', `3;\r\nabc\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    open: false,
  },
  {
    name: 'chunk extension with a bare CR',
    ref: 'RFC 9112 §7.1.1',
    request: post('Transfer-Encoding: chunked\r\n', `3;a\rb\r\nabc\r\n0\r\n\r\n${SMUGGLED}`),
    status: 400,
    open: false,
  },
  {
    name: 'Content-Length with a second value',
    ref: 'RFC 9110 §8.6',
    request: post('Content-Length: 3, 30\r\n', `abc${SMUGGLED}`),
    status: 400,
    open: false,
  },
  {
    name: 'Content-Length in hex',
    ref: 'RFC 9110 §8.6',
    request: post('Content-Length: 0x3\r\n', `abc${SMUGGLED}`),
    status: 400,
    open: false,
  },
  {
    name: 'Content-Length with a space inside',
    ref: 'RFC 9110 §8.6',
    request: post('Content-Length: 1 2\r\n', `abc${SMUGGLED}`),
    status: 400,
    open: false,
  },
];

describe('HTTP/1.1 conformance: request smuggling', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    expect(server.adapter.started).not.toContain('/smuggled');
    await server.stop(0);
  });

  it.each(cases.map((c) => [`${c.name} → ${c.status} + close (${c.ref})`, c] as const))('%s', async (_title, testCase) => {
    await runWireCase(server, testCase);
    expect(server.adapter.started).not.toContain('/smuggled');
  });

  it('a valid body is read exactly: the request after it is answered separately, in order', async () => {
    const client = await RawHttpClient.connect(server.port);
    try {
      await client.write(post('Transfer-Encoding: chunked\r\n', `3\r\nabc\r\n0\r\n\r\n`) + post('Content-Length: 3\r\n', 'xyz'));
      expect((await client.readResponse()).body).toBe('abc');
      expect((await client.readResponse()).body).toBe('xyz');
    } finally {
      client.close();
    }
  });

  it('Transfer-Encoding: ,chunked is chunked (RFC 9110 §5.6.1: empty list elements are ignored)', async () => {
    await runWireCase(server, {
      name: ',chunked',
      ref: 'RFC 9110 §5.6.1',
      request: post('Transfer-Encoding: ,chunked\r\n', '3\r\nabc\r\n0\r\n\r\n'),
      status: 200,
      open: true,
      body: 'abc',
    });
    await runWireCase(server, {
      name: 'tab before chunked',
      ref: 'RFC 9110 §5.6.3',
      request: post('Transfer-Encoding:\tchunked\r\n', '3\r\nabc\r\n0\r\n\r\n'),
      status: 200,
      open: true,
      body: 'abc',
    });
  });

  it('a broken chunk after the application answered closes the connection instead of resynchronising', async () => {
    const client = await RawHttpClient.connect(server.port);
    try {
      await client.write(`POST /noread HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n`);
      const response = await client.readResponse();
      expect(response.status).toBe(200);
      await client.write(`zz\r\n${SMUGGLED}`);
      expect(await client.waitForClose(3000)).toBe(true);
      expect(server.adapter.started).not.toContain('/smuggled');
    } finally {
      client.close();
    }
  });
});
