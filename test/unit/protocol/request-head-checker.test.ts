import { describe, expect, it } from 'vitest';
import { emptyHeadFacts, RequestHeadChecker, type HeadFacts } from '../../../src/protocol/http11/request-head-checker.js';
import { RequestTargetValidator } from '../../../src/protocol/http11/request-target-validator.js';

function checker(maxHeaderCount = 100, allowTrace = false): RequestHeadChecker {
  return new RequestHeadChecker({ maxHeaderCount, allowTrace }, new RequestTargetValidator('', ''));
}

function check(
  fields: string[],
  options: { major?: number; minor?: number; method?: string; target?: string; checker?: RequestHeadChecker } = {},
): { code: string | undefined; status: number | undefined; message: string | undefined; facts: HeadFacts } {
  const facts = emptyHeadFacts();
  const problem = (options.checker ?? checker()).check(
    options.major ?? 1,
    options.minor ?? 1,
    fields,
    options.method ?? 'GET',
    options.target ?? '/',
    facts,
  );
  return { code: problem?.code, status: problem?.status, message: problem?.message, facts };
}

describe('RequestHeadChecker', () => {
  it('accepts a plain HTTP/1.1 request with one Host', () => {
    expect(check(['Host', 'localhost']).code).toBeUndefined();
  });

  it('refuses more fields than maxHeaderCount, counting pairs', () => {
    const fields = ['Host', 'h', 'A', '1', 'B', '2'];
    expect(check(fields, { checker: checker(3) }).code).toBeUndefined();
    const over = check(fields, { checker: checker(2) });
    expect(over.code).toBe('SV_ERR_HTTP_TOO_MANY_HEADERS');
    expect(over.message).toContain('[3] headers, more than maxHeaderCount [2]');
  });

  it('refuses any major version but 1 with 505 (HTTP/0.9 and HTTP/2.0 alike)', () => {
    expect(check(['Host', 'h'], { major: 2, minor: 0 })).toMatchObject({ code: 'SV_ERR_HTTP_VERSION_NOT_SUPPORTED', status: 505 });
    expect(check([], { major: 0, minor: 9 }).code).toBe('SV_ERR_HTTP_VERSION_NOT_SUPPORTED');
  });

  it('needs exactly one Host in HTTP/1.1, at most one in HTTP/1.0 (RFC 9112 §3.2)', () => {
    expect(check([]).status).toBe(400);
    expect(check([])).toMatchObject({ code: 'SV_ERR_HTTP_HOST_COUNT', status: 400 });
    expect(check(['Host', 'a', 'host', 'a']).message).toBe(
      'Request has [2] Host headers; HTTP/1.1 requires exactly one, HTTP/1.0 at most one (RFC 9112 §3.2)',
    );
    expect(check([], { minor: 0 }).code).toBeUndefined();
    expect(check(['Host', 'a', 'HOST', 'b'], { minor: 0 }).status).toBe(400);
  });

  it('refuses a Host that is not a host and port (RFC 9112 §3.2) with 400', () => {
    for (const bad of ['a b', 'a/b', 'u@a', 'a:b:c', '[::1', '::1', 'a:65536', 'a:123456', 'a:-1', 'ex%41mple', 'a\tb', 'a,b']) {
      const result = check(['Host', bad]);
      expect(result, bad).toMatchObject({ code: 'SV_ERR_HTTP_INVALID_HOST', status: 400 });
      expect(result.message, bad).toBe(`The Host header [${bad}] is not a valid host and port (RFC 9112 §3.2)`);
    }
    for (const good of [
      '',
      'localhost',
      'a.example.',
      'my_host',
      'xn--bcher-kva.example',
      '127.0.0.1:8080',
      '[::1]',
      '[::1]:65535',
      'a:',
      'a:0',
    ]) {
      expect(check(['Host', good]).code, good).toBeUndefined();
    }
  });

  it('accepts Transfer-Encoding: chunked and notes it; refuses other codings (501) and any in HTTP/1.0 (400)', () => {
    const chunked = check(['Host', 'h', 'Transfer-Encoding', 'chunked']);
    expect(chunked.code).toBeUndefined();
    expect(chunked.facts.chunked).toBe(true);
    expect(check(['Host', 'h', 'transfer-encoding', 'gzip, chunked'])).toMatchObject({
      code: 'SV_ERR_HTTP_TRANSFER_ENCODING_NOT_IMPLEMENTED',
      status: 501,
    });
    expect(check(['Host', 'h', 'Transfer-Encoding', ' , ']).code).toBe('SV_ERR_HTTP_TRANSFER_ENCODING_NOT_IMPLEMENTED');
    expect(check(['Transfer-Encoding', 'chunked'], { minor: 0 }).message).toContain('HTTP/1.0');
  });

  it('allows the asterisk form only with OPTIONS (RFC 9112 §3.2.4)', () => {
    expect(check(['Host', 'h'], { method: 'OPTIONS', target: '*' }).code).toBeUndefined();
    expect(check(['Host', 'h'], { method: 'GET', target: '*' }).message).toContain('only allowed with OPTIONS, not [GET]');
  });

  it('refuses a target character RFC 3986 does not allow, naming the attribute that would relax it', () => {
    const bad = check(['Host', 'h'], { target: '/a|b' });
    expect(bad.code).toBe('SV_ERR_HTTP_INVALID_REQUEST_TARGET');
    expect(bad.message).toContain('[|]');
    expect(bad.message).toContain('relaxedPathChars');
    const long = check(['Host', 'h'], { target: `/${'a'.repeat(300)}|` });
    expect(long.message).toContain('…');
  });

  it('refuses TRACE with 405 unless allowTrace', () => {
    expect(check(['Host', 'h'], { method: 'TRACE' })).toMatchObject({ code: 'SV_ERR_HTTP_METHOD_NOT_ALLOWED', status: 405 });
    expect(check(['Host', 'h'], { method: 'TRACE', checker: checker(100, true) }).code).toBeUndefined();
  });

  it('checks an absolute-form authority: no userinfo, and it must match Host (RFC 9110 §4.2.4)', () => {
    expect(check(['Host', 'Example.com'], { target: 'http://example.com/x' }).code).toBeUndefined();
    expect(check(['Host', 'example.com'], { target: 'http://user@example.com/x' })).toMatchObject({
      code: 'SV_ERR_HTTP_TARGET_USERINFO',
      message: 'The request target [http://user@example.com/x] carries userinfo, which is not allowed (RFC 9110 §4.2.4)',
    });
    expect(check(['Host', 'other.com'], { target: 'http://example.com/x' })).toMatchObject({
      code: 'SV_ERR_HTTP_HOST_MISMATCH',
      message: 'The Host header [other.com] does not match the request target authority [example.com] (RFC 9112 §3.2.2)',
    });
  });

  it('notes Connection, Accept-Encoding and Expect (repeats joined), the first User-Agent and Content-Length', () => {
    const { facts } = check([
      'Host',
      'h',
      'Connection',
      'keep-alive',
      'connection',
      'Upgrade',
      'Accept-Encoding',
      'gzip',
      'ACCEPT-ENCODING',
      'br',
      'User-Agent',
      'first',
      'user-agent',
      'second',
      'Content-Length',
      '12',
      'Expect',
      '100-continue',
    ]);
    expect(facts).toEqual({
      connection: 'keep-alive, Upgrade',
      acceptEncoding: 'gzip, br',
      userAgent: 'first',
      expect: '100-continue',
      contentLength: 12,
      chunked: false,
    });
  });
});
