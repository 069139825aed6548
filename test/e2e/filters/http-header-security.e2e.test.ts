/**
 * HttpHeaderSecurityFilter named by its Tomcat class name in web.xml, over an HTTP and an HTTPS connector of
 * the same server: HSTS only on the secure one (RFC 6797 §7.2), X-Frame-Options, X-Content-Type-Options and
 * the opt-in X-XSS-Protection on both, present even when the servlet commits the response at once (the filter
 * sets them before the chain), and the init errors that keep an app from starting.
 */
import { rmSync } from 'node:fs';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHttp } from '../../helpers/http-fetch.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { createPki, type Pki } from '../../helpers/tls-certificates.js';
import { FILTERS, writeFilterApps } from './filter-apps.js';

const headerFilter = (params: Readonly<Record<string, string>> = {}) => ({
  filters: [{ name: 'headers', className: `${FILTERS}HttpHeaderSecurityFilter`, params }],
});

describe('HttpHeaderSecurityFilter', () => {
  let pki: Pki;
  let server: TestServer;
  let appBase: string;
  let securePort: number;

  beforeAll(async () => {
    pki = createPki();
    appBase = writeFilterApps({
      strict: headerFilter({
        hstsMaxAgeSeconds: '31536000',
        hstsIncludeSubDomains: 'true',
        hstsPreload: 'true',
        xssProtectionEnabled: 'true',
      }),
      defaults: headerFilter(),
      framed: headerFilter({ antiClickJackingOption: 'allow-from', antiClickJackingUri: 'https://frame.example/' }),
      off: headerFilter({ hstsEnabled: 'false', antiClickJackingEnabled: 'false', blockContentTypeSniffingEnabled: 'false' }),
      nouri: headerFilter({ antiClickJackingOption: 'ALLOW-FROM' }),
      badoption: headerFilter({ antiClickJackingOption: 'NEVER' }),
    });
    server = await startTestServer({
      serverXml: `<?xml version="1.0"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="0" address="127.0.0.1" protocol="HTTP/1.1"/>
    <Connector port="0" address="127.0.0.1" protocol="HTTP/1.1" SSLEnabled="true" scheme="https" secure="true">
      <SSLHostConfig><Certificate certificateFile="${pki.localhostCert}" certificateKeyFile="${pki.localhostKey}"/></SSLHostConfig>
    </Connector>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="${appBase}" autoDeploy="false"/>
    </Engine>
  </Service>
</Server>
`,
    });
    securePort = server.catalina.server.services[0]!.connectors[1]!.localPort;
  });
  afterAll(async () => {
    await server?.close();
    pki?.remove();
    rmSync(appBase, { recursive: true, force: true });
  });

  function getSecure(path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
    return new Promise((resolve, reject) => {
      const request = https.request(
        { host: '127.0.0.1', port: securePort, path, servername: 'localhost', ca: pki.read(pki.caCert), agent: false },
        (response) => {
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
        },
      );
      request.on('error', reject);
      request.end();
    });
  }

  it('sends HSTS with its options over HTTPS, and the other headers', async () => {
    const response = await getSecure('/strict/x');
    expect(response.status).toBe(200);
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000;includeSubDomains;preload');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-xss-protection']).toBe('1; mode=block');
  });

  it('never sends HSTS over plain HTTP', async () => {
    const response = await fetchHttp(`${server.url}/strict/x`);
    expect(response.status).toBe(200);
    expect(response.headers['strict-transport-security']).toBeUndefined();
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it("has Tomcat 10.1's defaults: max-age=0, DENY, nosniff, no X-XSS-Protection", async () => {
    const response = await getSecure('/defaults/x');
    expect(response.headers['strict-transport-security']).toBe('max-age=0');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-xss-protection']).toBeUndefined();
  });

  it('sets the headers before the servlet runs, so a response it commits at once has them', async () => {
    const response = await getSecure('/strict/x?flush=1');
    expect(response.status).toBe(200);
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000;includeSubDomains;preload');
    expect(response.headers['x-frame-options']).toBe('DENY');
  });

  it('sends ALLOW-FROM with its URI (the option matched case-insensitively)', async () => {
    const response = await fetchHttp(`${server.url}/framed/x`);
    expect(response.headers['x-frame-options']).toBe('ALLOW-FROM https://frame.example/');
  });

  it('sends nothing that is switched off', async () => {
    const response = await getSecure('/off/x');
    expect(response.status).toBe(200);
    expect(response.headers['strict-transport-security']).toBeUndefined();
    expect(response.headers['x-frame-options']).toBeUndefined();
    expect(response.headers['x-content-type-options']).toBeUndefined();
  });

  it('refuses to start an app with ALLOW-FROM but no URI, or an unknown option, naming filter and init-param', async () => {
    expect((await fetchHttp(`${server.url}/nouri/x`)).status).toBe(404);
    expect((await fetchHttp(`${server.url}/badoption/x`)).status).toBe(404);
    const failure = (webapp: string) => server.logs.find((r) => r.code === 'SV_ERR_DEPLOY_FAILED' && r.webapp === webapp)?.msg;
    expect(failure('nouri')).toContain('Init parameter [antiClickJackingUri] of filter [headers] has invalid value []');
    expect(failure('badoption')).toContain('Init parameter [antiClickJackingOption] of filter [headers] has invalid value [NEVER]');
  });
});
