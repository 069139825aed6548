import { describe, expect, it } from 'vitest';
import type { Http11ConnectorConfig } from '../../../src/config/server-config.js';
import { ContainerRequest } from '../../../src/connector/container-request.js';
import { ContainerResponse, type ResponseOptions } from '../../../src/connector/container-response.js';
import type { ContextBinding } from '../../../src/core/context-binding.js';
import { ContainerError } from '../../../src/errors/container-error.js';
import { emptyMappingData } from '../../../src/mapper/mapping-data.js';
import { Cookie } from '../../../src/servlet/cookie.js';
import { BufferExchange, testConnectorConfig, type BufferExchangeOptions } from '../../helpers/buffer-exchange.js';

interface Setup extends BufferExchangeOptions {
  options?: ResponseOptions;
  binding?: Partial<ContextBinding> | null;
  connector?: Partial<Http11ConnectorConfig>;
}

function setup(setupOptions: Setup = {}) {
  const exchange = new BufferExchange({ target: '/app/dir/page', ...setupOptions });
  const response = new ContainerResponse(exchange, setupOptions.options ?? {});
  const request = new ContainerRequest(exchange, testConnectorConfig(setupOptions.connector), response);
  response.attach(request);
  const binding =
    setupOptions.binding === null
      ? null
      : ({
          contextPath: '/app',
          useRelativeRedirects: true,
          responseCharacterEncoding: null,
          requestCharacterEncoding: null,
          ...setupOptions.binding,
        } as ContextBinding);
  request.setMapping(emptyMappingData(), binding, '/app/dir/page', null);
  return { exchange, request, response };
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

describe('ContainerResponse: buffering and completion', () => {
  it('sends a small body in one writeHead + write + end with Content-Length', async () => {
    const { exchange, response } = setup();
    response.setContentType('text/plain');
    response.getOutputStream().write('hello');
    expect(response.isCommitted()).toBe(false);
    expect(exchange.head).toBeNull();
    await response.finish();
    expect(exchange.events).toEqual(['writeHead', 'write', 'end']);
    expect(exchange.head!.status).toBe(200);
    expect(exchange.header('Content-Length')).toBe('5');
    expect(exchange.header('Content-Type')).toBe('text/plain');
    expect(exchange.output.toString()).toBe('hello');
    expect(response.getBytesWritten()).toBe(5);
  });

  it('sends Content-Length: 0 for an empty 200 response', async () => {
    const { exchange, response } = setup();
    await response.finish();
    expect(exchange.events).toEqual(['writeHead', 'end']);
    expect(exchange.header('Content-Length')).toBe('0');
  });

  it('keeps exactly bufferSize bytes buffered, and commits without Content-Length one byte later', async () => {
    const fits = setup({ options: { bufferSize: 16 } });
    fits.response.getOutputStream().write(Buffer.alloc(16, 0x61));
    expect(fits.response.isCommitted()).toBe(false);
    await fits.response.finish();
    expect(fits.exchange.header('Content-Length')).toBe('16');

    const over = setup({ options: { bufferSize: 16 } });
    const out = over.response.getOutputStream();
    out.write(Buffer.alloc(16, 0x61));
    out.write('b');
    expect(over.response.isCommitted()).toBe(true);
    expect(over.exchange.header('Content-Length')).toBeUndefined();
    await over.response.finish();
    expect(over.exchange.output.toString()).toBe('a'.repeat(16) + 'b');
  });

  it('composes type and charset into Content-Type for each response, whatever the one before used', () => {
    const first = setup();
    first.response.setContentType('text/plain;charset=UTF-8');
    const second = setup();
    second.response.setContentType('text/plain;charset=UTF-8');
    expect(second.response.getContentType()).toBe('text/plain;charset=UTF-8');
    second.response.setCharacterEncoding('ISO-8859-1');
    expect(second.response.getContentType()).toBe('text/plain;charset=ISO-8859-1');
    expect(first.response.getContentType()).toBe('text/plain;charset=UTF-8');
    second.response.setContentType('text/html');
    expect(second.response.getContentType()).toBe('text/html;charset=ISO-8859-1');
    expect(first.response.getContentType()).toBe('text/plain;charset=UTF-8');
  });

  it('reads the clock at commit only when asked for its commit time (an access log printing %F)', async () => {
    const before = setup();
    before.response.getOutputStream().write('a');
    await before.response.flushBuffer();
    expect(before.response.isCommitted()).toBe(true);
    expect(before.response.getCommitTime()).toBeNull();

    const start = process.hrtime.bigint();
    const after = setup();
    after.response.recordCommitTime();
    expect(after.response.getCommitTime()).toBeNull();
    after.response.getOutputStream().write('a');
    await after.response.flushBuffer();
    const commit = after.response.getCommitTime();
    expect(commit).not.toBeNull();
    expect(commit! >= start && commit! <= process.hrtime.bigint()).toBe(true);
  });

  it('delivers every byte in order when the body is many times the buffer', async () => {
    const { exchange, response } = setup({ options: { bufferSize: 10 } });
    const writer = response.getWriter();
    let expected = '';
    for (let i = 0; i < 200; i++) {
      const piece = `${i},`.repeat((i % 7) + 1);
      writer.write(piece);
      expected += piece;
    }
    await response.finish();
    expect(exchange.output.toString()).toBe(expected);
    expect(exchange.header('Content-Length')).toBeUndefined();
    expect(exchange.events.filter((e) => e === 'writeHead')).toHaveLength(1);
    expect(exchange.events.at(-1)).toBe('end');
  });

  it('is idempotent: finish twice ends once', async () => {
    const { exchange, response } = setup();
    const first = response.finish();
    expect(response.finish()).toBe(first);
    await first;
    await response.finish();
    expect(exchange.events.filter((e) => e === 'end')).toHaveLength(1);
  });

  it('ignores writes after finish', async () => {
    const { exchange, response } = setup();
    const out = response.getOutputStream();
    out.write('a');
    await response.finish();
    out.write('b');
    expect(exchange.output.toString()).toBe('a');
  });

  it('completes the response when the declared Content-Length is reached and ignores the rest', async () => {
    const { exchange, response } = setup();
    response.setContentLength(5);
    const out = response.getOutputStream();
    out.write('hel');
    expect(response.isCommitted()).toBe(false);
    out.write('lo, world');
    expect(response.isCommitted()).toBe(true);
    expect(exchange.output.toString()).toBe('hello');
    out.write('more');
    await response.finish();
    expect(exchange.header('Content-Length')).toBe('5');
    expect(exchange.output.toString()).toBe('hello');
  });

  it('keeps a declared Content-Length when finishing with less buffered', async () => {
    const { exchange, response } = setup();
    response.setHeader('Content-Length', '3');
    expect(response.getContentLengthDeclared()).toBe(3);
    expect(response.getHeader('content-length')).toBe('3');
    await response.finish();
    expect(exchange.header('Content-Length')).toBe('3');
  });

  it('flushBuffer commits, and flush waits for drain when the socket is full', async () => {
    const { exchange, response } = setup({ writeReturns: false });
    const out = response.getOutputStream();
    out.write('abc');
    await out.flush();
    expect(exchange.events).toEqual(['writeHead', 'write', 'drain']);
    expect(exchange.header('Content-Length')).toBeUndefined();
    await response.flushBuffer();
    expect(exchange.drainCalls).toBe(1);
    await response.finish();
    expect(exchange.output.toString()).toBe('abc');
  });

  it('closing the output stream completes the response', async () => {
    const { exchange, response } = setup();
    const out = response.getOutputStream();
    out.println('line');
    await out.close();
    expect(exchange.ended).toBe(true);
    expect(exchange.output.toString()).toBe('line\r\n');
    expect(exchange.header('Content-Length')).toBe('6');
  });

  it('changes the buffer size only before content is written', () => {
    const { response } = setup();
    response.setBufferSize(100);
    expect(response.getBufferSize()).toBe(100);
    response.getOutputStream().write('x');
    expect(caught(() => response.setBufferSize(10)).code).toBe('SV_ERR_RESPONSE_BUFFER_SIZE');
  });

  it('resetBuffer drops content but keeps headers; reset clears everything', async () => {
    const { exchange, response } = setup();
    response.setHeader('X-Keep', '1');
    response.setStatus(201);
    response.getWriter().write('discard');
    response.resetBuffer();
    response.getWriter().write('kept');
    response.reset();
    expect(response.getStatus()).toBe(200);
    expect(response.containsHeader('X-Keep')).toBe(false);
    // reset also forgets which of writer/stream was used
    response.getOutputStream().write('final');
    await response.finish();
    expect(exchange.output.toString()).toBe('final');
  });

  it('throws from reset and resetBuffer once committed', async () => {
    const { response } = setup();
    await response.flushBuffer();
    expect(caught(() => response.reset()).code).toBe('SV_ERR_RESPONSE_COMMITTED');
    expect(caught(() => response.resetBuffer()).code).toBe('SV_ERR_RESPONSE_COMMITTED');
  });

  it('sends trailer fields after a chunked body', async () => {
    const { exchange, response } = setup({ options: { bufferSize: 2 } });
    response.setTrailerFields(() => new Map([['X-Checksum', 'abc']]));
    response.getOutputStream().write('chunked body');
    await response.finish();
    expect(exchange.trailers).toEqual([['X-Checksum', 'abc']]);
    const fixed = setup();
    fixed.response.setTrailerFields(() => new Map([['X-Checksum', 'abc']]));
    fixed.response.getOutputStream().write('small');
    await fixed.response.finish();
    expect(fixed.exchange.trailers).toBeUndefined();
  });
});

describe('ContainerResponse: HEAD and bodiless statuses', () => {
  it('counts HEAD body bytes for Content-Length but sends none', async () => {
    const { exchange, response } = setup({ method: 'HEAD' });
    response.getWriter().write('hello world');
    await response.finish();
    expect(exchange.header('Content-Length')).toBe('11');
    expect(exchange.written).toEqual([]);
    expect(exchange.events).toEqual(['writeHead', 'end']);
  });

  it('commits a HEAD response without Content-Length when the body would not fit the buffer', async () => {
    const { exchange, response } = setup({ method: 'HEAD', options: { bufferSize: 4 } });
    response.getOutputStream().write('12345');
    expect(response.isCommitted()).toBe(true);
    await response.finish();
    expect(exchange.header('Content-Length')).toBeUndefined();
    expect(exchange.written).toEqual([]);
  });

  it.each([204, 304, 101])('sends no body and no Content-Length for %i', async (status) => {
    const { exchange, response } = setup();
    response.setStatus(status);
    response.getOutputStream().write('ignored');
    await response.finish();
    expect(exchange.head!.status).toBe(status);
    expect(exchange.header('Content-Length')).toBeUndefined();
    expect(exchange.written).toEqual([]);
  });

  it('drops a body buffered before the status changed to 304', async () => {
    const { exchange, response } = setup();
    response.getOutputStream().write('stale');
    response.setStatus(304);
    await response.finish();
    expect(exchange.written).toEqual([]);
  });
});

describe('ContainerResponse: headers', () => {
  it('stores headers case-insensitively, keeps the first spelling and multiple values', () => {
    const { response } = setup();
    response.addHeader('X-Multi', 'a');
    response.addHeader('x-multi', 'b');
    response.setHeader('Cache-Control', 'no-cache');
    expect(response.getHeader('X-MULTI')).toBe('a');
    expect(response.getHeaders('x-Multi')).toEqual(['a', 'b']);
    expect(response.getHeaderNames()).toEqual(['X-Multi', 'Cache-Control']);
    response.setHeader('X-MULTI', 'c');
    expect(response.getHeaders('x-multi')).toEqual(['c']);
    response.setHeader('x-multi', null);
    expect(response.containsHeader('X-Multi')).toBe(false);
  });

  it('emits headers in order with the first spelling', async () => {
    const { exchange, response } = setup();
    response.addHeader('X-A', '1');
    response.addHeader('X-B', '2');
    response.addHeader('x-a', '3');
    await response.finish();
    expect(exchange.head!.headers.filter(([n]) => n.startsWith('X-'))).toEqual([
      ['X-A', '1'],
      ['X-A', '3'],
      ['X-B', '2'],
    ]);
  });

  it('formats int and date headers', () => {
    const { response } = setup();
    response.setIntHeader('X-Int', 42.9);
    response.addIntHeader('X-Int', -1);
    response.setDateHeader('Last-Modified', Date.UTC(1994, 10, 6, 8, 49, 37));
    expect(response.getHeaders('X-Int')).toEqual(['42', '-1']);
    expect(response.getHeader('Last-Modified')).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
  });

  it.each([
    ['X-Evil', 'a\r\nSet-Cookie: x=1', 'SV_ERR_HTTP_INVALID_HEADER_VALUE'],
    ['X-Evil', 'a\nb', 'SV_ERR_HTTP_INVALID_HEADER_VALUE'],
    ['X-Evil', 'a\0b', 'SV_ERR_HTTP_INVALID_HEADER_VALUE'],
    ['X Evil', 'v', 'SV_ERR_HTTP_INVALID_HEADER_NAME'],
    ['X-Evil\r\nY', 'v', 'SV_ERR_HTTP_INVALID_HEADER_NAME'],
  ])('rejects header injection %j: %j', async (name, value, code) => {
    const { exchange, response } = setup();
    expect(caught(() => response.setHeader(name, value)).code).toBe(code);
    expect(caught(() => response.addHeader(name, value)).code).toBe(code);
    await response.finish();
    expect(exchange.head!.headers.some(([n, v]) => /[\r\n\0]/.test(n + v) || n === name)).toBe(false);
  });

  it('rejects CR/LF in a redirect location and in setContentType', () => {
    const { response } = setup();
    expect(caught(() => response.sendRedirect('/x\r\nX-Evil: 1')).code).toBe('SV_ERR_HTTP_INVALID_HEADER_VALUE');
    expect(caught(() => response.setContentType('text/html\r\nX-Evil: 1')).code).toBe('SV_ERR_HTTP_INVALID_HEADER_VALUE');
  });

  it('ignores header and status changes once committed', async () => {
    const { exchange, response } = setup();
    response.setHeader('X-Before', '1');
    await response.flushBuffer();
    response.setHeader('X-After', '1');
    response.addHeader('X-Before', '2');
    response.setStatus(500);
    response.setContentType('text/html');
    response.addCookie(new Cookie('late', '1'));
    expect(response.getStatus()).toBe(200);
    expect(response.getHeaders('X-Before')).toEqual(['1']);
    expect(response.containsHeader('X-After')).toBe(false);
    expect(response.getContentType()).toBeNull();
    await response.finish();
    expect(exchange.header('X-After')).toBeUndefined();
  });

  it('ignores header changes during an include', () => {
    const { response } = setup();
    response.setIncluding(true);
    response.setHeader('X-Inc', '1');
    response.setStatus(404);
    response.setContentType('text/xml');
    response.setIncluding(false);
    expect(response.containsHeader('X-Inc')).toBe(false);
    expect(response.getStatus()).toBe(200);
    expect(response.getContentType()).toBeNull();
  });

  it('routes Content-Type and Content-Length set as headers to their setters', () => {
    const { response } = setup();
    response.setHeader('content-type', 'application/json; charset=UTF-8');
    expect(response.getContentType()).toBe('application/json;charset=UTF-8');
    expect(response.getCharacterEncoding()).toBe('UTF-8');
    response.addHeader('Content-Length', '12');
    expect(response.getContentLengthDeclared()).toBe(12);
    response.setHeader('Content-Length', 'abc');
    expect(response.getContentLengthDeclared()).toBe(12);
    expect(response.getHeaderNames()).toEqual(['Content-Type', 'Content-Length']);
  });

  it('adds Server and X-Powered-By when configured, the server value replacing the application one', async () => {
    const { exchange, response } = setup({ options: { serverHeader: 'Serval', xpoweredBy: true } });
    response.setHeader('Server', 'app');
    await response.finish();
    expect(exchange.headerValues('Server')).toEqual(['Serval']);
    expect(exchange.header('X-Powered-By')).toBe('Servlet/6.0');
    const plain = setup();
    await plain.response.finish();
    expect(plain.exchange.header('Server')).toBeUndefined();
    expect(plain.exchange.header('X-Powered-By')).toBeUndefined();
  });

  it('sets Content-Language from setLocale', async () => {
    const { exchange, response } = setup();
    expect(response.getLocale()).toBe('en');
    response.setLocale('fr-CA');
    expect(response.getLocale()).toBe('fr-CA');
    await response.finish();
    expect(exchange.header('Content-Language')).toBe('fr-CA');
  });

  it('serialises cookies into Set-Cookie headers and refuses invalid values', async () => {
    const { exchange, response } = setup();
    const cookie = new Cookie('theme', 'dark');
    cookie.setPath('/app');
    cookie.setHttpOnly(true);
    response.addCookie(cookie);
    response.addCookie(new Cookie('lang', 'en'));
    expect(caught(() => response.addCookie(new Cookie('bad', 'a;b=c'))).code).toBe('SV_ERR_HTTP_INVALID_COOKIE');
    await response.finish();
    expect(exchange.headerValues('Set-Cookie')).toEqual(['theme=dark; Path=/app; HttpOnly', 'lang=en']);
  });
});

describe('ContainerResponse: character encoding', () => {
  it('defaults to ISO-8859-1 and appends the charset once the writer is used', async () => {
    const { exchange, response } = setup();
    response.setContentType('text/html');
    expect(response.getCharacterEncoding()).toBe('ISO-8859-1');
    expect(response.getContentType()).toBe('text/html');
    response.getWriter().write('café €');
    await response.finish();
    expect(exchange.header('Content-Type')).toBe('text/html;charset=ISO-8859-1');
    expect([...exchange.output]).toEqual([...Buffer.from('caf', 'latin1'), 0xe9, 0x20, 0x3f]);
  });

  it('uses the context response encoding as the default', async () => {
    const { exchange, response } = setup({ binding: { responseCharacterEncoding: 'UTF-8' } });
    response.setContentType('text/plain');
    response.getWriter().write('€');
    await response.finish();
    expect(exchange.header('Content-Type')).toBe('text/plain;charset=UTF-8');
    expect(exchange.output).toEqual(Buffer.from('€', 'utf8'));
  });

  it('takes the charset from setContentType and from setCharacterEncoding, for any type', async () => {
    const { exchange, response } = setup();
    response.setContentType('application/json;charset=UTF-8');
    expect(response.getCharacterEncoding()).toBe('UTF-8');
    response.setCharacterEncoding('UTF-16BE');
    expect(response.getContentType()).toBe('application/json;charset=UTF-16BE');
    response.getWriter().write('A');
    await response.finish();
    expect([...exchange.output]).toEqual([0x00, 0x41]);
  });

  it('ignores charset changes after getWriter()', async () => {
    const { exchange, response } = setup();
    response.setCharacterEncoding('UTF-8');
    const writer = response.getWriter();
    response.setCharacterEncoding('ISO-8859-1');
    response.setContentType('text/plain; charset=ISO-8859-1');
    expect(response.getCharacterEncoding()).toBe('UTF-8');
    expect(response.getContentType()).toBe('text/plain;charset=UTF-8');
    writer.write('é');
    await response.finish();
    expect(exchange.output).toEqual(Buffer.from('é', 'utf8'));
  });

  it('keeps a charset name without the whitespace around it, so no CR or LF reaches Content-Type', async () => {
    const { exchange, response } = setup();
    response.setContentType('text/plain');
    response.setCharacterEncoding(' UTF-8\r\n');
    expect(response.getCharacterEncoding()).toBe('UTF-8');
    expect(response.getContentType()).toBe('text/plain;charset=UTF-8');
    response.getWriter().write('ok');
    await response.finish();
    expect(exchange.header('Content-Type')).toBe('text/plain;charset=UTF-8');
  });

  it('ignores unknown charsets', () => {
    const { response } = setup();
    response.setCharacterEncoding('x-bogus');
    response.setContentType('text/plain;charset=x-bogus');
    expect(response.getCharacterEncoding()).toBe('ISO-8859-1');
    expect(response.getContentType()).toBe('text/plain');
  });

  it('encodes characters split across writes as surrogate pairs correctly', async () => {
    const { exchange, response } = setup();
    response.setCharacterEncoding('UTF-8');
    const writer = response.getWriter();
    const emoji = '😀';
    writer.write(emoji[0]!);
    writer.write(`${emoji[1]!}!`);
    writer.println();
    writer.format('%s=%d', 'n', 7);
    await response.finish();
    expect(exchange.output.toString('utf8')).toBe('😀!\nn=7');
  });

  it('makes getWriter and getOutputStream mutually exclusive', () => {
    const first = setup().response;
    first.getWriter();
    const error = caught(() => first.getOutputStream());
    expect(error.code).toBe('SV_ERR_RESPONSE_WRITER_AND_STREAM');
    expect(error.message).toBe('getOutputStream() cannot be called: getWriter() has already been called for this response');
    const second = setup().response;
    const stream = second.getOutputStream();
    expect(second.getOutputStream()).toBe(stream);
    expect(caught(() => second.getWriter()).code).toBe('SV_ERR_RESPONSE_WRITER_AND_STREAM');
  });

  it('reports writer errors through checkError after close', async () => {
    const { response } = setup();
    const writer = response.getWriter();
    expect(writer.checkError()).toBe(false);
    await writer.close();
    writer.write('late');
    expect(writer.checkError()).toBe(true);
  });
});

describe('ContainerResponse: sendError', () => {
  it('records status and message, clears the buffer and suspends until the error is reported', async () => {
    const { exchange, response } = setup();
    response.getWriter().write('partial page');
    response.sendError(404, 'Nothing here');
    expect(response.getStatus()).toBe(404);
    expect(response.isError()).toBe(true);
    expect(response.getErrorMessage()).toBe('Nothing here');
    expect(response.isSuspended()).toBe(true);
    expect(response.isCommitted()).toBe(false);
    response.getWriter().write('ignored while suspended');
    response.setErrorReported();
    expect(response.isError()).toBe(false);
    expect(response.isErrorReported()).toBe(true);
    expect(response.isSuspended()).toBe(false);
    response.getWriter().write('error page');
    await response.finish();
    expect(exchange.head!.status).toBe(404);
    expect(exchange.output.toString()).toBe('error page');
  });

  it('is logged to the webapp and ignored once committed (issue #4), never thrown', async () => {
    const logged: string[] = [];
    const servletContext = { log: (message: string) => logged.push(message) } as unknown as ContextBinding['servletContext'];
    const { exchange, response } = setup({ binding: { servletContext } });
    response.getWriter().write('partial');
    await response.flushBuffer();
    expect(() => response.sendError(500, 'too late')).not.toThrow();
    expect(logged).toEqual(['Cannot call sendError(500) after the response has been committed [SV_ERR_RESPONSE_COMMITTED]']);
    expect(response.isError()).toBe(false);
    expect(response.isSuspended()).toBe(false);
    expect(response.getStatus()).toBe(200);
    // The response carries on as if the call had not happened.
    response.getWriter().write(' and the rest');
    await response.finish();
    expect(exchange.head!.status).toBe(200);
    expect(exchange.output.toString()).toBe('partial and the rest');
  });

  it('without a Context, reports the ignored call to the connector logger', async () => {
    const warnings: Array<{ details: object; message: string }> = [];
    const { response } = setup({
      binding: null,
      options: { logger: { warn: (details, message) => warnings.push({ details, message }) } },
    });
    await response.flushBuffer();
    response.sendError(404);
    expect(warnings).toEqual([
      {
        details: { code: 'SV_ERR_RESPONSE_COMMITTED' },
        message: 'Cannot call sendError(404) after the response has been committed [SV_ERR_RESPONSE_COMMITTED]',
      },
    ]);
    expect(response.isError()).toBe(false);
  });
});

describe('ContainerResponse: sendRedirect', () => {
  it.each([
    ['/absolute/path', '/absolute/path'],
    ['other', '/app/dir/other'],
    ['./other?x=1#f', '/app/dir/other?x=1#f'],
    ['../up', '/app/up'],
    ['../../../../above-root', '/above-root'],
    ['sub/./a/../b', '/app/dir/sub/b'],
    ['?q=1', '/app/dir/page?q=1'],
    ['', '/app/dir/page'],
    ['https://other.example/x', 'https://other.example/x'],
    ['mailto:someone@example.com', 'mailto:someone@example.com'],
    ['//cdn.example.com/x', '//cdn.example.com/x'],
  ])('resolves %j to %j with relative redirects', (location, expected) => {
    const { response } = setup();
    response.sendRedirect(location);
    expect(response.getHeader('Location')).toBe(expected);
    expect(response.getStatus()).toBe(302);
  });

  it('collapses a leading // produced by resolving against a //-prefixed request path (open redirect)', () => {
    const { response } = setup({ target: '//evil.com/a/page' });
    response.sendRedirect('next');
    expect(response.getHeader('Location')).toBe('/evil.com/a/next');
    const dots = setup({ target: '/a/page' });
    dots.response.sendRedirect('..//evil.com/x');
    expect(dots.response.getHeader('Location')).toBe('/evil.com/x');
  });

  it('builds absolute URLs when useRelativeRedirects is false', () => {
    const { response } = setup({ binding: { useRelativeRedirects: false }, headers: [['Host', 'example.com:8080']] });
    response.sendRedirect('other', 301);
    expect(response.getHeader('Location')).toBe('http://example.com:8080/app/dir/other');
    expect(response.getStatus()).toBe(301);
    const secure = setup({ binding: { useRelativeRedirects: false }, secure: true, headers: [['Host', 'example.com']] });
    secure.response.sendRedirect('/x');
    expect(secure.response.getHeader('Location')).toBe('https://example.com/x');
    const network = setup({ binding: { useRelativeRedirects: false }, headers: [['Host', 'example.com']] });
    network.response.sendRedirect('//cdn.example.com/y');
    expect(network.response.getHeader('Location')).toBe('http://cdn.example.com/y');
  });

  it('clears the buffer, suspends, and sends the Location on finish', async () => {
    const { exchange, response } = setup();
    response.getWriter().write('discarded');
    response.sendRedirect('/target', 303);
    response.getOutputStream().write('ignored');
    expect(response.isSuspended()).toBe(true);
    await response.finish();
    expect(exchange.head!.status).toBe(303);
    expect(exchange.header('Location')).toBe('/target');
    expect(exchange.written).toEqual([]);
  });

  it('throws once committed', async () => {
    const { response } = setup();
    await response.flushBuffer();
    expect(caught(() => response.sendRedirect('/x')).code).toBe('SV_ERR_RESPONSE_COMMITTED');
    expect(response.getHeader('Location')).toBeNull();
  });

  it('leaves URLs unchanged in encodeURL and encodeRedirectURL', () => {
    const { response } = setup();
    expect(response.encodeURL('/a?b=c')).toBe('/a?b=c');
    expect(response.encodeRedirectURL('/a')).toBe('/a');
  });
});

/** Records Exchange.flush() calls, the protocol hook flushBuffer() ends with (AJP flush packet, compressor). */
class FlushingExchange extends BufferExchange {
  flushes = 0;
  flush(): void {
    this.flushes++;
    this.events.push('flush');
  }
}

describe('ContainerResponse: flushBuffer reaches the protocol', () => {
  function flushingSetup(method = 'GET') {
    const exchange = new FlushingExchange({ target: '/app/page', method });
    const response = new ContainerResponse(exchange, {});
    const request = new ContainerRequest(exchange, testConnectorConfig(), response);
    response.attach(request);
    return { exchange, response };
  }

  it('calls Exchange.flush after handing the buffered bytes over, for flushBuffer and writer.flush', async () => {
    const { exchange, response } = flushingSetup();
    response.getWriter().write('first');
    await response.flushBuffer();
    expect(exchange.events).toEqual(['writeHead', 'write', 'flush']);
    response.getWriter().write(' second');
    await response.getWriter().flush();
    expect(exchange.events).toEqual(['writeHead', 'write', 'flush', 'write', 'flush']);
    await response.finish();
    // Ending the response is not a flush: the protocol ends its own way.
    expect(exchange.flushes).toBe(2);
    expect(exchange.output.toString()).toBe('first second');
  });

  it('does not flush a HEAD response, whose body is never sent', async () => {
    const { exchange, response } = flushingSetup('HEAD');
    response.getWriter().write('counted, not sent');
    await response.flushBuffer();
    expect(exchange.flushes).toBe(0);
    expect(exchange.events).toEqual(['writeHead']);
  });

  it('still copies bytes the application hands to the output stream (it may reuse its array)', async () => {
    const { exchange, response } = flushingSetup();
    const bytes = Buffer.from('abc');
    response.getOutputStream().write(bytes);
    bytes.fill(0x78);
    await response.finish();
    expect(exchange.output.toString()).toBe('abc');
  });
});
