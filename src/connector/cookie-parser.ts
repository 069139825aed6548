/** Parses request Cookie headers (RFC 6265 §5.4 / §4.2.1), leniently on whitespace, like Rfc6265CookieProcessor. */
import { ContainerError } from '../errors/container-error.js';
import { Cookie } from '../servlet/cookie.js';
import { isToken } from './header-validation.js';

// RFC 6265 §4.1.1 cookie-octet, widened with space and tab inside a value (browsers send them).
const COOKIE_VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e\x80-\xff \t]*$/;

function parseValue(raw: string): string | null {
  // A value wrapped in DQUOTEs is returned without them (RFC 6265 §4.1.1 allows the quotes).
  const value = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  return COOKIE_VALUE.test(value) ? value : null;
}

/**
 * Every valid cookie in the headers, in order. Invalid pairs are skipped rather than failing the request;
 * a pair without `=` is a cookie with an empty value (Tomcat's cookiesWithoutEquals="name"); names starting
 * with `$` are RFC 2109 attributes and ignored. More than maxCookieCount cookies is a 400.
 */
export function parseCookieHeader(headers: readonly string[], maxCookieCount: number): Cookie[] {
  const cookies: Cookie[] = [];
  for (const header of headers) {
    for (const pair of header.split(';')) {
      const trimmed = pair.trim();
      if (trimmed === '') continue;
      const eq = trimmed.indexOf('=');
      const name = (eq < 0 ? trimmed : trimmed.slice(0, eq)).trim();
      const value = eq < 0 ? '' : parseValue(trimmed.slice(eq + 1).trim());
      if (value === null || !isToken(name) || name.startsWith('$')) continue;
      cookies.push(new Cookie(name, value));
    }
  }
  if (cookies.length > maxCookieCount) {
    throw new ContainerError('SV_ERR_HTTP_TOO_MANY_COOKIES', { count: cookies.length, limit: maxCookieCount });
  }
  return cookies;
}
