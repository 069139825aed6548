/**
 * The container's HttpServletRequest (Servlet spec ch. 3) over a protocol Exchange, with Tomcat's semantics.
 * Long because the API is wide (about 70 methods): each is short, and the parts with real logic live in their
 * own files (request-content.ts for the body and parameters, cookie-parser.ts, accept-language.ts, parameters.ts).
 */
import type { Principal } from '../servlet/principal.js';
import type { ConnectorConfig } from '../config/server-config.js';
import { ContainerError } from '../errors/container-error.js';
import { emptyMappingData } from '../mapper/mapping-data.js';
import type { Exchange } from '../protocol/exchange.js';
import { equalsIgnoreCase } from '../protocol/http11/field-name.js';
import { Cookie } from '../servlet/cookie.js';
import type { DispatcherType } from '../servlet/dispatcher-type.js';
import type { HttpServletRequest } from '../servlet/http-servlet-request.js';
import type { HttpSession } from '../servlet/http-session.js';
import type { Part } from '../servlet/part.js';
import { RequestDispatcherAttributes, type RequestDispatcher } from '../servlet/request-dispatcher.js';
import type { ServletContext } from '../servlet/servlet-context.js';
import type { BufferedReader, ServletInputStream } from '../servlet/servlet-streams.js';
import type { ManagedSession } from '../session/session-manager.js';
import { parseAcceptLanguage } from './accept-language.js';
import type { ContainerResponse } from './container-response.js';
import type { ContextBinding } from '../core/context-binding.js';
import type { HttpServletResponse } from '../servlet/http-servlet-response.js';
import { parseCookieHeader } from './cookie-parser.js';
import { parseHttpDate } from './http-date.js';
import type { ContainerMapping, ExchangeControl, Request } from '../core/request.js';
import type { ValveResult } from '../core/valve.js';
import { RequestFacade } from '../core/facade/request-facade.js';
import { PARAMETER_PARSE_FAILED_ATTR, PARAMETER_PARSE_FAILED_REASON_ATTR } from '../filters/parameter-parse-attributes.js';
import { RequestContent } from './request-content.js';
import { tlsAttribute } from './tls-attributes.js';
import type { X509Certificate } from 'node:crypto';
import { lowerCaseName } from './header-name.js';
import { COLON, lastIndexOfChar, SLASH } from '../mapper/char-search.js';

/** Attribute names the container reserves; protocol input and applications cannot set them. */
const INTERNAL_ATTRIBUTE_PREFIX = 'serval.internal.';
const DEFAULT_LOCALE = 'en';
/** Set by RemoteIpFilter (a web.xml filter) to make the container's own request secure, as in Tomcat. */
const REMOTE_IP_FILTER_SECURE = 'org.apache.catalina.filters.RemoteIpFilter.secure';
const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?]*/;

let requestCounter = 0;

/** What maps and runs a request again after a RewriteValve rewrote it (ConnectorAdapter). */
export interface RequestReprocessor {
  reprocess(request: ContainerRequest, state: unknown): ValveResult;
}

