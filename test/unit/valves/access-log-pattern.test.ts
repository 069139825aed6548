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
