/**
 * The AJP/1.3 processor (Tomcat's AjpProcessor on the event-loop endpoint): reads packets off each web
 * server connection, answers CPING, turns FORWARD_REQUESTs into Exchanges for the Adapter within the
 * maxThreads bound, ends each response with END_RESPONSE (reuse unless closing), and closes a connection
 * on any malformed packet while the server keeps serving the others.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { ConnectorConfig } from '../../config/server-config.js';
import { ContainerError, ProtocolError } from '../../errors/container-error.js';
import { formatMessage } from '../../errors/codes.js';
import { skipReadAhead } from '../../net/read-ahead.js';
import type { ContainerClock } from '../../time/container-clock.js';
import { ConnectionRegistry } from '../connection-registry.js';
import { rejectedFromExchange, type Adapter } from '../exchange.js';
import type { InFlightLimiter } from '../http11/in-flight-limiter.js';
import { MessageType } from './ajp-constants.js';
import { AjpConnection } from './ajp-connection.js';
import { AjpExchange } from './ajp-exchange.js';
import { decodeForwardRequest } from './ajp-forward-request.js';
import { applyRequestPolicy, requestTarget, type AcceptedRequest, type AjpRequestPolicy } from './ajp-request-policy.js';
import { CPONG_PACKET } from './ajp-response-writer.js';
import { RateLimitedLog } from '../rate-limited-log.js';

/** Log lines for refused requests and malformed packets per second before the rest are only counted. */
const LOG_BUDGET = 10;

export interface AjpProcessorSettings {
  readonly packetSize: number;
  readonly ajpFlush: boolean;
  readonly policy: AjpRequestPolicy;
}

export class AjpProcessor {
  readonly #config: ConnectorConfig;
  readonly #settings: AjpProcessorSettings;
  readonly #adapter: Adapter;
  readonly #logger: Logger;
  readonly #limiter: InFlightLimiter;
  readonly #connections = new ConnectionRegistry<AjpConnection>();
  readonly #refusals: RateLimitedLog;
  #nextConnectionId = 0;
  readonly #clock: ContainerClock;

  constructor(
    config: ConnectorConfig,
    settings: AjpProcessorSettings,
    adapter: Adapter,
    logger: Logger,
    limiter: InFlightLimiter,
    clock: ContainerClock,
  ) {
    this.#config = config;
    this.#clock = clock;
    this.#settings = settings;
    this.#adapter = adapter;
    this.#logger = logger;
    this.#limiter = limiter;
    this.#refusals = new RateLimitedLog(logger, LOG_BUDGET, 'warn', 'Further AJP refusals were not logged');
  }

  get connections(): number {
    return this.#connections.size;
  }

  /** Connections accepted since start (tests and stats: shows whether web servers reuse connections). */
  get acceptedConnections(): number {
    return this.#nextConnectionId;
  }

