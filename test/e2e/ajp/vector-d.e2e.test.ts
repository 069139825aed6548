// Vector set D (tomcat.md §11, after TestAbstractAjpProcessor) and the connector's own guarantees, over a
// real socket with the test AJP client: secret, attributes, framing, packet limits, malformed input.
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AjpClient, bodyPacket, encodeForwardRequest, packet } from '../../helpers/ajp-client.js';
import { SECRET, startAjpServer, type AjpTestServer } from './ajp-server.js';

let server: AjpTestServer;
const clients: AjpClient[] = [];

async function client(): Promise<AjpClient> {
  const c = await AjpClient.connect(server.ajpPort);
  clients.push(c);
  return c;
}

function json(body: Buffer): Record<string, unknown> {
  return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
}

beforeAll(async () => {
  server = await startAjpServer(`secret="${SECRET}" allowedRequestAttributesPattern="X_ALLOWED_[A-Z]+"`);
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
  await server?.close();
});

describe('AJP connector: vector set D', () => {
  it('answers CPING with CPONG, and keeps the connection for a request after it', async () => {
    const c = await client();
    expect(await c.cping()).toBe(true);
    expect(await c.cping()).toBe(true);
    const response = await c.request({ uri: '/echo/x', secret: SECRET });
    expect(response.status).toBe(200);
  });

  it('binds to loopback by default', () => {
    expect(server.catalina.server.services[0]!.connectors[0]!.localAddress).toBe('127.0.0.1');
  });

  it('refuses a request without the secret with 403, END_RESPONSE reuse=false, and closes', async () => {
    const c = await client();
    const response = await c.request({ uri: '/echo/x' });
    expect(response.status).toBe(403);
    expect(response.reuse).toBe(false);
    expect(response.chunkSizes).toEqual([]);
    expect(await c.waitClosed()).toBe(true);
    expect(server.logs.some((l) => l.code === 'SV_ERR_AJP_SECRET_MISMATCH' && /no secret/.test(l.msg))).toBe(true);
  });

  it('refuses a wrong secret with 403 and closes; the right one gets 200', async () => {
    const wrong = await client();
    const refused = await wrong.request({ uri: '/echo/x', secret: 'WRONGSECRET' });
    expect(refused.status).toBe(403);
    expect(refused.reuse).toBe(false);
    expect(await wrong.waitClosed()).toBe(true);
    expect(server.logs.some((l) => l.code === 'SV_ERR_AJP_SECRET_MISMATCH' && /wrong secret/.test(l.msg))).toBe(true);

    const right = await client();
    const ok = await right.request({ uri: '/echo/x', secret: SECRET });
    expect(ok.status).toBe(200);
    expect(ok.reuse).toBe(true);
  });

  it('refuses a body sent with a refused request without reading it as the next request', async () => {
    const c = await client();
    const response = await c.request({ method: 'POST', uri: '/digest', body: Buffer.alloc(20_000, 1), secret: 'nope' });
    expect(response.status).toBe(403);
    expect(await c.waitClosed()).toBe(true);
  });

  it('answers two Content-Length headers with 400', async () => {
    const c = await client();
    const response = await c.request({
      method: 'POST',
      uri: '/digest',
      secret: SECRET,
      headers: [
        ['content-length', '1'],
        ['content-length', '1'],
      ],
      body: Buffer.from('a'),
    });
    expect(response.status).toBe(400);
    expect(response.reuse).toBe(false);
  });

  it('sends only headers and END_RESPONSE for a 304 whose servlet wrote a body', async () => {
    const c = await client();
    const response = await c.request({ uri: '/not-modified', secret: SECRET });
    expect(response.status).toBe(304);
    expect(response.header('ETag')).toBe('"v1"');
    expect(response.chunkSizes).toEqual([]);
    expect(response.body.length).toBe(0);
  });

  it('sends no body chunk for HEAD but the same Content-Length as GET', async () => {
    const c = await client();
    const get = await c.request({ uri: '/status', query: 'code=200', secret: SECRET });
    const head = await c.request({ method: 'HEAD', uri: '/status', query: 'code=200', secret: SECRET });
    expect(head.status).toBe(200);
    expect(head.chunkSizes).toEqual([]);
    expect(head.header('Content-Length')).toBe(String(get.body.length));
  });

  it('serves zero-length GET and POST bodies', async () => {
    const c = await client();
    const get = await c.request({ uri: '/echo/get', secret: SECRET, headers: [['content-length', '0']] });
    expect(get.status).toBe(200);
    const post = await c.request({ method: 'POST', uri: '/digest', secret: SECRET, body: Buffer.alloc(0) });
    expect(post.status).toBe(200);
    expect(json(post.body)).toEqual({ length: 0, sha256: createHash('sha256').digest('hex') });
    expect(post.bodyRequests).toEqual([]);
  });

  it('keeps one connection alive across many requests', async () => {
    const c = await client();
    for (let i = 0; i < 25; i++) {
      const response = await c.request({ uri: `/echo/${i}`, query: `i=${i}`, secret: SECRET });
      expect(response.status).toBe(200);
      expect(response.reuse).toBe(true);
      expect(json(response.body).parameters).toEqual({ i: [String(i)] });
    }
    expect(c.closed).toBe(false);
  });

  it('maps AJP_REMOTE_PORT, AJP_LOCAL_ADDR, AJP_SSL_PROTOCOL and the SSL data onto the request; passes the query and headers', async () => {
    const c = await client();
    const response = await c.request({
      uri: '/echo/a%20b',
      query: 'x=1&y=%C3%A9',
      secret: SECRET,
      isSsl: true,
      remoteAddr: '198.51.100.7',
      serverPort: 443,
      headers: [
        ['host', 'www.example.org'],
        ['user-agent', 'ajp-test'],
        ['X-Custom', 'v'],
      ],
      attributes: [
        ['AJP_REMOTE_PORT', '54321'],
        ['AJP_LOCAL_ADDR', '203.0.113.5'],
        ['AJP_SSL_PROTOCOL', 'TLSv1.3'],
      ],
      sslCipher: 'TLS_AES_128_GCM_SHA256',
      sslSession: 'abcdef01',
      sslKeySize: 128,
    });
    expect(response.status).toBe(200);
    const echo = json(response.body);
    expect(echo).toMatchObject({
      requestURI: '/echo/a%20b',
      pathInfo: '/a b',
      queryString: 'x=1&y=%C3%A9',
      parameters: { x: ['1'], y: ['é'] },
      secure: true,
      scheme: 'https',
      serverName: 'www.example.org',
      serverPort: 443,
      remoteAddr: '198.51.100.7',
      remotePort: 54321,
      localAddr: '203.0.113.5',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      keySize: 128,
      sslSessionId: 'abcdef01',
      secureProtocol: 'TLSv1.3',
    });
    expect((echo.headers as Record<string, string>)['x-custom']).toBe('v');
    expect((echo.headers as Record<string, string>)['user-agent']).toBe('ajp-test');
  });

  it('refuses an arbitrary request attribute with 403 unless allowedRequestAttributesPattern matches it', async () => {
    const refused = await client();
    const r1 = await refused.request({ uri: '/echo/x', secret: SECRET, attributes: [['X_OTHER', 'v']] });
    expect(r1.status).toBe(403);
    expect(await refused.waitClosed()).toBe(true);
    expect(server.logs.some((l) => l.code === 'SV_ERR_AJP_ATTRIBUTE_NOT_ALLOWED' && /X_OTHER/.test(l.msg))).toBe(true);

    const allowed = await client();
    const r2 = await allowed.request({ uri: '/echo/x', secret: SECRET, attributes: [['X_ALLOWED_ONE', 'v']] });
    expect(r2.status).toBe(200);
  });

  it('never lets protocol input set container attributes (Ghostcat)', async () => {
    const c = await client();
    const response = await c.request({
      uri: '/echo/x',
      secret: SECRET,
      attributes: [['jakarta.servlet.include.request_uri', '/WEB-INF/web.xml']],
    });
    expect(response.status).toBe(403);
  });

  it('uses the stored method attribute for methods without a code', async () => {
    const c = await client();
    const response = await c.request({ method: 'PATCH', uri: '/echo/x', secret: SECRET });
    expect(json(response.body).method).toBe('PATCH');
    const del = await c.request({ method: 'DELETE', uri: '/echo/x', secret: SECRET });
    expect(json(del.body).method).toBe('DELETE');
  });

  it('reads a large body through GET_BODY_CHUNK and checksums it', async () => {
    const c = await client();
    const body = Buffer.alloc(200_000);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7) & 0xff;
    const response = await c.request({ method: 'POST', uri: '/digest', secret: SECRET, body });
    expect(json(response.body)).toEqual({ length: body.length, sha256: createHash('sha256').update(body).digest('hex') });
    expect(response.bodyRequests.length).toBeGreaterThan(20);
    expect(response.bodyRequests.every((size) => size === 8186)).toBe(true);
    // The connection is still in step: a second request works.
    expect((await c.request({ uri: '/echo/x', secret: SECRET })).status).toBe(200);
  });

  it('reads a chunked body until the empty packet', async () => {
    const c = await client();
    const body = Buffer.alloc(30_000, 0x61);
    const response = await c.request({ method: 'POST', uri: '/digest', secret: SECRET, body, chunked: true });
    expect(json(response.body)).toEqual({ length: body.length, sha256: createHash('sha256').update(body).digest('hex') });
    expect((await c.request({ uri: '/echo/x', secret: SECRET })).status).toBe(200);
  });

  it('keeps in step when the servlet ignores a body', async () => {
    const c = await client();
    const ignored = await c.request({ method: 'POST', uri: '/status', query: 'code=200', secret: SECRET, body: Buffer.alloc(50_000, 2) });
    expect(ignored.status).toBe(200);
    const next = await c.request({ uri: '/echo/after', secret: SECRET });
    expect(json(next.body).requestURI).toBe('/echo/after');
  });

  it('splits a large response into SEND_BODY_CHUNKs of at most packetSize', async () => {
    const c = await client();
    const response = await c.request({ uri: '/stream', query: 'size=300000', secret: SECRET });
    expect(response.body.length).toBe(300_000);
    expect(Math.max(...response.packetSizes)).toBeLessThanOrEqual(8192);
    expect(response.chunkSizes.filter((s) => s === 8184).length).toBeGreaterThan(30);
    for (let i = 0; i < response.body.length; i += 9973) expect(response.body[i]).toBe((i * 31 + 7) & 0xff);
  });

  it('commits on flushBuffer() with no headers set, and the flush reaches the proxy (ajpFlush=true)', async () => {
    const c = await client();
    const response = await c.request({ uri: '/flush', secret: SECRET });
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('after flush');
    // ajpFlush (default true): the explicit flush is an empty SEND_BODY_CHUNK ahead of the body.
    expect(response.chunkSizes).toEqual([0, 'after flush'.length]);
  });

  it('accepts literal header names and every split of the request bytes', async () => {
    const bytes = packet(
      encodeForwardRequest({ uri: '/echo/split', secret: SECRET, literalHeaderNames: true, headers: [['Host', 'h.example']] }),
    );
    for (const split of [1, 2, 3, 4, 5, 17, bytes.length - 1]) {
      const c = await client();
      c.write(bytes.subarray(0, split));
      await new Promise((r) => setTimeout(r, 5));
      c.write(bytes.subarray(split));
      const payload = await c.readPacket();
      expect(payload[0]).toBe(0x04);
      expect(payload.readUInt16BE(1)).toBe(200);
    }
  });
});

