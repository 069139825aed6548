import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Http11ConnectorConfig } from '../../../src/config/server-config.js';
import { ContainerRequest } from '../../../src/connector/container-request.js';
import { ContainerResponse } from '../../../src/connector/container-response.js';
import type { ContextBinding } from '../../../src/core/context-binding.js';
import type { Request } from '../../../src/core/request.js';
import { ContainerError } from '../../../src/errors/container-error.js';
import { emptyMappingData } from '../../../src/mapper/mapping-data.js';
import type { ContainerMapping } from '../../../src/core/request.js';
import type { RequestDispatcher } from '../../../src/servlet/request-dispatcher.js';
import type { ServletContext } from '../../../src/servlet/servlet-context.js';
import { StandardManager } from '../../../src/session/standard-manager.js';
import { BufferExchange, testConnectorConfig, type BufferExchangeOptions } from '../../helpers/buffer-exchange.js';

interface AttributeEvent {
  kind: string;
  name: string;
  value: unknown;
}

interface TestBinding extends ContextBinding {
  readonly sessionManager: StandardManager;
  readonly dispatched: string[];
  readonly events: AttributeEvent[];
}

function makeBinding(overrides: Partial<ContextBinding> = {}): TestBinding {
  const contextPath = overrides.contextPath ?? '/app';
  const servletContext = {
    getContextPath: () => contextPath,
    getRealPath: (path: string) => `/srv/app${path}`,
  } as unknown as ServletContext;
  const dispatched: string[] = [];
  const events: AttributeEvent[] = [];
  const sessionManager = new StandardManager({ servletContext, listeners: () => [], logger: pino({ level: 'silent' }) });
  return {
    servletContext,
    contextPath,
    sessionCookieName: 'JSESSIONID',
    sessionCookiePath: contextPath === '' ? '/' : contextPath,
    sessionCookieSecure: null,
    useHttpOnly: true,
    useRelativeRedirects: true,
    requestCharacterEncoding: null,
    responseCharacterEncoding: null,
    getRequestDispatcher(path: string): RequestDispatcher {
      dispatched.push(path);
      return { forward: async () => {}, include: async () => {} };
    },
    fireRequestAttributeEvent(kind: string, _request: Request, name: string, value: unknown) {
      events.push({ kind, name, value });
    },
    // The Context's authenticator decides roles (src/security); this one asks the principal, to see the delegation.
    authenticator: {
      next: null,
      invoke: () => undefined,
      backgroundProcess: () => undefined,
      login: async () => undefined,
      logout: async () => undefined,
      authenticate: async () => false,
      isUserInRole: (request: Request, role: string) =>
        (request.getUserPrincipal() as { hasRole?: (r: string) => boolean } | null)?.hasRole?.(role) === true,
    },
    ...overrides,
    sessionManager,
    dispatched,
    events,
  };
}

interface Setup extends BufferExchangeOptions {
  connector?: Partial<Http11ConnectorConfig>;
  binding?: TestBinding | null;
  mapping?: Partial<ContainerMapping>;
  sessionIdFromUrl?: string | null;
}

function setup(options: Setup = {}) {
  const exchange = new BufferExchange(options);
  const response = new ContainerResponse(exchange, {});
  const request = new ContainerRequest(exchange, testConnectorConfig(options.connector), response);
  response.attach(request);
  const binding = options.binding === undefined ? makeBinding() : options.binding;
  const mapping: ContainerMapping = {
    ...emptyMappingData(),
    contextPath: binding?.contextPath ?? '',
    servletPath: '/servlet',
    ...options.mapping,
  };
  request.setMapping(mapping, binding, '/app/servlet', options.sessionIdFromUrl ?? null);
  return { exchange, request, response, binding };
}

function caught(fn: () => unknown): ContainerError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContainerError) return error;
    throw error;
  }
  throw new Error('expected a ContainerError');
}

async function caughtAsync(fn: () => unknown): Promise<ContainerError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof ContainerError) return error;
    throw error;
  }
  throw new Error('expected a ContainerError');
}

const FORM = ['Content-Type', 'application/x-www-form-urlencoded'] as const;

