/**
 * A TLS connector end to end: SSLHostConfig/Certificate from server.xml with PEM files made by openssl at
 * test time, SNI with `_default_` fallback, protocol floor, client certificates, reload and broken files.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNALS_OFF_ENV, resetNodeInternalsForTests } from '../../../src/net/node-internals/index.js';
import { createPki, type Pki } from '../../helpers/tls-certificates.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';

const TLS_APP = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'tls');

let pki: Pki;

beforeAll(() => {
  pki = createPki();
});

afterAll(() => {
  pki?.remove();
});

function serverXml(appBase: string, connector: string): string {
  return `<?xml version="1.0"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    ${connector}
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="${appBase}" autoDeploy="false">
        <Context path="/tls" docBase="${TLS_APP}"/>
      </Host>
    </Engine>
  </Service>
</Server>
`;
}

interface ClientOptions {
  servername?: string;
  cert?: string;
  key?: string;
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  ciphers?: string;
  /** Host header; node's default is the address and port connected to. */
  host?: string;
}

interface HttpsResult {
  status: number;
  body: string;
  /** CN of the certificate the server presented. */
  serverCn: string;
  serverSerial: string;
  protocol: string | null;
  /** The Connection response header. */
  connection: string | undefined;
}

/** One HTTPS GET on a fresh connection (no agent, no session reuse), trusting only the test CA. */
function get(port: number, path: string, options: ClientOptions = {}): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: '127.0.0.1',
        port,
        path,
        agent: false,
        ca: pki.read(pki.caCert),
        servername: options.servername ?? 'localhost',
        ...(options.cert === undefined ? {} : { cert: pki.read(options.cert), key: pki.read(options.key!) }),
        ...(options.minVersion === undefined ? {} : { minVersion: options.minVersion }),
        ...(options.maxVersion === undefined ? {} : { maxVersion: options.maxVersion }),
        ...(options.ciphers === undefined ? {} : { ciphers: options.ciphers }),
        ...(options.host === undefined ? {} : { headers: { host: options.host } }),
        timeout: 5000,
      },
      (response) => {
        const socket = response.socket as tls.TLSSocket;
        const peer = socket.getPeerCertificate();
        const protocol = socket.getProtocol();
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body,
            serverCn: String(peer.subject?.CN ?? ''),
            serverSerial: peer.serialNumber,
            protocol,
            connection: response.headers.connection,
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
    request.end();
  });
}

/** The certificate the server presents for a server name, without trusting anything (to see the fallback). */
function presentedCn(port: number, servername: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      { host: '127.0.0.1', port, rejectUnauthorized: false, ...(servername === undefined ? {} : { servername }) },
      () => {
        const cn = String(socket.getPeerCertificate().subject?.CN ?? '');
        socket.destroy();
        resolve(cn);
      },
    );
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('timed out')));
  });
}

/**
 * Every TLS case runs twice: with certificate verification switched by SNI through the TLSSocket's handle (a
 * Node internal, checked at startup), and on the public path a Node without that internal takes (a private
 * tls.Server; net/tls-context.ts).
 */
const PATHS = [
  { name: "the TLSSocket's handle", off: undefined },
  { name: 'the public tls.Server path', off: 'tls-handle' },
] as const;

