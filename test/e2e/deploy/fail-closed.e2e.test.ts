/**
 * Fail closed (architecture decision 11), over real sockets: an application whose web.xml asks for protection
 * Serval cannot give (a login method it does not implement, a Tomcat filter it does not implement)
 * or whose META-INF/context.xml names such a valve is not deployed, and is not served, while a sibling application
 * beside it deploys and answers. Each refusal is logged with file:line and its code.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeployServer, type DeployServer } from './deploy-harness.js';

const SECRET = 'content only a deployed app would serve\n';
const WEB_APP = '<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">';

/** Each app: its files; `secret.html` is what a refused app must never serve. */
const apps: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  open: { 'index.html': 'open app\n' },
  constrained: {
    'secret.html': SECRET,
    'WEB-INF/web.xml': [
      WEB_APP,
      '  <security-constraint>',
      '    <web-resource-collection><url-pattern>/*</url-pattern></web-resource-collection>',
      '    <auth-constraint><role-name>admin</role-name></auth-constraint>',
      '  </security-constraint>',
      '</web-app>',
      '',
    ].join('\n'),
  },
  login: {
    'secret.html': SECRET,
    'WEB-INF/web.xml': [WEB_APP, '', '  <login-config><auth-method>SPNEGO</auth-method></login-config>', '</web-app>', ''].join('\n'),
  },
  filtered: {
    'secret.html': SECRET,
    'WEB-INF/web.xml': [
      WEB_APP,
      '  <filter>',
      '    <filter-name>addr</filter-name>',
      '    <filter-class>org.apache.catalina.filters.WebdavFixFilter</filter-class>',
      '  </filter>',
      '  <filter-mapping><filter-name>addr</filter-name><url-pattern>/*</url-pattern></filter-mapping>',
      '</web-app>',
      '',
    ].join('\n'),
  },
  valved: {
    'secret.html': SECRET,
    'META-INF/context.xml': '<Context>\n  <Valve className="org.apache.catalina.valves.PersistentValve"/>\n</Context>\n',
  },
};

describe('fail closed on security declarations Serval cannot enforce', () => {
  let server: DeployServer;

  beforeAll(async () => {
    server = await startDeployServer({
      prepare: (appBase) => {
        for (const [name, files] of Object.entries(apps)) {
          for (const [file, content] of Object.entries(files)) {
            mkdirSync(join(appBase, name, file, '..'), { recursive: true });
            writeFileSync(join(appBase, name, file), content);
          }
        }
      },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Every log record (message, error and all) as one string, to search for a code and a file:line. */
  const logText = (): string => server.logs.map((record) => JSON.stringify(record)).join('\n');

  it('serves the sibling app', async () => {
    expect(await server.get('/open/index.html')).toEqual({ status: 200, body: 'open app\n' });
  });

  it('deploys an application with a constraint and enforces it: without a login-config nobody can log in (403)', async () => {
    const response = await server.get('/constrained/secret.html');
    expect(response.status).toBe(403);
    expect(response.body).not.toContain(SECRET);
    expect(server.host.findChild('constrained')?.state).toBe('STARTED');
  });

  it.each([
    // The deployment failure is logged with the error's message (its code is the cause's, shown in the stack).
    ['login', 'auth-method [SPNEGO] is not one Serval enforces', 'login/WEB-INF/web.xml:3', 'BASIC, FORM'],
    ['filtered', 'is a Tomcat class that Serval does not implement', 'filtered/WEB-INF/web.xml:2]', 'WebdavFixFilter'],
    ['valved', 'SV_ERR_CONFIG_CLASS_REFUSED', 'valved/META-INF/context.xml:2:', 'PersistentValve'],
  ])('does not deploy or serve [%s]: logs "%s" at %s', async (name, code, at, what) => {
    const response = await server.get(`/${name}/secret.html`);
    expect(response.status).toBe(404);
    expect(response.body).not.toContain(SECRET);
    expect(server.host.findChild(name)?.state ?? 'absent').not.toBe('STARTED');
    const log = logText();
    expect(log).toContain(code);
    expect(log).toContain(at);
    expect(log).toContain(what);
  });
});
