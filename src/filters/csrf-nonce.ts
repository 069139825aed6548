/**
 * What CsrfPreventionFilter and RestCsrfPreventionFilter share (Tomcat's CsrfPreventionFilterBase and the
 * filters' Constants): the attribute names, the nonce generator and the requested path.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { HttpServletRequest } from '../servlet/http-servlet-request.js';

/** Session attribute holding CsrfPreventionFilter's nonces (Tomcat's CSRF_NONCE_SESSION_ATTR_NAME). */
export const CSRF_NONCE_SESSION_ATTR_NAME = 'org.apache.catalina.filters.CSRF_NONCE';
/** Request attribute with this request's new nonce, for pages that build URLs without encodeURL(). */
export const CSRF_NONCE_REQUEST_ATTR_NAME = 'org.apache.catalina.filters.CSRF_REQUEST_NONCE';
/** Default name of the request parameter carrying the nonce. */
export const CSRF_NONCE_REQUEST_PARAM = 'org.apache.catalina.filters.CSRF_NONCE';
/** Context attribute telling pages which parameter name CsrfPreventionFilter expects. */
export const CSRF_NONCE_REQUEST_PARAM_NAME_KEY = 'org.apache.catalina.filters.CSRF_NONCE_PARAM_NAME';
/** RestCsrfPreventionFilter's header, its two special values, its session attribute and its context attribute. */
export const CSRF_REST_NONCE_HEADER_NAME = 'X-CSRF-Token';
export const CSRF_REST_NONCE_HEADER_FETCH_VALUE = 'Fetch';
export const CSRF_REST_NONCE_HEADER_REQUIRED_VALUE = 'Required';
export const CSRF_REST_NONCE_SESSION_ATTR_NAME = 'org.apache.catalina.filters.CSRF_REST_NONCE';
export const CSRF_REST_NONCE_HEADER_NAME_KEY = 'org.apache.catalina.filters.CSRF_REST_NONCE_HEADER_NAME';

/** A nonce as Tomcat makes one: 16 random bytes as 32 upper-case hex digits, from the CSPRNG. */
export function generateNonce(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** Compares a nonce from the request with a stored one without revealing, by timing, how much of it matched. */
export function sameNonce(given: string, stored: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(stored, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The path the filters' path lists name: servlet path plus path info (Tomcat's getRequestedPath). */
export function requestedPath(request: HttpServletRequest): string {
  const pathInfo = request.getPathInfo();
  return pathInfo === null ? request.getServletPath() : request.getServletPath() + pathInfo;
}

/** A comma-separated list as Tomcat's setters split it: each entry trimmed (blank entries kept, as Tomcat does). */
export function commaList(value: string): string[] {
  return value === '' ? [] : value.split(',').map((entry) => entry.trim());
}
