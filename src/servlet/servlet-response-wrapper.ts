/**
 * Response wrappers (Servlet spec §6.2.2): extend one and override what should change (for example to
 * capture or transform the body); every other call goes to the wrapped response.
 */
import type { Cookie } from './cookie.js';
import type { HttpServletResponse, ServletResponse } from './http-servlet-response.js';
import { requireWrapped, type WrapperTarget } from './servlet-request-wrapper.js';
import type { PrintWriter, ServletOutputStream } from './servlet-streams.js';

export class ServletResponseWrapper implements ServletResponse {
  #response: ServletResponse;

  constructor(response: ServletResponse) {
    this.#response = requireWrapped(response, 'response');
  }

  getResponse(): ServletResponse {
    return this.#response;
  }
  setResponse(response: ServletResponse): void {
    this.#response = requireWrapped(response, 'response');
  }
  /** Whether this wrapper wraps, at any depth, the given response (or a response of the given class). */
  isWrapperFor(target: WrapperTarget<ServletResponse>): boolean {
    const inner = this.#response;
    if (typeof target === 'function' ? inner instanceof target : inner === target) return true;
    return inner instanceof ServletResponseWrapper && inner.isWrapperFor(target);
  }

  getCharacterEncoding(): string {
    return this.#response.getCharacterEncoding();
  }
  setCharacterEncoding(encoding: string): void {
    this.#response.setCharacterEncoding(encoding);
  }
  getContentType(): string | null {
    return this.#response.getContentType();
  }
  setContentType(type: string | null): void {
    this.#response.setContentType(type);
  }
  setContentLength(length: number): void {
    this.#response.setContentLength(length);
  }
  getOutputStream(): ServletOutputStream {
    return this.#response.getOutputStream();
  }
  getWriter(): PrintWriter {
    return this.#response.getWriter();
  }
  getBufferSize(): number {
    return this.#response.getBufferSize();
  }
  setBufferSize(size: number): void {
    this.#response.setBufferSize(size);
  }
  flushBuffer(): Promise<void> {
    return this.#response.flushBuffer();
  }
  resetBuffer(): void {
    this.#response.resetBuffer();
  }
  reset(): void {
    this.#response.reset();
  }
  isCommitted(): boolean {
    return this.#response.isCommitted();
  }
  setLocale(locale: string): void {
    this.#response.setLocale(locale);
  }
  getLocale(): string {
    return this.#response.getLocale();
  }
}

/** An HttpServletResponse wrapper: every HTTP method goes to the wrapped response unless overridden. */
export class HttpServletResponseWrapper extends ServletResponseWrapper implements HttpServletResponse {
  constructor(response: HttpServletResponse) {
    super(response);
  }

  #http(): HttpServletResponse {
    return this.getResponse() as HttpServletResponse;
  }

  addCookie(cookie: Cookie): void {
    this.#http().addCookie(cookie);
  }
  containsHeader(name: string): boolean {
    return this.#http().containsHeader(name);
  }
  setHeader(name: string, value: string | null): void {
    this.#http().setHeader(name, value);
  }
  addHeader(name: string, value: string): void {
    this.#http().addHeader(name, value);
  }
  setIntHeader(name: string, value: number): void {
    this.#http().setIntHeader(name, value);
  }
  addIntHeader(name: string, value: number): void {
    this.#http().addIntHeader(name, value);
  }
  setDateHeader(name: string, epochMs: number): void {
    this.#http().setDateHeader(name, epochMs);
  }
  addDateHeader(name: string, epochMs: number): void {
    this.#http().addDateHeader(name, epochMs);
  }
  getHeader(name: string): string | null {
    return this.#http().getHeader(name);
  }
  getHeaders(name: string): string[] {
    return this.#http().getHeaders(name);
  }
  getHeaderNames(): string[] {
    return this.#http().getHeaderNames();
  }
  setStatus(status: number): void {
    this.#http().setStatus(status);
  }
  getStatus(): number {
    return this.#http().getStatus();
  }
  sendError(status: number, message?: string): void {
    this.#http().sendError(status, message);
  }
  sendRedirect(location: string, status?: number): void {
    this.#http().sendRedirect(location, status);
  }
  encodeURL(url: string): string {
    return this.#http().encodeURL(url);
  }
  encodeRedirectURL(url: string): string {
    return this.#http().encodeRedirectURL(url);
  }
  setTrailerFields(supplier: () => Map<string, string>): void {
    this.#http().setTrailerFields(supplier);
  }
}
