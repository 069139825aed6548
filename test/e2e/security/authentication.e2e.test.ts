/**
 * Realms, constraints and the BASIC and FORM logins end to end (issue #20): the real server on port 0 with a
 * LockOutRealm around a UserDatabaseRealm over a global UserDatabase (Tomcat's default shape), webapps whose
 * web.xml declares constraints, and a Context with its own realm. Raw HTTP clients see what a browser would.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHttp } from '../../helpers/http-fetch.js';
import { basic, json, sessionCookie } from '../../helpers/auth-clients.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';

const appBase = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'auth');
const fixtures = join(REPO_ROOT, 'test', 'fixtures', 'auth');

describe('realms, constraints, BASIC and FORM', () => {
  let server: TestServer;
  let dir: string;
  let usersFile: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'serval-auth-'));
    usersFile = join(dir, 'tomcat-users.xml');
    copyFileSync(join(fixtures, 'users.xml'), usersFile);
    server = await startTestServer({
      appBase,
      connectorAttributes: 'redirectPort="8443"',
      serverContent: `<GlobalNamingResources>
        <Resource name="UserDatabase" auth="Container" type="org.apache.catalina.UserDatabase"
                  factory="org.apache.catalina.users.MemoryUserDatabaseFactory" pathname="${usersFile}"/>
      </GlobalNamingResources>`,
      engineContent: `<Realm className="org.apache.catalina.realm.LockOutRealm" failureCount="3">
        <Realm className="org.apache.catalina.realm.UserDatabaseRealm" resourceName="UserDatabase"/>
      </Realm>`,
      hostContent: `
        <Context path="" docBase="${join(appBase, 'form')}"/>
        <Context path="/tuned" docBase="${join(appBase, 'form')}">
          <Valve className="org.apache.catalina.authenticator.FormAuthenticator" landingPage="/app/welcome"
                 securePagesWithPragma="true" changeSessionIdOnAuthentication="false"/>
        </Context>
        <Context path="/sessioned" docBase="${join(appBase, 'basic')}">
          <Valve className="org.apache.catalina.authenticator.BasicAuthenticator" alwaysUseSession="true" cache="true"/>
        </Context>
        <Context path="/own" docBase="${join(appBase, 'basic')}">
          <Realm className="org.apache.catalina.realm.MemoryRealm" pathname="${join(fixtures, 'context-users.xml')}"/>
        </Context>`,
    });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('BASIC (RFC 7617)', () => {
    it('challenges a request for a constrained resource, with the realm name quoted and UTF-8 announced', async () => {
      const response = await fetchHttp(`${server.url}/basic/admin/page`);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Basic realm="Serval \\"Test\\"", charset="UTF-8"');
      // Constrained responses are kept out of shared caches (disableProxyCaching).
      expect(response.headers['cache-control']).toBe('private');
    });

    it('lets the right user in, with the principal, auth type and roles the Servlet API reports', async () => {
      const response = await fetchHttp(`${server.url}/basic/admin/page`, { headers: basic('alice', 'alice-pw') });
      expect(response.status).toBe(200);
      expect(json(response)).toMatchObject({
        user: 'alice',
        principal: 'alice',
        authType: 'BASIC',
        admin: true,
        // <security-role-ref> boss → admin (Servlet 6.0 §13.3); `*` is never a role; `**` is any logged-in user.
        boss: true,
        star: false,
        any: true,
      });
    });

    it('forbids a user without the role (403) and lets `**` admit any logged-in user', async () => {
      expect((await fetchHttp(`${server.url}/basic/admin/page`, { headers: basic('bob', 'bob-pw') })).status).toBe(403);
      const user = await fetchHttp(`${server.url}/basic/user/page`, { headers: basic('bob', 'bob-pw') });
      expect(user.status).toBe(200);
      expect(json(user)).toMatchObject({ user: 'bob', admin: false, boss: false, any: true });
    });

    it('decodes user names and passwords as UTF-8', async () => {
      const response = await fetchHttp(`${server.url}/basic/user/page`, { headers: basic('zoë', 'pässwörd') });
      expect(response.status).toBe(200);
      expect(json(response)['user']).toBe('zoë');
    });

    it('answers a wrong password and an unknown user the same way: 401 with a fresh challenge', async () => {
      const wrong = await fetchHttp(`${server.url}/basic/user/page`, { headers: basic('alice', 'nope') });
      const unknown = await fetchHttp(`${server.url}/basic/user/page`, { headers: basic('mallory', 'nope') });
      for (const response of [wrong, unknown]) {
        expect(response.status).toBe(401);
        expect(response.headers['www-authenticate']).toContain('Basic realm=');
      }
      expect(unknown.body.length).toBe(wrong.body.length);
    });

    it('answers malformed credentials with 400, and keeps serving', async () => {
      for (const header of ['Basic !!!notbase64', `Basic ${Buffer.from('no-colon').toString('base64')}`]) {
        const response = await fetchHttp(`${server.url}/basic/user/page`, { headers: { authorization: header } });
        expect(response.status).toBe(400);
      }
      expect((await fetchHttp(`${server.url}/basic/user/page`, { headers: basic('bob', 'bob-pw') })).status).toBe(200);
    });

    it('refuses a huge Authorization header at the connector (431), and keeps serving', async () => {
      const response = await fetchHttp(`${server.url}/basic/user/page`, { headers: { authorization: `Basic ${'A'.repeat(16_384)}` } });
      expect(response.status).toBe(431);
      expect((await fetchHttp(`${server.url}/basic/user/page`, { headers: basic('bob', 'bob-pw') })).status).toBe(200);
    });

    it('leaves unconstrained paths and uncovered methods open', async () => {
      const open = await fetchHttp(`${server.url}/basic/who/x`);
      expect(open.status).toBe(200);
      expect(json(open)).toMatchObject({ user: null, authType: null, any: false });
      // /posts/* constrains POST only.
      expect((await fetchHttp(`${server.url}/basic/posts/1`)).status).toBe(200);
      expect((await fetchHttp(`${server.url}/basic/posts/1`, { method: 'POST', body: '' })).status).toBe(401);
    });

    it('refuses everyone where the auth-constraint is empty, even a user with every role', async () => {
      expect((await fetchHttp(`${server.url}/basic/closed/x`, { headers: basic('alice', 'alice-pw') })).status).toBe(403);
    });

    it('sends a CONFIDENTIAL resource over plain HTTP to the redirectPort', async () => {
      const response = await fetchHttp(`${server.url}/basic/tls/page?q=1`);
      expect(response.status).toBe(302);
      expect(response.headers['location']).toBe('https://127.0.0.1:8443/basic/tls/page?q=1');
    });

    it.each([
      ['/basic/vault/secret.txt'],
      ['/basic/vault'],
      ['/basic/vault/'],
      ['/basic/%76ault/secret.txt'],
      ['/basic//vault/secret.txt'],
      ['/basic/vault;x=y/secret.txt'],
      ['/basic/./vault/secret.txt'],
      ['/basic/who/../vault/secret.txt'],
      ['/basic/vault/%73ecret.txt'],
    ])('applies the constraint to the canonical path of %s', async (path) => {
      const response = await fetchHttp(`${server.url}${path}`);
      expect(response.status).toBe(401);
      expect(response.body.toString()).not.toContain('the secret');
    });

    it('serves nothing protected under another letter case (paths are case-sensitive, and so is the file system)', async () => {
      const response = await fetchHttp(`${server.url}/basic/Vault/secret.txt`);
      expect(response.status).toBe(404);
      expect((await fetchHttp(`${server.url}/basic/vault/secret.txt`, { headers: basic('alice', 'alice-pw') })).body.toString()).toBe(
        'the secret\n',
      );
    });
  });

  describe('the programmatic API', () => {
    it('request.login() logs a user in for the request; a wrong password rejects without saying why', async () => {
      const ok = await fetchHttp(`${server.url}/basic/who/x?action=login&u=bob&p=bob-pw`);
      expect(json(ok)).toMatchObject({ user: 'bob', authType: 'BASIC', outcome: null });
      const wrong = await fetchHttp(`${server.url}/basic/who/x?action=login&u=bob&p=nope`);
      expect(json(wrong)).toMatchObject({ user: null, outcome: 'SV_ERR_AUTH_LOGIN_FAILED' });
    });

    it('keeps a user logged in through request.login() in the session, with a new session id, until logout()', async () => {
      const start = await fetchHttp(`${server.url}/basic/who/x?action=session`);
      const before = sessionCookie(start)!;
      const login = await fetchHttp(`${server.url}/basic/who/x?action=login&u=bob&p=bob-pw`, {
        headers: { cookie: `JSESSIONID=${before}` },
      });
      const after = sessionCookie(login);
      expect(after).toBeDefined();
      expect(after).not.toBe(before);
      const later = await fetchHttp(`${server.url}/basic/who/x`, { headers: { cookie: `JSESSIONID=${after!}` } });
      expect(json(later)).toMatchObject({ user: 'bob' });
      // The id known before the login is no longer the logged-in session (session fixation).
      const fixated = await fetchHttp(`${server.url}/basic/who/x`, { headers: { cookie: `JSESSIONID=${before}` } });
      expect(json(fixated)['user']).toBeNull();
      await fetchHttp(`${server.url}/basic/who/x?action=logout`, { headers: { cookie: `JSESSIONID=${after!}` } });
      const gone = await fetchHttp(`${server.url}/basic/who/x`, { headers: { cookie: `JSESSIONID=${after!}` } });
      expect(json(gone)['user']).toBeNull();
    });

    it('request.authenticate() challenges when nobody is logged in, and resolves true when someone is', async () => {
      const challenged = await fetchHttp(`${server.url}/basic/who/x?action=authenticate`);
      expect(challenged.status).toBe(401);
      const ok = await fetchHttp(`${server.url}/basic/who/x?action=authenticate`, { headers: basic('alice', 'alice-pw') });
      expect(json(ok)).toMatchObject({ user: 'alice', outcome: true });
    });
  });

  describe('FORM (Servlet 6.0 §13.6.3)', () => {
    it('shows the login page, then sends the user back to the saved page under a new session id', async () => {
      const first = await fetchHttp(`${server.url}/form/app/page?x=1`);
      expect(first.status).toBe(200);
      expect(first.body.toString()).toContain('j_security_check');
      const before = sessionCookie(first)!;
      const login = await fetchHttp(`${server.url}/form/j_security_check`, {
        method: 'POST',
        headers: { cookie: `JSESSIONID=${before}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'j_username=bob&j_password=bob-pw',
      });
      expect(login.status).toBe(303);
      expect(login.headers['location']).toBe('/form/app/page?x=1');
      const after = sessionCookie(login)!;
      expect(after).not.toBe(before);
      const page = await fetchHttp(`${server.url}/form/app/page?x=1`, { headers: { cookie: `JSESSIONID=${after}` } });
      expect(json(page)).toMatchObject({ user: 'bob', authType: 'FORM' });
      const old = await fetchHttp(`${server.url}/form/app/page`, { headers: { cookie: `JSESSIONID=${before}` } });
      expect(old.body.toString()).toContain('j_security_check');
    });

    it('replays a POST that led to the login page once the user has logged in (body, method and parameters)', async () => {
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const first = await fetchHttp(`${server.url}/form/app/post`, { method: 'POST', headers: form, body: 'note=kept%20across' });
      expect(first.body.toString()).toContain('j_security_check');
      const login = await fetchHttp(`${server.url}/form/j_security_check`, {
        method: 'POST',
        headers: { ...form, cookie: `JSESSIONID=${sessionCookie(first)!}` },
        body: 'j_username=bob&j_password=bob-pw',
      });
      expect(login.headers['location']).toBe('/form/app/post');
      const cookie = `JSESSIONID=${sessionCookie(login)!}`;
      const replayed = await fetchHttp(`${server.url}/form/app/post`, { headers: { cookie } });
      expect(json(replayed)).toMatchObject({ user: 'bob', method: 'POST', note: 'kept across' });
      // Once: the next request for the page is the plain GET it is.
      const again = await fetchHttp(`${server.url}/form/app/post`, { headers: { cookie } });
      expect(json(again)).toMatchObject({ user: 'bob', method: 'GET', note: null });
    });

    it('refuses a POST whose body is larger than the connector keeps across a login (maxSavePostSize)', async () => {
      const body = `note=${'x'.repeat(5000)}`;
      const response = await fetchHttp(`${server.url}/form/app/post`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect(response.status).toBe(403);
    });

    it('answers a wrong password with the error page', async () => {
      const first = await fetchHttp(`${server.url}/form/app/page`);
      const login = await fetchHttp(`${server.url}/form/j_security_check`, {
        method: 'POST',
        headers: { cookie: `JSESSIONID=${sessionCookie(first)!}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'j_username=bob&j_password=wrong',
      });
      expect(login.status).toBe(200);
      expect(login.body.toString()).toContain('Login failed.');
    });

    it('refuses a login posted with no saved request and no landingPage (400)', async () => {
      const login = await fetchHttp(`${server.url}/form/j_security_check`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'j_username=bob&j_password=bob-pw',
      });
      expect(login.status).toBe(400);
    });

    it('never redirects outside the application, even from a saved request that starts with two slashes', async () => {
      // The ROOT context serves the same FORM app: `//evil.example/app/x` would be a protocol-relative URL.
      for (const path of ['//evil.example/../app/x', '/\\evil.example/../app/x', '/app//evil.example/x']) {
        const page = await fetchHttp(`${server.url}${path}`);
        expect(page.body.toString()).toContain('j_security_check');
        const login = await fetchHttp(`${server.url}/j_security_check`, {
          method: 'POST',
          headers: { cookie: `JSESSIONID=${sessionCookie(page)!}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'j_username=bob&j_password=bob-pw',
        });
        expect(login.status).toBe(303);
        const location = login.headers['location']!;
        expect(location.startsWith('/')).toBe(true);
        expect(location.startsWith('//')).toBe(false);
        expect(new URL(location, 'http://origin.test').host).toBe('origin.test');
      }
    });
  });

  describe("the authenticator valve's attributes (a Context's own FormAuthenticator or BasicAuthenticator)", () => {
    it('landingPage receives a login posted with no saved request; securePagesWithPragma sends the HTTP/1.0 headers', async () => {
      const page = await fetchHttp(`${server.url}/tuned/app/x`);
      expect(page.headers['pragma']).toBe('No-cache');
      expect(page.headers['cache-control']).toBe('no-cache');
      const login = await fetchHttp(`${server.url}/tuned/j_security_check`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'j_username=bob&j_password=bob-pw',
      });
      expect(login.status).toBe(303);
      expect(login.headers['location']).toBe('/tuned/app/welcome');
    });

    it('changeSessionIdOnAuthentication="false" keeps the session id across the login', async () => {
      const first = await fetchHttp(`${server.url}/tuned/app/x`);
      const id = sessionCookie(first)!;
      const login = await fetchHttp(`${server.url}/tuned/j_security_check`, {
        method: 'POST',
        headers: { cookie: `JSESSIONID=${id}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'j_username=bob&j_password=bob-pw',
      });
      expect(sessionCookie(login)).toBeUndefined();
      const page = await fetchHttp(`${server.url}/tuned/app/x`, { headers: { cookie: `JSESSIONID=${id}` } });
      expect(json(page)).toMatchObject({ user: 'bob' });
    });

    it('alwaysUseSession keeps a BASIC user in a session, so later requests need no credentials', async () => {
      const login = await fetchHttp(`${server.url}/sessioned/user/x`, { headers: basic('bob', 'bob-pw') });
      expect(login.status).toBe(200);
      const id = sessionCookie(login);
      expect(id).toBeDefined();
      const later = await fetchHttp(`${server.url}/sessioned/user/x`, { headers: { cookie: `JSESSIONID=${id!}` } });
      expect(later.status).toBe(200);
      expect(json(later)).toMatchObject({ user: 'bob', authType: 'BASIC' });
      // Without alwaysUseSession BASIC makes no session.
      expect(sessionCookie(await fetchHttp(`${server.url}/basic/user/x`, { headers: basic('bob', 'bob-pw') }))).toBeUndefined();
    });
  });

  describe('realms', () => {
    it("a Context's own realm replaces the Engine's for that Context only", async () => {
      expect((await fetchHttp(`${server.url}/own/admin/x`, { headers: basic('carol', 'carol-pw') })).status).toBe(200);
      expect((await fetchHttp(`${server.url}/own/admin/x`, { headers: basic('alice', 'alice-pw') })).status).toBe(401);
      expect((await fetchHttp(`${server.url}/basic/admin/x`, { headers: basic('carol', 'carol-pw') })).status).toBe(401);
    });

    it('LockOutRealm locks a user after failureCount failures, answering exactly as for a wrong password', async () => {
      const wrong = [];
      for (let i = 0; i < 3; i++) wrong.push(await fetchHttp(`${server.url}/basic/user/x`, { headers: basic('zoë', 'bad') }));
      const locked = await fetchHttp(`${server.url}/basic/user/x`, { headers: basic('zoë', 'pässwörd') });
      expect(locked.status).toBe(401);
      expect(locked.headers['www-authenticate']).toBe(wrong[0]!.headers['www-authenticate']);
      expect(locked.body.length).toBe(wrong[0]!.body.length);
      expect(server.logs.some((record) => record.code === 'SV_MSG_REALM_LOCKED_USER')).toBe(true);
    });

    it('picks up an edit of tomcat-users.xml at the next background check, without a restart', async () => {
      expect((await fetchHttp(`${server.url}/basic/user/x`, { headers: basic('dave', 'dave-pw') })).status).toBe(401);
      const edited = readFileSync(usersFile, 'utf8').replace(
        '</tomcat-users>',
        '  <user username="dave" password="dave-pw" roles="user"/>\n</tomcat-users>',
      );
      writeFileSync(usersFile, edited);
      // The Engine's background tick (backgroundProcessorDelay), run now instead of waiting for its timer.
      server.catalina.server.services[0]!.engine.processTree();
      expect((await fetchHttp(`${server.url}/basic/user/x`, { headers: basic('dave', 'dave-pw') })).status).toBe(200);
    });
  });
});
