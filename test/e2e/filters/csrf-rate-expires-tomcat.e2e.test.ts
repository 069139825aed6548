/**
 * Differential test: the same static webapps, configured with CsrfPreventionFilter, RestCsrfPreventionFilter,
 * RateLimitFilter and ExpiresFilter by their Tomcat class names, served by Debian's Tomcat 10.1 (package
 * tomcat10, which .ci/run installs; started once, as a plain process from a private base) and by Serval; the
 * same requests must get the same statuses and filter headers from both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHttp, type FetchOptions, type FetchResponse } from '../../helpers/http-fetch.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const TOMCAT_HOME = '/usr/share/tomcat10';
const WEB_APP = '<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">';

function filter(name: string, className: string, params: Record<string, string>): string {
  const initParams = Object.entries(params)
    .map(([key, value]) => `<init-param><param-name>${key}</param-name><param-value>${value}</param-value></init-param>`)
    .join('');
  return `${WEB_APP}<filter><filter-name>${name}</filter-name><filter-class>org.apache.catalina.filters.${className}</filter-class>${initParams}</filter><filter-mapping><filter-name>${name}</filter-name><url-pattern>/*</url-pattern></filter-mapping></web-app>`;
}

const apps: Readonly<Record<string, string>> = {
  expires: filter('expires', 'ExpiresFilter', { 'ExpiresByType text/css': 'A3600', 'ExpiresByType text/html': 'access plus 2 hours' }),
  // A day-long bucket: FastRateLimiter makes it 2^27 ms and scales the allowance, the same arithmetic on both.
  rate: filter('rate', 'RateLimitFilter', { bucketRequests: '2', bucketDuration: '86400', exposeHeaders: 'true' }),
  csrf: filter('csrf', 'CsrfPreventionFilter', { entryPoints: '/index.html' }),
  rest: filter('rest', 'RestCsrfPreventionFilter', {}),
};

function writeApps(appBase: string): void {
  for (const [name, webXml] of Object.entries(apps)) {
    mkdirSync(join(appBase, name, 'WEB-INF'), { recursive: true });
    writeFileSync(join(appBase, name, 'WEB-INF', 'web.xml'), webXml);
    writeFileSync(join(appBase, name, 'index.html'), '<p>index</p>\n');
    writeFileSync(join(appBase, name, 'other.html'), '<p>other</p>\n');
    writeFileSync(join(appBase, name, 'style.css'), 'p { color: black; }\n');
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** Starts Tomcat and resolves when its log says startup finished (or rejects when it exits first). */
function startTomcat(base: string): Promise<ChildProcess> {
  const child = spawn(join(TOMCAT_HOME, 'bin', 'catalina.sh'), ['run'], {
    env: { ...process.env, CATALINA_HOME: TOMCAT_HOME, CATALINA_BASE: base, CATALINA_TMPDIR: join(base, 'temp') },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.includes('Server startup in')) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`Tomcat exited (${code}) before starting:\n${output}`)));
  });
}

