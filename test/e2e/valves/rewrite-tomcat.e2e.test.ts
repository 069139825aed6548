/**
 * Differential test: the same rewrite rules (a Host RewriteValve with conf/Catalina/localhost/rewrite.config and the
 * webapp's own Context RewriteValve with WEB-INF/rewrite.config) and the same requests sent to a real Tomcat 10.1 and
 * to Serval; status, Location, the cookie a rule sets, the content type and what the echo servlet saw (URI, query,
 * servlet path, path info, request attributes) must be the same. No N loops here: Tomcat 10.1.60 does not bound them.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';
import { startTomcat, type TomcatServer } from '../../helpers/tomcat.js';

const fixture = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'rewrite');

const HOST_RULES = `# Host rules of the differential test
RewriteRule ^/app/old/(.*)$ /app/echo/new/$1 [R=301,L]
RewriteRule ^/app/temp$ /app/echo/temp [R]
RewriteRule ^/app/see$ /app/echo/see [R=seeother,L]
RewriteRule ^/app/abs$ http://example.com/x?a=1 [R=302,L]
RewriteRule ^/app/rqsa$ /app/echo/rqsa?added=1 [R,QSA,L]
RewriteRule ^/app/rqsd$ /app/echo/rqsd [R,QSD,L]
RewriteRule ^/app/rq$ /app/echo/rq?only=1 [R,L]
RewriteRule ^/app/rne/(.*)$ /app/echo/rne?v=$1 [R,NE,L]
RewriteRule ^/app/qsa$ /app/echo/qsa?added=1 [QSA,L]
RewriteRule ^/app/qsd$ /app/echo/qsd [QSD,L]
RewriteRule ^/app/qnew$ /app/echo/qnew?only=1 [L]
RewriteRule ^/app/keep$ /app/echo/keep [L]
RewriteRule ^/app/forbidden - [F]
RewriteRule ^/app/gone$ - [G]
RewriteCond %{HTTP:X-Mode} ^beta$ [NC]
RewriteRule ^/app/mode$ /app/echo/beta [L]
RewriteRule ^/app/mode$ /app/echo/stable [L]
RewriteCond %{HTTP:X-Version} >5
RewriteRule ^/app/version$ /app/echo/newer [L]
RewriteCond %{QUERY_STRING} =exact
RewriteRule ^/app/eq$ /app/echo/equal [L]
RewriteCond %{HTTP:X-A} =1 [OR]
RewriteCond %{HTTP:X-B} =1
RewriteRule ^/app/either$ /app/echo/either [L]
RewriteCond %{REQUEST_METHOD} !^GET$
RewriteRule ^/app/notget$ /app/echo/not-get [L]
RewriteMap upper int:toupper
RewriteMap lower int:tolower
RewriteMap people txt:conf/people.txt
RewriteRule ^/app/upper/(.*)$ /app/echo/\${upper:$1} [L]
RewriteRule ^/app/lower/(.*)$ /app/echo/\${lower:$1} [L]
RewriteRule ^/app/person/(.*)$ /app/echo/person/\${people:$1|nobody} [L]
RewriteRule ^/app/env/(.*)$ /app/echo/env [E=rw.a:$1,E=rw.b:%{REQUEST_METHOD},L]
RewriteRule ^/app/case/(.*)$ /app/echo/case/$1 [NC,L]
RewriteRule ^/app/chain/a$ /app/chain/b [C]
RewriteRule ^/app/chain/b$ /app/echo/chained [L]
RewriteRule ^/app/skip$ - [S=1]
RewriteRule ^/app/skip$ /app/echo/not-skipped [L]
RewriteRule ^/app/skip$ /app/echo/skipped [L]
RewriteRule ^/app/type$ /app/echo/type [T=application/x-rw,L]
RewriteRule ^/app/cookie$ /app/echo/cookie [CO=rw:yes:example.com:60:/,L]
RewriteRule ^/app/find /app/echo/found [L]
RewriteRule /deep/ /app/echo/deep [L]
RewriteRule ^/app/h/(.*)$ /app/echo/h/$1 [L]
RewriteCond %{HTTP:X-Part} beta
RewriteRule ^/app/part$ /app/echo/part [L]
RewriteCond %{HTTP:X-Id} ^id-([0-9]+)$
RewriteRule ^/app/id$ /app/echo/id/%1 [L]
RewriteCond %{HTTP:X-Neg} =1
RewriteRule !^/app/nothing$ /app/echo/negated [L]
RewriteCond %{HTTP:X-Rename} =1
RewriteRule ^127\\.0\\.0\\.1$ renamed.test [H]
`;
const PEOPLE = '# key value\nann Ann Smith\nbob Bob\n';

interface Observed {
  readonly status: number;
  readonly location: string | null;
  readonly cookie: string | null;
  readonly mediaType: string | null;
  readonly echo: string | null;
}

/** [description, path, request init] */
const REQUESTS: readonly (readonly [string, string, RequestInit?])[] = [
  ['redirect 301 with a back-reference', '/app/old/a/b'],
  ['redirect 301 keeps the query', '/app/old/x?k=v&w=1'],
  ['R without a code is 302', '/app/temp'],
  ['R=seeother', '/app/see?z=1'],
  ['absolute redirect', '/app/abs'],
  ['absolute redirect, query of the request dropped for the rule one', '/app/abs?k=v'],
  ['R with QSA', '/app/rqsa?k=v'],
  ['R with QSD', '/app/rqsd?k=v'],
  ['R with a new query', '/app/rq?k=v'],
  ['R with NE', '/app/rne/a%20b'],
  ['internal QSA', '/app/qsa?k=v'],
  ['internal QSA without a query', '/app/qsa'],
  ['internal QSD', '/app/qsd?k=v'],
  ['internal new query replaces', '/app/qnew?k=v'],
  ['internal keeps the query', '/app/keep?k=v&q=2'],
  ['F', '/app/forbidden'],
  ['F: patterns match the whole path, as Java matches()', '/app/forbidden/more'],
  ['G', '/app/gone'],
  ['condition on a header (NC)', '/app/mode', { headers: { 'X-Mode': 'BETA' } }],
  ['condition on a header not met', '/app/mode'],
  ['lexical >', '/app/version', { headers: { 'X-Version': '6' } }],
  ['lexical > not met', '/app/version', { headers: { 'X-Version': '10' } }],
  ['lexical =', '/app/eq?exact'],
  ['lexical = not met', '/app/eq?inexact'],
  ['OR, first', '/app/either', { headers: { 'X-A': '1' } }],
  ['OR, second', '/app/either', { headers: { 'X-B': '1' } }],
  ['OR, neither', '/app/either'],
  ['negated condition', '/app/notget', { method: 'POST' }],
  ['negated condition not met', '/app/notget'],
  ['int:toupper', '/app/upper/abc'],
  ['int:toupper with an encoded space', '/app/upper/a%20b'],
  ['int:tolower', '/app/lower/ABC'],
  ['txt: map', '/app/person/ann'],
  ['txt: map default', '/app/person/zoe'],
  ['E flags', '/app/env/one'],
  ['NC', '/app/CASE/Mixed'],
  ['a literal percent', '/app/case/50%25'],
  ['chain, whole', '/app/chain/a'],
  ['chain, broken', '/app/chain/x'],
  ['S=1 skips one rule', '/app/skip'],
  ['T', '/app/type'],
  ['CO', '/app/cookie'],
  ['a pattern matching only a prefix does not match', '/app/findings/more'],
  ['an unanchored pattern still matches the whole path', '/app/x/deep/y'],
  ['internal rewrite mapped again', '/app/h/some/thing?q=1'],
  ['context rule, internal', '/app/c/internal/x'],
  ['context rule, redirect gets the context path', '/app/c/redirect/y?k=v'],
  ['context rule, absolute redirect', '/app/c/absolute'],
  ['context rule, QSA', '/app/c/query?k=v'],
  ['context rule, -f', '/app/static/hello.txt'],
  ['context rule, -f not met', '/app/static/missing.txt'],
  ['context rule, -d', '/app/c/dir'],
  ['context rule, -s not met', '/app/c/size'],
  ['no rule matches', '/app/echo/plain?x=1'],
  ['a condition pattern matching only inside the value does not match', '/app/part', { headers: { 'X-Part': 'alphabetagamma' } }],
  ['a condition pattern equal to the value', '/app/part', { headers: { 'X-Part': 'beta' } }],
  ['a condition back-reference', '/app/id', { headers: { 'X-Id': 'id-42' } }],
  ['a negated rule pattern', '/app/anything', { headers: { 'X-Neg': '1' } }],
  ['a negated rule pattern that matches', '/app/nothing', { headers: { 'X-Neg': '1' } }],
  ['H rewrites the host name (the default Host serves it)', '/app/echo/host?x=1', { headers: { 'X-Rename': '1' } }],
];