describe('ContainerRequest: request line and paths', () => {
  it('splits the target into the raw request URI and the query string', () => {
    const { request } = setup({ method: 'PUT', target: '/app/a%20b/c?x=1&y=%20' });
    expect(request.getMethod()).toBe('PUT');
    expect(request.getRequestURI()).toBe('/app/a%20b/c');
    expect(request.getQueryString()).toBe('x=1&y=%20');
    expect(request.getProtocol()).toBe('HTTP/1.1');
  });

  it('has a null query string without ? and an empty one with a bare ?', () => {
    expect(setup({ target: '/app/x' }).request.getQueryString()).toBeNull();
    expect(setup({ target: '/app/x?' }).request.getQueryString()).toBe('');
  });

  it('strips scheme and authority from an absolute-form target', () => {
    const { request } = setup({ target: 'http://example.com:8080/app/x?q=1' });
    expect(request.getRequestURI()).toBe('/app/x');
    expect(request.getQueryString()).toBe('q=1');
  });

  it('takes context path from the binding and servlet path / path info from the mapping', () => {
    const { request } = setup({ target: '/app/servlet/extra', mapping: { servletPath: '/servlet', pathInfo: '/extra' } });
    expect(request.getContextPath()).toBe('/app');
    expect(request.getServletPath()).toBe('/servlet');
    expect(request.getPathInfo()).toBe('/extra');
    expect(request.getPathTranslated()).toBe('/srv/app/extra');
    expect(request.getDecodedRequestURI()).toBe('/app/servlet');
    expect(request.getDispatcherType()).toBe('REQUEST');
  });

  it('builds the request URL, omitting the default port', () => {
    expect(setup({ target: '/app/x?q', headers: [['Host', 'example.com:8080']] }).request.getRequestURL()).toBe(
      'http://example.com:8080/app/x',
    );
    expect(setup({ target: '/app/x', headers: [['Host', 'example.com']] }).request.getRequestURL()).toBe('http://example.com/app/x');
    expect(setup({ target: '/', secure: true, headers: [['Host', 'example.com:443']] }).request.getRequestURL()).toBe(
      'https://example.com/',
    );
  });
});

describe('ContainerRequest: headers', () => {
  const headers: Array<[string, string]> = [
    ['Host', 'localhost'],
    ['X-Multi', 'one'],
    ['Accept', 'text/html'],
    ['x-multi', 'two'],
    ['X-Num', '42'],
    ['X-Bad-Num', '4x2'],
    ['If-Modified-Since', 'Sun, 06 Nov 1994 08:49:37 GMT'],
    ['X-Rfc850', 'Sunday, 06-Nov-94 08:49:37 GMT'],
    ['X-Asctime', 'Sun Nov  6 08:49:37 1994'],
    ['X-Bad-Date', 'not a date'],
  ];
  const example = Date.UTC(1994, 10, 6, 8, 49, 37);

  it('looks names up case-insensitively; getHeader gives the first value, getHeaders all', () => {
    const { request } = setup({ headers });
    expect(request.getHeader('x-MULTI')).toBe('one');
    expect(request.getHeaders('X-Multi')).toEqual(['one', 'two']);
    expect(request.getHeader('missing')).toBeNull();
    expect(request.getHeaders('missing')).toEqual([]);
  });

  it('lists header names once each, in received order and first spelling', () => {
    const { request } = setup({ headers });
    expect(request.getHeaderNames().slice(0, 4)).toEqual(['Host', 'X-Multi', 'Accept', 'X-Num']);
  });

  it('parses integer headers; absent is -1, garbage throws', () => {
    const { request } = setup({ headers });
    expect(request.getIntHeader('X-Num')).toBe(42);
    expect(request.getIntHeader('Nope')).toBe(-1);
    expect(caught(() => request.getIntHeader('X-Bad-Num')).code).toBe('SV_ERR_REQUEST_HEADER_FORMAT');
  });

  it('parses date headers in all three HTTP date formats; absent is -1, garbage throws', () => {
    const { request } = setup({ headers });
    expect(request.getDateHeader('If-Modified-Since')).toBe(example);
    expect(request.getDateHeader('X-Rfc850')).toBe(example);
    expect(request.getDateHeader('X-Asctime')).toBe(example);
    expect(request.getDateHeader('Nope')).toBe(-1);
    expect(caught(() => request.getDateHeader('X-Bad-Date')).message).toContain('[not a date]');
  });

  it('reads content length and type', () => {
    const { request } = setup({
      headers: [
        ['Content-Length', '12'],
        ['Content-Type', 'text/plain'],
      ],
    });
    expect(request.getContentLength()).toBe(12);
    expect(request.getContentType()).toBe('text/plain');
    expect(setup().request.getContentLength()).toBe(-1);
  });
});

