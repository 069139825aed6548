/**
 * The issue #6 scenarios through a real Apache httpd in front of the AJP connector; run once with
 * mod_proxy_ajp and once with mod_jk by the two e2e files.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AjpProtocol } from '../../../src/protocol/ajp/ajp-protocol.js';
import { fetchHttp } from '../../helpers/http-fetch.js';
import { startHttpd, type Httpd, type HttpdFrontEnd } from '../../helpers/httpd.js';
import { SECRET, startAjpServer, type AjpTestServer } from './ajp-server.js';

function pattern(length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + 7) & 0xff;
  return bytes;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function describeFrontEnd(frontEnd: Exclude<HttpdFrontEnd, 'proxy-http'>): void {
  describe(`httpd ${frontEnd} → AJP connector`, () => {
    let server: AjpTestServer;
    let httpd: Httpd;
    let wrongSecret: Httpd;
    let agent: http.Agent;

    beforeAll(async () => {
      server = await startAjpServer();
      httpd = await startHttpd({ frontEnd, backendPort: server.ajpPort, secret: SECRET, ping: true });
      wrongSecret = await startHttpd({ frontEnd, backendPort: server.ajpPort, secret: 'WRONGSECRET' });
      agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    });
    afterAll(async () => {
      agent?.destroy();
      await httpd?.stop();
      await wrongSecret?.stop();
      await server?.close();
    });

    it('GET with a query and a percent-encoded path', async () => {
      const response = await fetchHttp(`${httpd.url}/echo/caf%C3%A9%20x?a=1&b=%C3%A9&a=2`, { agent });
      expect(response.status).toBe(200);
      const echo = JSON.parse(response.body.toString()) as Record<string, unknown>;
      expect(echo).toMatchObject({
        method: 'GET',
        requestURI: '/echo/caf%C3%A9%20x',
        pathInfo: '/café x',
        queryString: 'a=1&b=%C3%A9&a=2',
        parameters: { a: ['1', '2'], b: ['é'] },
        remoteAddr: '127.0.0.1',
        localAddr: '127.0.0.1',
        secure: false,
      });
      expect(echo.remotePort).toBeGreaterThan(0);
      expect(response.headers['x-echo']).toBe('yes');
      expect(response.headers['content-type']).toBe('application/json;charset=UTF-8');
    });

    it('POST of a small form', async () => {
      const response = await fetchHttp(`${httpd.url}/echo/form`, {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'name=serval&lang=type%20script&lang=js',
      });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body.toString()).parameters).toEqual({ name: ['serval'], lang: ['type script', 'js'] });
    });

    it('POST of a multi-megabyte body, checksummed', async () => {
      const body = randomBytes(5 * 1024 * 1024 + 123);
      const response = await fetchHttp(`${httpd.url}/digest`, {
        method: 'POST',
        agent,
        body,
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body.toString())).toEqual({ length: body.length, sha256: sha256(body) });
    });

    it('POST of a chunked body, checksummed', async () => {
      const body = randomBytes(300_000);
      const response = await fetchHttp(`${httpd.url}/digest`, { method: 'POST', agent, body, chunkSize: 7000 });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body.toString())).toEqual({ length: body.length, sha256: sha256(body) });
    });

    it('a large streamed response', async () => {
      const size = 6 * 1024 * 1024 + 17;
      const response = await fetchHttp(`${httpd.url}/stream?size=${size}`, { agent });
      expect(response.status).toBe(200);
      expect(response.body.length).toBe(size);
      expect(sha256(response.body)).toBe(sha256(pattern(size)));
    });

    it('keep-alive across many requests reuses the AJP connection', async () => {
      const handler = server.catalina.server.services[0]!.connectors[0]!.protocolHandler as AjpProtocol;
      const before = handler.acceptedConnections;
      const ports = new Set<number>();
      for (let i = 0; i < 60; i++) {
        const response = await fetchHttp(`${httpd.url}/echo/k?i=${i}`, { agent });
        expect(response.status).toBe(200);
        expect(JSON.parse(response.body.toString()).parameters).toEqual({ i: [String(i)] });
        ports.add(response.localPort);
      }
      expect(ports.size).toBe(1);
      expect(handler.acceptedConnections - before).toBeLessThanOrEqual(2);
    });

    it('a session cookie round trip', async () => {
      const first = await fetchHttp(`${httpd.url}/session`, { agent });
      const setCookie = first.headers['set-cookie']?.[0] ?? '';
      expect(setCookie).toMatch(/^JSESSIONID=[^;]+; Path=\//);
      const cookie = setCookie.split(';')[0] as string;
      const firstBody = JSON.parse(first.body.toString()) as { count: number; id: string };
      expect(firstBody.count).toBe(1);
      const second = await fetchHttp(`${httpd.url}/session`, { agent, headers: { cookie } });
      expect(second.headers['set-cookie']).toBeUndefined();
      expect(JSON.parse(second.body.toString())).toEqual({ count: 2, id: firstBody.id });
    });

    it('HEAD has the headers of GET and no body', async () => {
      const get = await fetchHttp(`${httpd.url}/status?code=200`, { agent });
      const head = await fetchHttp(`${httpd.url}/status?code=200`, { agent, method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.body.length).toBe(0);
      // mod_proxy_ajp re-frames every response itself (chunked) and drops the length; mod_jk keeps it.
      if (head.headers['content-length'] !== undefined) expect(head.headers['content-length']).toBe(String(get.body.length));
      expect(get.body.toString()).toBe('status 200');
      expect(head.headers['content-type']).toBe(get.headers['content-type']);
    });

    it('304 from a servlet and from the DefaultServlet carries no body', async () => {
      const servlet = await fetchHttp(`${httpd.url}/not-modified`, { agent });
      expect(servlet.status).toBe(304);
      expect(servlet.body.length).toBe(0);
      const page = await fetchHttp(`${httpd.url}/index.html`, { agent });
      expect(page.status).toBe(200);
      const lastModified = page.headers['last-modified'] as string;
      const conditional = await fetchHttp(`${httpd.url}/index.html`, { agent, headers: { 'if-modified-since': lastModified } });
      expect(conditional.status).toBe(304);
      expect(conditional.body.length).toBe(0);
      // The connection is still usable after the bodiless responses.
      expect((await fetchHttp(`${httpd.url}/echo/after`, { agent })).status).toBe(200);
    });

    it('a wrong secret: the client gets an error and the container logs the refusal', async () => {
      const before = server.logs.length;
      const response = await fetchHttp(`${wrongSecret.url}/echo/x`);
      expect(response.status).toBe(403);
      expect(server.logs.slice(before).some((l) => l.code === 'SV_ERR_AJP_SECRET_MISMATCH' && /wrong secret/.test(l.msg))).toBe(true);
      // The front end with the right secret is unaffected.
      expect((await fetchHttp(`${httpd.url}/echo/x`, { agent })).status).toBe(200);
    });
  });
}
