import { describe, expect, it } from 'vitest';
import { parseCookieHeader } from '../../../src/connector/cookie-parser.js';
import { ContainerError } from '../../../src/errors/container-error.js';

function pairs(headers: string[], max = 200): Array<[string, string]> {
  return parseCookieHeader(headers, max).map((c) => [c.getName(), c.getValue()]);
}

describe('parseCookieHeader', () => {
  it('parses name=value pairs separated by semicolons', () => {
    expect(pairs(['a=1; b=2;c=3'])).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
  });

  it('is lenient about whitespace around pairs and the = sign', () => {
    expect(pairs(['  a = 1 ;\tb=2  ;  '])).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });

  it('unquotes quoted values', () => {
    expect(pairs(['a="quoted value"; b=""'])).toEqual([
      ['a', 'quoted value'],
      ['b', ''],
    ]);
  });

  it('combines several Cookie header fields in order', () => {
    expect(pairs(['a=1', 'b=2'])).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });

  it('treats a pair without = as a cookie with an empty value', () => {
    expect(pairs(['lonely; a=1'])).toEqual([
      ['lonely', ''],
      ['a', '1'],
    ]);
  });

  it('skips invalid names and values but keeps the valid cookies', () => {
    expect(pairs(['bad name=1; good=2; bad=a"b; ok=x'])).toEqual([
      ['good', '2'],
      ['ok', 'x'],
    ]);
    expect(pairs(['bad=a\\b; =nameless; ok=1'])).toEqual([['ok', '1']]);
  });

  it('ignores RFC 2109 $-attributes', () => {
    expect(pairs(['$Version=1; a=1; $Path=/'])).toEqual([['a', '1']]);
  });

  it('keeps = inside the value', () => {
    expect(pairs(['token=abc==; x=a=b'])).toEqual([
      ['token', 'abc=='],
      ['x', 'a=b'],
    ]);
  });

  it('accepts exactly maxCookieCount cookies and fails with 400 beyond it', () => {
    expect(pairs(['a=1; b=2; c=3'], 3)).toHaveLength(3);
    let error: unknown;
    try {
      parseCookieHeader(['a=1; b=2', 'c=3; d=4'], 3);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContainerError);
    expect((error as ContainerError).code).toBe('SV_ERR_HTTP_TOO_MANY_COOKIES');
    expect((error as ContainerError).status).toBe(400);
    expect((error as ContainerError).message).toBe('Request has [4] cookies, more than maxCookieCount [3]');
  });

  it('returns nothing for empty headers', () => {
    expect(pairs(['', ' ; ;'])).toEqual([]);
  });
});