describe('ContainerRequest: server, remote and locale', () => {
  it('takes server name and port from the Host header', () => {
    const { request } = setup({ headers: [['Host', 'Example.com:8443']] });
    expect(request.getServerName()).toBe('Example.com');
    expect(request.getServerPort()).toBe(8443);
  });

  it("uses the scheme's port when the Host port is not one to five digits", () => {
    for (const host of ['h:', 'h:80a', 'h:123456', 'h:-1', 'h: 80', 'h:8 0']) {
      const request = setup({ headers: [['Host', host]] }).request;
      expect(request.getServerName(), host).toBe('h');
      expect(request.getServerPort(), host).toBe(80);
    }
    expect(setup({ headers: [['Host', 'h:00081']] }).request.getServerPort()).toBe(81);
  });

  it('handles IPv6 literals, keeping the brackets', () => {
    const withPort = setup({ headers: [['Host', '[::1]:9090']] }).request;
    expect(withPort.getServerName()).toBe('[::1]');
    expect(withPort.getServerPort()).toBe(9090);
    const without = setup({ headers: [['Host', '[2001:db8::1]']] }).request;
    expect(without.getServerName()).toBe('[2001:db8::1]');
    expect(without.getServerPort()).toBe(80);
  });

  it('defaults the port by scheme and falls back to the local address without Host', () => {
    expect(setup({ secure: true, headers: [['Host', 'h']] }).request.getServerPort()).toBe(443);
    const noHost = setup({ headers: [], localAddress: '10.0.0.5', localPort: 8081 }).request;
    expect(noHost.getServerName()).toBe('10.0.0.5');
    expect(noHost.getServerPort()).toBe(8081);
  });

  it('uses proxyName and proxyPort when the connector sets them', () => {
    const { request } = setup({ connector: { proxyName: 'www.example.org', proxyPort: 443 }, headers: [['Host', 'internal:8080']] });
    expect(request.getServerName()).toBe('www.example.org');
    expect(request.getServerPort()).toBe(443);
  });

  it('reports remote and local endpoints, scheme and security', () => {
    const { request } = setup({ remoteAddress: '192.0.2.7', remotePort: 4321, localAddress: '192.0.2.1', localPort: 8080 });
    expect([request.getRemoteAddr(), request.getRemoteHost(), request.getRemotePort()]).toEqual(['192.0.2.7', '192.0.2.7', 4321]);
    expect([request.getLocalAddr(), request.getLocalName(), request.getLocalPort()]).toEqual(['192.0.2.1', '192.0.2.1', 8080]);
    expect([request.getScheme(), request.isSecure()]).toEqual(['http', false]);
    const secure = setup({ secure: true }).request;
    expect([secure.getScheme(), secure.isSecure()]).toEqual(['https', true]);
    const configured = setup({ connector: { scheme: 'https', secure: true } }).request;
    expect([configured.getScheme(), configured.isSecure()]).toEqual(['https', true]);
  });

  it('orders locales by Accept-Language q-values and defaults to en', () => {
    const { request } = setup({ headers: [['Accept-Language', 'fr;q=0.4, de-CH, en;q=0.7']] });
    expect(request.getLocale()).toBe('de-CH');
    expect(request.getLocales()).toEqual(['de-CH', 'en', 'fr']);
    expect(setup().request.getLocale()).toBe('en');
    expect(setup().request.getLocales()).toEqual(['en']);
  });
});

