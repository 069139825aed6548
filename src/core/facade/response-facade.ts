/**
 * The response as webapp code sees it (Tomcat's ResponseFacade): the Servlet API and nothing else; the
 * container's response sits in a private field. Container code gets it back with `containerResponseOf`.
 */
import type { Cookie } from '../../servlet/cookie.js';
import type { HttpServletResponse, ServletResponse } from '../../servlet/http-servlet-response.js';
import { ServletResponseWrapper } from '../../servlet/servlet-response-wrapper.js';
import type { PrintWriter, ServletOutputStream } from '../../servlet/servlet-streams.js';
import type { Response } from '../response.js';

let responseOf: (facade: ResponseFacade) => Response;

export class ResponseFacade implements HttpServletResponse {
  readonly #response: Response;

  static {
    responseOf = (facade) => facade.#response;
  }

  constructor(response: Response) {
    this.#response = response;
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

  addCookie(cookie: Cookie): void {
    this.#response.addCookie(cookie);
  }
  containsHeader(name: string): boolean {
    return this.#response.containsHeader(name);
  }
  setHeader(name: string, value: string | null): void {
    this.#response.setHeader(name, value);
  }
  addHeader(name: string, value: string): void {
    this.#response.addHeader(name, value);
  }
  setIntHeader(name: string, value: number): void {
    this.#response.setIntHeader(name, value);
  }
  addIntHeader(name: string, value: number): void {
    this.#response.addIntHeader(name, value);
  }
  setDateHeader(name: string, epochMs: number): void {
    this.#response.setDateHeader(name, epochMs);
  }
  addDateHeader(name: string, epochMs: number): void {
    this.#response.addDateHeader(name, epochMs);
  }
  getHeader(name: string): string | null {
    return this.#response.getHeader(name);
  }
  getHeaders(name: string): string[] {
    return this.#response.getHeaders(name);
  }
  getHeaderNames(): string[] {
    return this.#response.getHeaderNames();
  }
  setStatus(status: number): void {
    this.#response.setStatus(status);
  }
  getStatus(): number {
    return this.#response.getStatus();
  }
  sendError(status: number, message?: string): void {
    this.#response.sendError(status, message);
  }
  sendRedirect(location: string, status?: number): void {
    this.#response.sendRedirect(location, status);
  }
  encodeURL(url: string): string {
    return this.#response.encodeURL(url);
  }
  encodeRedirectURL(url: string): string {
    return this.#response.encodeRedirectURL(url);
  }
  setTrailerFields(supplier: () => Map<string, string>): void {
    this.#response.setTrailerFields(supplier);
  }
}

/** The container's response under what app code passed in (unwrapping ServletResponseWrappers), or null. */
export function containerResponseOf(response: ServletResponse): Response | null {
  let current = response;
  while (current instanceof ServletResponseWrapper) current = current.getResponse();
  return current instanceof ResponseFacade ? responseOf(current) : null;
}
