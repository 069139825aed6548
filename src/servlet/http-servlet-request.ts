/** The request a servlet sees (Servlet spec ch. 3), with Java's method names and JS collections. */
import type { Principal } from './principal.js';
import type { Cookie } from './cookie.js';
import type { DispatcherType } from './dispatcher-type.js';
import type { HttpSession } from './http-session.js';
import type { HttpServletResponse } from './http-servlet-response.js';
import type { Part } from './part.js';
import type { RequestDispatcher } from './request-dispatcher.js';
import type { ServletContext } from './servlet-context.js';
import type { BufferedReader, ServletInputStream } from './servlet-streams.js';

export interface ServletRequest {
  getAttribute(name: string): unknown;
  getAttributeNames(): string[];
  setAttribute(name: string, value: unknown): void;
  removeAttribute(name: string): void;

  getCharacterEncoding(): string | null;
  /** Must be called before the body or parameters are read; an unknown charset throws. */
  setCharacterEncoding(encoding: string): void;
  /** -1 when unknown (chunked or absent). */
  getContentLength(): number;
  getContentType(): string | null;
  getInputStream(): ServletInputStream;
  getReader(): BufferedReader;

  getParameter(name: string): string | null;
  getParameterNames(): string[];
  getParameterValues(name: string): string[] | null;
  getParameterMap(): Map<string, string[]>;

  getProtocol(): string;
  getScheme(): string;
  getServerName(): string;
  getServerPort(): number;
  getRemoteAddr(): string;
  getRemoteHost(): string;
  getRemotePort(): number;
  getLocalAddr(): string;
  getLocalName(): string;
  getLocalPort(): number;
  isSecure(): boolean;

  /** The preferred locale from Accept-Language (q-values honoured); the server default otherwise. */
  getLocale(): string;
  getLocales(): string[];

  getRequestDispatcher(path: string): RequestDispatcher | null;
  getServletContext(): ServletContext;
  getDispatcherType(): DispatcherType;
  /** A connection-unique id and a request id, for logs. */
  getRequestId(): string;
}

export interface HttpServletRequest extends ServletRequest {
  getMethod(): string;
  /** The request URI as sent, without the query (not decoded). */
  getRequestURI(): string;
  /** scheme://host:port + request URI. */
  getRequestURL(): string;
  /** The decoded context path ("" for ROOT). */
  getContextPath(): string;
  getServletPath(): string;
  getPathInfo(): string | null;
  getPathTranslated(): string | null;
  getQueryString(): string | null;

  getHeader(name: string): string | null;
  getHeaders(name: string): string[];
  getHeaderNames(): string[];
  /** -1 when absent; a non-integer value throws a TypeError (Java's NumberFormatException). */
  getIntHeader(name: string): number;
  /** Milliseconds since the epoch, -1 when absent; an unparseable date throws a TypeError. */
  getDateHeader(name: string): number;
  getCookies(): Cookie[];
  /**
   * Trailer fields of a chunked request body (Servlet 6 §3.5): names lower-case, repeated fields joined by
   * `, `, only those the connector's allowedTrailerHeaders lets through. Complete once isTrailerFieldsReady().
   */
  getTrailerFields(): Map<string, string>;
  /** True once the body has been read to its end (or there is no chunked body), so getTrailerFields() is complete. */
  isTrailerFieldsReady(): boolean;

  /**
   * The parts of a multipart/form-data body (Servlet spec §3.2), parsed before the servlet runs when its
   * servlet has a multipart config (@MultipartConfig, `<multipart-config>`) or the Context allows casual
   * multipart parsing. Throws when the request is not multipart/form-data or no multipart config applies.
   */
  getParts(): Part[];
  /** The first part with this name, or null. */
  getPart(name: string): Part | null;

  getSession(create?: boolean): HttpSession | null;
  getRequestedSessionId(): string | null;
  isRequestedSessionIdValid(): boolean;
  isRequestedSessionIdFromCookie(): boolean;
  isRequestedSessionIdFromURL(): boolean;
  changeSessionId(): string;

  /** BASIC_AUTH, FORM_AUTH, CLIENT_CERT_AUTH or DIGEST_AUTH (HttpServletRequest constants), or null when nobody is logged in. */
  getAuthType(): string | null;
  getRemoteUser(): string | null;
  /**
   * Whether the logged-in user has the role, through the current servlet's `<security-role-ref>` (Servlet 6.0
   * §13.3): false for `*`; `**` is any logged-in user unless the application declares a role of that name.
   */
  isUserInRole(role: string): boolean;
  getUserPrincipal(): Principal | null;
  /**
   * Checks the user name and password with the Context's realm and, when they match, logs the user in for this
   * request (and its session, as the authenticator caches it). Rejects (ServletException in Java) when they do
   * not match, when a user is already logged in, or when the realm cannot be asked. A promise, since a realm may
   * hash a password or ask a database: `await request.login(user, password)`.
   */
  login(username: string, password: string): Promise<void>;
  /** Logs the user out of this request and its session (the session itself stays). */
  logout(): Promise<void>;
  /**
   * Uses the Context's login method to establish a user: resolves true when one is logged in; false when the
   * method has started a login instead (a 401 challenge, a redirect to the login page), and the response is
   * then committed.
   */
  authenticate(response: HttpServletResponse): Promise<boolean>;
}

/** The values getAuthType() returns (jakarta.servlet.http.HttpServletRequest constants). */
export const HttpServletRequest = Object.freeze({
  BASIC_AUTH: 'BASIC',
  FORM_AUTH: 'FORM',
  CLIENT_CERT_AUTH: 'CLIENT_CERT',
  DIGEST_AUTH: 'DIGEST',
} as const);