describe('ContainerRequest: cookies', () => {
  it('parses the Cookie headers', () => {
    const { request } = setup({
      headers: [
        ['Cookie', 'a=1; b="two"'],
        ['Cookie', 'c=3'],
      ],
    });
    expect(request.getCookies().map((c) => `${c.getName()}=${c.getValue()}`)).toEqual(['a=1', 'b=two', 'c=3']);
  });

  it('fails with 400 beyond maxCookieCount and accepts exactly the limit', () => {
    expect(setup({ connector: { maxCookieCount: 2 }, headers: [['Cookie', 'a=1; b=2']] }).request.getCookies()).toHaveLength(2);
    const { request } = setup({ connector: { maxCookieCount: 2 }, headers: [['Cookie', 'a=1; b=2; c=3']] });
    const error = caught(() => request.getCookies());
    expect(error.code).toBe('SV_ERR_HTTP_TOO_MANY_COOKIES');
    expect(error.status).toBe(400);
  });
});

describe('ContainerRequest: attributes and notes', () => {
  it('stores attributes and fires added / replaced / removed events with the right values', () => {
    const { request, binding } = setup();
    request.setAttribute('a', 1);
    request.setAttribute('a', 2);
    request.setAttribute('a', null);
    expect(request.getAttribute('a')).toBeNull();
    expect(binding!.events).toEqual([
      { kind: 'added', name: 'a', value: 1 },
      { kind: 'replaced', name: 'a', value: 1 },
      { kind: 'removed', name: 'a', value: 2 },
    ]);
    request.removeAttribute('never-set');
    expect(binding!.events).toHaveLength(3);
  });

  it('lists attribute names', () => {
    const { request } = setup();
    request.setAttribute('x', 'y');
    request.setAttribute('z', 0);
    expect(request.getAttributeNames()).toEqual(['x', 'z']);
  });

  it('never lets reserved internal attribute names be set', () => {
    const { request, binding } = setup();
    request.setAttribute('serval.internal.secret', 'forged');
    expect(request.getAttribute('serval.internal.secret')).toBeNull();
    expect(request.getAttributeNames()).toEqual([]);
    expect(binding!.events).toEqual([]);
  });

  it('keeps notes apart from attributes', () => {
    const { request } = setup();
    request.setNote('serval.exception', 'boom');
    expect(request.getNote('serval.exception')).toBe('boom');
    expect(request.getAttribute('serval.exception')).toBeNull();
  });
});

