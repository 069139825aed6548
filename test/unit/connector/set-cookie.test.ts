import { describe, expect, it } from 'vitest';
import { serializeSetCookie } from '../../../src/connector/set-cookie.js';
import { ContainerError } from '../../../src/errors/container-error.js';
import { Cookie } from '../../../src/servlet/cookie.js';

const NOW = Date.UTC(2024, 0, 2, 3, 4, 5);

describe('serializeSetCookie', () => {
  it('serialises a plain cookie as name=value', () => {
    expect(serializeSetCookie(new Cookie('a', 'b'), NOW)).toBe('a=b');
  });

  it('emits the attributes in Tomcat order', () => {
    const c = new Cookie('id', 'x1');
    c.setHttpOnly(true);
    c.setSecure(true);
    c.setPath('/app');
    c.setDomain('Example.COM');
    c.setMaxAge(60);
    c.setAttribute('SameSite', 'Lax');
    c.setAttribute('Partitioned', '');
    c.setAttribute('Priority', 'High');
    expect(serializeSetCookie(c, NOW)).toBe(
      'id=x1; Max-Age=60; Expires=Tue, 02 Jan 2024 03:05:05 GMT; Domain=example.com; Path=/app; Secure; HttpOnly; ' +
        'SameSite=Lax; Partitioned; Priority=High',
    );
  });

  it('uses an ancient Expires date for Max-Age=0', () => {
    const c = new Cookie('gone', '');
    c.setMaxAge(0);
    expect(serializeSetCookie(c, NOW)).toBe('gone=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:10 GMT');
  });

  it('accepts a value wrapped in double quotes', () => {
    expect(serializeSetCookie(new Cookie('q', '"abc"'), NOW)).toBe('q="abc"');
  });

  it.each([['a;b'], ['a b'], ['a,b'], ['a\r\nSet-Cookie: evil=1'], ['a"b'], ['a\\b'], ['"unterminated'], ['é']])(
    'rejects the value %j',
    (value) => {
      let error: unknown;
      try {
        serializeSetCookie(new Cookie('c', value), NOW);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ContainerError);
      expect((error as ContainerError).code).toBe('SV_ERR_HTTP_INVALID_COOKIE');
    },
  );

  it('rejects a domain or path that would inject attributes', () => {
    const domain = new Cookie('c', 'v');
    domain.setDomain('example.com Secure');
    expect(() => serializeSetCookie(domain, NOW)).toThrow(ContainerError);
    const path = new Cookie('c', 'v');
    path.setPath('/a\u0001b');
    expect(() => serializeSetCookie(path, NOW)).toThrow(ContainerError);
    // The Cookie class itself already refuses ';' and CR/LF in attribute values.
    expect(() => new Cookie('c', 'v').setPath('/a; Domain=evil.com')).toThrow(TypeError);
  });
});
