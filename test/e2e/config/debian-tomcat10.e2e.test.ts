/**
 * Debian's own Tomcat 10.1 configuration (`/etc/tomcat10`, package tomcat10, installed by .ci/run) starts the server:
 * its server.xml, web.xml and context.xml are read at test time (never copied into the repository), only their ports
 * substituted, and put in a temporary CATALINA_BASE whose webapps/ holds the repository's webapps. Every webapp
 * deploys and answers; Debian's LockOutRealm/UserDatabaseRealm is built over its GlobalNamingResources UserDatabase
 * (Debian's stock tomcat-users.xml, which declares no users).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startChildServer, type ChildServer } from '../../helpers/child-server.js';
import { fetchHttp } from '../../helpers/http-fetch.js';

const DEBIAN = '/etc/tomcat10';
const JSP_SOURCE = '<%-- the source of a page, never to be served --%>\n';

/** A port nothing listens on right now, for the attributes that only name a port (redirectPort). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  return port;
}

/** Every file under dir as `prefix/relative path` → content (the repository's webapps are all text). */
function filesUnder(dir: string, prefix: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[`${prefix}/${relative(dir, path)}`] = readFileSync(path, 'utf8');
  }
  return files;
}

describe("Debian's /etc/tomcat10 configuration", () => {
  let server: ChildServer;
  let webapps: string[];

  beforeAll(async () => {
    // Read, never skipped: a machine without the package fails here, and .ci/run installs it.
    const original = readFileSync(join(DEBIAN, 'server.xml'), 'utf8');
    const redirectPort = await freePort();
    // Only the ports change: the HTTP connector listens on a free port the OS picks (port 0, reported by the
    // startup summary), redirectPort names another free one; Debian's shutdown port is already -1.
    const serverXml = original
      .replace(/(<Connector\b[^>]*?\bport=)"8080"/g, '$1"0"')
      .replace(/redirectPort="8443"/g, `redirectPort="${redirectPort}"`);
    expect(serverXml).not.toBe(original);
    webapps = readdirSync(join(REPO_ROOT, 'webapps'));
    server = await startChildServer({
      serverXml,
      files: {
        'conf/web.xml': readFileSync(join(DEBIAN, 'web.xml'), 'utf8'),
        'conf/context.xml': readFileSync(join(DEBIAN, 'context.xml'), 'utf8'),
        'conf/tomcat-users.xml': readFileSync(join(DEBIAN, 'tomcat-users.xml'), 'utf8'),
        ...filesUnder(join(REPO_ROOT, 'webapps'), 'webapps'),
        'webapps/examples/probe.jsp': JSP_SOURCE,
      },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('starts with every webapp deployed', () => {
    expect(webapps).toEqual(expect.arrayContaining(['ROOT', 'examples']));
    const output = server.output();
    for (const app of webapps) {
      const path = app === 'ROOT' ? '/' : `/${app}`;
      expect(output, app).toMatch(new RegExp(`Context {4}${path.replace('/', '\\/')} → .* \\[STARTED\\]`));
    }
    expect(output).not.toContain('[FAILED]');
    expect(server.logRecords().filter((record) => record.level >= 50)).toEqual([]);
  });

  it('answers in every webapp', async () => {
    const root = await fetchHttp(`http://127.0.0.1:${server.port}/`);
    expect(root.status).toBe(200);
    const hello = await fetchHttp(`http://127.0.0.1:${server.port}/examples/`);
    expect(hello.status).toBe(200);
  });

  it("keeps Tomcat's JspServlet declaration harmless: a page is 404, never its source", async () => {
    const page = await fetchHttp(`http://127.0.0.1:${server.port}/examples/probe.jsp`);
    expect(page.status).toBe(404);
    expect(page.body.toString()).not.toContain('never to be served');
  });

  it('builds the Realms without a word, and warns about the skipped listeners, saying why', () => {
    const warnings = server.logRecords().filter((record) => record.level === 40);
    const text = warnings.map((record) => record.msg).join('\n');
    expect(text).not.toContain('Realm');
    expect(text).toContain('Tomcat class [org.apache.catalina.startup.VersionLoggerListener] on element [Listener] is not implemented');
    expect(text).toContain('which is safe because');
  });
});
