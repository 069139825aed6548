/**
 * DIGEST (RFC 7616) and CLIENT-CERT logins end to end, over the real TLS connector: a client that computes digest
 * responses itself (SHA-256 and MD5, nonce counts, replays, a wrong uri), and clients presenting a certificate from
 * the trusted CA, from an untrusted one, or none. An application asking for DIGEST over a realm of salted hashes is
 * refused at deployment.
 */
import { createHash } from 'node:crypto';
import https from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPki, type Pki } from '../../helpers/tls-certificates.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';

const appBase = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'auth');
const users = join(REPO_ROOT, 'test', 'fixtures', 'auth', 'cert-users.xml');

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  /** Every WWW-Authenticate field as sent (node joins repeated ones in `headers`). */
  readonly challenges: string[];
  readonly body: string;
}

describe('DIGEST and CLIENT-CERT', () => {
  let pki: Pki;
  let server: TestServer;

  beforeAll(async () => {
    pki = createPki();
    server = await startTestServer({
      appBase,
      connectorAttributes: 'SSLEnabled="true"',
      connectorContent: `<SSLHostConfig certificateVerification="optional" caCertificateFile="${pki.caCert}">
          <Certificate certificateFile="${pki.localhostCert}" certificateKeyFile="${pki.localhostKey}"/>
        </SSLHostConfig>`,
      engineContent: `<Realm className="org.apache.catalina.realm.MemoryRealm" pathname="${users}"/>`,
      hostContent: `<Context path="/salted" docBase="${join(appBase, 'digest')}">
          <Realm className="org.apache.catalina.realm.MemoryRealm" pathname="${users}">
            <CredentialHandler className="org.apache.catalina.realm.SecretKeyCredentialHandler"/>
          </Realm>
        </Context>`,
    });
  });

  afterAll(async () => {
    await server?.close();
    pki?.remove();
  });

  function get(path: string, options: { headers?: Record<string, string>; cert?: 'client' | 'stranger' } = {}): Promise<Answer> {
    const tls =
      options.cert === 'client'
        ? { cert: pki.read(pki.clientCert), key: pki.read(pki.clientKey) }
        : options.cert === 'stranger'
          ? { cert: pki.read(pki.strangerCert), key: pki.read(pki.strangerKey) }
          : {};
    return new Promise((resolve, reject) => {
      const request = https.request(
        {
          host: '127.0.0.1',
          port: server.port,
          path,
          headers: options.headers ?? {},
          ca: pki.read(pki.caCert),
          servername: 'localhost',
          agent: false,
          ...tls,
        },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          const challenges = response.rawHeaders.filter((_, i, raw) => i % 2 === 1 && raw[i - 1]!.toLowerCase() === 'www-authenticate');
          response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, challenges, body }));
        },
      );
      request.on('error', reject);
      request.end();
    });
  }

  describe('DIGEST (RFC 7616)', () => {
    /** The challenge parameters of the first WWW-Authenticate value for `algorithm`. */
    async function challenge(path: string, algorithm: string): Promise<Record<string, string>> {
      const response = await get(path);
      expect(response.status).toBe(401);
      const value = response.challenges.find((v) => v.endsWith(`algorithm=${algorithm}`))!;
      return Object.fromEntries([...value.matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]+))/g)].map((m) => [m[1]!, m[2] ?? m[3]!]));
    }

    function authorization(
      params: Record<string, string>,
      options: { user: string; password: string; uri: string; nc: string; algorithm: 'SHA-256' | 'MD5'; method?: string },
    ): string {
      const hash = (text: string): string =>
        createHash(options.algorithm === 'MD5' ? 'md5' : 'sha256')
          .update(text)
          .digest('hex');
      const cnonce = 'f00dfeed';
      const ha1 = hash(`${options.user}:${params['realm']}:${options.password}`);
      const ha2 = hash(`${options.method ?? 'GET'}:${options.uri}`);
      const response = hash(`${ha1}:${params['nonce']}:${options.nc}:${cnonce}:auth:${ha2}`);
      return (
        `Digest username="${options.user}", realm="${params['realm']}", nonce="${params['nonce']}", uri="${options.uri}", ` +
        `algorithm=${options.algorithm}, response="${response}", opaque="${params['opaque']}", qop=auth, nc=${options.nc}, cnonce="${cnonce}"`
      );
    }

    it('offers SHA-256 first, then MD5, and logs in with either', async () => {
      const response = await get('/digest/x');
      expect(response.challenges.map((v) => v.slice(v.lastIndexOf('algorithm=')))).toEqual(['algorithm=SHA-256', 'algorithm=MD5']);
      for (const algorithm of ['SHA-256', 'MD5'] as const) {
        const params = await challenge('/digest/x', algorithm);
        const ok = await get('/digest/x', {
          headers: {
            authorization: authorization(params, { user: 'carl', password: 'carl-pw', uri: '/digest/x', nc: '00000001', algorithm }),
          },
        });
        expect(ok.status).toBe(200);
        expect(JSON.parse(ok.body)).toMatchObject({ user: 'carl', authType: 'DIGEST' });
      }
    });

    it('refuses a replayed nonce count, a wrong password and a uri that is not the request’s', async () => {
      const params = await challenge('/digest/a', 'SHA-256');
      const first = authorization(params, { user: 'carl', password: 'carl-pw', uri: '/digest/a', nc: '00000001', algorithm: 'SHA-256' });
      expect((await get('/digest/a', { headers: { authorization: first } })).status).toBe(200);
      expect((await get('/digest/a', { headers: { authorization: first } })).status).toBe(401);
      const next = authorization(params, { user: 'carl', password: 'carl-pw', uri: '/digest/a', nc: '00000002', algorithm: 'SHA-256' });
      expect((await get('/digest/a', { headers: { authorization: next } })).status).toBe(200);
      const wrong = authorization(params, { user: 'carl', password: 'nope', uri: '/digest/a', nc: '00000003', algorithm: 'SHA-256' });
      expect((await get('/digest/a', { headers: { authorization: wrong } })).status).toBe(401);
      const elsewhere = authorization(params, {
        user: 'carl',
        password: 'carl-pw',
        uri: '/digest/b',
        nc: '00000004',
        algorithm: 'SHA-256',
      });
      expect((await get('/digest/a', { headers: { authorization: elsewhere } })).status).toBe(400);
    });

    it('answers forged nonces and malformed or repeated parameters with a new challenge, never a 500', async () => {
      const params = await challenge('/digest/a', 'SHA-256');
      const forged = authorization(
        { ...params, nonce: 'AAAA' },
        { user: 'carl', password: 'carl-pw', uri: '/digest/a', nc: '00000001', algorithm: 'SHA-256' },
      );
      for (const header of [forged, 'Digest username="carl", username="carl"', 'Digest realm=', `Digest ${'x'.repeat(4000)}`]) {
        const response = await get('/digest/a', { headers: { authorization: header } });
        expect(response.status).toBe(401);
        expect(response.headers['www-authenticate']).toBeDefined();
      }
    });

    it('refuses to deploy DIGEST over a realm of salted, iterated hashes, saying why', async () => {
      expect((await get('/salted/x')).status).toBe(404);
      const logged = server.logs.map((record) => JSON.stringify(record)).join('\n');
      expect(logged).toContain('its DIGEST login cannot offer [SHA-256]');
    });
  });

  describe('CLIENT-CERT', () => {
    it('logs in the user the verified certificate names (its subject DN, as Tomcat)', async () => {
      const response = await get('/clientcert/x', { cert: 'client' });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ user: 'CN=Test Client', authType: 'CLIENT_CERT' });
    });

    it('refuses a client without a certificate (401); one whose certificate the CA did not sign loses its connection', async () => {
      expect((await get('/clientcert/x')).status).toBe(401);
      // certificateVerification="optional": a certificate that is sent must verify, or the connector drops the connection.
      await expect(get('/clientcert/x', { cert: 'stranger' })).rejects.toThrow();
    });
  });
});