async function observe(base: string, path: string, init: RequestInit = {}): Promise<Observed> {
  const response = await fetch(`${base}${path}`, { ...init, redirect: 'manual' });
  const body = await response.text();
  const contentType = response.headers.get('content-type');
  return {
    status: response.status,
    location: response.headers.get('location'),
    cookie: response.headers.get('set-cookie')?.split(';')[0] ?? null,
    mediaType: response.status === 200 && contentType !== null ? (contentType.split(';')[0] as string).trim() : null,
    // Only the echo servlet's answers are compared; error pages differ by product.
    echo: response.status === 200 ? body : null,
  };
}

describe('RewriteValve against Tomcat 10.1', () => {
  let serval: TestServer;
  let tomcat: TomcatServer;

  beforeAll(async () => {
    const files = { 'conf/Catalina/localhost/rewrite.config': HOST_RULES, 'conf/people.txt': PEOPLE };
    const valve = '<Valve className="org.apache.catalina.valves.rewrite.RewriteValve"/>';
    [serval, tomcat] = await Promise.all([
      startTestServer({ appBase: fixture, files, hostContent: valve }),
      startTomcat({
        hostContent: valve,
        webapps: { app: join(fixture, 'app') },
        servlets: { app: [join(fixture, 'EchoServlet.java')] },
        files,
      }),
    ]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([serval?.close(), tomcat?.stop()]);
  });

  it.each(REQUESTS.map(([name, path, init]) => ({ name, path, init })))('$name: $path', async ({ path, init }) => {
    const expected = await observe(tomcat.url, path, init);
    const actual = await observe(serval.url, path, init);
    // The echo's server name is 127.0.0.1 on both; the port differs.
    expect(actual).toEqual(expected);
  });
});
