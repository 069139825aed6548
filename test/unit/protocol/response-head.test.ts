/** The HTTP/1.1 response head serialiser: status line, checked field lines (RFC 9110 §5.5) and the Date field. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ContainerError } from '../../../src/errors/container-error.js';
import { resetSecondClock } from '../../../src/time/second-clock.js';
import { dateHeaderLine, headerLine, statusLine } from '../../../src/protocol/http11/response-head.js';

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof ContainerError) return error.code;
    throw error;
  }
  throw new Error('expected a ContainerError');
}

describe('statusLine (RFC 9112 §4)', () => {
  it.each([
    [200, 'HTTP/1.1 200 OK\r\n'],
    [404, 'HTTP/1.1 404 Not Found\r\n'],
    [431, 'HTTP/1.1 431 Request Header Fields Too Large\r\n'],
    [503, 'HTTP/1.1 503 Service Unavailable\r\n'],
  ])('status %i without a reason gets the standard reason phrase', (status, line) => {
    expect(statusLine(status, null)).toBe(line);
    // Served again (from the per-status cache) it is still the same line.
    expect(statusLine(status, null)).toBe(line);
  });

  it('an unknown status keeps the separator and an empty reason (reason-phrase is optional)', () => {
    expect(statusLine(599, null)).toBe('HTTP/1.1 599 \r\n');
    expect(statusLine(299, null)).toBe('HTTP/1.1 299 \r\n');
  });

  it("uses the application's reason when given, tab and obs-text included", () => {
    expect(statusLine(200, 'All Good')).toBe('HTTP/1.1 200 All Good\r\n');
    expect(statusLine(418, 'Short\tand stout \xe9')).toBe('HTTP/1.1 418 Short\tand stout \xe9\r\n');
    // A custom reason does not poison the cached standard line.
    expect(statusLine(200, null)).toBe('HTTP/1.1 200 OK\r\n');
  });

  it.each([
    ['CRLF', 'OK\r\nSet-Cookie: evil=1'],
    ['LF', 'OK\nX: y'],
    ['CR', 'OK\rX'],
    ['NUL', 'O\0K'],
  ])('a reason containing %s is refused with SV_ERR_HTTP_INVALID_HEADER_VALUE', (_label, reason) => {
    expect(codeOf(() => statusLine(200, reason))).toBe('SV_ERR_HTTP_INVALID_HEADER_VALUE');
  });
});

describe('headerLine (RFC 9110 §5.1, §5.5)', () => {
  it('serialises a checked field as `name: value` CRLF', () => {
    expect(headerLine('Content-Type', 'text/plain')).toBe('Content-Type: text/plain\r\n');
    expect(headerLine("x!#$%&'*+.^_`|~-0", 'v')).toBe("x!#$%&'*+.^_`|~-0: v\r\n");
    expect(headerLine('X-Empty', '')).toBe('X-Empty: \r\n');
  });

  it('accepts horizontal tab, spaces and obs-text (0x80-0xFF) in a value', () => {
    expect(headerLine('X-Tab', 'a\tb')).toBe('X-Tab: a\tb\r\n');
    expect(headerLine('X-Latin', 'caf\xe9 \xff\x80')).toBe('X-Latin: caf\xe9 \xff\x80\r\n');
    expect(headerLine('X-Visible', ' !"~ ')).toBe('X-Visible:  !"~ \r\n');
  });

  it.each([
    ['empty', ''],
    ['a space', 'X Bad'],
    ['a colon', 'X:Bad'],
    ['a trailing colon', 'X-Bad:'],
    ['CRLF', 'X\r\nInjected'],
    ['a separator ( )', '(x)'],
    ['a slash', 'a/b'],
    ['a non-ASCII letter', 'X-\xe9'],
    ['NUL', 'X\0'],
  ])('refuses a name with %s (SV_ERR_HTTP_INVALID_HEADER_NAME)', (_label, name) => {
    expect(codeOf(() => headerLine(name, 'v'))).toBe('SV_ERR_HTTP_INVALID_HEADER_NAME');
  });

  it.each([
    ['CRLF (header injection)', 'a\r\nSet-Cookie: session=stolen'],
    ['a bare LF', 'a\nb'],
    ['a bare CR', 'a\rb'],
    ['NUL', 'a\0b'],
    ['another control character', 'a\x01b'],
    ['DEL', 'a\x7fb'],
    ['a character beyond latin1 (would be mangled on the wire)', 'price \u20ac'],
  ])('refuses a value with %s (SV_ERR_HTTP_INVALID_HEADER_VALUE)', (_label, value) => {
    expect(codeOf(() => headerLine('X-Value', value))).toBe('SV_ERR_HTTP_INVALID_HEADER_VALUE');
  });

  it('names the offending field in the error, never echoing the value', () => {
    let error: unknown;
    try {
      headerLine('X-Mine', 'a\r\nsecret');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ContainerError);
    expect((error as ContainerError).message).toContain('X-Mine');
    expect((error as ContainerError).message).not.toContain('secret');
  });
});

describe('dateHeaderLine (RFC 9110 §6.6.1, IMF-fixdate §5.6.7)', () => {
  afterEach(() => {
    vi.useRealTimers();
    resetSecondClock();
  });

  const IMF_FIXDATE =
    /^Date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT\r\n$/;

  it('is an IMF-fixdate for the current time', () => {
    const line = dateHeaderLine();
    expect(line).toMatch(IMF_FIXDATE);
    const when = Date.parse(line.slice('Date: '.length, -2));
    expect(Math.abs(when - Date.now())).toBeLessThan(5000);
  });

  it('formats exactly, with a two-digit day, reads the clock once a second and follows a clock step at the next', () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    vi.setSystemTime(new Date('2026-03-05T07:08:09.001Z'));
    resetSecondClock();
    expect(dateHeaderLine()).toBe('Date: Thu, 05 Mar 2026 07:08:09 GMT\r\n');
    vi.advanceTimersByTime(998);
    expect(dateHeaderLine()).toBe('Date: Thu, 05 Mar 2026 07:08:09 GMT\r\n');
    vi.advanceTimersByTime(1);
    expect(dateHeaderLine()).toBe('Date: Thu, 05 Mar 2026 07:08:10 GMT\r\n');
    // The clock steps back: the reading of the second under way stands until that second's timer ends it.
    vi.setSystemTime(new Date('2026-03-05T07:08:05.500Z'));
    expect(dateHeaderLine()).toBe('Date: Thu, 05 Mar 2026 07:08:10 GMT\r\n');
    vi.advanceTimersByTime(1000);
    expect(dateHeaderLine()).toBe('Date: Thu, 05 Mar 2026 07:08:06 GMT\r\n');
  });
});
