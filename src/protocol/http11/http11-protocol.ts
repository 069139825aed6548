/**
 * The event-loop HTTP/1.1 endpoint (Tomcat's Http11NioProtocol): our own acceptor hands each connection to
 * the processor, which parses with node's llhttp; requests reach the Adapter as Exchanges.
 */
import type { Logger } from 'pino';
import type { Http11ConnectorConfig } from '../../config/server-config.js';
import { Acceptor } from '../../net/acceptor.js';
import { systemClock } from '../../net/system-clock.js';
import { tlsSettingsOf } from '../../net/tls-context.js';
import type { ContainerClock } from '../../time/container-clock.js';
import type { Adapter } from '../exchange.js';
import { endpointStats, stopEndpoint } from '../endpoint-stop.js';
import type { ProtocolHandler, ProtocolHandlerStats } from '../protocol-handler.js';
import { Http11Processor } from './http11-processor.js';
import { InFlightLimiter } from './in-flight-limiter.js';

export class Http11Protocol implements ProtocolHandler {
  readonly #logger: Logger;
  readonly #limiter: InFlightLimiter;
  readonly #processor: Http11Processor;
  readonly #acceptor: Acceptor;
  #started = false;
  #bound = false;
  #stopping: Promise<void> | undefined;
  readonly #clock: ContainerClock;

  constructor(config: Http11ConnectorConfig, adapter: Adapter, logger: Logger, clock: ContainerClock = systemClock) {
    this.#logger = logger;
    this.#clock = clock;
    this.#limiter = new InFlightLimiter(config.maxThreads);
    this.#processor = new Http11Processor(config, adapter, logger, this.#limiter, clock);
    this.#acceptor = new Acceptor(
      {
        port: config.port,
        address: config.address,
        backlog: config.acceptCount,
        maxConnections: config.maxConnections,
        acceptQueueLength: config.acceptCount,
        noDelay: config.tcpNoDelay,
        tls: tlsSettingsOf(config),
        clock,
      },
      (socket) => {
        if (this.#started) this.#processor.open(socket);
        else socket.destroy();
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

  async bind(): Promise<void> {
    if (this.#bound) return;
    // Accepted connections wait, paused, until start() resumes the acceptor.
    this.#acceptor.pause();
    await this.#acceptor.listen();
    this.#bound = true;
  }

  async start(): Promise<void> {
    await this.bind();
    this.#processor.start();
    this.#started = true;
    this.#acceptor.resume();
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
    return endpointStats(this.#acceptor, this.#limiter, this.#processor);
  }

  async #stop(gracefulMs: number): Promise<void> {
    await stopEndpoint(this.#acceptor, this.#limiter, this.#processor, gracefulMs, this.#clock);
    this.#processor.stop();
  }
}