describe('ContainerRequest: parameters', () => {
  it('decodes query parameters with URIEncoding (UTF-8)', () => {
    const { request } = setup({ target: '/app/x?name=J%C3%BCrgen&a=1+2&a=3&flag' });
    expect(request.getParameter('name')).toBe('Jürgen');
    expect(request.getParameterValues('a')).toEqual(['1 2', '3']);
    expect(request.getParameter('flag')).toBe('');
    expect(request.getParameterNames()).toEqual(['name', 'a', 'flag']);
  });

  it('merges query then form body parameters, in order', async () => {
    const { request } = setup({ method: 'POST', target: '/app/x?a=q1&b=q', headers: [FORM], body: ['a=b1&', 'c=%E2%82%AC'] });
    await request.readFormBody();
    expect(request.getParameterValues('a')).toEqual(['q1', 'b1']);
    expect(request.getParameter('c')).toBe('€');
    expect([...request.getParameterMap().keys()]).toEqual(['a', 'b', 'c']);
    expect(request.isBodyConsumed()).toBe(true);
  });

  it('returns a fresh map from getParameterMap', () => {
    const { request } = setup({ target: '/app/x?a=1' });
    request.getParameterMap().get('a')!.push('x');
    request.getParameterMap().delete('a');
    expect(request.getParameterValues('a')).toEqual(['1']);
  });

  it('decodes the body with the charset from Content-Type', async () => {
    const { request } = setup({
      method: 'POST',
      headers: [['Content-Type', 'application/x-www-form-urlencoded; charset=ISO-8859-1']],
      body: 'n=J%FCrgen',
    });
    await request.readFormBody();
    expect(request.getCharacterEncoding()).toBe('ISO-8859-1');
    expect(request.getParameter('n')).toBe('Jürgen');
  });

  it('lets setCharacterEncoding before the first getParameter choose the body charset', async () => {
    const { request } = setup({ method: 'POST', headers: [FORM], body: 'n=J%FCrgen' });
    await request.readFormBody();
    request.setCharacterEncoding('ISO-8859-1');
    expect(request.getParameter('n')).toBe('Jürgen');
    // Ignored once the parameters were parsed.
    request.setCharacterEncoding('UTF-16');
    expect(request.getCharacterEncoding()).toBe('ISO-8859-1');
  });

  it('uses the context default request encoding, then UTF-8', async () => {
    const binding = makeBinding({ requestCharacterEncoding: 'ISO-8859-1' });
    const withDefault = setup({ method: 'POST', headers: [FORM], body: 'n=%E9', binding });
    await withDefault.request.readFormBody();
    expect(withDefault.request.getCharacterEncoding()).toBe('ISO-8859-1');
    expect(withDefault.request.getParameter('n')).toBe('é');
    const plain = setup({ method: 'POST', headers: [FORM], body: 'n=%C3%A9' });
    await plain.request.readFormBody();
    expect(plain.request.getCharacterEncoding()).toBeNull();
    expect(plain.request.getParameter('n')).toBe('é');
  });

  it('rejects unknown charsets in setCharacterEncoding', () => {
    const error = caught(() => setup().request.setCharacterEncoding('x-no-such'));
    expect(error.code).toBe('SV_ERR_REQUEST_UNSUPPORTED_ENCODING');
    expect(error.message).toContain('[x-no-such]');
  });

  it('fails with 400 when query and body together exceed maxParameterCount, and keeps failing', async () => {
    const ok = setup({ method: 'POST', target: '/app/x?a=1', headers: [FORM], body: 'b=2', connector: { maxParameterCount: 2 } });
    await ok.request.readFormBody();
    expect(ok.request.getParameterNames()).toEqual(['a', 'b']);
    const { request } = setup({
      method: 'POST',
      target: '/app/x?a=1',
      headers: [FORM],
      body: 'b=2&c=3',
      connector: { maxParameterCount: 2 },
    });
    // The adapter's readFormBody() refuses it before any application code runs …
    await expect(request.readFormBody()).rejects.toMatchObject({ code: 'SV_ERR_HTTP_TOO_MANY_PARAMETERS', status: 400 });
    // … and a caller that goes on anyway keeps getting the error.
    const error = caught(() => request.getParameter('a'));
    expect(error.code).toBe('SV_ERR_HTTP_TOO_MANY_PARAMETERS');
    expect(error.status).toBe(400);
    expect(caught(() => request.getParameterMap()).code).toBe('SV_ERR_HTTP_TOO_MANY_PARAMETERS');
  });

  it('accepts a form body of exactly maxPostSize bytes', async () => {
    const body = 'a=12345678'; // 10 bytes
    const { request } = setup({ method: 'POST', headers: [FORM, ['Content-Length', '10']], body, connector: { maxPostSize: 10 } });
    await request.readFormBody();
    expect(request.getParameter('a')).toBe('12345678');
  });

  it('rejects a declared Content-Length one byte over maxPostSize with 413 before reading', async () => {
    const { request, exchange } = setup({
      method: 'POST',
      headers: [FORM, ['Content-Length', '11']],
      body: 'a=123456789',
      connector: { maxPostSize: 10 },
    });
    const error = await caughtAsync(() => request.readFormBody());
    expect(error.code).toBe('SV_ERR_HTTP_POST_TOO_LARGE');
    expect(error.status).toBe(413);
    expect(error.message).toBe('Form body of [11] bytes exceeds maxPostSize [10]');
    expect(exchange.body.readableEnded).toBe(false);
  });

  it('rejects a chunked form body with 413 once it grows past maxPostSize while reading', async () => {
    const ok = setup({
      method: 'POST',
      headers: [FORM, ['Transfer-Encoding', 'chunked']],
      body: ['a=1234', '5678'],
      connector: { maxPostSize: 10 },
    });
    await ok.request.readFormBody();
    expect(ok.request.getParameter('a')).toBe('12345678');
    const { request } = setup({
      method: 'POST',
      headers: [FORM, ['Transfer-Encoding', 'chunked']],
      body: ['a=1234', '56789'],
      connector: { maxPostSize: 10 },
    });
    const error = await caughtAsync(() => request.readFormBody());
    expect(error.status).toBe(413);
    expect(error.message).toContain('[11]');
  });

  it('leaves non-form bodies and non-POST requests unread', async () => {
    const json = setup({
      method: 'POST',
      headers: [
        ['Content-Type', 'application/json'],
        ['Content-Length', '7'],
      ],
      body: '{"a":1}',
    });
    await json.request.readFormBody();
    expect(json.request.isBodyConsumed()).toBe(false);
    expect((await json.request.getInputStream().readAllBytes()).toString()).toBe('{"a":1}');
    expect(json.request.isBodyConsumed()).toBe(true);
    const put = setup({ method: 'PUT', headers: [FORM, ['Content-Length', '3']], body: 'a=1' });
    await put.request.readFormBody();
    expect(put.request.getParameter('a')).toBeNull();
  });

  it('hands the form body to a stream read first, and then has no body parameters (as in Tomcat)', async () => {
    const { request } = setup({ method: 'POST', target: '/app/x?q=1', headers: [FORM], body: 'a=1' });
    await request.readFormBody();
    expect((await request.getInputStream().readAllBytes()).toString()).toBe('a=1');
    expect(request.getParameterNames()).toEqual(['q']);
  });

  it('gives an empty stream once the parameters took the form body', async () => {
    const { request } = setup({ method: 'POST', headers: [FORM], body: 'a=1' });
    await request.readFormBody();
    expect(request.getParameter('a')).toBe('1');
    expect((await request.getInputStream().readAllBytes()).length).toBe(0);
  });
});