describe('AJP connector: malformed input closes the connection, the server keeps serving', () => {
  // A server of its own: refusal log lines are rate-limited per connector, and the ones above used the budget.
  let previous: AjpTestServer;
  beforeAll(async () => {
    previous = server;
    server = await startAjpServer();
  });
  afterAll(async () => {
    await server.close();
    server = previous;
  });

  async function expectClosedAndLogged(bytes: Buffer, code: string): Promise<void> {
    const before = server.logs.length;
    const c = await client();
    c.write(bytes);
    expect(await c.waitClosed()).toBe(true);
    expect(server.logs.slice(before).some((l) => l.code === code)).toBe(true);
    const next = await client();
    expect((await next.request({ uri: '/echo/x', secret: SECRET })).status).toBe(200);
  }

  it('bad magic (an HTTP request on the AJP port)', async () => {
    await expectClosedAndLogged(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), 'SV_ERR_AJP_BAD_MAGIC');
  });

  it('a length beyond packetSize', async () => {
    await expectClosedAndLogged(Buffer.from([0x12, 0x34, 0x20, 0x00, 0x02]), 'SV_ERR_AJP_PACKET_TOO_LARGE');
  });

  it('a truncated string', async () => {
    const payload = encodeForwardRequest({ uri: '/echo/x', secret: SECRET });
    await expectClosedAndLogged(packet(payload.subarray(0, 12)), 'SV_ERR_AJP_TRUNCATED');
  });

  it('an unknown message type', async () => {
    await expectClosedAndLogged(packet(Buffer.from([0x63])), 'SV_ERR_AJP_MALFORMED');
  });

  it('an unknown attribute code', async () => {
    const payload = encodeForwardRequest({ uri: '/echo/x', secret: SECRET });
    const broken = Buffer.concat([payload.subarray(0, payload.length - 1), Buffer.from([0x42, 0xff])]);
    await expectClosedAndLogged(packet(broken), 'SV_ERR_AJP_MALFORMED');
  });

  it('a body packet longer than it says', async () => {
    const c = await client();
    c.write(packet(encodeForwardRequest({ method: 'POST', uri: '/digest', secret: SECRET, headers: [['content-length', '10']] })));
    c.write(packet(Buffer.from([0x00, 0x20, 0x41])));
    expect(await c.waitClosed()).toBe(true);
    const next = await client();
    expect((await next.request({ uri: '/echo/x', secret: SECRET })).status).toBe(200);
  });

  it('an empty body packet ends the body early', async () => {
    const c = await client();
    c.write(packet(encodeForwardRequest({ method: 'POST', uri: '/digest', secret: SECRET, headers: [['content-length', '10']] })));
    c.write(bodyPacket(Buffer.alloc(0)));
    const payload = await c.readPacket();
    expect(payload[0]).toBe(0x04);
  });
});

