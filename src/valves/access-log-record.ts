/**
 * AccessLogRecord: everything an access-log pattern can print about one request, as plain data and
 * small getters, so patterns are pure functions testable without a server.
 */
import { isMainThread, threadId } from 'node:worker_threads';
import type { Request } from '../connector/request.js';
import type { Response } from '../connector/response.js';
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

/** Builds the record of a request the container served; call it after response.finish(). */
export function recordFromExchange(request: Request, response: Response, options: RecordOptions = {}): AccessLogRecord {
  const exchange = request.exchange;
  const endTime = options.endTime ?? process.hrtime.bigint();
  const start = request.getStartTime();
  const commit = response.getCommitTime();
  const fromAttributes = options.requestAttributesEnabled === true;
  const attr = (name: string): string | null => {
    if (!fromAttributes) return null;
    const value = request.getAttribute(name);
    return value === null || value === undefined ? null : String(value);
  };
  // An invalidated session throws on every access; the log must still be written.
  const session = safe(() => request.getSessionIfExists(), null);
  const attrPort = attr(AccessLogAttributes.SERVER_PORT);
  return {
    remoteAddr: attr(AccessLogAttributes.REMOTE_ADDR) ?? request.getRemoteAddr(),
    peerAddr: exchange.remoteAddress,
    remoteHost: attr(AccessLogAttributes.REMOTE_HOST) ?? request.getRemoteHost(),
    remotePort: request.getRemotePort(),
    localAddr: request.getLocalAddr(),
    localPort: attrPort !== null && /^\d+$/.test(attrPort) ? Number(attrPort) : request.getLocalPort(),
    protocol: attr(AccessLogAttributes.PROTOCOL) ?? request.getProtocol(),
    method: request.getMethod(),
    uriPath: request.getRequestURI(),
    query: request.getQueryString(),
    status: response.getStatus(),
    bytesSent: response.getBytesWritten(),
    startTimeMs: request.getStartTimeMs(),
    elapsedNs: nonNegative(endTime - start),
    commitNs: commit === null ? null : nonNegative(commit - start),
    sessionId: session === null ? null : safe(() => session.getId(), null),
    remoteUser: safe(() => request.getRemoteUser(), null),
    serverName: attr(AccessLogAttributes.SERVER_NAME) ?? safe(() => request.getServerName(), null),
    connectionId: exchange.connectionId,
    requestId: safe(() => request.getRequestId(), null),
    connectionStatus: exchange.aborted ? 'X' : exchange.willClose ? '-' : '+',
    threadName: currentThreadName(),
    requestHeaders: (name) => request.getHeaders(name),
    responseHeaders: (name) => response.getHeaders(name),
    cookies: (name) =>
      safe(() => request.getCookies(), [])
        .filter((cookie) => cookie.getName() === name)
        .map((cookie) => cookie.getValue()),
    requestAttribute: (name) => request.getAttribute(name),
    sessionAttribute: (name) => (session === null ? null : safe(() => session.getAttribute(name), null)),
  };
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
