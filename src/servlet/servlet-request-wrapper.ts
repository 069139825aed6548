/**
 * Request wrappers (Servlet spec §6.2.2): a filter or servlet that wants to change what later code sees
 * extends one of these and overrides only what it changes; every other call goes to the wrapped request.
 * The container unwraps them (getRequest() down to its own request) when a wrapped request is dispatched.
 */
import type { Principal } from './principal.js';
import type { Cookie } from './cookie.js';
import type { DispatcherType } from './dispatcher-type.js';
import type { HttpServletRequest, ServletRequest } from './http-servlet-request.js';
import type { HttpSession } from './http-session.js';
import type { HttpServletResponse } from './http-servlet-response.js';
import type { Part } from './part.js';
import type { RequestDispatcher } from './request-dispatcher.js';
import type { ServletContext } from './servlet-context.js';
import type { BufferedReader, ServletInputStream } from './servlet-streams.js';

/** What `isWrapperFor` accepts: a request object, or a class that the wrapped request must be an instance of. */
export type WrapperTarget<T> = T | (abstract new (...args: never[]) => T);

export class ServletRequestWrapper implements ServletRequest {
  #request: ServletRequest;

  constructor(request: ServletRequest) {
    this.#request = requireWrapped(request, 'request');
  }

  getRequest(): ServletRequest {
    return this.#request;
  }
  setRequest(request: ServletRequest): void {
    this.#request = requireWrapped(request, 'request');
  }
  /** Whether this wrapper wraps, at any depth, the given request (or a request of the given class). */
  isWrapperFor(target: WrapperTarget<ServletRequest>): boolean {
    const inner = this.#request;
    if (typeof target === 'function' ? inner instanceof target : inner === target) return true;
    return inner instanceof ServletRequestWrapper && inner.isWrapperFor(target);
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
}

/** An HttpServletRequest wrapper: every HTTP method goes to the wrapped request unless overridden. */
export class HttpServletRequestWrapper extends ServletRequestWrapper implements HttpServletRequest {
  constructor(request: HttpServletRequest) {
    super(request);
  }

  /** The wrapped request as an HTTP request (the constructor and setRequest take any ServletRequest in Java too). */
  #http(): HttpServletRequest {
    return this.getRequest() as HttpServletRequest;
  }

  getMethod(): string {
    return this.#http().getMethod();
  }
  getRequestURI(): string {
    return this.#http().getRequestURI();
  }
  getRequestURL(): string {
    return this.#http().getRequestURL();
  }
  getContextPath(): string {
    return this.#http().getContextPath();
  }
  getServletPath(): string {
    return this.#http().getServletPath();
  }
  getPathInfo(): string | null {
    return this.#http().getPathInfo();
  }
  getPathTranslated(): string | null {
    return this.#http().getPathTranslated();
  }
  getQueryString(): string | null {
    return this.#http().getQueryString();
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
  getIntHeader(name: string): number {
    return this.#http().getIntHeader(name);
  }
  getDateHeader(name: string): number {
    return this.#http().getDateHeader(name);
  }
  getCookies(): Cookie[] {
    return this.#http().getCookies();
  }
  getTrailerFields(): Map<string, string> {
    return this.#http().getTrailerFields();
  }
  isTrailerFieldsReady(): boolean {
    return this.#http().isTrailerFieldsReady();
  }
  getParts(): Part[] {
    return this.#http().getParts();
  }
  getPart(name: string): Part | null {
    return this.#http().getPart(name);
  }
  getSession(create?: boolean): HttpSession | null {
    return this.#http().getSession(create);
  }
  getRequestedSessionId(): string | null {
    return this.#http().getRequestedSessionId();
  }
  isRequestedSessionIdValid(): boolean {
    return this.#http().isRequestedSessionIdValid();
  }
  isRequestedSessionIdFromCookie(): boolean {
    return this.#http().isRequestedSessionIdFromCookie();
  }
  isRequestedSessionIdFromURL(): boolean {
    return this.#http().isRequestedSessionIdFromURL();
  }
  changeSessionId(): string {
    return this.#http().changeSessionId();
  }
  getAuthType(): string | null {
    return this.#http().getAuthType();
  }
  getRemoteUser(): string | null {
    return this.#http().getRemoteUser();
  }
  isUserInRole(role: string): boolean {
    return this.#http().isUserInRole(role);
  }
  getUserPrincipal(): Principal | null {
    return this.#http().getUserPrincipal();
  }
  login(username: string, password: string): Promise<void> {
    return this.#http().login(username, password);
  }
  logout(): Promise<void> {
    return this.#http().logout();
  }
  authenticate(response: HttpServletResponse): Promise<boolean> {
    return this.#http().authenticate(response);
  }
}

/** Java's constructors throw IllegalArgumentException for null: wrapping nothing is a programming error. */
export function requireWrapped<T>(value: T, what: string): T {
  if (value === null || value === undefined) throw new TypeError(`A ${what} wrapper needs a ${what} to wrap`);
  return value;
}
