/**
 * AccessLogRecord: everything an access-log pattern can print about one request, as plain data and
 * small getters, so patterns are pure functions testable without a server.
 */
import { isMainThread, threadId } from 'node:worker_threads';
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import { codes, type ErrorCode } from '../errors/codes.js';
import type { RejectedRequest } from '../protocol/exchange.js';

/** `X` = aborted before the response ended, `+` = may be kept alive, `-` = closed after the response. */
export type ConnectionStatus = 'X' | '+' | '-';

export interface AccessLogRecord {
  /** %a: the client address, possibly rewritten by RemoteIpValve. */
  readonly remoteAddr: string;
  /** %{peer}a: the address of the TCP peer, never rewritten. */
  readonly peerAddr: string;
  /** %h */
  readonly remoteHost: string;
  /** %{remote}p */
  readonly remotePort: number;
  /** %A */
  readonly localAddr: string;
  /** %p, %{local}p */
  readonly localPort: number;
  /** %H; null when the request line could not be parsed. */
  readonly protocol: string | null;
  /** %m */
  readonly method: string | null;
  /** %U: the path as received (still %-encoded), without the query. */
  readonly uriPath: string | null;
  /** %q without the `?`; null when there was none. */
  readonly query: string | null;
  readonly status: number;
  /** %b / %B: body bytes sent. */
  readonly bytesSent: number;
  /** Wall-clock epoch ms when the request head was complete. */
  readonly startTimeMs: number;
  /** Nanoseconds from the request head to the end of the response. */
  readonly elapsedNs: bigint;
  /** Nanoseconds from the request head to the commit of the response; null when never committed. */
  readonly commitNs: bigint | null;
  readonly sessionId: string | null;
  readonly remoteUser: string | null;
  /** %v */
  readonly serverName: string | null;
  readonly connectionId: string;
  readonly requestId: string | null;
  readonly connectionStatus: ConnectionStatus;
  /** %I */
  readonly threadName: string;
  /** Every value of a request header, in order (empty when absent). */
  requestHeaders(name: string): readonly string[];
  responseHeaders(name: string): readonly string[];
  /** Values of every cookie with this name. */
  cookies(name: string): readonly string[];
  requestAttribute(name: string): unknown;
  sessionAttribute(name: string): unknown;
  /** An attribute of the webapp's ServletContext (W3C x-A); null outside a webapp. */
  contextAttribute(name: string): unknown;
  /** A request parameter (W3C x-P); null when absent or unreadable. */
  parameter(name: string): string | null;
  /** One of the HttpServletRequest properties W3C x-H(…) names (authType, scheme…); null when unknown or absent. */
  requestProperty(name: string): string | null;
}

/**
 * Request attributes a proxy-aware valve (RemoteIpValve) sets so the access log shows the client's view
 * when requestAttributesEnabled=true (Tomcat's AccessLog.*_ATTRIBUTE names).
 */
export const AccessLogAttributes = {
  REMOTE_ADDR: 'org.apache.catalina.AccessLog.RemoteAddr',
  REMOTE_HOST: 'org.apache.catalina.AccessLog.RemoteHost',
  PROTOCOL: 'org.apache.catalina.AccessLog.Protocol',
  SERVER_NAME: 'org.apache.catalina.AccessLog.ServerName',
  SERVER_PORT: 'org.apache.catalina.AccessLog.ServerPort',
} as const;

export interface RecordOptions {
  /** Take %a %h %H %v %p from the AccessLogAttributes request attributes when present. */
  readonly requestAttributesEnabled?: boolean;
  /** process.hrtime.bigint() at the end of the response (tests inject it). */
  readonly endTime?: bigint;
}

const NONE: readonly string[] = Object.freeze([]);

export function currentThreadName(): string {
  return isMainThread ? 'main' : `worker-${threadId}`;
}

/**
 * Builds the record of a request the container served; call it after response.finish(). The record is
 * lazy: a pattern reads only the few fields it prints, so nothing else is computed per request.
 */
export function recordFromExchange(request: Request, response: Response, options: RecordOptions = {}): AccessLogRecord {
  return new ExchangeRecord(request, response, options.requestAttributesEnabled === true, options.endTime);
}

class ExchangeRecord implements AccessLogRecord {
  readonly #request: Request;
  readonly #response: Response;
  readonly #fromAttributes: boolean;
  /** Read from the clock when a pattern first asks (%D, %T, %{end:…}t), within the same synchronous log call. */
  #endTime: bigint | undefined;

  constructor(request: Request, response: Response, fromAttributes: boolean, endTime: bigint | undefined) {
    this.#request = request;
    this.#response = response;
    this.#fromAttributes = fromAttributes;
    this.#endTime = endTime;
  }