  open(socket: Socket): void {
    const connection = new AjpConnection(`${socket.localPort ?? 0}-ajp-${++this.#nextConnectionId}`, socket, this.#settings.packetSize, {
      finishResponse: (conn, exchange) => this.#finishResponse(conn, exchange),
      bodyPacketRequested: (conn) => this.#updateTimeout(conn),
    });
    this.#connections.add(connection);
    socket.on('data', (chunk: Buffer) => this.#guard(() => this.#onData(connection, chunk)));
    skipReadAhead(socket);
    // The web server half-closed: it will send nothing more, and AJP has no use for a half-open connection.
    socket.on('end', () => socket.destroy());
    socket.on('timeout', () => this.#guard(() => this.#onTimeout(connection)));
    socket.once('close', () => this.#guard(() => this.#onClose(connection)));
    this.#updateTimeout(connection);
    socket.resume();
  }

  /** Graceful stop: idle connections close now; busy ones end their response with reuse=false, then close. */
  drain(): void {
    for (const connection of this.#connections.values()) {
      connection.draining = true;
      if (connection.quiescent) connection.socket.destroy();
    }
  }

  whenClosed(): Promise<void> {
    return this.#connections.whenClosed();
  }

  destroyAll(): void {
    this.#connections.destroyAll();
  }

  #onData(connection: AjpConnection, chunk: Buffer): void {
    let packets: Buffer[];
    try {
      packets = connection.reader.push(chunk);
    } catch (error) {
      this.#malformed(connection, error);
      return;
    }
    for (const payload of packets) {
      if (connection.state === 'CLOSED' || connection.socket.destroyed) return;
      try {
        this.#onPacket(connection, payload);
      } catch (error) {
        this.#malformed(connection, error);
        return;
      }
    }
    this.#updateTimeout(connection);
  }

  #onPacket(connection: AjpConnection, payload: Buffer): void {
    if (connection.owedBodyPackets > 0) {
      connection.owedBodyPackets--;
      const exchange = connection.exchange;
      // A body packet for a response already finished (the application did not read its body) is dropped.
      if (exchange !== null && !exchange.requestBody.complete) exchange.requestBody.onPacket(payload);
      return;
    }
    if (connection.state === 'ACTIVE') {
      throw new ProtocolError('SV_ERR_AJP_MALFORMED', {
        what: 'packet',
        reason: 'a packet arrived unasked while a request is in progress, of bytes',
        value: payload.length,
      });
    }
    const type = payload.length > 0 ? (payload[0] as number) : -1;
    switch (type) {
      case MessageType.FORWARD_REQUEST:
        this.#startRequest(connection, payload);
        return;
      case MessageType.CPING:
        // The web server waits for the answer before it sends the request: no holding back.
        connection.sendNow([CPONG_PACKET]);
        return;
      case MessageType.SHUTDOWN:
      case MessageType.PING:
        // SHUTDOWN from the network is never obeyed; PING (the old login phase) is unused by web servers.
        this.#logger.debug({ connectionId: connection.id, type }, 'Ignored AJP message');
        return;
      default:
        throw new ProtocolError('SV_ERR_AJP_MALFORMED', { what: 'packet', reason: 'unexpected message type', value: type });
    }
  }

