/**
 * RemoteIpValve and RemoteIpFilter behind a real nginx and a real Apache httpd (mod_proxy_http), issue #21.
 *
 * Every client here binds to 127.0.0.2 and the container believes only 127.0.0.1 (internalProxies), where the
 * proxies connect from: the client address the application sees can then only be 127.0.0.2 if it came from the
 * proxy's X-Forwarded-For, and a client talking to the container directly is an untrusted peer.
 */
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpd, type Httpd } from '../../helpers/httpd.js';
import { startNginx, type Nginx } from '../../helpers/nginx.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';

const APP_BASE = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'proxy');
const CLIENT = '127.0.0.2';

interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** One request from 127.0.0.2 (a client the container does not trust), on a fresh connection. */
function request(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { localAddress: CLIENT, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString() }),
      );
      response.on('error', reject);
    });
    req.setTimeout(20_000, () => req.destroy(new Error(`Timed out: ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

async function json(url: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const reply = await request(url, headers);
  expect(reply.status, reply.body).toBe(200);
  return JSON.parse(reply.body) as Record<string, unknown>;
}

function serverXml(protocol: string): string {
  return `<?xml version="1.0"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="0" address="127.0.0.1" protocol="${protocol}" maxThreads="2" minSpareThreads="2"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Valve className="org.apache.catalina.valves.RemoteIpValve" internalProxies="127\\.0\\.0\\.1" trustedProxies="10\\.0\\.0\\.\\d+"/>
      <Host name="localhost" appBase="${APP_BASE}" autoDeploy="false"/>
    </Engine>
  </Service>
</Server>
`;
}

interface FrontEnds {
  plain: { url: string; stop(): Promise<void> };
  secure: { url: string; stop(): Promise<void> };
}

async function nginxFrontEnds(backendPort: number): Promise<FrontEnds> {
  const plain: Nginx = await startNginx({ backendPort });
  const secure: Nginx = await startNginx({ backendPort, locationConfig: ['proxy_set_header X-Forwarded-Proto https;'] });
  return { plain, secure };
}

async function httpdFrontEnds(backendPort: number): Promise<FrontEnds> {
  const plain: Httpd = await startHttpd({ frontEnd: 'proxy-http', backendPort });
  const secure: Httpd = await startHttpd({ frontEnd: 'proxy-http', backendPort, requestHeaders: { 'X-Forwarded-Proto': 'https' } });
  return { plain, secure };
}

describe.each([
  ['nginx', 'HTTP/1.1', nginxFrontEnds],
  ['httpd mod_proxy_http', 'HTTP/1.1', httpdFrontEnds],
  ['nginx, blocking-style connector', 'HTTP/1.1-blocking', nginxFrontEnds],
] as const)('RemoteIpValve on the Engine behind %s (%s)', (_name, protocol, startFrontEnds) => {
  let server: TestServer;
  let frontEnds: FrontEnds;

  beforeAll(async () => {
    server = await startTestServer({ serverXml: serverXml(protocol) });
    frontEnds = await startFrontEnds(server.port);
  });
  afterAll(async () => {
    await frontEnds?.plain.stop();
    await frontEnds?.secure.stop();
    await server?.close();
  });

  it('reports the client of a plain-http proxy: address, host, scheme, the AccessLog attributes; X-Forwarded-For is consumed', async () => {
    const port = Number(new URL(frontEnds.plain.url).port);
    const seen = await json(`${frontEnds.plain.url}/client/x`);
    expect(seen).toMatchObject({
      remoteAddr: CLIENT,
      remoteHost: CLIENT,
      secure: false,
      scheme: 'http',
      serverName: '127.0.0.1',
      serverPort: port,
      requestURL: `http://127.0.0.1:${port}/client/x`,
      xForwardedFor: null,
      xForwardedBy: null,
      forwarded: true,
      accessLog: { remoteAddr: CLIENT, remoteHost: CLIENT, protocol: 'HTTP/1.1', serverName: '127.0.0.1', serverPort: port },
    });
  });

  it('makes a request forwarded as https secure: scheme, port 443, absolute redirect and a Secure session cookie', async () => {
    const seen = await json(`${frontEnds.secure.url}/client/x`);
    expect(seen).toMatchObject({
      remoteAddr: CLIENT,
      secure: true,
      scheme: 'https',
      serverName: '127.0.0.1',
      serverPort: 443,
      requestURL: 'https://127.0.0.1/client/x',
      accessLog: { remoteAddr: CLIENT, serverPort: 443 },
    });
    const redirect = await request(`${frontEnds.secure.url}/redirect`);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe('https://127.0.0.1/client/target');
    const session = await request(`${frontEnds.secure.url}/session`);
    const cookie = String(session.headers['set-cookie']);
    expect(cookie).toMatch(/^JSESSIONID=/);
    expect(cookie).toMatch(/; Secure/i);
  });

  it('keeps plain http plain: a relative-free redirect to the proxy and a session cookie without Secure', async () => {
    const port = Number(new URL(frontEnds.plain.url).port);
    const redirect = await request(`${frontEnds.plain.url}/redirect`);
    expect(redirect.headers.location).toBe(`http://127.0.0.1:${port}/client/target`);
    const session = await request(`${frontEnds.plain.url}/session`);
    expect(String(session.headers['set-cookie'])).toMatch(/^JSESSIONID=/);
    expect(String(session.headers['set-cookie'])).not.toMatch(/Secure/i);
  });

  it('ignores what the client itself wrote in X-Forwarded-For before the proxy appended its peer', async () => {
    const seen = await json(`${frontEnds.plain.url}/client/x`, { 'X-Forwarded-For': '6.6.6.6' });
    expect(seen).toMatchObject({ remoteAddr: CLIENT, xForwardedFor: '6.6.6.6' });
  });

  it('ignores spoofed X-Forwarded-* headers from a client that is not a trusted proxy', async () => {
    const seen = await json(`http://127.0.0.1:${server.port}/client/x`, {
      'X-Forwarded-For': '6.6.6.6',
      'X-Forwarded-Proto': 'https',
    });
    expect(seen).toMatchObject({
      remoteAddr: CLIENT,
      secure: false,
      scheme: 'http',
      serverPort: server.port,
      xForwardedFor: '6.6.6.6',
      forwarded: null,
      accessLog: { remoteAddr: CLIENT },
    });
  });

  it('walks a chain right to left: trusted proxies are recorded, the first untrusted entry is the client', async () => {
    const seen = await json(`${frontEnds.plain.url}/client/x`, { 'X-Forwarded-For': '6.6.6.6, 203.0.113.5, 10.0.0.9' });
    // nginx/httpd append 127.0.0.2, which is not trusted: it is the client, and what is left of it is passed on.
    expect(seen).toMatchObject({ remoteAddr: CLIENT, xForwardedFor: '6.6.6.6,203.0.113.5,10.0.0.9', xForwardedBy: null });
  });
});

