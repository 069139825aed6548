import { describe, expect, it } from 'vitest';
import { normalizeAddress } from '../../../src/net/acceptor.js';
import { classifyClientError, minimalResponse, sniffRequestLine } from '../../../src/protocol/http11/client-error.js';

function nodeError(code: string): Error {
  return Object.assign(new Error(code), { code });
}

describe('classifyClientError', () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', 431, 'SV_ERR_HTTP_HEADER_TOO_LARGE'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'SV_ERR_HTTP_HEADER_TIMEOUT'],
    ['HPE_CHUNK_EXTENSIONS_OVERFLOW', 413, 'SV_ERR_HTTP_BAD_REQUEST'],
    ['HPE_INVALID_METHOD', 400, 'SV_ERR_HTTP_BAD_REQUEST'],
    ['HPE_INVALID_HEADER_TOKEN', 400, 'SV_ERR_HTTP_BAD_REQUEST'],
  ])('%s → %i', (code, status, errorCode) => {
    expect(classifyClientError(nodeError(code))).toMatchObject({ status, code: errorCode });
  });

  it("a well-formed unsupported version is 505 (llhttp's reason tells), a syntax error in it is 400", () => {
    const reasoned = (reason: string): Error => Object.assign(nodeError('HPE_INVALID_VERSION'), { reason });
    expect(classifyClientError(reasoned('Invalid HTTP version'))).toMatchObject({ status: 505, code: 'SV_ERR_HTTP_VERSION_NOT_SUPPORTED' });
    expect(classifyClientError(reasoned('Expected CRLF after version'))?.status).toBe(400);
    expect(classifyClientError(reasoned('Invalid major version'))?.status).toBe(400);
    expect(classifyClientError(nodeError('HPE_INVALID_VERSION'))?.status).toBe(400);
  });

  it('socket failures are not rejections', () => {
    expect(classifyClientError(nodeError('ECONNRESET'))).toBeNull();
    expect(classifyClientError(nodeError('EPIPE'))).toBeNull();
    expect(classifyClientError('weird')).toBeNull();
  });
});

describe('sniffRequestLine', () => {
  it('reads method, target and protocol from the rejected bytes', () => {
    expect(sniffRequestLine(Buffer.from('GET /x?a=1 HTTP/1.1\r\nHost: a\r\n'))).toEqual({
      method: 'GET',
      target: '/x?a=1',
      protocol: 'HTTP/1.1',
    });
    expect(sniffRequestLine(Buffer.from('POST / HTTP/1.0\nHost'))).toMatchObject({ method: 'POST' });
  });

  it('gives null for anything that is not a request line', () => {
    expect(sniffRequestLine(undefined)).toBeNull();
    expect(sniffRequestLine(Buffer.from(''))).toBeNull();
    expect(sniffRequestLine(Buffer.from('GET / HTTP/1.1'))).toBeNull();
    expect(sniffRequestLine(Buffer.from('GET /a b HTTP/1.1\r\n'))).toBeNull();
    expect(sniffRequestLine(Buffer.from('G(T / HTTP/1.1\r\n'))).toBeNull();
  });

  it('reads a subarray at its own offset', () => {
    const whole = Buffer.from('xxxxPUT /p HTTP/1.1\r\n');
    expect(sniffRequestLine(whole.subarray(4))?.method).toBe('PUT');
  });
});

describe('minimalResponse', () => {
  it('is a complete bodiless response with a Date that closes the connection (RFC 9110 §6.6.1)', () => {
    expect(minimalResponse(431).toString('latin1')).toMatch(
      /^HTTP\/1\.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\nDate: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT\r\n\r\n$/,
    );
  });
});

describe('normalizeAddress', () => {
  it('strips the IPv4-mapped IPv6 prefix only', () => {
    expect(normalizeAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeAddress('::1')).toBe('::1');
    expect(normalizeAddress('::ffff:abcd')).toBe('::ffff:abcd');
    expect(normalizeAddress('10.0.0.1')).toBe('10.0.0.1');
    expect(normalizeAddress(undefined)).toBe('');
  });
});