describe('ContainerRequest: body streams', () => {
  it('reads the body through getInputStream, including readAllBytes', async () => {
    const { request } = setup({ method: 'PUT', headers: [['Content-Length', '6']], body: ['abc', 'def'] });
    const stream = request.getInputStream();
    expect(request.getInputStream()).toBe(stream);
    expect(stream.isFinished()).toBe(false);
    expect((await stream.readAllBytes()).toString()).toBe('abcdef');
    expect(stream.isFinished()).toBe(true);
  });

  it('works as an async iterable', async () => {
    const { request } = setup({ method: 'PUT', headers: [['Content-Length', '4']], body: ['ab', 'cd'] });
    const parts: string[] = [];
    for await (const chunk of request.getInputStream()) parts.push((chunk as Buffer).toString());
    expect(parts.join('')).toBe('abcd');
  });

  it('decodes the reader with the request charset, across chunk splits', async () => {
    const bytes = Buffer.from('héllo €', 'utf8');
    for (let split = 0; split <= bytes.length; split++) {
      const { request } = setup({
        method: 'PUT',
        headers: [['Content-Type', 'text/plain; charset=UTF-8']],
        body: [bytes.subarray(0, split), bytes.subarray(split)],
      });
      expect(await request.getReader().readAll()).toBe('héllo €');
    }
  });

  it('yields lines ending in LF, CRLF or CR, even when CRLF is split across chunks', async () => {
    const text = 'one\r\ntwo\nthree\rfour\r\n\r\nlast';
    for (let split = 0; split <= text.length; split++) {
      const { request } = setup({ method: 'PUT', body: [text.slice(0, split), text.slice(split)] });
      const lines: string[] = [];
      for await (const line of request.getReader().lines()) lines.push(line);
      expect(lines).toEqual(['one', 'two', 'three', 'four', '', 'last']);
    }
  });

  it('makes getInputStream and getReader mutually exclusive', () => {
    const first = setup({ method: 'PUT' }).request;
    first.getInputStream();
    expect(caught(() => first.getReader()).code).toBe('SV_ERR_REQUEST_READER_AND_STREAM');
    const second = setup({ method: 'PUT' }).request;
    const reader = second.getReader();
    expect(second.getReader()).toBe(reader);
    const error = caught(() => second.getInputStream());
    expect(error.code).toBe('SV_ERR_REQUEST_READER_AND_STREAM');
    expect(error.message).toBe('getInputStream() cannot be called: getReader() has already been called for this request');
  });

  it('ignores setCharacterEncoding once the reader exists', async () => {
    const { request } = setup({ method: 'PUT', body: Buffer.from('é', 'latin1') });
    request.setCharacterEncoding('ISO-8859-1');
    const reader = request.getReader();
    request.setCharacterEncoding('UTF-8');
    expect(request.getCharacterEncoding()).toBe('ISO-8859-1');
    expect(await reader.readAll()).toBe('é');
  });

  it('reports a body that never existed as consumed', () => {
    expect(setup().request.isBodyConsumed()).toBe(true);
    expect(setup({ method: 'POST', headers: [['Content-Length', '3']], body: 'abc' }).request.isBodyConsumed()).toBe(false);
  });
});