describe('RemoteIpValve: a chain of trusted and untrusted proxies (direct from an internal proxy)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ serverXml: serverXml('HTTP/1.1') });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** From 127.0.0.1, the internal proxy. */
  function fromProxy(path: string, headers: Record<string, string>): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        `http://127.0.0.1:${server.port}${path}`,
        { localAddress: '127.0.0.1', headers, agent: false },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  it('stops at the first untrusted entry and lists the trusted proxies in X-Forwarded-By', async () => {
    const seen = await fromProxy('/client/x', { 'X-Forwarded-For': '6.6.6.6, 203.0.113.5, 10.0.0.9, 10.0.0.7' });
    expect(seen).toMatchObject({ remoteAddr: '203.0.113.5', xForwardedFor: '6.6.6.6', xForwardedBy: '10.0.0.9,10.0.0.7' });
  });

  it('takes the port from the forwarded protocol and survives malformed lists', async () => {
    expect(await fromProxy('/client/x', { 'X-Forwarded-Proto': 'http' })).toMatchObject({
      scheme: 'http',
      serverPort: 80,
      remoteAddr: '127.0.0.1',
    });
    for (const value of [',', ' , ,10.0.0.1', 'garbage;;', `${'10.0.0.1, '.repeat(500)}198.51.100.1`]) {
      const seen = await fromProxy('/client/x', { 'X-Forwarded-For': value });
      expect(typeof seen.remoteAddr).toBe('string');
    }
    expect(await fromProxy('/client/x', { 'X-Forwarded-For': `198.51.100.1, ${'10.0.0.1, '.repeat(500)}10.0.0.2` })).toMatchObject({
      remoteAddr: '198.51.100.1',
    });
  });
});

describe('RemoteIpFilter (web.xml) behind nginx', () => {
  let server: TestServer;
  let secure: Nginx;

  beforeAll(async () => {
    server = await startTestServer({ appBase: APP_BASE });
    secure = await startNginx({ backendPort: server.port, locationConfig: ['proxy_set_header X-Forwarded-Proto https;'] });
  });
  afterAll(async () => {
    await secure?.stop();
    await server?.close();
  });

  it('gives the application the client, https, and a Secure session cookie', async () => {
    const seen = await json(`${secure.url}/filtered/client/x`);
    expect(seen).toMatchObject({
      remoteAddr: CLIENT,
      secure: true,
      scheme: 'https',
      serverPort: 443,
      requestURL: 'https://127.0.0.1/filtered/client/x',
      xForwardedFor: null,
      forwarded: true,
      accessLog: { remoteAddr: CLIENT, serverPort: 443 },
    });
    const session = await request(`${secure.url}/filtered/session`);
    expect(String(session.headers['set-cookie'])).toMatch(/; Secure/i);
  });

  it('ignores the headers of a client that talks to the container directly', async () => {
    const seen = await json(`http://127.0.0.1:${server.port}/filtered/client/x`, {
      'X-Forwarded-For': '6.6.6.6',
      'X-Forwarded-Proto': 'https',
    });
    expect(seen).toMatchObject({ remoteAddr: CLIENT, secure: false, xForwardedFor: '6.6.6.6', forwarded: null });
  });
});