  get remoteAddr(): string {
    return this.#attr(AccessLogAttributes.REMOTE_ADDR) ?? this.#request.getRemoteAddr();
  }
  get peerAddr(): string {
    return this.#request.control.remoteAddress;
  }
  get remoteHost(): string {
    return this.#attr(AccessLogAttributes.REMOTE_HOST) ?? this.#request.getRemoteHost();
  }
  get remotePort(): number {
    return this.#request.getRemotePort();
  }
  get localAddr(): string {
    return this.#request.getLocalAddr();
  }
  get localPort(): number {
    const attrPort = this.#attr(AccessLogAttributes.SERVER_PORT);
    return attrPort !== null && /^\d+$/.test(attrPort) ? Number(attrPort) : this.#request.getLocalPort();
  }
  get protocol(): string {
    return this.#attr(AccessLogAttributes.PROTOCOL) ?? this.#request.getProtocol();
  }
  get method(): string {
    return this.#request.getMethod();
  }
  get uriPath(): string {
    return this.#request.getRequestURI();
  }
  get query(): string | null {
    return this.#request.getQueryString();
  }
  get status(): number {
    return this.#response.getStatus();
  }
  get bytesSent(): number {
    return this.#response.getBytesWritten();
  }
  get startTimeMs(): number {
    return this.#request.getStartTimeMs();
  }
  get elapsedNs(): bigint {
    this.#endTime ??= process.hrtime.bigint();
    return nonNegative(this.#endTime - this.#request.getStartTime());
  }
  get commitNs(): bigint | null {
    const commit = this.#response.getCommitTime();
    return commit === null ? null : nonNegative(commit - this.#request.getStartTime());
  }
  get sessionId(): string | null {
    const session = this.#session();
    return session === null ? null : safe(() => session.getId(), null);
  }
  get remoteUser(): string | null {
    return safe(() => this.#request.getRemoteUser(), null);
  }
  get serverName(): string | null {
    return this.#attr(AccessLogAttributes.SERVER_NAME) ?? safe(() => this.#request.getServerName(), null);
  }
  get connectionId(): string {
    return this.#request.control.connectionId;
  }
  get requestId(): string | null {
    return safe(() => this.#request.getRequestId(), null);
  }
  get connectionStatus(): ConnectionStatus {
    const control = this.#request.control;
    return control.aborted ? 'X' : control.willClose ? '-' : '+';
  }
  get threadName(): string {
    return currentThreadName();
  }
  requestHeaders(name: string): readonly string[] {
    return this.#request.getHeaders(name);
  }
  responseHeaders(name: string): readonly string[] {
    return this.#response.getHeaders(name);
  }
  cookies(name: string): readonly string[] {
    return safe(() => this.#request.getCookies(), [])
      .filter((cookie) => cookie.getName() === name)
      .map((cookie) => cookie.getValue());
  }
  requestAttribute(name: string): unknown {
    return this.#request.getAttribute(name);
  }
  sessionAttribute(name: string): unknown {
    const session = this.#session();
    return session === null ? null : safe(() => session.getAttribute(name), null);
  }
  contextAttribute(name: string): unknown {
    return safe(() => this.#request.mappingData.context?.servletContext.getAttribute(name) ?? null, null);
  }
  parameter(name: string): string | null {
    return safe(() => this.#request.getParameter(name), null);
  }
  requestProperty(name: string): string | null {
    const r = this.#request;
    return safe((): string | null => {
      switch (name) {
        case 'authType':
          return r.getAuthType();
        case 'remoteUser':
          return r.getRemoteUser();
        case 'requestedSessionId':
          return r.getRequestedSessionId();
        case 'requestedSessionIdFromCookie':
          return String(r.isRequestedSessionIdFromCookie());
        case 'requestedSessionIdValid':
          return String(r.isRequestedSessionIdValid());
        case 'contentLength':
          return String(r.getContentLength());
        case 'connectionId':
          return r.control.connectionId;
        case 'characterEncoding':
          return r.getCharacterEncoding();
        case 'locale':
          return String(r.getLocale());
        case 'protocol':
          return this.protocol;
        case 'scheme':
          return r.getScheme();
        case 'secure':
          return String(r.isSecure());
        default:
          return null;
      }
    }, null);
  }

  #attr(name: string): string | null {
    if (!this.#fromAttributes) return null;
    const value = this.#request.getAttribute(name);
    // An application's attribute prints as its own string form, as Tomcat prints toString().
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    return value === null || value === undefined ? null : String(value);
  }

  /** An invalidated session throws on every access; the log must still be written. */
  #session(): ReturnType<Request['getSessionIfExists']> {
    return safe(() => this.#request.getSessionIfExists(), null);
  }
}

/** Builds the record of a request the protocol layer refused before it reached the container. */
export function recordFromRejected(rejected: RejectedRequest, options: RecordOptions = {}): AccessLogRecord {
  const endTime = options.endTime ?? process.hrtime.bigint();
  const elapsedNs = nonNegative(endTime - rejected.startTime);
  const target = rejected.target;
  const queryAt = target === null ? -1 : target.indexOf('?');
  const code = rejected.code;
  // The error's close mode tells whether the connection survives the rejection.
  const keep = Object.hasOwn(codes, code) && codes[code as ErrorCode].close === 'keep';
  return {
    remoteAddr: rejected.remoteAddress,
    peerAddr: rejected.remoteAddress,
    remoteHost: rejected.remoteAddress,
    remotePort: rejected.remotePort,
    localAddr: rejected.localAddress,
    localPort: rejected.localPort,
    protocol: rejected.protocol,
    method: rejected.method,
    uriPath: target === null ? null : queryAt < 0 ? target : target.slice(0, queryAt),
    query: target === null || queryAt < 0 ? null : target.slice(queryAt + 1),
    status: rejected.status,
    bytesSent: rejected.bytesWritten,
    startTimeMs: Date.now() - Number(elapsedNs / 1_000_000n),
    elapsedNs,
    commitNs: null,
    sessionId: null,
    remoteUser: null,
    serverName: null,
    connectionId: rejected.connectionId,
    requestId: null,
    connectionStatus: keep ? '+' : '-',
    threadName: currentThreadName(),
    requestHeaders: () => NONE,
    responseHeaders: () => NONE,
    cookies: () => NONE,
    requestAttribute: () => null,
    sessionAttribute: () => null,
    contextAttribute: () => null,
    parameter: () => null,
    requestProperty: () => null,
  };
}

function nonNegative(ns: bigint): bigint {
  return ns < 0n ? 0n : ns;
}

function safe<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}
