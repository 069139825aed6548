/**
 * The request as webapp code sees it (Tomcat's RequestFacade): the Servlet API and nothing else. The
 * container's request sits in a private field, so no property path from here reaches the exchange, the
 * connector or an internal setter. Container code gets back to its own request with `containerRequestOf`.
 */
import type { Principal } from '../../servlet/principal.js';
import type { Cookie } from '../../servlet/cookie.js';
import type { DispatcherType } from '../../servlet/dispatcher-type.js';
import type { HttpServletRequest, ServletRequest } from '../../servlet/http-servlet-request.js';
import type { HttpSession } from '../../servlet/http-session.js';
import type { HttpServletResponse } from '../../servlet/http-servlet-response.js';
import type { Part } from '../../servlet/part.js';
import type { RequestDispatcher } from '../../servlet/request-dispatcher.js';
import type { ServletContext } from '../../servlet/servlet-context.js';
import { ServletRequestWrapper } from '../../servlet/servlet-request-wrapper.js';
import type { BufferedReader, ServletInputStream } from '../../servlet/servlet-streams.js';
import type { Request } from '../request.js';

let requestOf: (facade: RequestFacade) => Request;

export class RequestFacade implements HttpServletRequest {
  readonly #request: Request;

  static {
    // The only way out of the private field, handed to this module alone (no static member to find).
    requestOf = (facade) => facade.#request;
  }

  constructor(request: Request) {
    this.#request = request;
  }

  getAttribute(name: string): unknown {
    return this.#request.getAttribute(name);
  }
  getAttributeNames(): string[] {
    return this.#request.getAttributeNames();
  }
  setAttribute(name: string, value: unknown): void {
    this.#request.setAttribute(name, value);
  }
  removeAttribute(name: string): void {
    this.#request.removeAttribute(name);
  }
  getCharacterEncoding(): string | null {
    return this.#request.getCharacterEncoding();
  }
  setCharacterEncoding(encoding: string): void {
    this.#request.setCharacterEncoding(encoding);
  }
  getContentLength(): number {
    return this.#request.getContentLength();
  }
  getContentType(): string | null {
    return this.#request.getContentType();
  }
  getInputStream(): ServletInputStream {
    return this.#request.getInputStream();
  }
  getReader(): BufferedReader {
    return this.#request.getReader();
  }
  getParameter(name: string): string | null {
    return this.#request.getParameter(name);
  }
  getParameterNames(): string[] {
    return this.#request.getParameterNames();
  }
  getParameterValues(name: string): string[] | null {
    return this.#request.getParameterValues(name);
  }
  getParameterMap(): Map<string, string[]> {
    return this.#request.getParameterMap();
  }
  getProtocol(): string {
    return this.#request.getProtocol();
  }
  getScheme(): string {
    return this.#request.getScheme();
  }
  getServerName(): string {
    return this.#request.getServerName();
  }
  getServerPort(): number {
    return this.#request.getServerPort();
  }
  getRemoteAddr(): string {
    return this.#request.getRemoteAddr();
  }
  getRemoteHost(): string {
    return this.#request.getRemoteHost();
  }
  getRemotePort(): number {
    return this.#request.getRemotePort();
  }
  getLocalAddr(): string {
    return this.#request.getLocalAddr();
  }
  getLocalName(): string {
    return this.#request.getLocalName();
  }
  getLocalPort(): number {
    return this.#request.getLocalPort();
  }
  isSecure(): boolean {
    return this.#request.isSecure();
  }
  getLocale(): string {
    return this.#request.getLocale();
  }
  getLocales(): string[] {
    return this.#request.getLocales();
  }
  getRequestDispatcher(path: string): RequestDispatcher | null {
    return this.#request.getRequestDispatcher(path);
  }
  getServletContext(): ServletContext {
    return this.#request.getServletContext();
  }
  getDispatcherType(): DispatcherType {
    return this.#request.getDispatcherType();
  }
  getRequestId(): string {
    return this.#request.getRequestId();
  }

  getMethod(): string {
    return this.#request.getMethod();
  }
  getRequestURI(): string {
    return this.#request.getRequestURI();
  }
  getRequestURL(): string {
    return this.#request.getRequestURL();
  }
  getContextPath(): string {
    return this.#request.getContextPath();
  }
  getServletPath(): string {
    return this.#request.getServletPath();
  }
  getPathInfo(): string | null {
    return this.#request.getPathInfo();
  }
  getPathTranslated(): string | null {
    return this.#request.getPathTranslated();
  }
  getQueryString(): string | null {
    return this.#request.getQueryString();
  }
  getHeader(name: string): string | null {
    return this.#request.getHeader(name);
  }
  getHeaders(name: string): string[] {
    return this.#request.getHeaders(name);
  }
  getHeaderNames(): string[] {
    return this.#request.getHeaderNames();
  }
  getIntHeader(name: string): number {
    return this.#request.getIntHeader(name);
  }
  getDateHeader(name: string): number {
    return this.#request.getDateHeader(name);
  }
  getCookies(): Cookie[] {
    return this.#request.getCookies();
  }
  getTrailerFields(): Map<string, string> {
    return this.#request.getTrailerFields();
  }
  isTrailerFieldsReady(): boolean {
    return this.#request.isTrailerFieldsReady();
  }
  getParts(): Part[] {
    return this.#request.getParts();
  }
  getPart(name: string): Part | null {
    return this.#request.getPart(name);
  }
  getSession(create?: boolean): HttpSession | null {
    return this.#request.getSession(create)?.facade ?? null;
  }
  getRequestedSessionId(): string | null {
    return this.#request.getRequestedSessionId();
  }
  isRequestedSessionIdValid(): boolean {
    return this.#request.isRequestedSessionIdValid();
  }
  isRequestedSessionIdFromCookie(): boolean {
    return this.#request.isRequestedSessionIdFromCookie();
  }
  isRequestedSessionIdFromURL(): boolean {
    return this.#request.isRequestedSessionIdFromURL();
  }
  changeSessionId(): string {
    return this.#request.changeSessionId();
  }
  getAuthType(): string | null {
    return this.#request.getAuthType();
  }
  getRemoteUser(): string | null {
    return this.#request.getRemoteUser();
  }
  isUserInRole(role: string): boolean {
    return this.#request.isUserInRole(role);
  }
  getUserPrincipal(): Principal | null {
    return this.#request.getUserPrincipal();
  }
  login(username: string, password: string): Promise<void> {
    return this.#request.login(username, password);
  }
  logout(): Promise<void> {
    return this.#request.logout();
  }
  /** The challenge goes out on this request's own response, whichever wrapper of it the application passes. */
  authenticate(_response: HttpServletResponse): Promise<boolean> {
    return this.#request.authenticate(this.#request.response);
  }
}

/**
 * The container's request under what app code passed in: its wrappers (Servlet spec §6.2.2 requires them to
 * extend ServletRequestWrapper for a dispatch) are unwrapped down to the facade. Null for a foreign object.
 */
export function containerRequestOf(request: ServletRequest): Request | null {
  let current = request;
  while (current instanceof ServletRequestWrapper) current = current.getRequest();
  return current instanceof RequestFacade ? requestOf(current) : null;
}
