import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Request } from '../../../src/core/request.js';
import type { Response } from '../../../src/core/response.js';
import type { ContainerValve } from '../../../src/core/valve.js';
import { ConfigError } from '../../../src/errors/container-error.js';
import type { RejectedRequest } from '../../../src/protocol/exchange.js';
import { Cookie } from '../../../src/servlet/cookie.js';
import { AccessLogValve } from '../../../src/valves/access-log-valve.js';
import { AccessLogAttributes, recordFromExchange, recordFromRejected } from '../../../src/valves/access-log-record.js';

const START_MS = Date.UTC(2026, 10, 21, 15, 20, 1);
const START_NS = 1_000_000_000_000n;

interface FakeOptions {
  method?: string;
  uri?: string;
  query?: string | null;
  status?: number;
  bytes?: number;
  attributes?: Record<string, unknown>;
  aborted?: boolean;
  willClose?: boolean;
  session?: { id: string; attributes: Record<string, unknown>; invalid?: boolean } | null;
  commitNs?: bigint | null;
}

function fakeExchange(options: FakeOptions = {}): { request: Request; response: Response } {
  const attributes = new Map(Object.entries(options.attributes ?? {}));
  const headers: Record<string, string[]> = { 'user-agent': ['UA/1'], referer: ['http://ref/'] };
  const session = options.session ?? null;
  const response = {
    getStatus: () => options.status ?? 200,
    getBytesWritten: () => options.bytes ?? 42,
    getCommitTime: () =>
      options.commitNs === undefined ? START_NS + 3_000_000n : options.commitNs === null ? null : START_NS + options.commitNs,
    getHeaders: (name: string) => (name.toLowerCase() === 'content-type' ? ['text/plain'] : []),
  } as unknown as Response;
  const request = {
    control: {
      remoteAddress: '10.1.1.1',
      connectionId: 'conn-1',
      aborted: options.aborted ?? false,
      willClose: options.willClose ?? false,
    },
    getRemoteAddr: () => '10.1.1.1',
    getRemoteHost: () => '10.1.1.1',
    getRemotePort: () => 40000,
    getLocalAddr: () => '127.0.0.1',
    getLocalPort: () => 8080,
    getProtocol: () => 'HTTP/1.1',
    getMethod: () => options.method ?? 'GET',
    getRequestURI: () => options.uri ?? '/app/page',
    getQueryString: () => (options.query === undefined ? 'x=1' : options.query),
    getStartTime: () => START_NS,
    getStartTimeMs: () => START_MS,
    getSessionIfExists: () =>
      session === null
        ? null
        : {
            getId: () => {
              if (session.invalid) throw new Error('invalidated');
              return session.id;
            },
            getAttribute: (name: string) => {
              if (session.invalid) throw new Error('invalidated');
              return session.attributes[name] ?? null;
            },
          },
    getRemoteUser: () => null,
    getServerName: () => 'localhost',
    getRequestId: () => 'req-9',
    getHeaders: (name: string) => headers[name.toLowerCase()] ?? [],
    getCookies: () => [new Cookie('JSESSIONID', 'S1'), new Cookie('theme', 'dark')],
    getAttribute: (name: string) => attributes.get(name) ?? null,
  } as unknown as Request;
  return { request, response };
}

