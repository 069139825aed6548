/**
 * Logins on a blocking-style connector (issue #20): servlets run on worker threads, each with its own container
 * tree, while the users, the sessions and the LockOutRealm's failure counts stay the main thread's. The same
 * fixture apps and realm setup as test/e2e/security/authentication.e2e.test.ts, behind
 * `protocol="HTTP/1.1-blocking"` with two workers. A keep-alive connection is pinned to one worker for its
 * life and no other connection gets that worker meanwhile (worker-pool-adapter.ts), so two kept-alive
 * connections are served by two different workers: requests alternate between them to cross threads.
 * Worker code runs from dist/: `npm run build` first.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../../src/core/host.js';
import type { HostConfig } from '../../../src/deploy/host-config.js';
import { fetchHttp, type FetchOptions, type FetchResponse } from '../../helpers/http-fetch.js';
import { basic, json, sessionCookie } from '../../helpers/auth-clients.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';
import { startBlockingServer } from './blocking-server.js';

const appBase = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'auth');
const fixtures = join(REPO_ROOT, 'test', 'fixtures', 'auth');

describe('authentication on a blocking-style connector (principals and realms across worker threads)', () => {
  let server: TestServer;
  let dir: string;
  /** Two kept-alive connections, hence two different workers. */
  let agents: [http.Agent, http.Agent];
  const on = (which: 0 | 1, path: string, options: FetchOptions = {}): Promise<FetchResponse> =>
    fetchHttp(`${server.url}${path}`, { ...options, agent: agents[which] });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'serval-blocking-auth-'));
    const usersFile = join(dir, 'tomcat-users.xml');
    copyFileSync(join(fixtures, 'users.xml'), usersFile);
    server = await startTestServer({
      serverXml: `<?xml version="1.0"?>
<Server port="-1" shutdown="SHUTDOWN">
  <GlobalNamingResources>
    <Resource name="UserDatabase" auth="Container" type="org.apache.catalina.UserDatabase"
              factory="org.apache.catalina.users.MemoryUserDatabaseFactory" pathname="${usersFile}"/>
  </GlobalNamingResources>
  <Service name="Catalina">
    <Connector port="0" address="127.0.0.1" protocol="HTTP/1.1-blocking" maxThreads="2" minSpareThreads="2"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Realm className="org.apache.catalina.realm.LockOutRealm" failureCount="3">
        <Realm className="org.apache.catalina.realm.UserDatabaseRealm" resourceName="UserDatabase"/>
      </Realm>
      <Host name="localhost" appBase="${appBase}" autoDeploy="false">
        <Valve className="org.apache.catalina.authenticator.SingleSignOn"/>
        <Context path="/own" docBase="${join(appBase, 'basic')}">
          <Realm className="org.apache.catalina.realm.MemoryRealm" pathname="${join(fixtures, 'context-users.xml')}"/>
        </Context>
      </Host>
    </Engine>
  </Service>
</Server>
`,
    });
    agents = [new http.Agent({ keepAlive: true, maxSockets: 1 }), new http.Agent({ keepAlive: true, maxSockets: 1 })];
    // Pin one connection to each worker before any test runs.
    const first = await on(0, '/basic/who/x');
    const second = await on(1, '/basic/who/x');
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.localPort).not.toBe(second.localPort);
  });

  afterAll(async () => {
    for (const agent of agents ?? []) agent.destroy();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('BASIC: the main thread realm authenticates, and roles (isUserInRole, constraints) are answered on a worker', async () => {
    for (const which of [0, 1] as const) {
      const response = await on(which, '/basic/admin/page', { headers: basic('alice', 'alice-pw') });
      expect(response.status).toBe(200);
      expect(json(response)).toMatchObject({ user: 'alice', authType: 'BASIC', admin: true, boss: true, star: false, any: true });
    }
    expect((await on(1, '/basic/admin/page', { headers: basic('bob', 'bob-pw') })).status).toBe(403);
    expect((await on(0, '/basic/user/page', { headers: basic('alice', 'wrong') })).status).toBe(401);
  });

  it("a Context's own realm is the main thread's realm of that Context", async () => {
    expect((await on(0, '/own/admin/x', { headers: basic('carol', 'carol-pw') })).status).toBe(200);
    expect((await on(1, '/own/admin/x', { headers: basic('alice', 'alice-pw') })).status).toBe(401);
    expect((await on(1, '/basic/admin/x', { headers: basic('carol', 'carol-pw') })).status).toBe(401);
  });

  it('FORM: the saved request and the logged-in user live in the session, whichever worker serves each step', async () => {
    const first = await on(0, '/form/app/page?x=1');
    expect(first.body.toString()).toContain('j_security_check');
    const before = sessionCookie(first)!;
    // The login is posted on the other worker: the saved request (a session note) must be there.
    const login = await on(1, '/form/j_security_check', {
      method: 'POST',
      headers: { cookie: `JSESSIONID=${before}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'j_username=bob&j_password=bob-pw',
    });
    expect(login.status).toBe(303);
    expect(login.headers['location']).toBe('/form/app/page?x=1');
    const after = sessionCookie(login)!;
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    for (const which of [0, 1] as const) {
      const page = await on(which, '/form/app/page?x=1', { headers: { cookie: `JSESSIONID=${after}` } });
      expect(json(page)).toMatchObject({ user: 'bob', authType: 'FORM' });
    }
    // Session fixation: the id known before the login is not the logged-in session.
    const old = await on(0, '/form/app/page', { headers: { cookie: `JSESSIONID=${before}` } });
    expect(old.body.toString()).toContain('j_security_check');
  });

  it('request.login() is kept in the session under a new id on every worker, until logout() on either', async () => {
    const start = await on(0, '/basic/who/x?action=session');
    const before = sessionCookie(start)!;
    const login = await on(0, '/basic/who/x?action=login&u=bob&p=bob-pw', { headers: { cookie: `JSESSIONID=${before}` } });
    expect(json(login)).toMatchObject({ user: 'bob', outcome: null });
    const after = sessionCookie(login)!;
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    for (const which of [1, 0] as const) {
      expect(json(await on(which, '/basic/who/x', { headers: { cookie: `JSESSIONID=${after}` } }))).toMatchObject({ user: 'bob' });
    }
    expect(json(await on(1, '/basic/who/x', { headers: { cookie: `JSESSIONID=${before}` } }))['user']).toBeNull();
    await on(1, '/basic/who/x?action=logout', { headers: { cookie: `JSESSIONID=${after}` } });
    expect(json(await on(0, '/basic/who/x', { headers: { cookie: `JSESSIONID=${after}` } }))['user']).toBeNull();
  });

  it('SingleSignOn: a login through one worker signs the user on for every worker; a logout or invalidation on either ends it everywhere', async () => {
    const signOn = async (): Promise<{ form: string; sso: string }> => {
      const first = await on(0, '/form/app/x');
      const login = await on(1, '/form/j_security_check', {
        method: 'POST',
        headers: { cookie: `JSESSIONID=${sessionCookie(first)!}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'j_username=bob&j_password=bob-pw',
      });
      expect(login.status).toBe(303);
      const sso = (login.headers['set-cookie'] ?? [])
        .map((c) => /^JSESSIONIDSSO=([0-9a-f]{48});/.exec(c)?.[1])
        .find((id) => id !== undefined);
      expect(sso).toBeDefined();
      return { form: sessionCookie(login)!, sso: sso! };
    };
    const ssoOnly = (sso: string): FetchOptions => ({ headers: { cookie: `JSESSIONIDSSO=${sso}` } });

    // Logged in on worker 1; the other application takes the user on both workers without a login of its own.
    const { form, sso } = await signOn();
    for (const which of [0, 1] as const)
      expect(json(await on(which, '/basic/user/x', ssoOnly(sso)))).toMatchObject({ user: 'bob', authType: 'FORM' });
    // A session of the BASIC application joins the sign-on on worker 0; logging out there (worker 1) ends both.
    const basicId = sessionCookie(await on(0, '/basic/who/x?action=session', ssoOnly(sso)))!;
    const logout = await on(1, '/basic/who/x?action=logout', { headers: { cookie: `JSESSIONIDSSO=${sso}; JSESSIONID=${basicId}` } });
    expect((logout.headers['set-cookie'] ?? []).some((c) => c.startsWith('JSESSIONIDSSO=;') && c.includes('Max-Age=0'))).toBe(true);
    expect((await on(0, '/form/app/x', { headers: { cookie: `JSESSIONID=${form}; JSESSIONIDSSO=${sso}` } })).body.toString()).toContain(
      'j_security_check',
    );
    for (const which of [0, 1] as const) expect((await on(which, '/basic/user/x', ssoOnly(sso))).status).toBe(401);

    // Invalidating a session that takes part (on worker 0) ends the sign-on for worker 1 too.
    const again = await signOn();
    const joined = sessionCookie(await on(1, '/basic/who/x?action=session', ssoOnly(again.sso)))!;
    await on(0, '/basic/who/x?action=invalidate', { headers: { cookie: `JSESSIONIDSSO=${again.sso}; JSESSIONID=${joined}` } });
    expect((await on(1, '/basic/user/x', ssoOnly(again.sso))).status).toBe(401);
    expect(
      (await on(1, '/form/app/x', { headers: { cookie: `JSESSIONID=${again.form}; JSESSIONIDSSO=${again.sso}` } })).body.toString(),
    ).toContain('j_security_check');
  });

  it('LockOutRealm counts the failures of every worker together: failureCount of them lock the user', async () => {
    // failureCount="3": attempts alternate between the workers (two on one, one on the other).
    const wrong: FetchResponse[] = [];
    for (const which of [0, 1, 0] as const) wrong.push(await on(which, '/basic/user/x', { headers: basic('zoë', 'bad') }));
    expect(wrong.map((response) => response.status)).toEqual([401, 401, 401]);
    for (const which of [1, 0] as const) {
      const locked = await on(which, '/basic/user/x', { headers: basic('zoë', 'pässwörd') });
      expect(locked.status).toBe(401);
      expect(locked.headers['www-authenticate']).toBe(wrong[0]!.headers['www-authenticate']);
    }
    expect(server.logs.some((record) => record.code === 'SV_MSG_REALM_LOCKED_USER')).toBe(true);
  });
});