export class ContainerRequest implements Request {
  readonly #exchange: Exchange;
  readonly #connector: ConnectorConfig;
  readonly #response: ContainerResponse;
  #requestURI: string;
  #queryString: string | null;
  /** A host name a RewriteValve H rule set; null = the Host header's. */
  #rewrittenServerName: string | null = null;
  /** Who maps and runs this request again after a RewriteValve changed it (the adapter), and its per-request state. */
  #reprocessor: RequestReprocessor | null = null;
  #reprocessState: unknown = null;
  /** Header names as first received and values by lower-case name, built when first needed (see getHeader). */
  #headerNames: string[] | null = null;
  #headerValues: Map<string, string[]> | null = null;
  /** Made on first use: most requests never set an attribute or a note. */
  #attributeMap: Map<string, unknown> | null = null;
  #noteMap: Map<string, unknown> | null = null;
  /** Wall-clock ms of the request head, computed on first use (-1 until then). */
  #startTimeMs = -1;
  readonly #requestNumber: number;
  #mapping: ContainerMapping = emptyMappingData();
  #binding: ContextBinding | null = null;
  #decodedUri: string | null = null;
  #sessionIdFromUrl: string | null = null;
  #cookies: Cookie[] | null = null;
  readonly #content: RequestContent;
  #locales: string[] | null = null;
  #session: ManagedSession | null = null;
  #facade: HttpServletRequest | null = null;
  #requestedSessionResolved = false;
  #requestedSessionId: string | null = null;
  #sessionIdFromCookie = false;
  #sessionIdFromURL = false;
  #principal: Principal | null = null;
  #authType: string | null = null;
  /** The front end's user is taken once; an authenticator's setUserPrincipal() (even null) wins over it. */
  #forwardedUserAdopted = false;
  /**
   * The client as a trusted front end states it (setRemoteAddr…): null until a valve sets one, so that a
   * request with no such valve pays one field read per getter and no allocation.
   */
  #stated: StatedIdentity | null = null;
  /** A chain a trusted front end forwarded in a header (SSLValve); null = none. */
  #forwardedCertificates: readonly X509Certificate[] | null = null;
  /** A FORM login's saved request replayed on this one (restoreSavedRequest). */
  #restored: { readonly method: string; readonly contentType: string | null; readonly body: Buffer | null } | null = null;

  constructor(exchange: Exchange, connector: ConnectorConfig, response: ContainerResponse) {
    this.#exchange = exchange;
    this.#connector = connector;
    this.#response = response;
    // An absolute-form target (RFC 9112 §3.2.2) still has a path-only request URI.
    const received = exchange.target;
    const target = (received.charCodeAt(0) === 0x2f ? received : received.replace(ABSOLUTE_FORM, '')) || '/';
    const q = target.indexOf('?');
    this.#requestURI = q < 0 ? target : target.slice(0, q);
    this.#queryString = q < 0 ? null : target.slice(q + 1);
    this.#requestNumber = ++requestCounter;
    this.#content = new RequestContent(this, connector);
  }

