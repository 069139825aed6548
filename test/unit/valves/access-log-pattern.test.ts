import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  COMBINED_PATTERN,
  COMMON_PATTERN,
  compileAccessLogPattern,
  compileSimpleDateFormat,
  escapeLogValue,
  formatClfDate,
} from '../../../src/valves/access-log-pattern.js';
import type { AccessLogRecord } from '../../../src/valves/access-log-record.js';
import { canonicalIpv6, localeDateNames } from '../../../src/valves/access-log-pattern.js';
import { compileExtendedPattern, quote } from '../../../src/valves/extended-access-log-valve.js';
import { compileJsonPattern, jsonSafe } from '../../../src/valves/json-access-log-valve.js';
import { ConfigError } from '../../../src/errors/container-error.js';
import { REPO_ROOT } from '../../helpers/test-server.js';

const START = Date.UTC(2026, 10, 21, 15, 20, 1, 234);

function record(overrides: Partial<AccessLogRecord> = {}): AccessLogRecord {
  const requestHeaders: Record<string, string[]> = {
    'user-agent': ['curl/8.5'],
    referer: ['http://example.com/from'],
    accept: ['text/html', 'application/json'],
    'x-evil': ['a"b\\c\nd'],
  };
  const responseHeaders: Record<string, string[]> = { 'content-type': ['text/html;charset=UTF-8'] };
  return {
    remoteAddr: '192.0.2.10',
    peerAddr: '10.0.0.1',
    remoteHost: 'client.example',
    remotePort: 54321,
    localAddr: '127.0.0.1',
    localPort: 8080,
    protocol: 'HTTP/1.1',
    method: 'GET',
    uriPath: '/app/index.html',
    query: 'a=1&b=2',
    status: 200,
    bytesSent: 1234,
    startTimeMs: START,
    elapsedNs: 1_234_567_890n,
    commitNs: 5_600_000n,
    sessionId: 'ABC123',
    remoteUser: 'alice',
    serverName: 'www.example.com',
    connectionId: 'c-7',
    requestId: 'r-42',
    connectionStatus: '+',
    threadName: 'main',
    requestHeaders: (name) => requestHeaders[name.toLowerCase()] ?? [],
    responseHeaders: (name) => responseHeaders[name.toLowerCase()] ?? [],
    cookies: (name) => (name === 'JSESSIONID' ? ['ABC123'] : name === 'pair' ? ['x', 'y'] : []),
    requestAttribute: (name) => ({ user: 'bob', count: 3, quote: 'say "hi"' })[name] ?? null,
    sessionAttribute: (name) => (name === 'cart' ? 'apples' : null),
    contextAttribute: (name) => (name === 'app.version' ? '1.2' : null),
    parameter: (name) => (name === 'q' ? 'two words&more' : null),
    requestProperty: (name) => ({ scheme: 'https', protocol: 'HTTP/1.1', secure: 'true' })[name] ?? null,
    ...overrides,
  };
}

const format = (pattern: string, overrides: Partial<AccessLogRecord> = {}): string =>
  compileAccessLogPattern(pattern).format(record(overrides));