describe('CSRF, rate limit and expires filters: Serval against Tomcat 10.1', () => {
  let base: string;
  let tomcat: ChildProcess | undefined;
  let tomcatUrl: string;
  let serval: TestServer;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'serval-tomcat-filters-'));
    for (const dir of ['conf', 'logs', 'temp', 'work', 'webapps']) mkdirSync(join(base, dir));
    for (const file of ['web.xml', 'logging.properties', 'catalina.properties', 'context.xml']) {
      copyFileSync(join('/etc/tomcat10', file), join(base, 'conf', file));
    }
    const port = await freePort();
    writeFileSync(
      join(base, 'conf', 'server.xml'),
      `<Server port="-1" shutdown="SHUTDOWN"><Service name="Catalina"><Connector port="${port}" address="127.0.0.1" protocol="HTTP/1.1"/>` +
        '<Engine name="Catalina" defaultHost="localhost"><Host name="localhost" appBase="webapps" autoDeploy="false"/></Engine></Service></Server>',
    );
    writeApps(join(base, 'webapps'));
    tomcatUrl = `http://127.0.0.1:${port}`;
    [tomcat, serval] = await Promise.all([startTomcat(base), startTestServer({ appBase: join(base, 'webapps') })]);
  }, 120_000);

  afterAll(async () => {
    if (tomcat?.pid !== undefined && tomcat.exitCode === null) {
      const exited = new Promise((resolve) => tomcat!.once('exit', resolve));
      process.kill(-tomcat.pid, 'SIGTERM');
      await exited;
    }
    await serval?.close();
    rmSync(base, { recursive: true, force: true });
  });

  /** The same request to both servers, each with its own session cookie. */
  const both = (() => {
    const cookies = new Map<string, string>();
    return async (path: string, options: FetchOptions = {}): Promise<[FetchResponse, FetchResponse]> => {
      const send = async (url: string): Promise<FetchResponse> => {
        const cookie = cookies.get(url);
        const response = await fetchHttp(`${url}${path}`, {
          ...options,
          headers: { ...(options.headers ?? {}), ...(cookie ? { cookie } : {}) },
        });
        const set = response.headers['set-cookie']?.find((c) => c.startsWith('JSESSIONID='));
        if (set !== undefined) cookies.set(url, set.split(';')[0]!);
        return response;
      };
      return [await send(tomcatUrl), await send(serval.url)];
    };
  })();

  it('ExpiresFilter: max-age and Expires by type, none on a 304 or a POST', async () => {
    for (const path of ['/expires/style.css', '/expires/index.html']) {
      const [t, s] = await both(path);
      expect(s.status).toBe(t.status);
      // Tomcat reads the clock twice (for Expires, then for max-age), so its max-age is often one second short
      // of the configured one; Serval reads it once and gives exactly the configured duration.
      const maxAge = (r: FetchResponse): number => Number(/^max-age=(\d+)$/.exec(String(r.headers['cache-control']))?.[1]);
      expect(maxAge(s)).toBe(path.endsWith('.css') ? 3600 : 7200);
      expect(maxAge(s) - maxAge(t)).toBeGreaterThanOrEqual(0);
      expect(maxAge(s) - maxAge(t)).toBeLessThanOrEqual(1);
      const ahead = (r: FetchResponse): number => (Date.parse(String(r.headers['expires'])) - Date.parse(String(r.headers['date']))) / 1000;
      expect(Math.abs(ahead(s) - ahead(t))).toBeLessThanOrEqual(1);
      const [t304, s304] = await both(path, { headers: { 'if-modified-since': String(s.headers['last-modified']) } });
      // Each server's own Last-Modified is the file's: the same file, so both answer 304.
      expect([t304.status, s304.status]).toEqual([304, 304]);
      expect(s304.headers['expires']).toBe(t304.headers['expires']);
      expect(s304.headers['cache-control']).toBe(t304.headers['cache-control']);
    }
    const [tPost, sPost] = await both('/expires/style.css', { method: 'POST', body: '' });
    expect(sPost.status).toBe(tPost.status);
    expect(sPost.headers['expires']).toBe(tPost.headers['expires']);
  });

  it('RateLimitFilter: the same allowance, policy and remaining counts, then the same refusal', async () => {
    const shape = (r: FetchResponse): string[] => [
      String(r.status),
      String(r.headers['ratelimit-policy']).replace(/^"fast-\d+"/, '"fast-N"'),
      String(r.headers['ratelimit']).replace(/^"fast-\d+"/, '"fast-N"'),
    ];
    const tomcatSeen: string[][] = [];
    const servalSeen: string[][] = [];
    for (let i = 0; i < 4; i++) {
      const [t, s] = await both('/rate/index.html');
      tomcatSeen.push(shape(t));
      servalSeen.push(shape(s));
    }
    expect(servalSeen).toEqual(tomcatSeen);
    // What both computed: 2 per 86400 s is 3 per 134217 s with FastRateLimiter.
    expect(servalSeen.map((row) => row[0])).toEqual(['200', '200', '200', '429']);
    expect(servalSeen[0]![1]).toBe('"fast-N";q=3;w=134217');
  });

  it('CsrfPreventionFilter: entry point and static suffixes open to GET, the rest refused without a nonce', async () => {
    for (const [path, options] of [
      ['/csrf/index.html', {}],
      ['/csrf/style.css', {}],
      ['/csrf/other.html', {}],
      ['/csrf/index.html', { method: 'POST', body: '' }],
      ['/csrf/other.html?org.apache.catalina.filters.CSRF_NONCE=0123456789ABCDEF0123456789ABCDEF', {}],
    ] as const) {
      const [t, s] = await both(path, options);
      expect([path, s.status]).toEqual([path, t.status]);
    }
  });

  it('RestCsrfPreventionFilter: Fetch gives a token, a POST without it gets Required, with it passes', async () => {
    const [tRefused, sRefused] = await both('/rest/index.html', { method: 'POST', body: '' });
    expect([sRefused.status, sRefused.headers['x-csrf-token']]).toEqual([tRefused.status, tRefused.headers['x-csrf-token']]);
    const [tFetch, sFetch] = await both('/rest/index.html', { headers: { 'x-csrf-token': 'Fetch' } });
    expect(sFetch.status).toBe(tFetch.status);
    expect(String(sFetch.headers['x-csrf-token'])).toMatch(/^[0-9A-F]{32}$/);
    expect(String(tFetch.headers['x-csrf-token'])).toMatch(/^[0-9A-F]{32}$/);
    const t = await fetchHttp(`${tomcatUrl}/rest/index.html`, {
      method: 'POST',
      body: '',
      headers: { 'x-csrf-token': String(tFetch.headers['x-csrf-token']), cookie: String(tFetch.headers['set-cookie']![0]).split(';')[0]! },
    });
    const s = await fetchHttp(`${serval.url}/rest/index.html`, {
      method: 'POST',
      body: '',
      headers: { 'x-csrf-token': String(sFetch.headers['x-csrf-token']), cookie: String(sFetch.headers['set-cookie']![0]).split(';')[0]! },
    });
    expect(s.status).toBe(t.status);
  });
});
