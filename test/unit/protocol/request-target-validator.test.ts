import { describe, expect, it } from 'vitest';
import { RequestTargetValidator } from '../../../src/protocol/http11/request-target-validator.js';

describe('RequestTargetValidator (RFC 3986 §3.3/§3.4, CVE-2016-6816)', () => {
  const strict = new RequestTargetValidator('', '');

  it.each([
    '/',
    '/a/b;jsessionid=1/c.txt',
    "/~user/!$&'()*+,;=:@-._",
    '/a%20b%2F',
    '/a?b=c&d=/e?f',
    'http://example.com/a?b',
    'http://[::1]:8080/a',
    'http://example.com',
  ])('accepts %j', (target) => {
    expect(strict.check(target)).toBeNull();
  });

  it.each([
    ['/te<st', '<', 'relaxedPathChars'],
    ['/a"b', '"', 'relaxedPathChars'],
    ['/a?b={c}', '{', 'relaxedQueryChars'],
    ['/a?b=`', '`', 'relaxedQueryChars'],
    ['/a#frag', '#', 'no attribute (percent-encode it)'],
    ['/caf\u00e9', '%E9', 'no attribute (percent-encode it)'],
    ['/a\u0001', '%01', 'no attribute (percent-encode it)'],
    ['foo/bar', 'f', 'no attribute (the target must start with "/")'],
    ['http://host/a|b', '|', 'relaxedPathChars'],
  ])('refuses %j at %j, naming %s', (target, char, attribute) => {
    expect(strict.check(target)).toEqual({ char, attribute });
  });

  it('relaxed characters are allowed only where listed; characters outside the relaxable set are ignored', () => {
    const relaxed = new RequestTargetValidator('{}a ', '<>');
    expect(relaxed.check('/a{b}')).toBeNull();
    expect(relaxed.check('/a?b=<c>')).toBeNull();
    expect(relaxed.check('/a<b')).toMatchObject({ char: '<' });
    expect(relaxed.check('/a?b={c}')).toMatchObject({ char: '{' });
    expect(relaxed.check('/a b')).toMatchObject({ char: '%20' });
  });
});