let savedTz: string | undefined;
beforeAll(() => {
  savedTz = process.env.TZ;
  process.env.TZ = 'UTC';
  expect(new Date(START).getTimezoneOffset()).toBe(0);
});
afterEach(() => {
  process.env.TZ = 'UTC';
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('access-log pattern codes', () => {
  const startSec = String(Math.floor(START / 1000));
  const endMs = START + 1234;
  const cases: Array<[pattern: string, expected: string, overrides?: Partial<AccessLogRecord>]> = [
    ['%a', '192.0.2.10'],
    ['%{remote}a', '192.0.2.10'],
    ['%{peer}a', '10.0.0.1'],
    ['%A', '127.0.0.1'],
    ['%b', '1234'],
    ['%b', '-', { bytesSent: 0 }],
    ['%B', '1234'],
    ['%B', '0', { bytesSent: 0 }],
    ['%D', '1234567'],
    ['%F', '5'],
    ['%F', '-', { commitNs: null }],
    ['%h', 'client.example'],
    ['%H', 'HTTP/1.1'],
    ['%H', '-', { protocol: null }],
    ['%I', 'main'],
    ['%l', '-'],
    ['%m', 'GET'],
    ['%m', '-', { method: null }],
    ['%p', '8080'],
    ['%{local}p', '8080'],
    ['%{remote}p', '54321'],
    ['%q', '?a=1&b=2'],
    ['%q', '', { query: null }],
    ['%r', 'GET /app/index.html?a=1&b=2 HTTP/1.1'],
    ['%r', 'GET /app/index.html HTTP/1.1', { query: null }],
    ['%r', '-', { method: null, uriPath: null, protocol: null }],
    ['%r', 'GET /x\\"y?q=\\n HTTP/1.1', { uriPath: '/x"y', query: 'q=\n' }],
    ['%s', '200'],
    ['%s', '404', { status: 404 }],
    ['%S', 'ABC123'],
    ['%S', '-', { sessionId: null }],
    ['%t', '[21/Nov/2026:15:20:01 +0000]'],
    ['%T', '1'],
    ['%u', 'alice'],
    ['%u', '-', { remoteUser: null }],
    ['%U', '/app/index.html'],
    ['%U', '/caf\\u00E9', { uriPath: '/café' }],
    ['%v', 'www.example.com'],
    ['%v', '-', { serverName: null }],
    ['%X', '+'],
    ['%X', 'X', { connectionStatus: 'X' }],
    ['%X', '-', { connectionStatus: '-' }],
    ['%{User-Agent}i', 'curl/8.5'],
    ['%{accept}i', 'text/html,application/json'],
    ['%{X-Missing}i', '-'],
    ['%{X-Evil}i', 'a\\"b\\\\c\\nd'],
    ['%{Content-Type}o', 'text/html;charset=UTF-8'],
    ['%{X-Missing}o', '-'],
    ['%{JSESSIONID}c', 'ABC123'],
    ['%{pair}c', 'x,y'],
    ['%{none}c', '-'],
    ['%{user}r', 'bob'],
    ['%{count}r', '3'],
    ['%{quote}r', 'say \\"hi\\"'],
    ['%{absent}r', '-'],
    ['%{cart}s', 'apples'],
    ['%{absent}s', '-'],
    ['%{yyyy-MM-dd HH:mm:ss.SSS}t', '2026-11-21 15:20:01.234'],
    ["%{dd/MMM/yyyy 'at' HH}t", '21/Nov/2026 at 15'],
    ['%{EEE, d MMMM yy hh a Z}t', 'Sat, 21 November 26 03 PM +0000'],
    ['%{sec}t', startSec],
    ['%{msec}t', String(START)],
    ['%{msec_frac}t', '234'],
    ['%{begin:msec}t', String(START)],
    ['%{end:msec}t', String(endMs)],
    ['%{end:msec_frac}t', String(endMs % 1000).padStart(3, '0')],
    ['%{begin:HH:mm:ss}t', '15:20:01'],
    ['%{end}t', '[21/Nov/2026:15:20:02 +0000]'],
    ['%{begin}t', '[21/Nov/2026:15:20:01 +0000]'],
    ['%{Q}t', '???t???'],
    ['%{ns}T', '1234567890'],
    ['%{us}T', '1234567'],
    ['%{ms}T', '1234'],
    ['%{fracsec}T', '1.234'],
    ['%{fracsec}T', '0.005', { elapsedNs: 5_999_999n }],
    ['%{s}T', '1'],
    ['%{c}L', 'c-7'],
    ['%L', 'r-42'],
    ['%%', '%'],
    ['100%% sure', '100% sure'],
    ['%Z', '???Z???'],
    ['%{x}Z', '???Z???'],
    ['%{x}L', '???L???'],
    ['tail %', 'tail %'],
    ['open %{never', 'open %{never'],
  ];
  it.each(cases)('%s → %s', (pattern, expected, overrides) => {
    expect(format(pattern, overrides)).toBe(expected);
  });

  it('common and combined resolve to the Tomcat patterns', () => {
    expect(compileAccessLogPattern('common').pattern).toBe(COMMON_PATTERN);
    expect(compileAccessLogPattern('combined').pattern).toBe(COMBINED_PATTERN);
    expect(format('common')).toBe('client.example - alice [21/Nov/2026:15:20:01 +0000] "GET /app/index.html?a=1&b=2 HTTP/1.1" 200 1234');
    expect(format('combined')).toBe(
      'client.example - alice [21/Nov/2026:15:20:01 +0000] "GET /app/index.html?a=1&b=2 HTTP/1.1" 200 1234 ' +
        '"http://example.com/from" "curl/8.5"',
    );
    expect(format('combined', { remoteUser: null, bytesSent: 0, requestHeaders: () => [] })).toBe(
      'client.example - - [21/Nov/2026:15:20:01 +0000] "GET /app/index.html?a=1&b=2 HTTP/1.1" 200 - "-" "-"',
    );
  });

  it('keeps literal text as text, whatever it looks like (the formatter is generated code)', () => {
    const tricky = `%m "' + process.exit(1) + '" \\ \u2028 \${x} */ %U`;
    expect(compileAccessLogPattern(tricky).format(record())).toBe(`GET "' + process.exit(1) + '" \\ \u2028 \${x} */ /app/index.html`);
  });

  it('formats the same line when node forbids code generation from strings', async () => {
    const built = join(REPO_ROOT, 'dist/valves/access-log-pattern.js');
    if (!existsSync(built)) throw new Error(`This test runs the build: [${built}] is missing. Run \`npm run build\` first.`);
    const script = `
      const { compileAccessLogPattern } = require(${JSON.stringify(built)});
      const record = { remoteHost: 'h', remoteUser: null, method: 'GET', uriPath: '/p', query: null, protocol: 'HTTP/1.1',
        status: 200, bytesSent: 5, startTimeMs: ${START} };
      process.stdout.write(compileAccessLogPattern('%h %u "%r" %s %b').format(record));
    `;
    const output = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--disallow-code-generation-from-strings', '-e', script], { timeout: 10_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    expect(output).toBe('h - "GET /p HTTP/1.1" 200 5');
  });

  it('compiles once into reusable elements', () => {
    const compiled = compileAccessLogPattern('%m %U');
    expect(compiled.elements).toHaveLength(3);
    expect(compiled.format(record({ method: 'POST' }))).toBe('POST /app/index.html');
    expect(compiled.format(record({ method: 'PUT' }))).toBe('PUT /app/index.html');
  });

  it('says whether it prints %F, the only element that needs the commit time', () => {
    expect(compileAccessLogPattern('%r %s %F').usesCommitTime).toBe(true);
    expect(compileAccessLogPattern(COMBINED_PATTERN).usesCommitTime).toBe(false);
    expect(compileAccessLogPattern('%D %T %{ms}T %%F %{X-F}i').usesCommitTime).toBe(false);
  });

  it('%t prints local time with the zone offset', () => {
    process.env.TZ = 'Asia/Kolkata';
    expect(compileAccessLogPattern('%t').format(record())).toBe('[21/Nov/2026:20:50:01 +0530]');
    process.env.TZ = 'America/New_York';
    expect(formatClfDate(START)).toBe('[21/Nov/2026:10:20:01 -0500]');
  });

  it('%t cache follows the second', () => {
    const compiled = compileAccessLogPattern('%t');
    expect(compiled.format(record())).toBe('[21/Nov/2026:15:20:01 +0000]');
    expect(compiled.format(record({ startTimeMs: START + 500 }))).toBe('[21/Nov/2026:15:20:01 +0000]');
    expect(compiled.format(record({ startTimeMs: START + 1000 }))).toBe('[21/Nov/2026:15:20:02 +0000]');
  });
});

describe('escapeLogValue', () => {
  const cases: Array<[input: string, expected: string]> = [
    ['plain text 123 ~!#$', 'plain text 123 ~!#$'],
    ['"', '\\"'],
    ['\\', '\\\\'],
    ['\f\n\r\t', '\\f\\n\\r\\t'],
    ['\u0000\u0001\u001b', '\\u0000\\u0001\\u001B'],
    ['\u007f', '\\u007F'],
    ['é', '\\u00E9'],
    ['€', '\\u20AC'],
    ['😀', '\\uD83D\\uDE00'],
    ['a"b\\c', 'a\\"b\\\\c'],
  ];
  it.each(cases)('%j → %j', (input, expected) => {
    expect(escapeLogValue(input)).toBe(expected);
  });
});

describe('compileSimpleDateFormat', () => {
  it('formats the fileDateFormat subset and quoted text', () => {
    const date = new Date(Date.UTC(2026, 0, 5, 7, 8, 9, 10));
    expect(compileSimpleDateFormat('.yyyy-MM-dd')?.(date)).toBe('.2026-01-05');
    expect(compileSimpleDateFormat('yyyyMMddHHmm')?.(date)).toBe('202601050708');
    expect(compileSimpleDateFormat("'It''s' H:m:s.S")?.(date)).toBe("It's 7:8:9.10");
  });
  it('rejects unsupported letters', () => {
    expect(compileSimpleDateFormat('yyyy-ww')).toBeNull();
    expect(compileSimpleDateFormat("yyyy 'ww'")).not.toBeNull();
  });
});

describe('ExtendedAccessLogValve fields', () => {
  const extended = (pattern: string, overrides: Partial<AccessLogRecord> = {}): string =>
    compileExtendedPattern(pattern, { element: 'Valve' }).format(record(overrides));

  it("prints Tomcat's W3C fields, dates in UTC, free text quoted", () => {
    expect(
      extended('date time time-taken time-taken-ms c-ip c-dns s-ip cs-method cs-uri cs-uri-stem cs-uri-query sc-status bytes cached'),
    ).toBe('2026-11-21 15:20:01 1 1234 192.0.2.10 client.example 127.0.0.1 GET /app/index.html?a=1&b=2 /app/index.html a=1&b=2 200 1234 -');
    expect(extended('cs-uri cs-uri-query bytes', { query: null, bytesSent: 0 })).toBe('/app/index.html - -');
    expect(extended('cs(User-Agent)  sc(Content-Type) cs(X-None)')).toBe('"curl/8.5"  "text/html;charset=UTF-8" -');
    expect(extended('x-R(quote) x-R(count) x-S(cart) x-A(app.version) x-C(pair) x-O(Content-Type) x-P(q) x-P(none)')).toBe(
      '"say ""hi""" "3" "apples" "1.2" "x,y" "text/html;charset=UTF-8" "two+words%26more" -',
    );
    expect(extended('x-H(scheme) x-H(protocol) x-H(secure) x-threadname')).toBe('https "HTTP/1.1" "true" main');
  });

  it('keeps a hostile header on one line: quotes doubled, control characters escaped', () => {
    expect(extended('cs(X-Evil)')).toBe('"a""b\\c\\nd"');
    expect(quote('a"b\\c\nd\u0001')).toBe('"a""b\\c\\nd\\u0001"');
  });

  it('refuses a field Tomcat does not know, naming it', () => {
    expect(() => compileExtendedPattern('date bogus', { element: 'conf/server.xml:3 Valve' })).toThrow(ConfigError);
    expect(() => compileExtendedPattern('x-H(nothing)', { element: 'x' })).toThrow(/\[x-H\(nothing\)\]/);
  });
});

describe('JsonAccessLogValve keys', () => {
  const json = (pattern: string, overrides: Partial<AccessLogRecord> = {}): unknown =>
    JSON.parse(compileJsonPattern(pattern, { element: 'Valve' }).format(record(overrides)));

  it('names each element as Tomcat does, drops literal text and groups the parameterised ones', () => {
    expect(
      json(
        '%a - %A %b %B %h %H %l %m %p %q %r %s %S %u %U %v %X %{remote}p %{sec}t %{User-Agent}i %{Content-Type}o %{JSESSIONID}c %{user}r %{cart}s %{c}L %Z',
      ),
    ).toEqual({
      remoteAddr: '192.0.2.10',
      localAddr: '127.0.0.1',
      size: '1234',
      byteSentNC: '1234',
      host: 'client.example',
      protocol: 'HTTP/1.1',
      logicalUserName: '-',
      method: 'GET',
      port: '8080',
      query: '?a=1&b=2',
      request: 'GET /app/index.html?a=1&b=2 HTTP/1.1',
      statusCode: '200',
      sessionId: 'ABC123',
      user: 'alice',
      path: '/app/index.html',
      localServerName: 'www.example.com',
      connectionStatus: '+',
      'port-remote': '54321',
      'time-sec': String(Math.floor(START / 1000)),
      'other-Z': '???Z???',
      requestHeaders: { 'User-Agent': 'curl/8.5' },
      responseHeaders: { 'Content-Type': 'text/html;charset=UTF-8' },
      cookies: { JSESSIONID: 'ABC123' },
      requestAttributes: { user: 'bob' },
      sessionAttributes: { cart: 'apples' },
      identifier: { c: 'c-7' },
    });
    expect(json('%q', { query: null })).toEqual({ query: '-' });
  });

  it('is valid JSON whatever the values hold, and decodes to the original text', () => {
    expect(json('%{X-Evil}i')).toEqual({ requestHeaders: { 'X-Evil': 'a"b\\c\nd' } });
    expect(json("%{'q\"\\'yyyy}t")).toEqual({ "time-'q\"\\'yyyy": 'q"\\2026' });
    expect(jsonSafe('raw " and \\ and \u0001')).toBe('raw \\" and \\\\ and \\u0001');
  });
});

describe('AccessLogValve locale and ipv6Canonical', () => {
  it('prints month and day names of the locale in %{…}t', () => {
    const names = localeDateNames('de_DE');
    expect(names?.monthsLong[2]).toBe('März');
    expect(names?.daysLong[0]).toBe('Sonntag');
    expect(compileAccessLogPattern('%{EEEE d. MMMM}t', { dateNames: names ?? undefined }).format(record())).toMatch(
      /^Samstag 21\. November$/,
    );
    expect(localeDateNames('no such locale!')).toBeNull();
  });

  it('prints IPv6 addresses in their RFC 5952 form', () => {
    expect(canonicalIpv6('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(canonicalIpv6('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(canonicalIpv6('::FFFF:127.0.0.1')).toBe('::ffff:127.0.0.1');
    expect(canonicalIpv6('192.0.2.1')).toBe('192.0.2.1');
    expect(
      compileAccessLogPattern('%a %A', { ipv6Canonical: true }).format(record({ remoteAddr: '2001:0db8:0000::0001', localAddr: '::1' })),
    ).toBe('2001:db8::1 ::1');
  });
});
