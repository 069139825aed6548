/**
 * The access log valves of issue #21 over real sockets, their files read from disk waiting for the line:
 * - ExtendedAccessLogValve: the W3C directives at the top of a new file, then one line of fields per request;
 * - JsonAccessLogValve: one JSON object per line with Tomcat's keys;
 * - AccessLogValve's conditionIf and condition (conditionUnless's former name), requestAttributesEnabled with
 *   ipv6Canonical (the AccessLog attributes set by the application, as RemoteIpValve would), locale, and checkExists
 *   (a deleted file is opened again).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLogLine } from '../../helpers/access-log-file.js';
import { fetchHttp } from '../../helpers/http-fetch.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';
import { SERVER_INFO } from '../../../src/version/version.js';

const VALVES = 'org.apache.catalina.valves';
const EXTENDED_FIELDS =
  'date time c-ip cs-method cs-uri cs-uri-stem cs-uri-query sc-status bytes cs(User-Agent) sc(X-Out) x-R(tag) x-P(tag) x-C(c) x-H(scheme) x-H(protocol)';

describe('access log valves', () => {
  let server: TestServer;
  const logs = (): string => join(server.base, 'logs');
  const line = async (prefix: string, marker: string): Promise<string> => {
    const found = await accessLogLine(logs(), prefix, marker);
    expect(found, `a line with ${marker} in ${prefix}`).toBeDefined();
    return found as string;
  };
  const file = (prefix: string): string => join(logs(), `${prefix}.${new Date().toISOString().slice(0, 10)}.txt`);
  const get = (path: string, headers: Record<string, string> = {}) => fetchHttp(`${server.url}${path}`, { headers });

  beforeAll(async () => {
    const valve = (className: string, prefix: string, attributes: string): string =>
      `<Valve className="${VALVES}.${className}" directory="logs" prefix="${prefix}" suffix=".txt" buffered="false" ${attributes}/>`;
    server = await startTestServer({
      appBase: join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'reports'),
      hostContent: [
        valve('ExtendedAccessLogValve', 'ext', `pattern="${EXTENDED_FIELDS}"`),
        valve('JsonAccessLogValve', 'json', `pattern="%a %s %r %{User-Agent}i %{X-Out}o %{tag}r %{sec}t literal text"`),
        valve('AccessLogValve', 'if', 'pattern="%U%q %{tag}r" conditionIf="tag"'),
        valve('AccessLogValve', 'unless', 'pattern="%U%q" condition="skip"'),
        valve('AccessLogValve', 'proxied', 'pattern="%a %h %H %v %p %U%q" requestAttributesEnabled="true" ipv6Canonical="true"'),
        valve('AccessLogValve', 'plain', 'pattern="%a %h %H %p %U%q"'),
        valve('AccessLogValve', 'locale', 'pattern="%{EEEE}t %U%q" locale="de_DE"'),
        valve('AccessLogValve', 'check', 'pattern="%U%q" checkExists="true"'),
      ].join('\n'),
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('ExtendedAccessLogValve starts its file with the W3C directives and logs the fields of each request', async () => {
    await get('/app/attr?tag=w3c%20x', { 'user-agent': 'Agent "Q"', cookie: 'c=cv' });
    const logged = await line('ext', '/app/attr?tag=w3c');
    const [first, second, third] = readFileSync(file('ext'), 'utf8').split('\n');
    expect([first, second, third]).toEqual([`#Fields: ${EXTENDED_FIELDS}`, '#Version: 2.0', `#Software: ${SERVER_INFO}`]);
    const today = new Date().toISOString().slice(0, 10);
    expect(logged).toMatch(new RegExp(`^${today} \\d\\d:\\d\\d:\\d\\d `));
    expect(logged.replace(/^\S+ \S+ /, '')).toBe(
      '127.0.0.1 GET /app/attr?tag=w3c%20x /app/attr tag=w3c%20x 200 2 "Agent ""Q""" "a""b" "w3c x" "w3c+x" "cv" http "HTTP/1.1"',
    );
  });

  it("JsonAccessLogValve writes one JSON object per request with Tomcat's keys", async () => {
    await get('/app/attr?tag=json', { 'user-agent': 'Agent "J"\\' });
    const logged = JSON.parse(await line('json', 'tag=json')) as Record<string, unknown>;
    expect(logged).toEqual({
      remoteAddr: '127.0.0.1',
      statusCode: '200',
      request: 'GET /app/attr?tag=json HTTP/1.1',
      'time-sec': expect.stringMatching(/^\d{10}$/) as unknown,
      requestHeaders: { 'User-Agent': 'Agent "J"\\' },
      responseHeaders: { 'X-Out': 'a"b' },
      requestAttributes: { tag: 'json' },
    });
  });

  it('conditionIf logs only requests that set the attribute; condition skips those that set it', async () => {
    await get('/app/attr?probe=if-absent');
    await get('/app/attr?probe=if-present&tag=t1');
    expect(await line('if', 'probe=if-present')).toBe('/app/attr?probe=if-present&tag=t1 t1');
    // Lines reach a file in order: once the later line is there, the earlier one would be too.
    expect(readFileSync(file('if'), 'utf8')).not.toContain('if-absent');

    await get('/app/attr?probe=unless-skipped&skip=1');
    await get('/app/attr?probe=unless-kept');
    expect(await line('unless', 'unless-kept')).toBe('/app/attr?probe=unless-kept');
    expect(readFileSync(file('unless'), 'utf8')).not.toContain('unless-skipped');
  });

  it('requestAttributesEnabled logs the AccessLog attributes a proxy valve sets, IPv6 in canonical form', async () => {
    await get('/app/attr?proxy=1');
    expect(await line('proxied', 'proxy=1')).toBe('2001:db8::1 client.example HTTP/1.0 front.example 443 /app/attr?proxy=1');
    // Without it, the connection's own values.
    expect(await line('plain', 'proxy=1')).toBe('127.0.0.1 127.0.0.1 HTTP/1.1 ' + String(server.port) + ' /app/attr?proxy=1');
    // And with it, a request without the attributes still logs the connection's.
    await get('/app/attr?direct=1');
    expect(await line('proxied', 'direct=1')).toBe(`127.0.0.1 127.0.0.1 HTTP/1.1 127.0.0.1 ${server.port} /app/attr?direct=1`);
  });

  it('locale names the day in %{EEEE}t', async () => {
    await get('/app/attr?day=1');
    const logged = await line('locale', 'day=1');
    const german = new Intl.DateTimeFormat('de-DE', { weekday: 'long' }).format(new Date());
    const english = new Intl.DateTimeFormat('en-US', { weekday: 'long' }).format(new Date());
    // The line is stamped with the request's start; a request at midnight could name the day before.
    const yesterday = new Intl.DateTimeFormat('de-DE', { weekday: 'long' }).format(new Date(Date.now() - 86_400_000));
    expect([`${german} /app/attr?day=1`, `${yesterday} /app/attr?day=1`]).toContain(logged);
    expect(logged.startsWith(english)).toBe(false);
  });

  it('checkExists opens the file again after something deleted it', async () => {
    await get('/app/attr?check=before');
    await line('check', 'check=before');
    rmSync(file('check'));
    await get('/app/attr?check=after');
    expect(await line('check', 'check=after')).toBe('/app/attr?check=after');
    expect(readFileSync(file('check'), 'utf8')).toBe('/app/attr?check=after\n');
  });
});