  #startRequest(connection: AjpConnection, payload: Buffer): void {
    const forward = decodeForwardRequest(payload);
    const result = applyRequestPolicy(forward, this.#settings.policy, connection.remoteAddress);
    const accepted: AcceptedRequest = result.ok
      ? result.request
      : refusedRequest(forward.method, requestTarget(forward), forward.protocol, forward.remoteAddress);
    if (result.ok && accepted.contentLength > 0) connection.owedBodyPackets++;
    const exchange = new AjpExchange(accepted, connection, this.#settings.packetSize, this.#settings.ajpFlush, this.#clock.hrtime());
    connection.exchange = exchange;
    connection.state = 'ACTIVE';
    connection.served++;
    if (!result.ok) {
      this.#refuse(connection, exchange, result.error);
      return;
    }
    let started = false;
    const ticket = this.#limiter.acquire(() => {
      started = true;
      void this.#run(exchange);
    });
    if (!started) {
      // The web server gave up while the request waited for a slot.
      void exchange.settled.then(() => {
        if (!started) ticket.cancel();
      });
    }
  }

  async #run(exchange: AjpExchange): Promise<void> {
    try {
      if (exchange.done) return;
      await this.#adapter.service(exchange);
      if (!exchange.ended && !exchange.done) await exchange.end();
    } catch (error) {
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
      if (exchange.droppedHeaders.length > 0) {
        this.#logger.debug(
          { connectionId: exchange.connectionId, headers: exchange.droppedHeaders },
          'Response headers that cannot be sent were dropped',
        );
      }
    }
  }

  /** A request the connector refuses itself (403 secret/attribute, 400): answered, logged, connection closed. */
  #refuse(connection: AjpConnection, exchange: AjpExchange, error: ProtocolError): void {
    const status = error.status ?? 400;
    const security = error.code === 'SV_ERR_AJP_SECRET_MISMATCH' || error.code === 'SV_ERR_AJP_ATTRIBUTE_NOT_ALLOWED';
    this.#refusals.log(security ? 'warn' : 'debug', { code: error.code, status, connectionId: connection.id }, error.message);
    exchange.respondAndClose(status);
    const rejected = rejectedFromExchange(exchange, status, error.code);
    try {
      this.#adapter.logRejected(rejected);
    } catch (logError) {
      this.#logger.error({ err: logError }, 'Adapter.logRejected failed');
    }
  }

  /** Not `async`: the END_RESPONSE write's callback settles the response, without further promise hops. */
  #finishResponse(connection: AjpConnection, exchange: AjpExchange): Promise<void> {
    if (connection.state === 'CLOSED' || connection.exchange !== exchange) return Promise.resolve();
    const reuse = !exchange.willClose && !connection.draining;
    const end = exchange.endPacket(reuse);
    // IDLE before the packet leaves: the web server may send its next request the moment it sees END_RESPONSE.
    connection.exchange = null;
    connection.state = 'IDLE';
    if (!exchange.bodyComplete) exchange.requestBody.fail();
    return new Promise((resolve) => {
      // Everything the response still holds leaves with END_RESPONSE, in one write.
      connection.sendNow([end], () => {
        if (!reuse) {
          connection.socket.end();
          connection.socket.destroySoon();
        } else {
          this.#updateTimeout(connection);
        }
        resolve();
      });
    });
  }

  /**
   * One timer per socket: keepAliveTimeout while idle between requests, connectionTimeout while a packet
   * is half-read or a body packet is awaited, none while the application works (Tomcat's AJP defaults are
   * -1 for both).
   */
  #updateTimeout(connection: AjpConnection): void {
    if (connection.socket.destroyed) return;
    let timeout = 0;
    if (connection.reader.hasPartialPacket || (connection.state === 'ACTIVE' && connection.owedBodyPackets > 0)) {
      timeout = this.#config.connectionTimeout;
    } else if (connection.state === 'IDLE') {
      timeout = this.#config.keepAliveTimeout;
    }
    this.#clock.setIdleTimeout(connection.socket, Number.isFinite(timeout) && timeout > 0 ? timeout : 0);
  }

  #onTimeout(connection: AjpConnection): void {
    if (connection.socket.destroyed) return;
    if (connection.state === 'IDLE' && !connection.reader.hasPartialPacket) {
      this.#logger.debug({ connectionId: connection.id }, 'Idle AJP connection closed after keepAliveTimeout');
      connection.socket.destroy();
      return;
    }
    if (connection.reader.hasPartialPacket || connection.owedBodyPackets > 0) {
      const error = new ProtocolError('SV_ERR_HTTP_BODY_TIMEOUT', { limit: this.#config.connectionTimeout });
      this.#refusals.log('debug', { code: error.code, connectionId: connection.id }, error.message);
      connection.exchange?.requestBody.fail(error);
      connection.socket.destroy();
      return;
    }
    this.#updateTimeout(connection);
  }

  #onClose(connection: AjpConnection): void {
    connection.state = 'CLOSED';
    const exchange = connection.exchange;
    exchange?.connectionClosed(
      new ContainerError('SV_ERR_HTTP_CLIENT_ABORT', { protocol: exchange.protocol, connectionId: connection.id }),
    );
    connection.exchange = null;
    this.#connections.remove(connection);
    this.#adapter.connectionClosed?.(connection.id);
  }

  /** Bad magic, over-size or undecodable packet: the stream cannot be trusted any further, so it is closed. */
  #malformed(connection: AjpConnection, error: unknown): void {
    const code = error instanceof ContainerError ? error.code : 'SV_ERR_AJP_MALFORMED';
    const message = error instanceof Error ? error.message : String(error);
    this.#refusals.log(
      'warn',
      { code, connectionId: connection.id, remote: connection.socket.remoteAddress },
      `Closing AJP connection: ${message}`,
    );
    connection.exchange?.connectionClosed(
      error instanceof Error
        ? error
        : new ProtocolError('SV_ERR_AJP_MALFORMED', { what: 'packet', reason: 'a decoder failed with', value: message }),
    );
    connection.socket.destroy();
  }

  /** Socket callbacks must never throw. */
  #guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.#logger.error({ err: error }, 'AJP processor failure');
    }
  }
}

/** Enough of a request to answer and log a refusal; no body is read and nothing is forwarded. */
function refusedRequest(method: string, target: string, protocol: string, remoteAddress: string): AcceptedRequest {
  return {
    method,
    target,
    protocol,
    rawHeaders: [],
    remoteAddress,
    remotePort: 0,
    localAddress: null,
    serverPort: 0,
    secure: false,
    contentLength: 0,
    chunked: false,
    tls: undefined,
    attributes: new Map(),
    user: null,
    route: null,
  };
}