describe('a web application deployed while the workers run keeps its own <Realm> on every worker', () => {
  let server: TestServer;
  let appBase: string;

  beforeAll(async () => {
    appBase = mkdtempSync(join(tmpdir(), 'serval-blocking-auth-appbase-'));
    server = await startBlockingServer({
      appBase,
      connectorAttributes: 'maxThreads="2" minSpareThreads="2"',
      hostAttributes: 'autoDeploy="true"',
    });
  });

  afterAll(async () => {
    await server?.close();
    if (appBase) rmSync(appBase, { recursive: true, force: true });
  });

  it("the worker's Context asks the main thread's realm of that Context, not its Host's or Engine's", async () => {
    const app = join(appBase, 'late');
    cpSync(join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'auth', 'basic'), app, { recursive: true });
    mkdirSync(join(app, 'META-INF'), { recursive: true });
    writeFileSync(
      join(app, 'META-INF', 'context.xml'),
      `<Context><Realm className="org.apache.catalina.realm.MemoryRealm" pathname="${join(fixtures, 'context-users.xml')}"/></Context>`,
    );
    const host = server.catalina.server.services[0]!.engine.findChild('localhost') as Host;
    await (host.deployer as HostConfig).check();
    // The Engine has no <Realm> (a NullRealm): only the Context's own realm knows carol. Two kept-alive
    // connections: both workers.
    const agents = [new http.Agent({ keepAlive: true, maxSockets: 1 }), new http.Agent({ keepAlive: true, maxSockets: 1 })];
    try {
      const statuses: number[] = [];
      for (const agent of agents) await fetchHttp(`${server.url}/late/who/x`, { agent });
      for (const agent of agents) {
        statuses.push((await fetchHttp(`${server.url}/late/admin/x`, { agent, headers: basic('carol', 'carol-pw') })).status);
        statuses.push((await fetchHttp(`${server.url}/late/admin/x`, { agent, headers: basic('carol', 'wrong') })).status);
      }
      expect(statuses).toEqual([200, 401, 200, 401]);
    } finally {
      for (const agent of agents) agent.destroy();
    }
  });
});