  /** Every field by lower-case name (repeated fields in order) and the names as first received. */
  #headerIndex(): Map<string, string[]> {
    if (this.#headerValues !== null) return this.#headerValues;
    const names: string[] = [];
    const values = new Map<string, string[]>();
    const raw = this.#exchange.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!;
      const key = name.toLowerCase();
      const existing = values.get(key);
      if (existing === undefined) {
        names.push(name);
        values.set(key, [raw[i + 1]!]);
      } else {
        existing.push(raw[i + 1]!);
      }
    }
    this.#headerNames = names;
    this.#headerValues = values;
    return values;
  }

  /** Called once by the adapter after canonicalisation and mapping. */
  setMapping(mapping: ContainerMapping, binding: ContextBinding | null, decodedUri: string, sessionIdFromUrl: string | null): void {
    this.#mapping = mapping;
    this.#binding = binding;
    this.#decodedUri = decodedUri;
    this.#sessionIdFromUrl = sessionIdFromUrl;
  }

  /** Set by the adapter that serves this request: it maps and runs it again for reprocess(). */
  setReprocessor(reprocessor: RequestReprocessor, state: unknown): void {
    this.#reprocessor = reprocessor;
    this.#reprocessState = state;
  }

  rewriteTarget(requestURI: string, queryString: string | null, serverName: string | null): void {
    this.#requestURI = requestURI;
    this.#queryString = queryString;
    this.#decodedUri = null;
    if (serverName !== null) this.#rewrittenServerName = serverName;
  }

  reprocess(): ValveResult {
    if (this.#reprocessor === null)
      throw new ContainerError('SV_ERR_REQUEST_NOT_MAPPED', { uri: this.#requestURI, what: 'adapter to map it again' });
    return this.#reprocessor.reprocess(this, this.#reprocessState);
  }

  getBinding(): ContextBinding | null {
    return this.#binding;
  }

  get exchange(): Exchange {
    return this.#exchange;
  }

  /** The exchange, as far as core may act on it (the same object, seen through the narrow contract). */
  get control(): ExchangeControl {
    return this.#exchange;
  }
  get connector(): ConnectorConfig {
    return this.#connector;
  }
  get mappingData(): ContainerMapping {
    return this.#mapping;
  }
  get response(): ContainerResponse {
    return this.#response;
  }
  /** Made on first use: a request the container answers itself (404, a redirect) never needs one. */
  get facade(): HttpServletRequest {
    this.#facade ??= new RequestFacade(this);
    return this.#facade;
  }

  getStartTime(): bigint {
    return this.#exchange.startTime;
  }
  getStartTimeMs(): number {
    const known = this.#exchange.startTimeMs;
    if (known !== undefined && known > 0) return known;
    // Derived from the monotonic start: the same instant whenever it is asked (and most requests never ask).
    if (this.#startTimeMs < 0) {
      const elapsedMs = Number(process.hrtime.bigint() - this.#exchange.startTime) / 1e6;
      this.#startTimeMs = Date.now() - Math.max(0, elapsedMs);
    }
    return this.#startTimeMs;
  }
  getRequestId(): string {
    return `${this.#exchange.connectionId}-${this.#requestNumber}`;
  }

  // --- request line and paths ---

  getMethod(): string {
    return this.#restored?.method ?? this.#exchange.method;
  }
  getProtocol(): string {
    return this.#exchange.protocol;
  }
  getRequestURI(): string {
    return this.#requestURI;
  }
  getDecodedRequestURI(): string {
    return this.#decodedUri ?? this.#requestURI;
  }
  getQueryString(): string | null {
    return this.#queryString;
  }
  getRequestURL(): string {
    const scheme = this.getScheme();
    const port = this.getServerPort();
    const defaultPort = (scheme === 'http' && port === 80) || (scheme === 'https' && port === 443);
    return `${scheme}://${this.getServerName()}${defaultPort ? '' : `:${port}`}${this.#requestURI}`;
  }
  getContextPath(): string {
    return this.#binding?.contextPath ?? this.#mapping.contextPath;
  }
  getServletPath(): string {
    return this.#mapping.servletPath;
  }
  getPathInfo(): string | null {
    return this.#mapping.pathInfo;
  }
  getPathTranslated(): string | null {
    const pathInfo = this.getPathInfo();
    if (pathInfo === null || this.#binding === null) return null;
    return this.#binding.servletContext.getRealPath(pathInfo);
  }

  // --- headers ---

  getHeader(name: string): string | null {
    const index = this.#headerValues;
    if (index !== null) return index.get(lowerCaseName(name))?.[0] ?? null;
    // A request has few fields and asks for fewer: scanning them beats building a map for every request, and
    // comparing each name in place (most differ in length) beats looking up a lower-cased copy of `name`.
    const raw = this.#exchange.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      if (equalsIgnoreCase(raw[i]!, name)) return raw[i + 1]!;
    }
    return null;
  }
  getHeaders(name: string): string[] {
    return [...(this.#headerIndex().get(lowerCaseName(name)) ?? [])];
  }
  getHeaderNames(): string[] {
    this.#headerIndex();
    return [...(this.#headerNames ?? [])];
  }
  getIntHeader(name: string): number {
    const value = this.getHeader(name);
    if (value === null) return -1;
    if (!/^[+-]?\d{1,15}$/.test(value)) {
      throw new ContainerError('SV_ERR_REQUEST_HEADER_FORMAT', { name, value, kind: 'integer' });
    }
    return Number(value);
  }
  getDateHeader(name: string): number {
    const value = this.getHeader(name);
    if (value === null) return -1;
    const ms = parseHttpDate(value);
    if (ms === null) throw new ContainerError('SV_ERR_REQUEST_HEADER_FORMAT', { name, value, kind: 'HTTP date' });
    return ms;
  }
  /**
   * Trailer fields of a chunked request body (Servlet 6 §3.5), names lower-case, repeated fields joined by
   * `, `; only those the connector's allowedTrailerHeaders lets through. Empty until the body has ended.
   */
  getTrailerFields(): Map<string, string> {
    const fields = new Map<string, string>();
    const raw = this.#exchange.rawTrailers ?? [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!.toLowerCase();
      const previous = fields.get(name);
      fields.set(name, previous === undefined ? raw[i + 1]! : `${previous}, ${raw[i + 1]!}`);
    }
    return fields;
  }
  /** True once the body has been read to its end, so getTrailerFields() is complete. */
  isTrailerFieldsReady(): boolean {
    return this.#exchange.body.readableEnded || this.getHeader('transfer-encoding') === null;
  }
  getCookies(): Cookie[] {
    this.#cookies ??= parseCookieHeader(this.getHeaders('cookie'), this.#connector.maxCookieCount);
    return [...this.#cookies];
  }

  // --- connection ---

  getScheme(): string {
    const stated = this.#stated?.scheme;
    if (stated !== undefined) return stated;
    return this.#exchange.secure ? 'https' : this.#connector.scheme;
  }
  isSecure(): boolean {
    const stated = this.#stated?.secure;
    if (stated !== undefined) return stated;
    return this.#exchange.secure || this.#connector.secure;
  }
  getServerName(): string {
    if (this.#rewrittenServerName !== null) return this.#rewrittenServerName;
    const stated = this.#stated?.serverName;
    if (stated !== undefined) return stated;
    if (this.#connector.proxyName !== undefined && this.#connector.proxyName !== '') return this.#connector.proxyName;
    return this.#host()?.name ?? this.#exchange.localAddress;
  }
  getServerPort(): number {
    const stated = this.#stated?.serverPort;
    if (stated !== undefined) return stated;
    if (this.#connector.proxyPort > 0) return this.#connector.proxyPort;
    const host = this.#host();
    if (host === null) return this.#exchange.localPort;
    if (host.port >= 0) return host.port;
    return this.getScheme() === 'https' ? 443 : 80;
  }
  getRemoteAddr(): string {
    return this.#stated?.remoteAddr ?? this.#exchange.remoteAddress;
  }
  /** enableLookups would need a blocking reverse lookup; like Tomcat's default, the address is returned. */
  getRemoteHost(): string {
    return this.#stated?.remoteHost ?? this.#exchange.remoteAddress;
  }
  getRemotePort(): number {
    return this.#exchange.remotePort;
  }
  getLocalAddr(): string {
    return this.#exchange.localAddress;
  }
  getLocalName(): string {
    return this.#stated?.localName ?? this.#exchange.localAddress;
  }
  getLocalPort(): number {
    return this.#stated?.localPort ?? this.#exchange.localPort;
  }

  setRemoteAddr(address: string): void {
    (this.#stated ??= {}).remoteAddr = address;
  }
  setRemoteHost(host: string): void {
    (this.#stated ??= {}).remoteHost = host;
  }
  setScheme(scheme: string): void {
    (this.#stated ??= {}).scheme = scheme;
  }
  setSecure(secure: boolean): void {
    (this.#stated ??= {}).secure = secure;
  }
  setServerName(name: string): void {
    (this.#stated ??= {}).serverName = name;
  }
  setServerPort(port: number): void {
    (this.#stated ??= {}).serverPort = port;
  }
  setLocalName(name: string): void {
    (this.#stated ??= {}).localName = name;
  }
  setLocalPort(port: number): void {
    (this.#stated ??= {}).localPort = port;
  }

  setHeaderValues(name: string, values: readonly string[]): void {
    const index = this.#headerIndex();
    const key = name.toLowerCase();
    const names = this.#headerNames!;
    if (values.length === 0) {
      if (!index.delete(key)) return;
      const at = names.findIndex((n) => n.toLowerCase() === key);
      if (at >= 0) names.splice(at, 1);
    } else {
      if (!index.has(key)) names.push(name);
      index.set(key, [...values]);
    }
    if (key === 'host') this.#hostParts = undefined;
    if (key === 'cookie') this.#cookies = null;
  }

  /**
   * The Host header split once into name (IPv6 literals keep their brackets, as in Tomcat) and port (-1 if
   * absent): the mapper, getServerName/Port and the access log all ask. undefined = not yet.
   */
  #hostParts: { name: string; port: number } | null | undefined;

  #host(): { name: string; port: number } | null {
    if (this.#hostParts === undefined) this.#hostParts = this.#parseHost();
    return this.#hostParts;
  }

  #parseHost(): { name: string; port: number } | null {
    const host = this.getHeader('host');
    if (host === null || host === '') return null;
    let name = host;
    let portText = '';
    if (host.startsWith('[')) {
      const end = host.indexOf(']');
      if (end >= 0) {
        name = host.slice(0, end + 1);
        portText = host.slice(end + 1).startsWith(':') ? host.slice(end + 2) : '';
      }
    } else {
      const colon = lastIndexOfChar(host, COLON);
      if (colon >= 0) {
        name = host.slice(0, colon);
        portText = host.slice(colon + 1);
      }
    }
    return { name, port: portNumber(portText) };
  }

  getLocale(): string {
    return this.getLocales()[0]!;
  }
  getLocales(): string[] {
    this.#locales ??= parseAcceptLanguage(this.getHeaders('accept-language'));
    return this.#locales.length > 0 ? [...this.#locales] : [DEFAULT_LOCALE];
  }

  // --- attributes and notes ---

  /** Then what the connection knows: TLS facts, and attributes a trusted front end forwarded (AJP). */
  getAttribute(name: string): unknown {
    return (
      this.#attributeMap?.get(name) ??
      tlsAttribute(this.#exchange.tls, name) ??
      this.#exchange.forwardedAttributes?.get(name) ??
      this.#parameterParseAttribute(name)
    );
  }
  /** Tomcat's special attributes for a parameter parse that skipped chunks (read by FailedRequestFilter). */
  #parameterParseAttribute(name: string): unknown {
    if (name === PARAMETER_PARSE_FAILED_ATTR) return this.#content.parameterFailure() === null ? null : true;
    if (name === PARAMETER_PARSE_FAILED_REASON_ATTR) return this.#content.parameterFailure();
    return null;
  }
  getAttributeNames(): string[] {
    const own = this.#attributeMap === null ? [] : [...this.#attributeMap.keys()];
    const forwarded = this.#exchange.forwardedAttributes;
    if (forwarded === undefined || forwarded.size === 0) return own;
    return [...new Set([...own, ...forwarded.keys()])];
  }
  /** A null value removes the attribute (Servlet spec §3.11); reserved container names are never set. */
  setAttribute(name: string, value: unknown): void {
    if (value === null || value === undefined) {
      this.removeAttribute(name);
      return;
    }
    if (name.startsWith(INTERNAL_ATTRIBUTE_PREFIX)) return;
    if (name === REMOTE_IP_FILTER_SECURE && typeof value === 'boolean') {
      // Tomcat's special attribute (Globals.REMOTE_IP_FILTER_SECURE, the CVE-2023-28708 fix): RemoteIpFilter, which
      // only has the Servlet API, tells the container the request is secure so that the session cookie is Secure.
      this.setSecure(value);
      return;
    }
    const attributes = (this.#attributeMap ??= new Map<string, unknown>());
    const existed = attributes.has(name);
    const old = attributes.get(name);
    attributes.set(name, value);
    this.#binding?.fireRequestAttributeEvent?.(existed ? 'replaced' : 'added', this, name, existed ? old : value);
  }
  removeAttribute(name: string): void {
    const attributes = this.#attributeMap;
    if (attributes === null || !attributes.has(name)) return;
    const old = attributes.get(name);
    attributes.delete(name);
    this.#binding?.fireRequestAttributeEvent?.('removed', this, name, old);
  }
  getNote(name: string): unknown {
    return this.#noteMap?.get(name);
  }
  setNote(name: string, value: unknown): void {
    if (value === undefined) this.#noteMap?.delete(name);
    else (this.#noteMap ??= new Map()).set(name, value);
  }

  // --- body, encoding and parameters (RequestContent) ---

  getCharacterEncoding(): string | null {
    return this.#content.getCharacterEncoding();
  }
  setCharacterEncoding(encoding: string): void {
    this.#content.setCharacterEncoding(encoding);
  }
  getContentLength(): number {
    if (this.#restored !== null) return this.#restored.body?.length ?? -1;
    const value = this.getHeader('content-length');
    return value !== null && /^\d{1,15}$/.test(value) ? Number(value) : -1;
  }
  getContentType(): string | null {
    return this.#restored !== null ? this.#restored.contentType : this.getHeader('content-type');
  }

  readBodyToSave(limit: number): Promise<Buffer | null> {
    return this.#content.readBodyToSave(limit);
  }

  restoreSavedRequest(saved: { readonly method: string; readonly contentType: string | null; readonly body: Buffer | null }): void {
    this.#restored = saved;
    this.#content.restoreBody(saved.body);
  }

  /**
   * Before the application runs, so that a breached limit is the connector's 4xx rather than an exception
   * inside a servlet: the form or multipart body and maxParameterCount (RequestContent), then maxCookieCount.
   */
  readFormBody(): void | Promise<void> {
    const reading = this.#content.readFormBody();
    if (reading === undefined) {
      this.#checkCookies();
      return;
    }
    return reading.then(() => this.#checkCookies());
  }

  #checkCookies(): void {
    if (this.getHeader('cookie') !== null) this.getCookies();
  }

  parameterCount(): number {
    return this.#content.parameterCount();
  }

  isBodyConsumed(): boolean {
    return this.#content.isBodyConsumed();
  }
  getInputStream(): ServletInputStream {
    return this.#content.getInputStream();
  }
  getReader(): BufferedReader {
    return this.#content.getReader();
  }
  getParameter(name: string): string | null {
    return this.#content.parameters().get(name);
  }
  getParameterNames(): string[] {
    return this.#content.parameters().names();
  }
  getParameterValues(name: string): string[] | null {
    return this.#content.parameters().getValues(name);
  }
  getParameterMap(): Map<string, string[]> {
    return this.#content.parameters().toMap();
  }
  getParts(): Part[] {
    return this.#content.getParts();
  }
  getPart(name: string): Part | null {
    return this.#content.getPart(name);
  }
  /** End of the request: removes the temporary files of uploaded parts the application did not move. */
  releaseParts(): Promise<void> | undefined {
    return this.#content.releaseParts();
  }

  // --- sessions (Servlet spec ch. 7) ---

  getRequestedSessionId(): string | null {
    this.#resolveRequestedSessionId();
    return this.#requestedSessionId;
  }
  isRequestedSessionIdFromCookie(): boolean {
    this.#resolveRequestedSessionId();
    return this.#sessionIdFromCookie;
  }
  isRequestedSessionIdFromURL(): boolean {
    this.#resolveRequestedSessionId();
    return this.#sessionIdFromURL;
  }
  isRequestedSessionIdValid(): boolean {
    this.#resolveRequestedSessionId();
    return this.#requestedSessionId !== null && this.#isValidSessionId(this.#requestedSessionId);
  }

  setRequestedSessionId(id: string): void {
    this.#resolveRequestedSessionId();
    this.#requestedSessionId = id;
    this.#sessionIdFromCookie = false;
    this.#sessionIdFromURL = false;
  }

  getSessionIfExists(): HttpSession | null {
    return this.#session;
  }

  getSession(create = true): ManagedSession | null {
    const binding = this.#binding;
    if (binding === null) return null;
    if (this.#session !== null && !this.#session.isValid()) this.#session = null;
    if (this.#session !== null) return this.#session;
    const requested = this.getRequestedSessionId();
    if (requested !== null) {
      const found = binding.sessionManager.findSession(requested);
      if (found !== null) {
        found.access();
        this.#session = found;
        return found;
      }
    }
    if (!create) return null;
    // The cookie could no longer be sent (Servlet spec §7.1.1).
    if (this.#response.isCommitted()) throw new ContainerError('SV_ERR_RESPONSE_COMMITTED', { action: 'create a session' });
    // A fresh id every time: an id the client sent that matches no session is never adopted (session fixation).
    const session = binding.sessionManager.createSession();
    session.access();
    this.#session = session;
    this.#addSessionCookie(binding, session.getId());
    return session;
  }

  changeSessionId(): string {
    const binding = this.#binding;
    const session = this.getSession(false);
    if (binding === null || session === null) {
      throw new ContainerError('SV_ERR_REQUEST_NO_SESSION', { method: 'changeSessionId' });
    }
    const id = binding.sessionManager.changeSessionId(this.#session!);
    this.#addSessionCookie(binding, id);
    return id;
  }

  /**
   * The URL's ;jsessionid first, then the session cookie, which wins (as in Tomcat's CoyoteAdapter). With
   * several session cookies (e.g. for nested paths) the first one naming a valid session is used.
   */
  #resolveRequestedSessionId(): void {
    if (this.#requestedSessionResolved) return;
    this.#requestedSessionResolved = true;
    if (this.#sessionIdFromUrl !== null) {
      this.#requestedSessionId = this.#sessionIdFromUrl;
      this.#sessionIdFromURL = true;
    }
    const binding = this.#binding;
    if (binding === null) return;
    for (const cookie of this.getCookies()) {
      if (cookie.getName() !== binding.sessionCookieName) continue;
      if (!this.#sessionIdFromCookie) {
        this.#requestedSessionId = cookie.getValue();
        this.#sessionIdFromCookie = true;
        this.#sessionIdFromURL = false;
      } else if (this.#isValidSessionId(this.#requestedSessionId!)) {
        break;
      } else {
        this.#requestedSessionId = cookie.getValue();
      }
    }
  }

  #isValidSessionId(id: string): boolean {
    if (this.#session !== null && this.#session.getId() === id && this.#session.isValid()) return true;
    return this.#binding?.sessionManager.findSession(id) != null;
  }

  #addSessionCookie(binding: ContextBinding, id: string): void {
    const cookie = new Cookie(binding.sessionCookieName, id);
    cookie.setPath(binding.sessionCookiePath);
    if (binding.useHttpOnly) cookie.setHttpOnly(true);
    if (binding.sessionCookieSecure ?? this.isSecure()) cookie.setSecure(true);
    this.#response.addSessionCookie(cookie);
  }

  // --- security ---

  getVerifiedClientCertificates(): readonly X509Certificate[] {
    if (this.#forwardedCertificates !== null) return this.#forwardedCertificates;
    const tls = this.#exchange.tls;
    return tls !== undefined && tls.peerVerified ? tls.peerCertificates : [];
  }

  setForwardedClientCertificates(chain: readonly X509Certificate[] | null): void {
    this.#forwardedCertificates = chain === null || chain.length === 0 ? null : chain;
  }

  setUserPrincipal(principal: Principal | null, authType: string | null): void {
    this.#forwardedUserAdopted = true;
    this.#principal = principal;
    this.#authType = principal === null ? null : authType;
  }
  /** An authenticator's principal, else the user a trusted front end authenticated (AJP, tomcatAuthentication="false"). */
  getUserPrincipal(): Principal | null {
    if (this.#principal !== null || this.#forwardedUserAdopted) return this.#principal;
    this.#forwardedUserAdopted = true;
    const forwarded = this.#exchange.forwardedUser;
    // tomcatAuthorization: the adapter asked the Realm before the pipeline; a user it did not know stays anonymous.
    if (forwarded === undefined || forwarded === null || forwarded.authorize) return null;
    this.#principal = { getName: () => forwarded.name };
    this.#authType = forwarded.authType;
    return this.#principal;
  }
  getRemoteUser(): string | null {
    return this.getUserPrincipal()?.getName() ?? null;
  }
  getAuthType(): string | null {
    this.getUserPrincipal();
    return this.#authType;
  }
  login(username: string, password: string): Promise<void> {
    return this.#securedBinding('login').authenticator.login(this, username, password);
  }
  logout(): Promise<void> {
    return this.#securedBinding('logout').authenticator.logout(this);
  }
  authenticate(_response: HttpServletResponse): Promise<boolean> {
    return this.#securedBinding('authenticate').authenticator.authenticate(this, this.#response);
  }
  /** Through the Context's authenticator, which knows the servlet's role refs and the realm. */
  isUserInRole(role: string): boolean {
    const binding = this.#binding;
    if (binding !== null) return binding.authenticator.isUserInRole(this, role);
    return role === '**' && this.getUserPrincipal() !== null;
  }

  #securedBinding(method: string): ContextBinding {
    if (this.#binding === null)
      throw new ContainerError('SV_ERR_REQUEST_NOT_MAPPED', { uri: this.#requestURI, what: `realm for ${method}()` });
    return this.#binding;
  }

  // --- dispatching ---

  getServletContext(): ServletContext {
    if (this.#binding === null) {
      throw new ContainerError('SV_ERR_REQUEST_NOT_MAPPED', { uri: this.#requestURI, what: 'ServletContext' });
    }
    return this.#binding.servletContext;
  }

  getDispatcherType(): DispatcherType {
    return 'REQUEST';
  }

  /** A relative path is resolved against the current servlet path + path info (Servlet spec §9.1). */
  getRequestDispatcher(path: string): RequestDispatcher | null {
    const binding = this.#binding;
    if (binding === null) return null;
    if (path.startsWith('/')) return binding.getRequestDispatcher(path);
    const includedServletPath = this.getAttribute(RequestDispatcherAttributes.INCLUDE_SERVLET_PATH);
    let requestPath: string;
    if (typeof includedServletPath === 'string') {
      const includedPathInfo = this.getAttribute(RequestDispatcherAttributes.INCLUDE_PATH_INFO);
      requestPath = includedServletPath + (typeof includedPathInfo === 'string' ? includedPathInfo : '');
    } else {
      requestPath = this.getServletPath() + (this.getPathInfo() ?? '');
    }
    const slash = lastIndexOfChar(requestPath, SLASH);
    const base = slash >= 0 ? requestPath.slice(0, slash + 1) : '/';
    return binding.getRequestDispatcher(base + path);
  }
}

/** What setRemoteAddr… stated; an absent field reports the connection's own value. */
interface StatedIdentity {
  remoteAddr?: string;
  remoteHost?: string;
  scheme?: string;
  secure?: boolean;
  serverName?: string;
  serverPort?: number;
  localName?: string;
  localPort?: number;
}

/** A Host header's port: one to five digits, else -1 (read in place: asked on every request). */
function portNumber(text: string): number {
  const length = text.length;
  if (length === 0 || length > 5) return -1;
  let port = 0;
  for (let i = 0; i < length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    port = port * 10 + digit;
  }
  return port;
}
