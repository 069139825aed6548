/** The event-loop AJP/1.3 endpoint (Tomcat's AjpNioProtocol): the shared acceptor and in-flight bound, feeding the AJP processor. */
import type { Logger } from 'pino';
import type { AjpConnectorConfig } from '../../config/server-config.js';
import { configPattern } from '../../config/config-pattern.js';
import { ContainerError } from '../../errors/container-error.js';
import { Acceptor } from '../../net/acceptor.js';
import { systemClock } from '../../net/system-clock.js';
import type { ContainerClock } from '../../time/container-clock.js';
import type { Adapter } from '../exchange.js';
import { InFlightLimiter } from '../http11/in-flight-limiter.js';
import { endpointStats, stopEndpoint } from '../endpoint-stop.js';
import type { ProtocolHandler, ProtocolHandlerStats } from '../protocol-handler.js';
import { AjpProcessor } from './ajp-processor.js';

export class AjpProtocol implements ProtocolHandler {
  readonly #config: AjpConnectorConfig;
  readonly #logger: Logger;
  readonly #limiter: InFlightLimiter;
  readonly #processor: AjpProcessor;
  readonly #acceptor: Acceptor;
  #stopping: Promise<void> | undefined;
  #bound = false;
  readonly #clock: ContainerClock;

  constructor(config: AjpConnectorConfig, adapter: Adapter, logger: Logger, clock: ContainerClock = systemClock) {
    this.#config = config;
    this.#clock = clock;
    this.#logger = logger;
    const pattern = config.allowedRequestAttributesPattern;
    this.#limiter = new InFlightLimiter(config.maxThreads);
    this.#processor = new AjpProcessor(
      config,
      {
        packetSize: config.packetSize,
        ajpFlush: config.ajpFlush,
        policy: {
          secret: config.secret,
          // The whole name must match (Tomcat uses Matcher.matches()).
          allowedRequestAttributesPattern: pattern !== undefined && pattern !== '' ? configPattern(pattern) : undefined,
          tomcatAuthentication: config.tomcatAuthentication,
          tomcatAuthorization: config.tomcatAuthorization,
          maxHeaderCount: config.maxHeaderCount,
        },
      },
      adapter,
      logger,
      this.#limiter,
      clock,
    );
    this.#acceptor = new Acceptor(
      {
        port: config.port,
        // Loopback unless told otherwise: an AJP port open to the network trusts whoever reaches it.
        address: config.address,
        backlog: config.acceptCount,
        maxConnections: config.maxConnections,
        acceptQueueLength: config.acceptCount,
        noDelay: config.tcpNoDelay,
        clock,
      },
      (socket) => this.#processor.open(socket),
      logger,
    );
  }

  get localPort(): number {
    return this.#acceptor.localPort;
  }

  get localAddress(): string {
    return this.#acceptor.localAddress;
  }

  /** Connections accepted since start. */
  get acceptedConnections(): number {
    return this.#processor.acceptedConnections;
  }

  /** Refuses to bind without a secret unless secretRequired="false" (Ghostcat, CVE-2020-1938). */
  async bind(): Promise<void> {
    if (this.#bound) return;
    const { secret, secretRequired } = this.#config;
    if (secretRequired && (secret === undefined || secret === '')) {
      throw new ContainerError('SV_ERR_AJP_SECRET_REQUIRED', { address: this.#config.address ?? '0.0.0.0', port: this.#config.port });
    }
    // Accepted connections wait, paused, until start() resumes the acceptor.
    this.#acceptor.pause();
    await this.#acceptor.listen();
    this.#bound = true;
  }

  async start(): Promise<void> {
    await this.bind();
    this.#acceptor.resume();
    this.#logger.debug({ port: this.localPort, address: this.localAddress }, 'AJP/1.3 connector listening');
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
  }
}
