/**
 * The container's view of a request: the Servlet API plus what valves and the container need (Tomcat's
 * catalina.connector.Request as core sees it). Defined here, in core, so that core and valves depend on this
 * contract and never on the connector that implements it (ContainerRequest) or on the protocol exchange behind it.
 */
import type { X509Certificate } from 'node:crypto';
import type { Principal } from '../servlet/principal.js';
import type { ConnectorConfig } from '../config/server-config.js';
import type { HttpServletRequest } from '../servlet/http-servlet-request.js';
import type { HttpSession } from '../servlet/http-session.js';
import type { ManagedSession } from '../session/session-manager.js';
import type { MappingData } from '../mapper/mapping-data.js';
import type { Context } from './context.js';
import type { Host } from './host.js';
import type { Response } from './response.js';
import type { Wrapper } from './wrapper.js';
import type { ValveResult } from './valve.js';

/** What the Mapper chose for a request, typed with core's containers. */
export type ContainerMapping = MappingData<Host, Context, Wrapper>;

/** A stuck-request policy as StuckThreadDetectionValve states it (seconds; 0 or less disables). */
export interface StuckPolicy {
  readonly threshold: number;
  readonly interruptThreadThreshold: number;
}

/**
 * The container's narrow hold on the connection a request came in on (Tomcat's action hooks): identity, its
 * state and the two things core may ask of it. The protocol's Exchange satisfies it; nothing else of the
 * exchange (framing, the socket, the body stream) is reachable from core.
 */
export interface ExchangeControl {
  /** Identifies the connection in logs (AccessLog %{c}L). */
  readonly connectionId: string;
  /** The TCP peer's address, whatever a front end or a valve says the client is (AccessLog %{c}a). */
  readonly remoteAddress: string;
  /** True when the client went away before the response ended. */
  readonly aborted: boolean;
  /** True when this response will be the last on its connection. */
  readonly willClose: boolean;
  /** Drops the connection now: the response cannot be completed (a failure after commit). */
  abort(error?: Error): void;
  /**
   * Only where a request runs off the thread that owns its connection (a blocking-style worker): asks that
   * thread to watch this request for the StuckThreadDetectionValve named `valve` (a hung thread cannot watch itself).
   */
  watchStuck?(valve: string, policy: StuckPolicy): void;
  /**
   * Optional: calls `listener` once when the client goes away before the response ended (at once if it already
   * has); returns what removes the listener. A request waiting in a valve (SemaphoreValve) gives up its place.
   */
  onAbort?(listener: () => void): () => void;
}

export interface Request extends HttpServletRequest {
  /** The connection this request came in on, as far as the container may act on it. */
  readonly control: ExchangeControl;
  readonly connector: ConnectorConfig;
  /** Host, Context and Wrapper chosen by the Mapper. */
  readonly mappingData: ContainerMapping;
  readonly response: Response;
  /** What webapp code is handed for this request: the Servlet API and nothing else (facade/request-facade.ts). */
  readonly facade: HttpServletRequest;
  /** The session, as the container manages it (the app gets its facade through `facade`). */
  getSession(create?: boolean): ManagedSession | null;
  /** process.hrtime.bigint() when the request head was complete. */
  getStartTime(): bigint;
  /** Wall-clock ms when the request head was complete. */
  getStartTimeMs(): number;
  /** The canonical (decoded, normalised) URI the mapper saw. */
  getDecodedRequestURI(): string;
  /**
   * The container names the session this request belongs to (Tomcat's Request.setRequestedSessionId, used by
   * CrawlerSessionManagerValve): getSession() then finds it if it still exists, and never adopts the id otherwise.
   */
  setRequestedSessionId(id: string): void;
  /** The session already associated with this request, without creating one or checking validity. */
  getSessionIfExists(): HttpSession | null;
  /**
   * The client's certificate chain (leaf first) when it can be trusted for CLIENT-CERT: verified against the
   * connector's CAs in this TLS handshake, or forwarded by the trusted front end of an AJP connector (which verified
   * it); empty otherwise.
   */
  getVerifiedClientCertificates(): readonly X509Certificate[];
  /**
   * FORM login: the body of this request, to keep with the saved request until the user has logged in; null when it
   * is larger than `limit` bytes (the request is then refused). A form body already read for the parameters is
   * returned as read.
   */
  readBodyToSave(limit: number): Promise<Buffer | null>;
  /**
   * FORM login: after the login, the request for the saved page becomes the request that led to the login page
   * (its method, body and content type), as Tomcat's FormAuthenticator.restoreRequest does.
   */
  restoreSavedRequest(saved: { readonly method: string; readonly contentType: string | null; readonly body: Buffer | null }): void;
  /**
   * How many parameters the request carries (query, form body, multipart form fields), counted as the
   * connector's maxParameterCount counts them, without decoding any (ParameterLimitValve).
   */
  parameterCount(): number;
  /** Authenticated user, set by authenticators or trusted front ends. */
  setUserPrincipal(principal: Principal | null, authType: string | null): void;
  /**
   * RewriteValve: the request URI (encoded, as a client would send it), query string (null for none) and host name
   * (null to keep the current one) the rules produced. Nothing is mapped until `reprocess()`.
   */
  rewriteTarget(requestURI: string, queryString: string | null, serverName: string | null): void;
  /**
   * RewriteValve: canonicalises and maps the (rewritten) request again exactly as the connector did when it arrived,
   * then runs it through the Engine pipeline from its first valve (Tomcat's RewriteValve calls the adapter's
   * prepare() and the Engine pipeline the same way). A URI the canonicaliser refuses is answered 400 there.
   */
  reprocess(): ValveResult;
  /**
   * The client as a trusted front end states it (Tomcat's Request setters, used by RemoteIpValve): once set,
   * getRemoteAddr(), getScheme(), isSecure(), getServerPort()… and everything derived from them (absolute
   * redirects, getRequestURL(), the Secure flag of the session cookie, the access log) report these values.
   * `control.remoteAddress` stays the TCP peer. A valve that sets them restores the previous values once the
   * rest of the pipeline has run (RemoteIpValve does, as Tomcat's).
   */
  setRemoteAddr(address: string): void;
  setRemoteHost(host: string): void;
  setScheme(scheme: string): void;
  setSecure(secure: boolean): void;
  setServerName(name: string): void;
  setServerPort(port: number): void;
  setLocalName(name: string): void;
  setLocalPort(port: number): void;
  /**
   * Replaces every field `name` of the request head with these values, in order (none: removes them): what later
   * valves and the application see through getHeader()/getHeaders() (Tomcat's MimeHeaders.setValue/removeHeader,
   * used by RemoteIpValve to rewrite X-Forwarded-For). The bytes received are not changed.
   */
  setHeaderValues(name: string, values: readonly string[]): void;
  /**
   * A client certificate chain (leaf first) that a trusted front end verified and forwarded in a header
   * (SSLValve): it becomes the `jakarta.servlet.request.X509Certificate` attribute and what CLIENT-CERT login
   * sees, as a certificate forwarded over AJP does. null forgets it.
   */
  setForwardedClientCertificates(chain: readonly X509Certificate[] | null): void;
  /** Attributes the container keeps for itself (never visible to or settable by protocol input). */
  getNote(name: string): unknown;
  setNote(name: string, value: unknown): void;
}
