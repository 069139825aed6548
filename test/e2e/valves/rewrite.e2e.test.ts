/**
 * RewriteValve on a Host (conf/Catalina/localhost/rewrite.config) and on a Context (the webapp's
 * META-INF/context.xml and WEB-INF/rewrite.config), on the real server: internal rewrites go through the Mapper
 * again (the echo servlet shows what it was mapped as), redirects, F and G, maps of every kind, the bound on N
 * loops (counted in passes), and configuration errors with file and line.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';

const appBase = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'rewrite');
const mapModule = join(REPO_ROOT, 'test', 'fixtures', 'valves', 'rewrite-map.js');
const plainDocBase = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'context-valves', 'plain');

const HOST_RULES = `
# internal rewrites, mapped again
RewriteRule ^/app/h/(.*)$ /app/echo/h/$1 [L]
RewriteRule ^/app/to-static$ /app/dir/file.txt [L]
RewriteRule ^/app/escape-root$ /app/../../etc/passwd [L]
# N: one underscore becomes a dash per pass
RewriteRule ^/app/under/(.*)_(.*)$ /app/under/$1-$2 [N]
RewriteRule ^/app/under/(.*)$ /app/echo/under/$1 [L]
# maps
RewriteMap upper int:toupper
RewriteMap people txt:conf/people.txt
RewriteMap one rnd:conf/choices.txt
RewriteMap custom ${mapModule} prefix-
RewriteRule ^/app/upper/(.*)$ /app/echo/\${upper:$1} [L]
RewriteRule ^/app/person/(.*)$ /app/echo/person/\${people:$1|nobody} [L]
RewriteRule ^/app/choice$ /app/echo/choice/\${one:key} [L]
RewriteRule ^/app/custom/(.*)$ /app/echo/custom/\${custom:$1} [L]
# conditions
RewriteCond %{HTTP:X-Mode} =beta [NC,OR]
RewriteCond %{QUERY_STRING} (.*&)?beta=1(&.*)?
RewriteCond %{REQUEST_METHOD} ^GET$
RewriteRule ^/app/mode$ /app/echo/beta [L]
RewriteRule ^/app/attrs/(.*)$ /app/echo/attrs [E=rw.a:$1,E=rw.b:%{REQUEST_METHOD},L]
RewriteRule ^/app/cookie$ /app/echo/cookie [CO=rw:yes:.example.com:60:/,L]
RewriteRule ^/app/forbidden - [F]
RewriteRule ^/app/gone - [G]
`;

describe('RewriteValve', () => {
  let server: TestServer;
  const badApps: string[] = [];
  /** A webapp whose WEB-INF/rewrite.config is `rules`. */
  const appWithRules = (rules: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'serval-rewrite-bad-'));
    mkdirSync(join(dir, 'WEB-INF'));
    writeFileSync(join(dir, 'WEB-INF', 'rewrite.config'), rules);
    badApps.push(dir);
    return dir;
  };

  beforeAll(async () => {
    const fileContext = (path: string, rules: string): string =>
      `<Context path="${path}" docBase="${appWithRules(rules)}">
         <Valve className="org.apache.catalina.valves.rewrite.RewriteValve"/>
       </Context>`;
    const badContext = (path: string, rules: string): string =>
      `<Context path="${path}" docBase="${plainDocBase}">
         <Valve className="org.apache.catalina.valves.rewrite.RewriteValve" configuration="${rules}"/>
       </Context>`;
    server = await startTestServer({
      appBase,
      files: {
        'conf/Catalina/localhost/rewrite.config': HOST_RULES,
        'conf/people.txt': '# people\nann Ann Smith\nbob Bob\n',
        'conf/choices.txt': 'key only-one\n',
      },
      hostContent: `
        <Valve className="org.apache.catalina.valves.rewrite.RewriteValve" maxPasses="5"/>
        <Context path="/disabled" docBase="${join(appBase, 'app')}">
          <Valve className="org.apache.catalina.valves.rewrite.RewriteValve" enabled="false"/>
        </Context>
        ${badContext('/bad-flag', 'RewriteRule ^/a$ /b [L]&#10;RewriteRule ^/a$ /b [Q]')}
        ${badContext('/bad-proxy', 'RewriteRule ^/a$ http://backend/a [P]')}
        ${badContext('/bad-prg', 'RewriteMap m prg:/bin/cat')}
        ${badContext('/bad-pattern', 'RewriteRule ^/(a)\\1$ /b')}
        ${fileContext('/bad-map', 'RewriteMap m int:tolower\nRewriteRule ^/(.*)$ /${nomap:$1}\n')}
        ${badContext('/bad-directive', 'RewriteEngine on')}
        ${fileContext('/bad-file', '# fine\nRewriteRule ^/a$ /b [L]\nRewriteRule ^/c$ /d [L,X]\n')}`,
    });
  });

  afterAll(async () => {
    await server?.close();
    for (const dir of badApps) rmSync(dir, { recursive: true, force: true });
  });

  const echo = async (path: string, init?: RequestInit): Promise<Record<string, string>> => {
    const response = await fetch(`${server.url}${path}`, init);
    expect(response.status, path).toBe(200);
    return Object.fromEntries(
      (await response.text())
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
  };

  it('a Host rule rewrites internally and the Mapper maps the new URI again', async () => {
    const seen = await echo('/app/h/some/thing?q=1');
    expect(seen).toMatchObject({
      uri: '/app/echo/h/some/thing',
      query: 'q=1',
      servletPath: '/echo',
      pathInfo: '/h/some/thing',
      'param.q': '1',
    });
    // Mapped to the DefaultServlet this time.
    const file = await fetch(`${server.url}/app/to-static`);
    expect(await file.text()).toBe('x\n');
  });

  it('a rewrite that leaves the root is refused by the canonicaliser (400), like a request that asked for it', async () => {
    expect((await fetch(`${server.url}/app/escape-root`)).status).toBe(400);
  });

  it('a Context rule sees the path within the webapp, and its redirects get the context path back', async () => {
    expect(await echo('/app/c/internal/x')).toMatchObject({ uri: '/app/echo/ctx/x', contextPath: '/app', pathInfo: '/ctx/x' });
    const moved = await fetch(`${server.url}/app/c/redirect/y?k=v`, { redirect: 'manual' });
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe('/app/echo/moved/y?k=v');
    const absolute = await fetch(`${server.url}/app/c/absolute`, { redirect: 'manual' });
    expect(absolute.status).toBe(302);
    expect(absolute.headers.get('location')).toBe('http://example.com/elsewhere');
    expect(await echo('/app/c/query?k=v')).toMatchObject({ query: 'q=from-rule&k=v', 'param.q': 'from-rule' });
  });

  it('-f, -d and -s test the webapp resources', async () => {
    expect(await echo('/app/static/hello.txt')).toMatchObject({ uri: '/app/echo/file/hello.txt' });
    expect((await fetch(`${server.url}/app/static/missing.txt`)).status).toBe(404);
    expect(await echo('/app/c/dir')).toMatchObject({ pathInfo: '/is-dir' });
    expect(await echo('/app/c/size')).toMatchObject({ pathInfo: '/empty' });
  });

  it('int:, txt:, rnd: and module maps, with defaults', async () => {
    expect(await echo('/app/upper/abc')).toMatchObject({ pathInfo: '/ABC' });
    expect(await echo('/app/person/ann')).toMatchObject({ uri: '/app/echo/person/Ann%20Smith', pathInfo: '/person/Ann Smith' });
    expect(await echo('/app/person/zoe')).toMatchObject({ pathInfo: '/person/nobody' });
    expect(await echo('/app/choice')).toMatchObject({ pathInfo: '/choice/only-one' });
    expect(await echo('/app/custom/x')).toMatchObject({ pathInfo: '/custom/prefix-x' });
  });

  it('conditions: OR groups are and-ed with the next group; NC; query string', async () => {
    expect(await echo('/app/mode', { headers: { 'X-Mode': 'BETA' } })).toMatchObject({ pathInfo: '/beta' });
    expect(await echo('/app/mode?beta=1')).toMatchObject({ pathInfo: '/beta' });
    // Neither member of the OR group holds: no rewrite, and nothing is mapped at /app/mode.
    expect((await fetch(`${server.url}/app/mode`)).status).toBe(404);
    // The OR group holds but the condition after it does not.
    expect((await fetch(`${server.url}/app/mode`, { method: 'POST', headers: { 'X-Mode': 'beta' } })).status).toBe(404);
  });

  it('E sets request attributes, CO a cookie, F answers 403 and G 410', async () => {
    expect(await echo('/app/attrs/one')).toMatchObject({ 'attr.rw.a': 'one', 'attr.rw.b': 'GET' });
    const withCookie = await fetch(`${server.url}/app/cookie`);
    expect(withCookie.headers.get('set-cookie')).toMatch(/^rw=yes; .*Max-Age=60/);
    expect(withCookie.headers.get('set-cookie')).toMatch(/Domain=\.example\.com/);
    expect((await fetch(`${server.url}/app/forbidden`)).status).toBe(403);
    expect((await fetch(`${server.url}/app/gone`)).status).toBe(410);
  });

  it('N restarts the rules, up to maxPasses passes; one more is answered 500 and logged once', async () => {
    // Four underscores: five passes, the bound.
    expect(await echo('/app/under/a_b_c_d_e')).toMatchObject({ pathInfo: '/under/a-b-c-d-e' });
    const before = server.logs.filter((r) => r.code === 'SV_ERR_REWRITE_TOO_MANY_PASSES').length;
    // Five: a sixth pass would be needed.
    expect((await fetch(`${server.url}/app/under/a_b_c_d_e_f`)).status).toBe(500);
    const logged = server.logs.filter((r) => r.code === 'SV_ERR_REWRITE_TOO_MANY_PASSES');
    expect(logged).toHaveLength(before + 1);
    expect(logged.at(-1)?.msg).toContain('ran its rules [5] times');
  });

  it('enabled="false" lets every request through unchanged', async () => {
    expect((await fetch(`${server.url}/disabled/c/internal/x`)).status).toBe(404);
  });

  it.each([
    ['bad-flag', /attribute configuration:2: \[RewriteRule\] has unknown flag \[Q\]/],
    ['bad-proxy', /attribute configuration:1: flag \[P\] \(proxy\) is refused/],
    ['bad-prg', /attribute configuration:1: RewriteMap \[m\] is refused: a prg: map/],
    ['bad-pattern', /attribute configuration:1: pattern \[.*\] is refused: it cannot be matched in linear time/],
    ['bad-map', /WEB-INF\/rewrite\.config:2: map \[nomap\] is not declared by any RewriteMap line of the file; declared: \[m\]/],
    ['bad-directive', /attribute configuration:1: \[RewriteEngine\] is not a rewrite directive/],
    ['bad-file', /WEB-INF\/rewrite\.config:3: \[RewriteRule\] has unknown flag \[X\]/],
  ])('a configuration error fails that webapp (%s), naming the file and line', async (name, message) => {
    const failure = server.logs.find((r) => r.code === 'SV_ERR_DEPLOY_FAILED' && JSON.stringify(r).includes(`[${name}]`));
    expect(failure, name).toBeDefined();
    expect(JSON.stringify(failure)).toMatch(message);
    expect((await fetch(`${server.url}/${name}/hello.txt`)).status).toBe(404);
  });
});

describe('RewriteValve behind a blocking-style connector (rules run on the worker threads)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      files: {
        'conf/Catalina/localhost/rewrite.config':
          'RewriteRule ^/app/h/(.*)$ /app/echo/h/$1 [L]\nRewriteRule ^/app/old$ /app/echo/new [R=301]\n',
      },
      serverXml: `<?xml version="1.0"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="0" address="127.0.0.1" protocol="HTTP/1.1-blocking" maxThreads="2" minSpareThreads="1"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="${appBase}" autoDeploy="false">
        <Valve className="org.apache.catalina.valves.rewrite.RewriteValve"/>
      </Host>
    </Engine>
  </Service>
</Server>
`,
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('rewrites internally, redirects, and runs the Context valve of the webapp', async () => {
    const rewritten = await fetch(`${server.url}/app/h/x?q=1`);
    expect(await rewritten.text()).toContain('uri=/app/echo/h/x\nquery=q=1\n');
    const moved = await fetch(`${server.url}/app/old`, { redirect: 'manual' });
    expect([moved.status, moved.headers.get('location')]).toEqual([301, '/app/echo/new']);
    expect(await (await fetch(`${server.url}/app/c/internal/y`)).text()).toContain('pathInfo=/ctx/y\n');
  });
});