describe('ContainerRequest: sessions', () => {
  it('creates a session with a Set-Cookie carrying Path and HttpOnly', async () => {
    const { request, response, exchange, binding } = setup();
    expect(request.getSession(false)).toBeNull();
    const session = request.getSession()!;
    expect(session.getId()).toMatch(/^[0-9A-F]{32}$/);
    expect(request.getSession()).toBe(session);
    expect(request.getSessionIfExists()).toBe(session);
    expect(binding!.sessionManager.getActiveSessionCount()).toBe(1);
    expect(response.getHeaders('Set-Cookie')).toEqual([`JSESSIONID=${session.getId()}; Path=/app; HttpOnly`]);
    await response.finish();
    expect(exchange.headerValues('Set-Cookie')).toEqual([`JSESSIONID=${session.getId()}; Path=/app; HttpOnly`]);
  });

  it('adds Secure for secure requests or when the context says so, and uses / for ROOT', () => {
    const secure = setup({ secure: true });
    const id = secure.request.getSession()!.getId();
    expect(secure.response.getHeader('Set-Cookie')).toBe(`JSESSIONID=${id}; Path=/app; Secure; HttpOnly`);
    const root = setup({ binding: makeBinding({ contextPath: '', sessionCookieSecure: true, useHttpOnly: false }) });
    const rootId = root.request.getSession()!.getId();
    expect(root.response.getHeader('Set-Cookie')).toBe(`JSESSIONID=${rootId}; Path=/; Secure`);
    const forcedOff = setup({ secure: true, binding: makeBinding({ sessionCookieSecure: false }) });
    forcedOff.request.getSession();
    expect(forcedOff.response.getHeader('Set-Cookie')).not.toContain('Secure');
  });

  it('finds the session named by the cookie and accesses it without a new cookie', () => {
    const binding = makeBinding();
    const existing = binding.sessionManager.createSession();
    const { request, response } = setup({ binding, headers: [['Cookie', `JSESSIONID=${existing.getId()}`]] });
    expect(request.getRequestedSessionId()).toBe(existing.getId());
    expect(request.isRequestedSessionIdFromCookie()).toBe(true);
    expect(request.isRequestedSessionIdFromURL()).toBe(false);
    expect(request.isRequestedSessionIdValid()).toBe(true);
    expect(request.getSession(false)).toBe(existing);
    expect(response.containsHeader('Set-Cookie')).toBe(false);
  });

  it('never adopts an unknown client-supplied id', () => {
    const forged = 'ABCDEF0123456789ABCDEF0123456789';
    const { request, response } = setup({ headers: [['Cookie', `JSESSIONID=${forged}`]] });
    expect(request.getRequestedSessionId()).toBe(forged);
    expect(request.isRequestedSessionIdValid()).toBe(false);
    expect(request.getSession(false)).toBeNull();
    const created = request.getSession()!;
    expect(created.getId()).not.toBe(forged);
    expect(response.getHeader('Set-Cookie')).toContain(`JSESSIONID=${created.getId()};`);
  });

  it('uses the first session cookie that names a valid session', () => {
    const binding = makeBinding();
    const valid = binding.sessionManager.createSession();
    const stale = 'ABCDEF0123456789ABCDEF0123456789';
    const { request } = setup({ binding, headers: [['Cookie', `JSESSIONID=${stale}; other=1; JSESSIONID=${valid.getId()}`]] });
    expect(request.getRequestedSessionId()).toBe(valid.getId());
    expect(request.getSession(false)).toBe(valid);
  });

  it('takes the id from the URL when there is no cookie, and lets a cookie win over it', () => {
    const binding = makeBinding();
    const fromUrl = binding.sessionManager.createSession();
    const url = setup({ binding, sessionIdFromUrl: fromUrl.getId() }).request;
    expect(url.isRequestedSessionIdFromURL()).toBe(true);
    expect(url.isRequestedSessionIdFromCookie()).toBe(false);
    expect(url.getSession(false)).toBe(fromUrl);
    const fromCookie = binding.sessionManager.createSession();
    const both = setup({ binding, sessionIdFromUrl: fromUrl.getId(), headers: [['Cookie', `JSESSIONID=${fromCookie.getId()}`]] }).request;
    expect(both.getRequestedSessionId()).toBe(fromCookie.getId());
    expect(both.isRequestedSessionIdFromURL()).toBe(false);
  });

  it('creates a new session after the current one was invalidated', () => {
    const { request } = setup();
    const first = request.getSession()!;
    first.invalidate();
    const second = request.getSession()!;
    expect(second.getId()).not.toBe(first.getId());
  });

  it('refuses to create a session once the response is committed', async () => {
    const { request, response } = setup();
    await response.flushBuffer();
    const error = caught(() => request.getSession());
    expect(error.code).toBe('SV_ERR_RESPONSE_COMMITTED');
    expect(request.getSession(false)).toBeNull();
  });

  it('changes the session id and replaces the session cookie', () => {
    const { request, response } = setup();
    const session = request.getSession()!;
    const before = session.getId();
    const after = request.changeSessionId();
    expect(after).not.toBe(before);
    expect(session.getId()).toBe(after);
    expect(response.getHeaders('Set-Cookie')).toEqual([`JSESSIONID=${after}; Path=/app; HttpOnly`]);
  });

  it('throws from changeSessionId without a session', () => {
    expect(caught(() => setup().request.changeSessionId()).code).toBe('SV_ERR_REQUEST_NO_SESSION');
  });

  it('has no session and no servlet context when unmapped', () => {
    const { request } = setup({ binding: null });
    expect(request.getSession()).toBeNull();
    expect(request.getRequestDispatcher('/x')).toBeNull();
    expect(caught(() => request.getServletContext()).code).toBe('SV_ERR_REQUEST_NOT_MAPPED');
  });
});

