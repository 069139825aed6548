/**
 * The response as an included servlet sees it: it may write content, but status, headers and cookies
 * belong to the including servlet, so changes to them are ignored (Servlet spec §9.3).
 */
import type { Cookie } from '../servlet/cookie.js';
import { HttpServletResponseWrapper } from '../servlet/servlet-response-wrapper.js';

export class IncludedResponse extends HttpServletResponseWrapper {
  override setStatus(_status: number): void {}
  override sendError(_status: number, _message?: string): void {}
  override sendRedirect(_location: string, _status?: number): void {}
  override setHeader(_name: string, _value: string | null): void {}
  override addHeader(_name: string, _value: string): void {}
  override setIntHeader(_name: string, _value: number): void {}
  override addIntHeader(_name: string, _value: number): void {}
  override setDateHeader(_name: string, _epochMs: number): void {}
  override addDateHeader(_name: string, _epochMs: number): void {}
  override addCookie(_cookie: Cookie): void {}
  override setContentType(_type: string | null): void {}
  override setContentLength(_length: number): void {}
  override setCharacterEncoding(_encoding: string): void {}
  override setLocale(_locale: string): void {}
  override setBufferSize(_size: number): void {}
  override reset(): void {}
  override setTrailerFields(_supplier: () => Map<string, string>): void {}
}
