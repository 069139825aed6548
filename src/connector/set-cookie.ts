/** Serialises a Cookie as a Set-Cookie field value (RFC 6265 §4.1), refusing anything that could inject attributes. */
import { ContainerError } from '../errors/container-error.js';
import type { Cookie } from '../servlet/cookie.js';
import { formatHttpDate } from './http-date.js';
import { isToken } from './header-validation.js';

// RFC 6265 §4.1.1: cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE ).
const COOKIE_VALUE = /^(?:[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*|"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*")$/;
// RFC 6265 §4.1.1 domain: a host name (RFC 1034 letters, digits, hyphens, dots), optionally with a leading dot.
const DOMAIN = /^\.?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
// RFC 6265 §4.1.1 path-value: any CHAR except CTLs or ';'.
const ATTRIBUTE_VALUE = /^[\x20-\x3a\x3c-\x7e]*$/;
// Tomcat's "ancient date" for Max-Age=0, so old clients that only read Expires delete the cookie too.
const ANCIENT_DATE = 10_000;

const ORDERED = ['Max-Age', 'Domain', 'Path', 'Secure', 'HttpOnly', 'SameSite', 'Partitioned'];

function invalid(cookie: Cookie, part: string, value: string): ContainerError {
  return new ContainerError('SV_ERR_HTTP_INVALID_COOKIE', { name: cookie.getName(), part, value });
}

function attribute(cookie: Cookie, name: string, value: string): string {
  if (value === '') return `; ${name}`;
  if (!ATTRIBUTE_VALUE.test(value)) throw invalid(cookie, `${name} attribute`, value);
  return `; ${name}=${value}`;
}

export function serializeSetCookie(cookie: Cookie, nowMs: number = Date.now()): string {
  const name = cookie.getName();
  const value = cookie.getValue();
  if (!isToken(name)) throw invalid(cookie, 'name', name);
  if (!COOKIE_VALUE.test(value)) throw invalid(cookie, 'value', value);
  let header = `${name}=${value}`;

  const maxAge = cookie.getMaxAge();
  if (maxAge >= 0) {
    header += `; Max-Age=${maxAge}`;
    header += `; Expires=${formatHttpDate(maxAge === 0 ? ANCIENT_DATE : nowMs + maxAge * 1000)}`;
  }
  const domain = cookie.getDomain();
  if (domain !== null) {
    if (!DOMAIN.test(domain)) throw invalid(cookie, 'Domain attribute', domain);
    header += `; Domain=${domain}`;
  }
  const path = cookie.getPath();
  if (path !== null) header += attribute(cookie, 'Path', path);
  if (cookie.getSecure()) header += '; Secure';
  if (cookie.isHttpOnly()) header += '; HttpOnly';
  const sameSite = cookie.getAttribute('SameSite');
  if (sameSite !== null) header += attribute(cookie, 'SameSite', sameSite);
  if (cookie.getAttribute('Partitioned') !== null) header += '; Partitioned';

  for (const [attrName, attrValue] of cookie.getAttributes()) {
    if (ORDERED.some((known) => known.toLowerCase() === attrName.toLowerCase())) continue;
    if (!isToken(attrName)) throw invalid(cookie, 'attribute name', attrName);
    header += attribute(cookie, attrName, attrValue);
  }
  return header;
}