describe('ContainerRequest: security and dispatching', () => {
  it('reports the principal set by an authenticator', () => {
    const { request } = setup();
    expect([request.getUserPrincipal(), request.getRemoteUser(), request.getAuthType()]).toEqual([null, null, null]);
    const principal = { getName: () => 'alice', hasRole: (role: string) => role === 'admin' };
    request.setUserPrincipal(principal, 'BASIC');
    expect(request.getUserPrincipal()).toBe(principal);
    expect(request.getRemoteUser()).toBe('alice');
    expect(request.getAuthType()).toBe('BASIC');
    expect(request.isUserInRole('admin')).toBe(true);
    expect(request.isUserInRole('guest')).toBe(false);
    // Unmapped (no Context, so no authenticator): only `**`, any logged-in user, can be answered.
    const unmapped = setup({ binding: null }).request;
    unmapped.setUserPrincipal(principal, 'BASIC');
    expect([unmapped.isUserInRole('admin'), unmapped.isUserInRole('**')]).toEqual([false, true]);
  });

  it('resolves dispatcher paths: absolute as given, relative against servlet path + path info', () => {
    const { request, binding } = setup({ mapping: { servletPath: '/docs', pathInfo: '/guide/intro.html' } });
    request.getRequestDispatcher('/abs');
    request.getRequestDispatcher('next.html');
    request.getRequestDispatcher('../up.html');
    expect(binding!.dispatched).toEqual(['/abs', '/docs/guide/next.html', '/docs/guide/../up.html']);
    const flat = setup({ mapping: { servletPath: '/page.jsp', pathInfo: null } });
    flat.request.getRequestDispatcher('other.jsp');
    expect(flat.binding!.dispatched).toEqual(['/other.jsp']);
  });

  it('resolves relative dispatcher paths against the included servlet during an include', () => {
    const { request, binding } = setup({ mapping: { servletPath: '/outer', pathInfo: null } });
    request.setAttribute('jakarta.servlet.include.servlet_path', '/inc/dir');
    request.setAttribute('jakarta.servlet.include.path_info', '/page');
    request.getRequestDispatcher('x');
    expect(binding!.dispatched).toEqual(['/inc/dir/x']);
  });

  it('exposes timing and an id for logs', () => {
    const { request, exchange } = setup();
    expect(request.getStartTime()).toBe(exchange.startTime);
    expect(Math.abs(request.getStartTimeMs() - Date.now())).toBeLessThan(60_000);
    expect(request.getRequestId()).toMatch(/^test-conn-\d+$/);
    expect(setup().request.getRequestId()).not.toBe(request.getRequestId());
  });
});
