/**
 * The response as an included servlet sees it: it may write content, but status, headers and cookies
 * belong to the including servlet, so changes to them are ignored (Servlet spec §9.3).
 */
import type { HttpServletResponse } from '../servlet/http-servlet-response.js';

const IGNORED = new Set<PropertyKey>([
  'setStatus',
  'sendError',
  'sendRedirect',
  'setHeader',
  'addHeader',
  'setIntHeader',
  'addIntHeader',
  'setDateHeader',
  'addDateHeader',
  'addCookie',
  'setContentType',
  'setContentLength',
  'setCharacterEncoding',
  'setLocale',
  'setBufferSize',
  'reset',
  'setTrailerFields',
]);

const noop = (): void => {};

export function includedResponse(response: HttpServletResponse): HttpServletResponse {
  return new Proxy(response, {
    get(target, property) {
      if (IGNORED.has(property)) return noop;
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value.bind(target) as unknown) : value;
    },
  });
}
