/**
 * JSP sources are never served (issue #18): pages cannot be compiled yet, and served as files they would hand out
 * their code. Tomcat's JspServlet declaration (conf/web.xml of Tomcat and Debian) deploys, answers 404 and warns
 * once; without it, the DefaultServlet answers 404 for *.jsp, *.jspx and *.jspf in any case of the extension.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isJspSource } from '../../../src/builtin-servlets/default-servlet.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const SECRET = 'db-password-in-page-source';
let appBase: string;
let server: TestServer;

function page(app: string, name: string): void {
  writeFileSync(join(appBase, app, name), `<% String password = "${SECRET}"; %><html>${name}</html>`);
}

beforeAll(async () => {
  appBase = mkdtempSync(join(tmpdir(), 'serval-jsp-'));
  for (const app of ['withjsp', 'plain']) {
    mkdirSync(join(appBase, app, 'WEB-INF'), { recursive: true });
    for (const name of ['index.jsp', 'page.jspx', 'part.jspf', 'UPPER.JSP', 'Mixed.JsPx']) page(app, name);
    writeFileSync(join(appBase, app, 'hello.txt'), 'hello');
    writeFileSync(join(appBase, app, 'not.jspy'), 'served');
  }
  // As Tomcat's conf/web.xml declares it: the class, an init-param, load-on-startup and the page mappings.
  writeFileSync(
    join(appBase, 'withjsp', 'WEB-INF', 'web.xml'),
    `<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
  <servlet>
    <servlet-name>jsp</servlet-name>
    <servlet-class>org.apache.jasper.servlet.JspServlet</servlet-class>
    <init-param><param-name>fork</param-name><param-value>false</param-value></init-param>
    <load-on-startup>3</load-on-startup>
  </servlet>
  <servlet-mapping><servlet-name>jsp</servlet-name><url-pattern>*.jsp</url-pattern><url-pattern>*.jspx</url-pattern></servlet-mapping>
</web-app>`,
  );
  server = await startTestServer({ appBase });
});

afterAll(async () => {
  await server?.close();
  rmSync(appBase, { recursive: true, force: true });
});

describe('JSP sources', () => {
  for (const app of ['withjsp', 'plain']) {
    for (const name of ['index.jsp', 'page.jspx', 'part.jspf', 'UPPER.JSP', 'Mixed.JsPx']) {
      it(`${app}/${name}: 404, and the source never leaves`, async () => {
        const response = await fetch(`${server.url}/${app}/${name}`);
        const body = await response.text();
        expect(response.status).toBe(404);
        expect(body).not.toContain(SECRET);
      });
    }
    it(`${app}: the rest of the app is served`, async () => {
      expect(await (await fetch(`${server.url}/${app}/hello.txt`)).text()).toBe('hello');
      expect(await (await fetch(`${server.url}/${app}/not.jspy`)).text()).toBe('served');
    });
  }

  it("deploys Tomcat's JspServlet declaration with one warning naming it", () => {
    const warnings = server.logs.filter((record) => /Tomcat's JspServlet: JSP pages cannot be compiled/.test(record.msg));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toContain('[jsp]');
  });
});

describe('isJspSource', () => {
  it('knows the three extensions in any case, and nothing else', () => {
    for (const path of ['/a.jsp', '/a.JSP', '/d/x.jspx', '/x.JsPf', '/.jsp']) expect(isJspSource(path), path).toBe(true);
    for (const path of ['/a.js', '/a.jspy', '/a.jsp.txt', '/jsp', '/a.jspxx', '/a.txt', '/a.', '/'])
      expect(isJspSource(path), path).toBe(false);
  });
});
