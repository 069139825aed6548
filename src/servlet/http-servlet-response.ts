/** The response a servlet writes (Servlet spec ch. 5). */
import type { Cookie } from './cookie.js';
import type { PrintWriter, ServletOutputStream } from './servlet-streams.js';

export interface ServletResponse {
  getCharacterEncoding(): string;
  setCharacterEncoding(encoding: string): void;
  getContentType(): string | null;
  /** A `charset=` parameter also sets the character encoding (unless getWriter() was already called). */
  setContentType(type: string | null): void;
  setContentLength(length: number): void;
  getOutputStream(): ServletOutputStream;
  getWriter(): PrintWriter;

  getBufferSize(): number;
  /** Only before any content was written. */
  setBufferSize(size: number): void;
  /** Commits the response and sends buffered content; resolves when the socket can take more. */
  flushBuffer(): Promise<void>;
  /** Clears buffered content (status and headers stay); throws once committed. */
  resetBuffer(): void;
  /** Clears content, status and headers; throws once committed. */
  reset(): void;
  isCommitted(): boolean;

  setLocale(locale: string): void;
  getLocale(): string;
}

export interface HttpServletResponse extends ServletResponse {
  addCookie(cookie: Cookie): void;
  containsHeader(name: string): boolean;
  /** Replaces every value of the header; null removes it. CR, LF or NUL in name or value throws. */
  setHeader(name: string, value: string | null): void;
  addHeader(name: string, value: string): void;
  setIntHeader(name: string, value: number): void;
  addIntHeader(name: string, value: number): void;
  setDateHeader(name: string, epochMs: number): void;
  addDateHeader(name: string, epochMs: number): void;
  getHeader(name: string): string | null;
  getHeaders(name: string): string[];
  getHeaderNames(): string[];

  setStatus(status: number): void;
  getStatus(): number;
  /** Sets an error status for the error-page machinery; commits the response. Throws once committed. */
  sendError(status: number, message?: string): void;
  /** 302 with a Location made absolute-path relative to the request (leading `//` collapsed). */
  sendRedirect(location: string, status?: number): void;

  encodeURL(url: string): string;
  encodeRedirectURL(url: string): string;

  /** Trailer fields sent after a chunked body (RFC 9112 §7.1.2). */
  setTrailerFields(supplier: () => Map<string, string>): void;
}

/** Status codes with their names, for code that prefers `HttpServletResponse.SC_NOT_FOUND` spelling. */
export const HttpStatus = {
  SC_CONTINUE: 100,
  SC_OK: 200,
  SC_CREATED: 201,
  SC_NO_CONTENT: 204,
  SC_PARTIAL_CONTENT: 206,
  SC_MOVED_PERMANENTLY: 301,
  SC_FOUND: 302,
  SC_SEE_OTHER: 303,
  SC_NOT_MODIFIED: 304,
  SC_TEMPORARY_REDIRECT: 307,
  SC_BAD_REQUEST: 400,
  SC_UNAUTHORIZED: 401,
  SC_FORBIDDEN: 403,
  SC_NOT_FOUND: 404,
  SC_METHOD_NOT_ALLOWED: 405,
  SC_PRECONDITION_FAILED: 412,
  SC_REQUEST_ENTITY_TOO_LARGE: 413,
  SC_INTERNAL_SERVER_ERROR: 500,
  SC_NOT_IMPLEMENTED: 501,
  SC_SERVICE_UNAVAILABLE: 503,
} as const;
