/**
 * The event-loop HTTP/1.1 endpoint (Tomcat's Http11NioProtocol): our own acceptor feeds node:http's parser
 * (llhttp) on an http.Server that never listens; requests reach the Adapter as Exchanges.
 */
import http from 'node:http';
import type { Logger } from 'pino';
import type { ConnectorConfig } from '../../config/server-config.js';
import { Acceptor } from '../../net/acceptor.js';
import { tlsSettingsOf } from '../../net/tls-context.js';
import type { Adapter } from '../exchange.js';
import type { ProtocolHandler, ProtocolHandlerStats } from '../protocol-handler.js';
import { CountedIncomingMessage } from './counted-incoming-message.js';
import { Http11Processor } from './http11-processor.js';
import { InFlightLimiter } from './in-flight-limiter.js';

/** node's parser takes the header limit as an unsigned 32-bit count; "unlimited" becomes its largest value. */
const MAX_PARSER_HEADER_SIZE = 0x7fffffff;

export class Http11Protocol implements ProtocolHandler {
  readonly #config: ConnectorConfig;
  readonly #logger: Logger;
  readonly #limiter: InFlightLimiter;
  readonly #processor: Http11Processor;
  readonly #acceptor: Acceptor;
  #server: http.Server | undefined;
  #stopping: Promise<void> | undefined;

  constructor(config: ConnectorConfig, adapter: Adapter, logger: Logger) {
    this.#config = config;
    this.#logger = logger;
    this.#limiter = new InFlightLimiter(config.maxThreads);
    this.#processor = new Http11Processor(config, adapter, logger, this.#limiter);
    this.#acceptor = new Acceptor(
      {
        port: config.port,
        address: config.address,
        backlog: config.acceptCount,
        maxConnections: config.maxConnections,
        acceptQueueLength: config.acceptCount,
        noDelay: config.attributes['tcpNoDelay'] !== false,
        tls: tlsSettingsOf(config),
      },
      (socket) => {
        const server = this.#server;
        if (server === undefined) socket.destroy();
        else this.#processor.open(socket, server);
      },
      logger,
    );
  }

  get localPort(): number {
    return this.#acceptor.localPort;
  }

  get localAddress(): string {
    return this.#acceptor.localAddress;
  }

  async start(): Promise<void> {
    const server = this.#createServer();
    this.#processor.attach(server);
    // node starts the checker that enforces headersTimeout in its own 'listening' handler; this server never
    // listens, so without this a client dribbling header bytes would hold its connection forever.
    server.emit('listening');
    this.#server = server;
    await this.#acceptor.listen();
    this.#logger.debug({ port: this.localPort, address: this.localAddress }, 'HTTP/1.1 connector listening');
  }

  reloadSslHostConfigs(hostName?: string): void {
    this.#acceptor.reloadTls(hostName);
  }

  pause(): void {
    this.#acceptor.pause();
    this.#limiter.pause();
  }

  resume(): void {
    this.#acceptor.resume();
    this.#limiter.resume();
  }

  stop(gracefulMs: number): Promise<void> {
    this.#stopping ??= this.#stop(gracefulMs);
    return this.#stopping;
  }

  stats(): ProtocolHandlerStats {
    return {
      connections: this.#processor.connections,
      inFlight: this.#limiter.inFlight,
      queued: this.#limiter.queued + this.#acceptor.queued,
    };
  }

  async #stop(gracefulMs: number): Promise<void> {
    this.#acceptor.close();
    // Requests already accepted must run even if a reload had paused the connector.
    this.#limiter.resume();
    this.#processor.drain();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, gracefulMs));
    });
    await Promise.race([this.#processor.whenClosed(), deadline]);
    clearTimeout(timer);
    this.#processor.destroyAll();
    await this.#processor.whenClosed();
    // close() on a server that never listened still stops its connection checker; the error is expected.
    this.#server?.close(() => undefined);
  }

  #createServer(): http.Server {
    const config = this.#config;
    const headersTimeout = Number.isFinite(config.connectionTimeout) ? Math.max(1, Math.floor(config.connectionTimeout)) : 0;
    const server = http.createServer({
      IncomingMessage: CountedIncomingMessage,
      maxHeaderSize: Number.isFinite(config.maxHttpHeaderSize) ? config.maxHttpHeaderSize : MAX_PARSER_HEADER_SIZE,
      headersTimeout,
      // Tomcat bounds the head and idle reads, never the whole request.
      requestTimeout: 0,
      // keep-alive idle time is the processor's own exact timer (node would add 1000 ms).
      keepAliveTimeout: 0,
      // The checker's period bounds how late a header timeout fires.
      connectionsCheckingInterval: headersTimeout > 0 ? Math.min(1000, Math.max(50, Math.floor(headersTimeout / 4))) : 30_000,
      // Host is checked by the processor so that the rejection reaches the access log.
      requireHostHeader: false,
      joinDuplicateHeaders: false,
      noDelay: config.attributes['tcpNoDelay'] !== false,
    });
    // One more than the limit so that an excess is visible and answered 400 instead of silently dropped.
    server.maxHeadersCount = Number.isFinite(config.maxHeaderCount) ? config.maxHeaderCount + 1 : 0;
    server.maxRequestsPerSocket = 0;
    server.timeout = 0;
    return server;
  }
}
