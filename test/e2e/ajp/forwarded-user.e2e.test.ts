// Issue #6: what a trusted front end forwards reaches the application. httpd authenticates with mod_auth_basic
// and forwards REMOTE_USER and AUTH_TYPE over mod_proxy_ajp (tomcatAuthentication="false" trusts them), and an
// `AJP_`-prefixed environment variable arrives as a request attribute (allowedRequestAttributesPattern).
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AjpClient } from '../../helpers/ajp-client.js';
import { fetchHttp } from '../../helpers/http-fetch.js';
import { startHttpd, type Httpd } from '../../helpers/httpd.js';
import { REPO_ROOT } from '../../helpers/test-server.js';
import { SECRET, startAjpServer, type AjpTestServer } from './ajp-server.js';

const MODULES = '/usr/lib/apache2/modules';

/** An Apache password file in the {SHA} format (no htpasswd binary needed), readable by httpd's `nobody` workers. */
function htpasswd(file: string, user: string, password: string): void {
  writeFileSync(file, `${user}:{SHA}${createHash('sha1').update(password).digest('base64')}\n`, { mode: 0o644 });
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

interface Echo {
  remoteUser: string | null;
  authType: string | null;
  principal: string | null;
  forwardedAttribute: string | null;
  forwardedAttributeListed: boolean;
}

describe('httpd mod_proxy_ajp → AJP connector: forwarded user and request attributes', () => {
  let dir: string;
  let trusting: AjpTestServer;
  let httpd: Httpd;
  let agent: http.Agent;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'serval-ajp-auth-'));
    chmodSync(dir, 0o755);
    htpasswd(join(dir, 'htpasswd'), 'alice', 's3cret');
    trusting = await startAjpServer(`secret="${SECRET}" tomcatAuthentication="false" allowedRequestAttributesPattern="X_TEST"`);
    httpd = await startHttpd({
      frontEnd: 'proxy-ajp',
      backendPort: trusting.ajpPort,
      secret: SECRET,
      extraConfig: [
        `LoadModule auth_basic_module ${MODULES}/mod_auth_basic.so`,
        `LoadModule authn_core_module ${MODULES}/mod_authn_core.so`,
        `LoadModule authn_file_module ${MODULES}/mod_authn_file.so`,
        `LoadModule authz_user_module ${MODULES}/mod_authz_user.so`,
        `LoadModule env_module ${MODULES}/mod_env.so`,
        // mod_proxy_ajp sends AJP_* environment variables as request attributes, without the prefix.
        'SetEnv AJP_X_TEST forwarded-value',
        '<Location "/echo/secure">',
        '  AuthType Basic',
        '  AuthName "serval"',
        `  AuthUserFile "${join(dir, 'htpasswd')}"`,
        '  Require valid-user',
        '</Location>',
      ],
    });
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  });
  afterAll(async () => {
    agent?.destroy();
    await httpd?.stop();
    await trusting?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the user httpd authenticated is the remote user, principal and auth type', async () => {
    expect((await fetchHttp(`${httpd.url}/echo/secure`, { agent })).status).toBe(401);
    const response = await fetchHttp(`${httpd.url}/echo/secure`, { agent, headers: { authorization: basic('alice', 's3cret') } });
    expect(response.status).toBe(200);
    const echo = JSON.parse(response.body.toString()) as Echo;
    expect(echo).toMatchObject({ remoteUser: 'alice', principal: 'alice', authType: 'Basic' });
  });

  it('an allowed request attribute from SetEnv AJP_X_TEST is readable and listed', async () => {
    const response = await fetchHttp(`${httpd.url}/echo/open`, { agent });
    expect(response.status).toBe(200);
    const echo = JSON.parse(response.body.toString()) as Echo;
    expect(echo).toMatchObject({ forwardedAttribute: 'forwarded-value', forwardedAttributeListed: true, remoteUser: null, authType: null });
  });
});

describe('AJP connector with tomcatAuthentication="true" (the default)', () => {
  let server: AjpTestServer;
  let client: AjpClient | undefined;

  beforeAll(async () => {
    server = await startAjpServer();
  });
  afterAll(async () => {
    client?.close();
    await server?.close();
  });

  it('ignores the remote user a front end sends', async () => {
    client = await AjpClient.connect(server.ajpPort);
    const response = await client.request({ uri: '/echo/x', secret: SECRET, remoteUser: 'mallory', authType: 'Basic' });
    expect(response.status).toBe(200);
    const echo = JSON.parse(response.body.toString()) as Echo;
    expect(echo).toMatchObject({ remoteUser: null, principal: null, authType: null });
  });
});

describe('AJP connector with tomcatAuthorization="true" (issue #20)', () => {
  let server: AjpTestServer;
  let client: AjpClient | undefined;

  beforeAll(async () => {
    const auth = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'auth', 'basic');
    const users = join(REPO_ROOT, 'test', 'fixtures', 'auth', 'users.xml');
    server = await startAjpServer(
      `secret="${SECRET}" tomcatAuthorization="true"`,
      `<Context path="/who" docBase="${auth}"><Realm className="org.apache.catalina.realm.MemoryRealm" pathname="${users}"/></Context>`,
    );
  });
  afterAll(async () => {
    client?.close();
    await server?.close();
  });

  it("takes the user the front end authenticated, with the roles the Context's Realm gives it", async () => {
    client = await AjpClient.connect(server.ajpPort);
    const alice = await client.request({ uri: '/who/admin/x', secret: SECRET, remoteUser: 'alice', authType: 'Basic' });
    expect(alice.status).toBe(200);
    expect(JSON.parse(alice.body.toString())).toMatchObject({ user: 'alice', admin: true, authType: 'Basic' });
    // bob exists but lacks the role; a user the realm does not know is nobody.
    expect((await client.request({ uri: '/who/admin/x', secret: SECRET, remoteUser: 'bob', authType: 'Basic' })).status).toBe(403);
    const stranger = await client.request({ uri: '/who/who/x', secret: SECRET, remoteUser: 'mallory', authType: 'Basic' });
    expect(JSON.parse(stranger.body.toString())).toMatchObject({ user: null });
  });
});
