/**
 * SSLValve (issue #21): TLS ends at a real nginx that verifies the client certificate and forwards it in
 * `ssl_client_escaped_cert`; the container's CLIENT-CERT login accepts it as it accepts one from its own TLS
 * connector. httpd's format (mod_headers' `%{SSL_CLIENT_CERT}s`, line breaks turned into spaces) is sent directly.
 */
import https from 'node:https';
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNginx, type Nginx } from '../../helpers/nginx.js';
import { createPki, type Pki } from '../../helpers/tls-certificates.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';

const APP_BASE = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'auth');
const USERS = join(REPO_ROOT, 'test', 'fixtures', 'auth', 'cert-users.xml');

interface Reply {
  readonly status: number;
  readonly body: string;
}

describe('SSLValve behind nginx terminating TLS', () => {
  let pki: Pki;
  let server: TestServer;
  let nginx: Nginx;

  beforeAll(async () => {
    pki = createPki();
    server = await startTestServer({
      appBase: APP_BASE,
      engineContent: `<Realm className="org.apache.catalina.realm.MemoryRealm" pathname="${USERS}"/>
        <Valve className="org.apache.catalina.valves.RemoteIpValve"/>
        <Valve className="org.apache.catalina.valves.SSLValve"/>`,
    });
    nginx = await startNginx({
      backendPort: server.port,
      tls: { cert: pki.localhostCert, key: pki.localhostKey, clientCa: pki.caCert },
      locationConfig: [
        'proxy_set_header X-Forwarded-Proto https;',
        'proxy_set_header ssl_client_escaped_cert $ssl_client_escaped_cert;',
        'proxy_set_header ssl_cipher $ssl_cipher;',
        'proxy_set_header ssl_session_id $ssl_session_id;',
      ],
    });
  });
  afterAll(async () => {
    await nginx?.stop();
    await server?.close();
    pki?.remove();
  });

  function viaNginx(path: string, cert: 'client' | 'stranger' | null): Promise<Reply> {
    const tls =
      cert === 'client'
        ? { cert: pki.read(pki.clientCert), key: pki.read(pki.clientKey) }
        : cert === 'stranger'
          ? { cert: pki.read(pki.strangerCert), key: pki.read(pki.strangerKey) }
          : {};
    return new Promise((resolve, reject) => {
      const request = https.request(
        { host: '127.0.0.1', port: nginx.port, path, ca: pki.read(pki.caCert), servername: 'localhost', agent: false, ...tls },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      request.on('error', reject);
      request.end();
    });
  }

  it('logs in with CLIENT-CERT the user of the certificate nginx verified', async () => {
    const reply = await viaNginx('/clientcert/x', 'client');
    expect(reply.status, reply.body).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ user: 'CN=Test Client', authType: 'CLIENT_CERT' });
  });

  it('answers 401 without a certificate, and to one nginx could not verify', async () => {
    expect((await viaNginx('/clientcert/x', null)).status).toBe(401);
    // nginx does not forward an unverified certificate (optional verification fails the handshake's check: 400).
    expect((await viaNginx('/clientcert/x', 'stranger')).status).not.toBe(200);
  });

  it("reads httpd's format (line breaks as spaces) and ignores mod_headers' (null) and garbage", async () => {
    const pem = pki.read(pki.clientCert).toString().trim().replace(/\n/g, ' ');
    const direct = (headers: Record<string, string>): Promise<Reply> =>
      new Promise((resolve, reject) => {
        const request = http.request(`http://127.0.0.1:${server.port}/clientcert/x`, { headers, agent: false }, (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        });
        request.on('error', reject);
        request.end();
      });
    const accepted = await direct({ ssl_client_cert: pem, ssl_cipher_usekeysize: '256' });
    expect(accepted.status, accepted.body).toBe(200);
    expect(JSON.parse(accepted.body)).toMatchObject({ user: 'CN=Test Client' });
    expect((await direct({ ssl_client_cert: '(null)' })).status).toBe(401);
    expect((await direct({ ssl_client_cert: '-----BEGIN CERTIFICATE----- bm90IGEgY2VydA== -----END CERTIFICATE-----' })).status).toBe(401);
    expect(server.logs.some((record) => record.code === 'SV_ERR_SSL_VALVE_CERTIFICATE')).toBe(true);
    expect((await direct({ ssl_cipher_usekeysize: 'lots' })).status).toBe(401);
  });
});
