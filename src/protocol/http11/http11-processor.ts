/**
 * The HTTP/1.1 processor: feeds each connection's bytes to its llhttp parser, applies the connector's limits
 * and keep-alive policy, runs each request through the Adapter within the maxThreads bound, and answers
 * parse failures and timeouts.
 * Long because each of those outcomes (limits, keep-alive, timeouts, upgrade, parse failure) is decided
 * here, where the connection's state is; parsing, head checks and client-error classification have their own files.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Http11ConnectorConfig } from '../../config/server-config.js';
import { ProtocolError } from '../../errors/container-error.js';
import { formatMessage, type ErrorCode } from '../../errors/codes.js';
import { skipReadAhead } from '../../net/read-ahead.js';
import type { ClockTimer, ContainerClock } from '../../time/container-clock.js';
import { ConnectionRegistry } from '../connection-registry.js';
import { rejectedFromExchange, type Adapter, type RejectedRequest } from '../exchange.js';
import { classifyClientError, minimalResponse, sniffRequestLine, type ClientErrorClass, type RequestLine } from './client-error.js';
import { compressionConfigFrom } from './compression.js';
import { HttpExchange, type ExchangeEvents, type ExchangeSettings, type RequestHead } from './http-exchange.js';
import { Http11Connection } from './http11-connection.js';
import type { InFlightLimiter } from './in-flight-limiter.js';
import { consumeSocket, releaseSocket, type LlhttpError } from './llhttp-parser.js';
import { MessageReader, type MessageSink } from './message-reader.js';
import type { RequestBody } from './request-body.js';
import { emptyHeadFacts, RequestHeadChecker } from './request-head-checker.js';
import { RequestTargetValidator } from './request-target-validator.js';
import { RateLimitedLog } from '../rate-limited-log.js';

/** Debug lines for rejected requests per second before the rest are only counted (a flood must not flood the log). */
const REJECT_LOG_BUDGET = 10;
/** The methods the container serves, for `OPTIONS *` and a refused TRACE (RFC 9110 §9.3.7, §10.2.1). */
const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, DELETE, OPTIONS';
const CONTINUE_EXPECTATION = /^100-continue$/i;
const HEADER_TIMEOUT: LlhttpError = Object.assign(new Error('Request header timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });

export class Http11Processor {
  readonly #config: Http11ConnectorConfig;
  readonly #adapter: Adapter;
  readonly #logger: Logger;
  readonly #limiter: InFlightLimiter;
  readonly #settings: ExchangeSettings;
  readonly #exchangeEvents: ExchangeEvents;
  readonly #headChecker: RequestHeadChecker;
  /** Body read timeout: connectionTimeout, or connectionUploadTimeout when disableUploadTimeout=false. */
  readonly #bodyTimeout: number;
  readonly #maxTrailerSize: number;
  readonly #connections = new ConnectionRegistry<Http11Connection>();
  /**
   * What every connection's MessageReader reports. The head's parameters are spelled out: forwarding them as
   * `(...head) => this.#onRequest(...head)` cost ~3.9k instructions per request (callgrind, static 1 KB).
   */
  readonly #messageSink: MessageSink = {
    onRequest: (connection, major, minor, raw, method, target, upgrade, keepAlive, startedAtMs) =>
      this.#onRequest(connection, major, minor, raw, method, target, upgrade, keepAlive, startedAtMs),
    onClientError: (connection, error, packet, inBody) => this.#onClientError(connection, error, packet, inBody),
    onBodyComplete: (connection, exchange, body) => this.#onBodyComplete(connection, exchange, body),
  };
  readonly #clock: ContainerClock;
  #headerTimer: ClockTimer | undefined;
  #nextConnectionId = 0;
  readonly #rejections: RateLimitedLog;

  constructor(config: Http11ConnectorConfig, adapter: Adapter, logger: Logger, limiter: InFlightLimiter, clock: ContainerClock) {
    this.#config = config;
    this.#clock = clock;
    this.#adapter = adapter;
    this.#logger = logger;
    this.#rejections = new RateLimitedLog(logger, REJECT_LOG_BUDGET, 'debug', 'Further rejected requests were not logged');
    this.#limiter = limiter;
    this.#exchangeEvents = {
      writeStalled: (connection) => this.#guard(() => this.#onWriteStalled(connection)),
      settled: (connection, exchange) => this.#guard(() => this.#onExchangeDone(connection, exchange)),
    };
    this.#settings = {
      scheme: config.scheme === 'https' ? 'https' : 'http',
      secure: config.secure,
      keepAliveTimeoutSeconds:
        Number.isFinite(config.keepAliveTimeout) && config.keepAliveTimeout >= 1000
          ? Math.floor(config.keepAliveTimeout / 1000)
          : undefined,
      compression: compressionConfigFrom(config),
      continueOnRead: config.continueResponseTiming === 'onRead',
      allowedTrailers: new Set(
        (config.allowedTrailerHeaders ?? '')
          .split(',')
          .map((name) => name.trim().toLowerCase())
          .filter((name) => name !== ''),
      ),
      maxSwallowSize: config.maxSwallowSize,
    };
    const relaxedPath = (config.relaxedPathChars ?? '') + (config.allowBackslash ? '\\' : '');
    this.#headChecker = new RequestHeadChecker(config, new RequestTargetValidator(relaxedPath, config.relaxedQueryChars ?? ''));
    this.#bodyTimeout = config.disableUploadTimeout ? config.connectionTimeout : config.connectionUploadTimeout;
    this.#maxTrailerSize = config.maxTrailerSize;
  }

  get connections(): number {
    return this.#connections.size;
  }

  /**
   * Starts the header-phase clock: a request head must be complete within connectionTimeout of its first
   * byte however slowly it trickles in (slowloris); one periodic sweep serves every connection.
   */
  start(): void {
    const limit = this.#config.connectionTimeout;
    if (!Number.isFinite(limit) || limit <= 0 || this.#headerTimer !== undefined) return;
    const period = Math.min(1000, Math.max(50, Math.floor(limit / 4)));
    this.#headerTimer = this.#clock.setInterval(() => this.#guard(() => this.#sweepHeaderTimeouts(limit)), period);
  }

  stop(): void {
    this.#clock.clearTimer(this.#headerTimer);
    this.#headerTimer = undefined;
  }

  /** Takes over a socket the acceptor gave a slot: gives it a parser and starts reading. */
  open(socket: Socket): void {
    const connection = new Http11Connection(`${connectionPrefix(socket)}-${++this.#nextConnectionId}`, socket, this.#clock);
    this.#connections.add(connection);
    const reader = new MessageReader(connection, this.#config.maxHttpHeaderSize, this.#messageSink);
    const parser = reader.parser;
    connection.parser = parser;
    const readDataEvents = (): void => {
      socket.on('data', (chunk: Buffer) => this.#guard(() => reader.onData(chunk)));
      skipReadAhead(socket);
    };
    if (consumeSocket(parser, socket, (result) => this.#guard(() => reader.onExecute(result)))) {
      connection.readThroughParser(() => {
        releaseSocket(parser, socket);
        readDataEvents();
      });
    } else readDataEvents();
    socket.on('end', () => this.#guard(() => this.#onEnd(connection)));
    socket.on('error', (error: Error) => this.#guard(() => this.#onSocketError(connection, error)));
    socket.once('close', () => this.#guard(() => this.#onSocketClose(connection)));
    socket.on('timeout', () => this.#guard(() => this.#onSocketTimeout(connection)));
    // Until the first request arrives the connection is idle under connectionTimeout (headers not yet begun).
    if (Number.isFinite(this.#config.connectionTimeout)) connection.setTimeout(this.#config.connectionTimeout);
    socket.resume();
  }

  /** Graceful stop: idle connections close now, busy ones after their last response (with `Connection: close`). */
  drain(): void {
    for (const connection of this.#connections.values()) {
      connection.startDraining();
      if (connection.outstanding === 0) connection.destroy();
    }
  }

  /** Resolves once every connection has closed. */
  whenClosed(): Promise<void> {
    return this.#connections.whenClosed();
  }

  destroyAll(): void {
    this.#connections.destroyAll();
  }

  /** A request body arrived whole: its trailer section is checked against maxTrailerSize first. */
  #onBodyComplete(connection: Http11Connection, exchange: HttpExchange, body: RequestBody): void {
    const size = body.rawTrailers.reduce((sum, field) => sum + Buffer.byteLength(field, 'latin1') + 2, 0);
    if (size > this.#maxTrailerSize) {
      const error = new ProtocolError('SV_ERR_HTTP_TRAILER_TOO_LARGE', { size, limit: this.#maxTrailerSize });
      this.#logRejection(error.code, 400, error.message, connection.id);
      this.#reportRejected(rejectedFromExchange(exchange, 400, error.code));
      exchange.failBody(error);
      return;
    }
    body.complete();
    this.#updateSocketTimeout(connection);
  }

  /**
   * The client finished sending (FIN). As node:http does, a client that stops sending is taken to have gone:
   * requests still open are abandoned (the application sees the exchange aborted, a queued request never
   * runs) rather than worked on for nobody; an idle connection is closed.
   */
  #onEnd(connection: Http11Connection): void {
    const socket = connection.socket;
    if (connection.inMessage || connection.outstanding > 0) {
      socket.destroy();
      return;
    }
    endAndClose(socket);
  }

  #onSocketError(connection: Http11Connection, error: Error): void {
    this.#logger.debug({ err: error, connectionId: connection.id }, 'Connection failed');
    connection.socket.destroy();
  }

  /** A complete request head: checked, turned into an exchange and run (or answered on the spot). */
  #onRequest(
    connection: Http11Connection,
    major: number,
    minor: number,
    raw: string[],
    method: string,
    target: string,
    upgrade: boolean,
    keepAlive: boolean,
    startedAtMs: number,
  ): HttpExchange | null {
    const index = connection.nextRequestIndex();
    // A response already committed with `Connection: close`: requests pipelined behind it are never
    // answered; the client retries them on a new connection (RFC 9112 §9.6).
    if (connection.closing) return null;
    if (upgrade && method === 'CONNECT') {
      this.#onConnect(connection, target, minor);
      return null;
    }
    const facts = emptyHeadFacts();
    const invalid = this.#headChecker.check(major, minor, raw, method, target, facts);
    const http11 = major === 1 && minor === 1;
    // node:http's rule: an expectation is only looked at in HTTP/1.1; anything but 100-continue is refused.
    const expectContinue = http11 && facts.expect !== undefined && CONTINUE_EXPECTATION.test(facts.expect);
    const head: RequestHead = {
      method,
      target,
      versionMinor: major === 1 ? minor : 1,
      rawHeaders: raw,
      shouldKeepAlive: keepAlive,
      connection: facts.connection,
      acceptEncoding: facts.acceptEncoding,
      userAgent: facts.userAgent,
      hasBody: facts.chunked || (facts.contentLength !== undefined && facts.contentLength > 0),
      contentLength: facts.chunked ? undefined : facts.contentLength,
      expectContinue,
      startedAtMs,
    };
    const exchange = new HttpExchange(head, connection, this.#settings, {
      lastOnConnection: index >= this.#config.maxKeepAliveRequests,
      events: this.#exchangeEvents,
    });
    connection.add(exchange);
    this.#updateSocketTimeout(connection);

    const rejection =
      invalid ??
      (http11 && facts.expect !== undefined && !expectContinue
        ? new ProtocolError('SV_ERR_HTTP_EXPECTATION_FAILED', { expect: facts.expect })
        : undefined);
    if (rejection !== undefined) {
      this.#rejectExchange(exchange, rejection);
      return exchange;
    }
    if (target === '*') {
      // `OPTIONS *` asks about the server, not a resource (RFC 9110 §9.3.7): no application is involved.
      exchange.respondAndClose(200, true, [['Allow', this.#allowedMethods()]]);
      return exchange;
    }
    if (!this.#settings.continueOnRead) exchange.sendContinue();

    if (this.#limiter.tryAcquire()) {
      this.#run(exchange);
      return exchange;
    }
    let started = false;
    let waiting = false;
    const ticket = this.#limiter.acquire(() => {
      started = true;
      if (waiting) connection.slotGranted();
      this.#run(exchange);
    });
    if (!started) {
      waiting = true;
      connection.waitForSlot();
      // The client left while its request waited for a slot: give the place up.
      void exchange.settled.then(() => {
        if (!started && ticket.cancel()) connection.slotGranted();
      });
    }
    return exchange;
  }

  /**
   * Serves an exchange and frees its maxThreads slot when it is over. Reactions rather than an async
   * function: a generator and an extra promise per request for the same two steps (service, then end).
   */
  #run(exchange: HttpExchange): void {
    if (exchange.done) {
      this.#limiter.release();
      return;
    }
    let served: Promise<void>;
    try {
      served = this.#adapter.service(exchange);
    } catch (error) {
      this.#serviceFailed(exchange, error);
      return;
    }
    served.then(
      () => this.#afterService(exchange),
      (error: unknown) => this.#serviceFailed(exchange, error),
    );
  }

  /** The application is done: the response is ended on its behalf if it did not end it. */
  #afterService(exchange: HttpExchange): void {
    if (exchange.ended || exchange.done) {
      this.#limiter.release();
      return;
    }
    let ended: Promise<void>;
    try {
      ended = exchange.end();
    } catch (error) {
      this.#serviceFailed(exchange, error);
      return;
    }
    ended.then(
      () => this.#limiter.release(),
      (error: unknown) => this.#serviceFailed(exchange, error),
    );
  }

  #serviceFailed(exchange: HttpExchange, error: unknown): void {
    try {
      this.#logger.error(
        { err: error, code: 'SV_ERR_HTTP_SERVICE_FAILED', connectionId: exchange.connectionId },
        formatMessage('SV_ERR_HTTP_SERVICE_FAILED', {
          method: exchange.method,
          target: exchange.target,
          connectionId: exchange.connectionId,
        }),
      );
      if (!exchange.respondAndClose(500)) exchange.abort(error instanceof Error ? error : undefined);
    } finally {
      this.#limiter.release();
    }
  }

  #allowedMethods(): string {
    return this.#config.allowTrace ? `${ALLOWED_METHODS}, TRACE` : ALLOWED_METHODS;
  }

  #rejectExchange(exchange: HttpExchange, error: ProtocolError): void {
    const status = error.status ?? 400;
    this.#logRejection(error.code, status, error.message, exchange.connectionId);
    const headers: Array<readonly [string, string]> = status === 405 ? [['Allow', this.#allowedMethods()]] : [];
    exchange.respondAndClose(status, error.closeMode === 'keep', headers);
    this.#reportRejected(rejectedFromExchange(exchange, status, error.code));
  }

  #onConnect(connection: Http11Connection, target: string, minor: number): void {
    const error = new ProtocolError('SV_ERR_HTTP_METHOD_NOT_IMPLEMENTED', { method: 'CONNECT' });
    this.#logRejection(error.code, 501, error.message, connection.id);
    this.#reportRejected(rejectedFrom(connection, 501, error.code, { method: 'CONNECT', target, protocol: `HTTP/1.${minor}` }));
    connection.markRejected();
    if (connection.outstanding > 0) {
      connection.deferRejection(minimalResponse(501));
      return;
    }
    writeAndClose(connection.socket, minimalResponse(501));
  }

  /** Connections whose request head has taken longer than connectionTimeout are answered 408 and closed. */
  #sweepHeaderTimeouts(limit: number): void {
    const now = this.#clock.now();
    for (const connection of this.#connections.values()) {
      if (connection.headStartedAt !== 0 && now - connection.headStartedAt >= limit && !connection.rejected) {
        this.#onClientError(connection, HEADER_TIMEOUT, undefined, false);
      }
    }
  }

  #onClientError(connection: Http11Connection, error: LlhttpError, packet: Buffer | undefined, inBody: boolean): void {
    const socket = connection.socket;
    // The parser stays failed and may report again; the first rejection already decides the close.
    if (connection.rejected) return;
    connection.markRejected();
    const requestLine = sniffRequestLine(packet);
    const classified = classifyClientError(error);
    if (classified === null) {
      this.#logger.debug({ err: error, connectionId: connection.id }, 'Connection failed');
      socket.destroy();
      return;
    }
    // A connection that timed out without sending a byte is simply closed, as Tomcat does: nothing to answer.
    if (classified.code === 'SV_ERR_HTTP_HEADER_TIMEOUT' && connection.outstanding === 0 && !connection.hasPartialRequest) {
      socket.destroy();
      return;
    }
    const rejection = this.#clientError(classified, requestLine);
    this.#logRejection(classified.code, classified.status, rejection.message, connection.id);
    if (inBody) {
      this.#onBrokenBody(connection, classified, rejection);
      return;
    }
    this.#reportRejected(rejectedFrom(connection, classified.status, classified.code, requestLine));
    const response = minimalResponse(classified.status);
    if (connection.outstanding > 0) {
      // Responses to earlier pipelined requests go first; the rejection follows the last of them.
      connection.deferRejection(response);
      return;
    }
    writeAndClose(socket, response);
  }

  /**
   * The framing broke inside a request body (bad chunk size, extension or trailer). The stream is never
   * resynchronised (CVE-2023-45648 class): the connection closes, and only the request the application is
   * still serving is answered, with the error, unless its response already started.
   */
  #onBrokenBody(connection: Http11Connection, classified: ClientErrorClass, rejection: ProtocolError): void {
    const latest = connection.latest;
    if (latest === undefined || latest.done || latest.bodyComplete) {
      // The request the body belongs to was answered in full (its unread rest was being discarded) or ignored:
      // nothing is owed to the client, so the connection closes after any response still going out.
      if (latest !== undefined && !latest.done) latest.closeAfterResponse();
      else connection.destroy();
      return;
    }
    if (latest.ended) {
      // Already answered (a rejection, or an application that did not wait for its body): that response is
      // the connection's last; the broken rest is never parsed as another request.
      latest.closeAfterResponse();
      return;
    }
    this.#reportRejected(rejectedFromExchange(latest, classified.status, classified.code));
    latest.failBody(rejection);
  }

  /** The coded error for a parser failure, with the limit it broke (llhttp only gives a reason). */
  #clientError(classified: ClientErrorClass, requestLine: RequestLine | null): ProtocolError {
    const options = { status: classified.status };
    switch (classified.code) {
      case 'SV_ERR_HTTP_HEADER_TIMEOUT':
        return new ProtocolError(classified.code, { limit: this.#config.connectionTimeout }, options);
      case 'SV_ERR_HTTP_HEADER_TOO_LARGE':
        return new ProtocolError(classified.code, { limit: this.#config.maxHttpHeaderSize }, options);
      case 'SV_ERR_HTTP_VERSION_NOT_SUPPORTED':
        // Best effort from the rejected bytes, for the log only: the answer never depends on them.
        return new ProtocolError(classified.code, { version: requestLine?.protocol.replace(/^HTTP\//, '') ?? 'unreadable' }, options);
      case 'SV_ERR_HTTP_BAD_REQUEST':
        return new ProtocolError(classified.code, { detail: classified.detail }, options);
    }
  }

  #onExchangeDone(connection: Http11Connection, exchange: HttpExchange): void {
    connection.remove(exchange);
    const socket = connection.socket;
    if (socket.destroyed) return;
    if (exchange.willClose) {
      // node closes after a response it framed with `Connection: close`; this also covers a close asked for
      // after the headers went out with keep-alive.
      socket.destroySoon();
      return;
    }
    if (!exchange.bodyComplete) {
      // An unread rest is read and discarded so the connection can be reused; when that rest exceeds
      // maxSwallowSize closing is cheaper (Tomcat's swallow limit). A chunked rest is counted as it is read.
      const remaining = exchange.requestBody?.bodyBytesRemaining;
      if (remaining !== undefined && remaining > this.#config.maxSwallowSize) {
        socket.destroySoon();
        return;
      }
    }
    if (connection.outstanding > 0) return;
    const deferred = connection.takeDeferredRejection();
    if (deferred !== undefined) {
      writeAndClose(socket, deferred);
      return;
    }
    if (connection.draining) {
      socket.destroySoon();
      return;
    }
    this.#updateSocketTimeout(connection);
  }

  /**
   * One socket timer serves three phases: reading a body (connectionTimeout, idle-based), idle between
   * requests (keepAliveTimeout, exact: node's own timer would add 1000 ms), and none while the application
   * works (Tomcat does not time out processing). The header phase is node's headersTimeout.
   * While the application works the timer armed before is left running instead of being cleared and set
   * again for every request: if it fires first, #onSocketTimeout sees the work in progress and clears it.
   */
  #updateSocketTimeout(connection: Http11Connection): void {
    const latest = connection.latest;
    let timeout: number;
    if (anyWriteStalled(connection)) timeout = this.#config.connectionTimeout;
    else if (latest !== undefined && !latest.bodyComplete) timeout = this.#bodyTimeout;
    else if (connection.outstanding === 0) timeout = this.#config.keepAliveTimeout;
    else return;
    connection.setTimeout(Number.isFinite(timeout) ? timeout : 0);
  }

  /**
   * A response's bytes stopped leaving: the client is not reading. The connection gets connectionTimeout to
   * drain (Tomcat's write timeout), counted from the stall on a timer of its own: the socket's idle timer is
   * refreshed whenever the kernel takes a few more bytes, which on loopback it goes on doing for about a second
   * after the client stopped reading, so it would give a client that never reads up to twice the limit.
   */
  #onWriteStalled(connection: Http11Connection): void {
    const limit = this.#config.connectionTimeout;
    if (Number.isFinite(limit) && limit > 0) connection.watchWriteStall(limit, () => this.#guard(() => this.#onWriteTimeout(connection)));
    this.#updateSocketTimeout(connection);
  }

  /** The client stopped reading its response: nothing more can be sent, so the connection goes. */
  #onWriteTimeout(connection: Http11Connection): void {
    const socket = connection.socket;
    if (socket.destroyed) return;
    const error = new ProtocolError('SV_ERR_HTTP_WRITE_TIMEOUT', { limit: this.#config.connectionTimeout });
    this.#logRejection(error.code, 0, error.message, connection.id);
    socket.destroy();
  }

  #onSocketTimeout(connection: Http11Connection): void {
    const socket = connection.socket;
    if (socket.destroyed) return;
    if (anyWriteStalled(connection)) {
      this.#onWriteTimeout(connection);
      return;
    }
    const latest = connection.latest;
    if (latest !== undefined && !latest.bodyComplete && !latest.done) {
      // A paused socket means we stopped reading (back-pressure, waiting for a slot): not the client's fault.
      if (connection.readingPaused) {
        this.#updateSocketTimeout(connection);
        return;
      }
      const error = new ProtocolError('SV_ERR_HTTP_BODY_TIMEOUT', { limit: this.#bodyTimeout });
      this.#logRejection(error.code, 408, error.message, connection.id);
      if (!latest.ended) this.#reportRejected(rejectedFromExchange(latest, 408, error.code));
      latest.failBody(error);
      return;
    }
    if (connection.outstanding === 0) {
      connection.destroy();
      return;
    }
    // The application is still working on the request: no timeout applies (see #updateSocketTimeout).
    connection.setTimeout(0);
  }

  #onSocketClose(connection: Http11Connection): void {
    const parser = connection.parser;
    connection.parser = null;
    if (parser !== null) {
      if (connection.readByParser) releaseSocket(parser, connection.socket);
      parser.close();
    }
    for (const exchange of [...connection.open]) exchange.connectionClosed();
    this.#connections.remove(connection);
    this.#adapter.connectionClosed?.(connection.id);
  }

  #reportRejected(rejected: RejectedRequest): void {
    try {
      this.#adapter.logRejected(rejected);
    } catch (error) {
      this.#logger.error({ err: error }, 'Adapter.logRejected failed');
    }
  }

  /** Parse failures are expected noise from the Internet: debug level, and at most a few per second. */
  #logRejection(code: ErrorCode, status: number, message: string, connectionId: string): void {
    this.#rejections.log('debug', { code, status, connectionId }, message);
  }

  /** Socket callbacks must never throw: an exception here would take the process down. */
  #guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.#logger.error({ err: error }, 'HTTP/1.1 processor failure');
    }
  }
}

function anyWriteStalled(connection: Http11Connection): boolean {
  const open = connection.open;
  for (let i = 0; i < open.length; i++) if ((open[i] as HttpExchange).writeStalled) return true;
  return false;
}

function connectionPrefix(socket: Socket): string {
  return String(socket.localPort ?? 0);
}

function rejectedFrom(connection: Http11Connection, status: number, code: ErrorCode, requestLine: RequestLine | null): RejectedRequest {
  return {
    status,
    method: requestLine?.method ?? null,
    target: requestLine?.target ?? null,
    protocol: requestLine?.protocol ?? null,
    remoteAddress: connection.remoteAddress,
    remotePort: connection.remotePort,
    localAddress: connection.localAddress,
    localPort: connection.localPort,
    connectionId: connection.id,
    bytesWritten: 0,
    startTime: connection.clock.hrtime(),
    code,
  };
}

/** Ends our side once everything is written, and closes the connection. */
function endAndClose(socket: Socket): void {
  if (socket.destroyed) return;
  socket.end();
  // allowHalfOpen: ending our side is not enough if the client keeps its side open.
  socket.once('finish', () => socket.destroy());
}

/** Writes a whole response and closes once it is flushed; a socket that cannot take it is just destroyed. */
function writeAndClose(socket: Socket, response: Buffer): void {
  if (socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(response);
  // allowHalfOpen: ending our side is not enough if the client keeps its side open.
  socket.once('finish', () => socket.destroy());
}
