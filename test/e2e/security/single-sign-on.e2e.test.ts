/**
 * Tomcat's SingleSignOn valve on a Host (issue #20): a FORM login to one application logs the user in to another
 * application of the Host through the JSESSIONIDSSO cookie; logging out of either ends the sign-on and the sessions
 * of both.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHttp, type FetchResponse } from '../../helpers/http-fetch.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';

const appBase = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'auth');
const users = join(REPO_ROOT, 'test', 'fixtures', 'auth', 'users.xml');
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function cookie(response: FetchResponse, name: string): string | undefined {
  return (response.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
}

function value(setCookie: string | undefined): string {
  return setCookie!.slice(setCookie!.indexOf('=') + 1, setCookie!.indexOf(';'));
}

describe('single sign-on across the applications of a Host', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      appBase,
      engineContent: `<Realm className="org.apache.catalina.realm.MemoryRealm" pathname="${users}"/>`,
      hostContent: '<Valve className="org.apache.catalina.authenticator.SingleSignOn"/>',
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  async function formLogin(): Promise<{ session: string; sso: string }> {
    const first = await fetchHttp(`${server.url}/form/app/x`);
    const login = await fetchHttp(`${server.url}/form/j_security_check`, {
      method: 'POST',
      headers: { ...FORM, cookie: `JSESSIONID=${value(cookie(first, 'JSESSIONID'))}` },
      body: 'j_username=bob&j_password=bob-pw',
    });
    expect(login.status).toBe(303);
    const sso = cookie(login, 'JSESSIONIDSSO');
    expect(sso).toMatch(/^JSESSIONIDSSO=[0-9a-f]{48}; Path=\/; HttpOnly/);
    return { session: value(cookie(login, 'JSESSIONID')), sso: value(sso) };
  }

  it('logs the user of one application in to the others, without a login there', async () => {
    const { sso } = await formLogin();
    const other = await fetchHttp(`${server.url}/basic/user/x`, { headers: { cookie: `JSESSIONIDSSO=${sso}` } });
    expect(other.status).toBe(200);
    expect(JSON.parse(other.body.toString())).toMatchObject({ user: 'bob', authType: 'FORM' });
    // Without the cookie the other application asks for its own login.
    expect((await fetchHttp(`${server.url}/basic/user/x`)).status).toBe(401);
  });

  it('ends the sign-on and the sessions of every application when the user logs out of one', async () => {
    const { session, sso } = await formLogin();
    const basicSession = await fetchHttp(`${server.url}/basic/who/x?action=session`, { headers: { cookie: `JSESSIONIDSSO=${sso}` } });
    const basicId = value(cookie(basicSession, 'JSESSIONID'));
    const logout = await fetchHttp(`${server.url}/basic/who/x?action=logout`, {
      headers: { cookie: `JSESSIONIDSSO=${sso}; JSESSIONID=${basicId}` },
    });
    expect(cookie(logout, 'JSESSIONIDSSO')).toContain('Max-Age=0');
    // The FORM application's session ended with it: its page asks for the login again.
    const form = await fetchHttp(`${server.url}/form/app/x`, { headers: { cookie: `JSESSIONID=${session}; JSESSIONIDSSO=${sso}` } });
    expect(form.body.toString()).toContain('j_security_check');
    expect((await fetchHttp(`${server.url}/basic/user/x`, { headers: { cookie: `JSESSIONIDSSO=${sso}` } })).status).toBe(401);
  });

  it('ends the sign-on and the sessions of every application when a session taking part is invalidated', async () => {
    const { session, sso } = await formLogin();
    const basicSession = await fetchHttp(`${server.url}/basic/who/x?action=session`, { headers: { cookie: `JSESSIONIDSSO=${sso}` } });
    const basicId = value(cookie(basicSession, 'JSESSIONID'));
    await fetchHttp(`${server.url}/basic/who/x?action=invalidate`, { headers: { cookie: `JSESSIONIDSSO=${sso}; JSESSIONID=${basicId}` } });
    const form = await fetchHttp(`${server.url}/form/app/x`, { headers: { cookie: `JSESSIONID=${session}; JSESSIONIDSSO=${sso}` } });
    expect(form.body.toString()).toContain('j_security_check');
    expect((await fetchHttp(`${server.url}/basic/user/x`, { headers: { cookie: `JSESSIONIDSSO=${sso}` } })).status).toBe(401);
  });
});