for (const path of PATHS) {
  describe(`TLS through ${path.name}`, () => {
    const saved = process.env[INTERNALS_OFF_ENV];
    beforeAll(() => {
      setEnv(INTERNALS_OFF_ENV, path.off);
      resetNodeInternalsForTests();
    });
    afterAll(() => {
      setEnv(INTERNALS_OFF_ENV, saved);
      resetNodeInternalsForTests();
    });

    describe('TLS connector with two SSLHostConfigs', () => {
      let server: TestServer;

      beforeAll(async () => {
        const connector = `<Connector port="0" address="127.0.0.1" protocol="HTTP/1.1" SSLEnabled="true">
        <SSLHostConfig certificateVerification="optional" caCertificateFile="${pki.caCert}">
          <Certificate certificateFile="${pki.localhostCert}" certificateKeyFile="${pki.localhostKey}"/>
        </SSLHostConfig>
        <SSLHostConfig hostName="other.test" certificateVerification="required" caCertificateFile="${pki.caCert}">
          <Certificate certificateFile="${pki.otherCert}" certificateKeyFile="${pki.otherKey}" certificateKeyPassword="${pki.otherKeyPassword}"/>
        </SSLHostConfig>
      </Connector>`;
        server = await startTestServer({ serverXml: serverXml(join(REPO_ROOT, 'webapps'), connector) });
      });

      afterAll(async () => {
        await server?.close();
      });

      it(`verifies client certificates through ${path.name}`, () => {
        const fallback = server.logs.filter(
          (record) => record.code === 'SV_MSG_NODE_INTERNAL_FALLBACK' && record['feature'] === 'tls-handle',
        );
        expect(fallback).toHaveLength(path.off === undefined ? 0 : 1);
      });

      it('serves the examples app over HTTPS with scheme https and secure true', async () => {
        const response = await get(server.port, '/examples/request-info/x');
        expect(response.status).toBe(200);
        const info = JSON.parse(response.body) as Record<string, unknown>;
        expect(info).toMatchObject({ scheme: 'https', secure: true, requestURI: '/examples/request-info/x' });
        expect(response.serverCn).toBe('localhost');
      });

      it('refuses plain HTTP on the TLS port without answering in clear text', async () => {
        const { connect } = await import('node:net');
        const received = await new Promise<string>((resolve) => {
          const socket = connect(server.port, '127.0.0.1');
          let text = '';
          socket.on('data', (chunk) => (text += chunk.toString('latin1')));
          socket.on('close', () => resolve(text));
          socket.on('error', () => undefined);
          socket.setTimeout(5000, () => socket.destroy());
          socket.write('GET /examples/hello HTTP/1.1\r\nHost: localhost\r\n\r\n');
        });
        expect(received).not.toContain('HTTP/1.1');
      });

      it('picks the certificate by SNI and falls back to _default_ for no or an unknown name', async () => {
        expect(await presentedCn(server.port, 'other.test')).toBe('other.test');
        expect(await presentedCn(server.port, 'OTHER.test')).toBe('other.test');
        expect(await presentedCn(server.port, 'localhost')).toBe('localhost');
        expect(await presentedCn(server.port, 'unknown.example')).toBe('localhost');
        expect(await presentedCn(server.port, undefined)).toBe('localhost');
      });

      it('negotiates TLSv1.3 and TLSv1.2 but refuses TLSv1.1 by default', async () => {
        expect((await get(server.port, '/tls/info')).protocol).toBe('TLSv1.3');
        expect((await get(server.port, '/tls/info', { maxVersion: 'TLSv1.2' })).protocol).toBe('TLSv1.2');
        // The client would accept TLSv1.1 (even at OpenSSL security level 0); the server must not.
        await expect(
          get(server.port, '/tls/info', { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }),
        ).rejects.toThrow(/protocol|version/i);
      });

      it('optional: a client without a certificate is served and sees no certificate attribute', async () => {
        const response = await get(server.port, '/tls/info');
        expect(response.status).toBe(200);
        const info = JSON.parse(response.body) as Record<string, unknown>;
        expect(info['certificates']).toBeNull();
        expect(info['scheme']).toBe('https');
        expect(info['secure']).toBe(true);
        expect(info['cipherSuite']).toMatch(/^TLS_/);
        expect(info['protocol']).toBe('TLSv1.3');
      });

      it('optional: a valid client certificate reaches the servlet with cipher suite, key size and session id', async () => {
        const response = await get(server.port, '/tls/info', { cert: pki.clientCert, key: pki.clientKey, maxVersion: 'TLSv1.2' });
        expect(response.status).toBe(200);
        const info = JSON.parse(response.body) as {
          certificates: string[];
          cipherSuite: string;
          keySize: number;
          sessionId: string;
          protocol: string;
        };
        expect(info.certificates[0]).toContain('CN=Test Client');
        expect(info.protocol).toBe('TLSv1.2');
        expect(info.cipherSuite).toMatch(/^TLS_ECDHE_ECDSA_WITH_/);
        const expectedBits = info.cipherSuite.includes('AES_128') ? 128 : 256;
        expect(info.keySize).toBe(expectedBits);
        expect(info.sessionId).toMatch(/^[0-9a-f]{2,}$/);
      });

      it('optional: a certificate from an untrusted CA is refused', async () => {
        await expect(get(server.port, '/tls/info', { cert: pki.strangerCert, key: pki.strangerKey })).rejects.toThrow();
        // …while the connector keeps serving others.
        expect((await get(server.port, '/tls/info')).status).toBe(200);
      });

      it('required (selected by SNI, encrypted key): no certificate is refused, a valid one is served', async () => {
        await expect(get(server.port, '/tls/info', { servername: 'other.test', host: 'other.test' })).rejects.toThrow();
        const response = await get(server.port, '/tls/info', {
          servername: 'other.test',
          host: 'other.test',
          cert: pki.clientCert,
          key: pki.clientKey,
        });
        expect(response.status).toBe(200);
        expect(response.serverCn).toBe('other.test');
        const info = JSON.parse(response.body) as { certificates: string[]; keySize: number };
        expect(info.certificates[0]).toContain('CN=Test Client');
        expect(info.keySize).toBeGreaterThanOrEqual(128);
      });

      it('required: a certificate from an untrusted CA is refused', async () => {
        await expect(
          get(server.port, '/tls/info', { servername: 'other.test', host: 'other.test', cert: pki.strangerCert, key: pki.strangerKey }),
        ).rejects.toThrow();
        expect(server.logs.some((record) => record.code === 'SV_ERR_TLS_CLIENT_CERT_REJECTED')).toBe(true);
      });

      it('required on one host does not affect the default host (verification follows SNI)', async () => {
        const response = await get(server.port, '/tls/info', { servername: 'localhost' });
        expect(response.status).toBe(200);
      });

      it('strictSni (default): a Host that selects another SSLHostConfig than the SNI name gets 421 and a close', async () => {
        // The attack strictSni stops: handshake on the default host (no client certificate needed), then ask for
        // the host whose SSLHostConfig requires one.
        const dodged = await get(server.port, '/tls/info', { servername: 'localhost', host: 'other.test' });
        expect(dodged.status).toBe(421);
        expect(dodged.connection).toBe('close');
        expect(dodged.body).toContain('strictSni');
        const reverse = await get(server.port, '/tls/info', {
          servername: 'other.test',
          host: 'localhost:8443',
          cert: pki.clientCert,
          key: pki.clientKey,
        });
        expect(reverse.status).toBe(421);
        expect(server.logs.some((record) => record.code === 'SV_ERR_HTTP_MISDIRECTED_REQUEST')).toBe(true);
      });

      it('strictSni: names that select the same SSLHostConfig are served (case, port, an unknown Host falling back to _default_)', async () => {
        expect(
          (
            await get(server.port, '/tls/info', {
              servername: 'other.test',
              host: 'OTHER.test:443',
              cert: pki.clientCert,
              key: pki.clientKey,
            })
          ).status,
        ).toBe(200);
        expect((await get(server.port, '/tls/info', { servername: 'localhost', host: 'unknown.example' })).status).toBe(200);
      });
    });

    describe('TLS connector with strictSni="false"', () => {
      let server: TestServer;

      beforeAll(async () => {
        const connector = `<Connector port="0" address="127.0.0.1" protocol="HTTP/1.1" SSLEnabled="true" strictSni="false">
        <SSLHostConfig><Certificate certificateFile="${pki.localhostCert}" certificateKeyFile="${pki.localhostKey}"/></SSLHostConfig>
        <SSLHostConfig hostName="other.test"><Certificate certificateFile="${pki.otherCert}" certificateKeyFile="${pki.otherKey}" certificateKeyPassword="${pki.otherKeyPassword}"/></SSLHostConfig>
      </Connector>`;
        server = await startTestServer({ serverXml: serverXml(join(REPO_ROOT, 'webapps'), connector) });
      });

      afterAll(async () => {
        await server?.close();
      });

      it('serves a Host that selects another SSLHostConfig than the SNI name', async () => {
        const response = await get(server.port, '/tls/info', { servername: 'localhost', host: 'other.test' });
        expect(response.status).toBe(200);
        expect(response.serverCn).toBe('localhost');
      });
    });

    describe('TLS certificate reload and broken files', () => {
      let dir: string;

      beforeAll(() => {
        dir = mkdtempSync(join(tmpdir(), 'serval-tls-'));
      });

      afterAll(() => {
        rmSync(dir, { recursive: true, force: true });
      });

      function connector(cert: string, key: string, extra = ''): string {
        return `<Connector port="0" address="127.0.0.1" SSLEnabled="true">
        <SSLHostConfig ${extra}><Certificate certificateFile="${cert}" certificateKeyFile="${key}"/></SSLHostConfig>
      </Connector>`;
      }

      it('reload picks up a new certificate without a restart; a broken one keeps the old and says why', async () => {
        const cert = join(dir, 'served.pem');
        const key = join(dir, 'served.key');
        copyFileSync(pki.localhostCert, cert);
        copyFileSync(pki.localhostKey, key);
        const server = await startTestServer({ serverXml: serverXml(dir, connector(cert, key)) });
        try {
          const before = await get(server.port, '/tls/info');
          expect(before.status).toBe(200);

          const renewed = pki.issueServer('renewed', 'localhost');
          copyFileSync(renewed.cert, cert);
          copyFileSync(renewed.key, key);
          const tlsConnector = server.catalina.server.services[0]!.connectors[0]!;
          // Nothing changes until the reload is asked for.
          expect((await get(server.port, '/tls/info')).serverSerial).toBe(before.serverSerial);
          tlsConnector.reloadSslHostConfigs();
          const after = await get(server.port, '/tls/info');
          expect(after.status).toBe(200);
          expect(after.serverSerial).not.toBe(before.serverSerial);

          writeFileSync(key, 'not a key\n');
          expect(() => tlsConnector.reloadSslHostConfigs()).toThrow(
            /SSLHostConfig \[_default_\].*certificateKeyFile|certificateKeyFile.*served\.key/,
          );
          const still = await get(server.port, '/tls/info');
          expect(still.serverSerial).toBe(after.serverSerial);
          expect(() => tlsConnector.reloadSslHostConfigs('nope.example')).toThrow(/no SSLHostConfig with this hostName/);
        } finally {
          await server.close();
        }
      });

      it('a client that never completes the handshake is cut off by connectionTimeout and frees its maxConnections slot', async () => {
        const xml = serverXml(
          dir,
          connector(pki.localhostCert, pki.localhostKey).replace(
            'SSLEnabled="true"',
            'SSLEnabled="true" connectionTimeout="300" maxConnections="1"',
          ),
        );
        const server = await startTestServer({ serverXml: xml });
        try {
          const { connect } = await import('node:net');
          const closed = await new Promise<boolean>((resolve) => {
            const socket = connect(server.port, '127.0.0.1');
            socket.on('error', () => undefined);
            socket.on('close', () => resolve(true));
            // Generous bound: only proves the 300 ms timeout fired at all.
            setTimeout(() => {
              socket.destroy();
              resolve(false);
            }, 5000);
          });
          expect(closed).toBe(true);
          // The only slot is free again: a real client is served.
          expect((await get(server.port, '/tls/info')).status).toBe(200);
          expect(
            server.logs.some((record) => record.code === 'SV_ERR_TLS_HANDSHAKE_TIMEOUT' && /connectionTimeout \[300\]/.test(record.msg)),
          ).toBe(true);
        } finally {
          await server.close();
        }
      });

      it('a broken key file fails the start with a message naming the file', async () => {
        const key = join(dir, 'broken.key');
        writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
        const started = startTestServer({ serverXml: serverXml(dir, connector(pki.localhostCert, key)) });
        const error = await started.then(
          async (server) => {
            await server.close();
            return undefined;
          },
          (failure: unknown) => failure,
        );
        expect(error).toBeInstanceOf(Error);
        const text = describeError(error);
        expect(text).toContain('SV_ERR_TLS_CERTIFICATE');
        expect(text).toContain(`[${key}]`);
        expect(text).toContain('certificateKeyFile');
      });

      it('a key that does not match the certificate fails the start', async () => {
        const error = await startTestServer({ serverXml: serverXml(dir, connector(pki.localhostCert, pki.clientKey)) }).then(
          async (server) => {
            await server.close();
            return undefined;
          },
          (failure: unknown) => failure,
        );
        expect(describeError(error)).toMatch(/does not belong to the certificate/);
      });
    });

    /** The message and code of an error and of all its causes (lifecycle errors wrap the connector's). */
    function describeError(error: unknown): string {
      const parts: string[] = [];
      let current: unknown = error;
      for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
        if (current instanceof AggregateError) parts.push(...current.errors.map(describeError));
        if (current instanceof Error) {
          parts.push(`${(current as { code?: string }).code ?? ''} ${current.message}`);
          current = current.cause;
        } else {
          parts.push(typeof current === 'string' ? current : JSON.stringify(current));
          break;
        }
      }
      return parts.join('\n');
    }
  });
}

function setEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
