/**
 * Security declared in code (Servlet 6.0 §13.4, issue #20) on the real server: webapps under
 * test/fixtures/webapps/annotated-security whose plain CommonJS servlets call @ServletSecurity, @HttpConstraint,
 * @HttpMethodConstraint, @DeclareRoles, @RolesAllowed, @PermitAll and @DenyAll as functions, merged with web.xml;
 * users from a MemoryRealm on the Engine, logged in with BASIC.
 *   `app`: every case below; `complete`: a metadata-complete web.xml, whose classes' decorators are never read;
 *   `contradiction`: @PermitAll with @DenyAll on one class, which must refuse that deployment alone.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHttp } from '../../helpers/http-fetch.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';

const appBase = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'annotated-security');
const users = join(REPO_ROOT, 'test', 'fixtures', 'auth', 'annotated-users.xml');

function basic(user: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${user}-pw`, 'utf8').toString('base64')}` };
}

describe('security annotations', () => {
  let server: TestServer;
  const status = async (path: string, user?: string, method = 'GET'): Promise<number> => {
    const response = await fetchHttp(`${server.url}${path}`, {
      method,
      headers: user === undefined ? {} : basic(user),
      ...(method === 'POST' || method === 'PUT' ? { body: '' } : {}),
    });
    return response.status;
  };

  beforeAll(async () => {
    server = await startTestServer({
      appBase,
      connectorAttributes: 'redirectPort="8443"',
      engineContent: `<Realm className="org.apache.catalina.realm.MemoryRealm" pathname="${users}"/>`,
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('@ServletSecurity(@HttpConstraint(rolesAllowed)): 401 without a login, 403 without the role, 200 with it', async () => {
    expect(await status('/app/admin/x')).toBe(401);
    expect(await status('/app/admin/x', 'bob')).toBe(403);
    const ok = await fetchHttp(`${server.url}/app/admin/x`, { headers: basic('alice') });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body.toString('utf8'))).toEqual({ servlet: 'admin', method: 'GET', user: 'alice' });
  });

  it('@HttpMethodConstraint: GET open, POST needs admin, DELETE denied to everyone', async () => {
    expect(await status('/app/board')).toBe(200);
    expect(await status('/app/board', undefined, 'POST')).toBe(401);
    expect(await status('/app/board', 'bob', 'POST')).toBe(403);
    expect(await status('/app/board', 'alice', 'POST')).toBe(200);
    expect(await status('/app/board', 'alice', 'DELETE')).toBe(403);
  });

  it('@RolesAllowed / @PermitAll / @DenyAll on the class and on doGet, doPost, doPut', async () => {
    expect(await status('/app/notes')).toBe(200);
    expect(await status('/app/notes', undefined, 'HEAD')).toBe(200);
    expect(await status('/app/notes', 'bob', 'POST')).toBe(403);
    expect(await status('/app/notes', 'alice', 'POST')).toBe(200);
    expect(await status('/app/notes', 'alice', 'PUT')).toBe(403);
    // The class-level @RolesAllowed('user') covers the methods without their own annotation.
    expect(await status('/app/notes', undefined, 'OPTIONS')).toBe(401);
    expect(await status('/app/notes', 'bob', 'OPTIONS')).toBe(200);
  });

  it('EmptyRoleSemantic DENY is 403 even for a logged-in user; @DenyAll on a web.xml-declared servlet too', async () => {
    expect(await status('/app/closed', 'alice')).toBe(403);
    expect(await status('/app/locked', 'alice')).toBe(403);
  });

  it('TransportGuarantee CONFIDENTIAL redirects plain HTTP to the redirectPort', async () => {
    const response = await fetchHttp(`${server.url}/app/tls?q=1`);
    expect(response.status).toBe(302);
    expect(response.headers['location']).toBe('https://127.0.0.1:8443/app/tls?q=1');
  });

  it('web.xml wins for a pattern its own <security-constraint> names; the annotation keeps the others', async () => {
    expect(await status('/app/overridden/x', 'bob')).toBe(200);
    expect(await status('/app/overridden/x', 'alice')).toBe(403);
    expect(await status('/app/guarded/x', 'bob')).toBe(403);
    expect(await status('/app/guarded/x', 'alice')).toBe(200);
  });

  it('@DeclareRoles makes `*` mean the declared role', async () => {
    expect(await status('/app/staff', 'dave')).toBe(200);
    expect(await status('/app/staff', 'bob')).toBe(403);
    expect(await status('/app/staff', 'alice')).toBe(403);
  });

  it('a metadata-complete web.xml leaves the decorators unread', async () => {
    const response = await fetchHttp(`${server.url}/complete/shut`);
    expect(response.status).toBe(200);
    expect(response.body.toString('utf8')).toBe('open');
  });

  it('a contradiction refuses that application alone, naming the class file and the contradiction; the others serve', async () => {
    const failure = server.logs.find((r) => r.code === 'SV_ERR_DEPLOY_FAILED' && String(r.msg).includes('Context[contradiction]'));
    expect(failure).toBeDefined();
    // The logged cause is SV_ERR_DEPLOY_SERVLET_SECURITY's message (the log keeps the cause's text, not its code).
    expect(JSON.stringify(failure)).toContain(
      'WEB-INF/classes/Both.js: @PermitAll + @DenyAll on servlet class [Both] cannot be honoured: @RolesAllowed, @PermitAll and @DenyAll exclude one another',
    );
    expect(await status('/contradiction/both')).toBe(404);
    expect(await status('/app/board')).toBe(200);
  });
});