describe('AJP connector: secretRequired', () => {
  it('refuses to start without a secret, with a clear error', async () => {
    await expect(startAjpServer('')).rejects.toThrow(/secretRequired \[true\] but no secret/);
  });

  it('starts without a secret when secretRequired="false", and then needs none', async () => {
    const open = await startAjpServer('secretRequired="false"');
    try {
      const c = await AjpClient.connect(open.ajpPort);
      clients.push(c);
      expect((await c.request({ uri: '/echo/x' })).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});

describe('AJP connector: timeouts (default -1 = none)', () => {
  it('closes an idle connection after keepAliveTimeout and a half-sent packet after connectionTimeout', async () => {
    const timed = await startAjpServer(`secret="${SECRET}" keepAliveTimeout="300" connectionTimeout="300"`);
    try {
      const idle = await AjpClient.connect(timed.ajpPort);
      clients.push(idle);
      expect((await idle.request({ uri: '/echo/x', secret: SECRET })).status).toBe(200);
      expect(await idle.waitClosed(5000)).toBe(true);

      const partial = await AjpClient.connect(timed.ajpPort);
      clients.push(partial);
      partial.write(packet(encodeForwardRequest({ uri: '/echo/x', secret: SECRET })).subarray(0, 10));
      expect(await partial.waitClosed(5000)).toBe(true);
    } finally {
      await timed.close();
    }
  });

  it('keeps an idle connection open without timeouts configured', async () => {
    const c = await client();
    expect(await c.cping()).toBe(true);
    expect(await c.waitClosed(700)).toBe(false);
    expect(await c.cping()).toBe(true);
  });
});