let savedTz: string | undefined;
beforeAll(() => {
  savedTz = process.env.TZ;
  process.env.TZ = 'UTC';
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('recordFromExchange', () => {
  it('reads everything a pattern needs from the request and response', () => {
    const { request, response } = fakeExchange({ session: { id: 'SID', attributes: { cart: 'pears' } } });
    const r = recordFromExchange(request, response, { endTime: START_NS + 2_500_000_000n });
    expect(r).toMatchObject({
      remoteAddr: '10.1.1.1',
      peerAddr: '10.1.1.1',
      localPort: 8080,
      method: 'GET',
      uriPath: '/app/page',
      query: 'x=1',
      status: 200,
      bytesSent: 42,
      startTimeMs: START_MS,
      elapsedNs: 2_500_000_000n,
      commitNs: 3_000_000n,
      sessionId: 'SID',
      serverName: 'localhost',
      connectionId: 'conn-1',
      requestId: 'req-9',
      connectionStatus: '+',
      threadName: 'main',
    });
    expect(r.cookies('theme')).toEqual(['dark']);
    expect(r.requestHeaders('User-Agent')).toEqual(['UA/1']);
    expect(r.responseHeaders('Content-Type')).toEqual(['text/plain']);
    expect(r.sessionAttribute('cart')).toBe('pears');
  });

  it('derives the connection status and survives an invalidated session', () => {
    const aborted = fakeExchange({ aborted: true, willClose: true });
    expect(recordFromExchange(aborted.request, aborted.response).connectionStatus).toBe('X');
    const closing = fakeExchange({ willClose: true, session: { id: 'gone', attributes: {}, invalid: true } });
    const r = recordFromExchange(closing.request, closing.response);
    expect(r.connectionStatus).toBe('-');
    expect(r.sessionId).toBeNull();
    expect(r.sessionAttribute('x')).toBeNull();
  });

  it('uses the proxy attributes only with requestAttributesEnabled', () => {
    const { request, response } = fakeExchange({
      attributes: {
        [AccessLogAttributes.REMOTE_ADDR]: '203.0.113.5',
        [AccessLogAttributes.REMOTE_HOST]: 'real.client',
        [AccessLogAttributes.PROTOCOL]: 'HTTP/2.0',
        [AccessLogAttributes.SERVER_PORT]: '443',
      },
    });
    const plain = recordFromExchange(request, response);
    expect([plain.remoteAddr, plain.remoteHost, plain.protocol, plain.localPort]).toEqual(['10.1.1.1', '10.1.1.1', 'HTTP/1.1', 8080]);
    const proxied = recordFromExchange(request, response, { requestAttributesEnabled: true });
    expect([proxied.remoteAddr, proxied.remoteHost, proxied.protocol, proxied.localPort]).toEqual([
      '203.0.113.5',
      'real.client',
      'HTTP/2.0',
      443,
    ]);
    expect(proxied.peerAddr).toBe('10.1.1.1');
  });
});

function rejected(overrides: Partial<RejectedRequest> = {}): RejectedRequest {
  return {
    status: 400,
    method: 'GET',
    target: '/bad?q=<x>',
    protocol: 'HTTP/1.1',
    remoteAddress: '192.0.2.1',
    remotePort: 5555,
    localAddress: '127.0.0.1',
    localPort: 8080,
    connectionId: 'c9',
    bytesWritten: 0,
    startTime: START_NS,
    code: 'SV_ERR_HTTP_BAD_REQUEST',
    ...overrides,
  };
}

describe('recordFromRejected', () => {
  it('splits the target and marks the connection closed for close-clean errors', () => {
    const r = recordFromRejected(rejected(), { endTime: START_NS + 1_000_000n });
    expect(r).toMatchObject({
      method: 'GET',
      uriPath: '/bad',
      query: 'q=<x>',
      status: 400,
      elapsedNs: 1_000_000n,
      connectionStatus: '-',
      sessionId: null,
    });
    expect(r.requestHeaders('User-Agent')).toEqual([]);
  });

  it('keeps unparsed parts absent and keeps the connection for keep-mode codes', () => {
    const r = recordFromRejected(rejected({ method: null, target: null, protocol: null, code: 'SV_ERR_URI_INVALID' }));
    expect(r.uriPath).toBeNull();
    expect(r.query).toBeNull();
    expect(r.connectionStatus).toBe('+');
    expect(recordFromRejected(rejected({ code: 'not-a-code' })).connectionStatus).toBe('-');
  });
});

describe('AccessLogValve', () => {
  let base: string;
  const valves: AccessLogValve[] = [];
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'serval-access-valve-'));
  });
  afterEach(async () => {
    for (const valve of valves.splice(0)) await valve.stop();
    await rm(base, { recursive: true, force: true });
  });

  const make = (attributes: Record<string, string | number | boolean>): AccessLogValve => {
    const valve = new AccessLogValve(
      { directory: 'logs', prefix: 'acc', suffix: '.log', ...attributes },
      { catalinaBase: base, clock: () => START_MS },
    );
    valves.push(valve);
    return valve;
  };
  const logFile = (): string => join(base, 'logs', 'acc.2026-11-21.log');

  it('logs finished requests with the configured pattern and flushes on stop', async () => {
    const valve = make({ pattern: '%m %U%q %s %b "%{User-Agent}i" %{theme}c' });
    await valve.start();
    expect(valve.currentLogFile).toBe(logFile());
    const a = fakeExchange();
    valve.log(a.request, a.response);
    const b = fakeExchange({ method: 'POST', uri: '/submit', query: null, status: 302, bytes: 0 });
    valve.log(b.request, b.response);
    await valve.stop();
    expect(await readFile(logFile(), 'utf8')).toBe('GET /app/page?x=1 200 42 "UA/1" dark\nPOST /submit 302 - "UA/1" dark\n');
  });

  it('uses the common pattern by default and combined on request', async () => {
    const common = make({});
    expect(common.pattern).toBe('%h %l %u %t "%r" %s %b');
    await common.start();
    const { request, response } = fakeExchange();
    common.log(request, response);
    await common.flush();
    expect(await readFile(logFile(), 'utf8')).toBe('10.1.1.1 - - [21/Nov/2026:15:20:01 +0000] "GET /app/page?x=1 HTTP/1.1" 200 42\n');
    expect(make({ pattern: 'combined', prefix: 'other' }).pattern).toContain('"%{Referer}i" "%{User-Agent}i"');
  });

  it('conditionUnless skips requests carrying the attribute', async () => {
    const valve = make({ pattern: '%U', conditionUnless: 'nolog' });
    await valve.start();
    const skipped = fakeExchange({ uri: '/skipped', attributes: { nolog: 'yes' } });
    const kept = fakeExchange({ uri: '/kept' });
    valve.log(skipped.request, skipped.response);
    valve.log(kept.request, kept.response);
    valve.logRejected(rejected());
    await valve.flush();
    expect(await readFile(logFile(), 'utf8')).toBe('/kept\n/bad\n');
  });

  it('condition is the former name of conditionUnless', async () => {
    const valve = make({ pattern: '%U', condition: 'nolog' });
    await valve.start();
    const skipped = fakeExchange({ uri: '/skipped', attributes: { nolog: 'yes' } });
    const kept = fakeExchange({ uri: '/kept' });
    valve.log(skipped.request, skipped.response);
    valve.log(kept.request, kept.response);
    await valve.flush();
    expect(await readFile(logFile(), 'utf8')).toBe('/kept\n');
  });

  it('enabled="false" logs nothing, served or rejected', async () => {
    const valve = make({ pattern: '%U', enabled: 'false' });
    await valve.start();
    const { request, response } = fakeExchange();
    valve.log(request, response);
    valve.logRejected(rejected());
    await valve.flush();
    expect(await readFile(logFile(), 'utf8')).toBe('');
  });

  it('refuses a locale Intl does not know', () => {
    expect(() => make({ locale: 'xx_not-a-locale!' })).toThrow(/Attribute \[locale\]/);
  });

  it('conditionIf logs only requests carrying the attribute (never rejected ones)', async () => {
    const valve = make({ pattern: '%U', conditionIf: 'dolog' });
    await valve.start();
    const skipped = fakeExchange({ uri: '/skipped' });
    const kept = fakeExchange({ uri: '/kept', attributes: { dolog: true } });
    valve.log(skipped.request, skipped.response);
    valve.log(kept.request, kept.response);
    valve.logRejected(rejected());
    await valve.flush();
    expect(await readFile(logFile(), 'utf8')).toBe('/kept\n');
  });

  it('logs rejected requests with escaping', async () => {
    const valve = make({ pattern: '%a "%r" %s %b %X' });
    await valve.start();
    valve.logRejected(rejected({ target: '/a"b\n', method: 'GET' }));
    await valve.flush();
    expect(await readFile(logFile(), 'utf8')).toBe('192.0.2.1 "GET /a\\"b\\n HTTP/1.1" 400 - -\n');
  });

  it('does not log before start and never throws from log()', async () => {
    const errors: string[] = [];
    const valve = new AccessLogValve(
      { directory: 'logs', prefix: 'acc', suffix: '.log', pattern: '%U' },
      { catalinaBase: base, clock: () => START_MS, onError: (m) => errors.push(m) },
    );
    valves.push(valve);
    const { request, response } = fakeExchange();
    valve.log(request, response);
    const broken = {
      ...request,
      getRequestURI: () => {
        throw new Error('boom');
      },
    } as unknown as Request;
    await valve.start();
    expect(() => valve.log(broken, response)).not.toThrow();
    expect(() => valve.log(broken, response)).not.toThrow();
    await valve.flush();
    expect(await readFile(logFile(), 'utf8')).toBe('');
    expect(errors).toHaveLength(1);
  });

  it('invoke passes straight through to the next valve', async () => {
    const valve = make({});
    const seen: string[] = [];
    const next: ContainerValve = {
      next: null,
      invoke: async (request) => {
        seen.push(request.getRequestURI());
      },
      backgroundProcess: () => {},
    };
    valve.next = next;
    const { request, response } = fakeExchange();
    await valve.invoke(request, response);
    expect(seen).toEqual(['/app/page']);
  });

  it('rejects invalid attribute values with a ConfigError naming the attribute', () => {
    expect(() => make({ rotatable: 'maybe' })).toThrow(/rotatable/);
    expect(() => make({ maxDays: 'ten' })).toThrow(ConfigError);
    expect(() => make({ encoding: 'EBCDIC' })).toThrow(/encoding/);
    expect(() => make({ fileDateFormat: 'yyyy-QQ' })).toThrow(/fileDateFormat/);
  });

  it('accepts string attributes from server.xml', async () => {
    const valve = make({ rotatable: 'false', buffered: 'false', maxDays: '3', pattern: '%s' });
    await valve.start();
    expect(valve.currentLogFile).toBe(join(base, 'logs', 'acc.log'));
  });
});
