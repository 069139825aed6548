/**
 * A Connector receives requests on one port with one protocol and hands them to its Service's Engine
 * through the Adapter (Tomcat's Connector). The protocol handler owns sockets; the connector owns lifecycle.
 * A blocking-style connector runs servlet code on a worker pool, which src/blocking builds and hands in as
 * ConnectorWorkers: the connector drives it without depending on how it works.
 */
import type { Logger } from 'pino';
import type { ConnectorConfig } from '../config/server-config.js';
import { LifecycleBase } from '../lifecycle/lifecycle-base.js';
import { reportNodeInternals } from '../net/node-internals/index.js';
import { systemClock } from '../net/system-clock.js';
import type { ContainerClock } from '../time/container-clock.js';
import type { Adapter } from '../protocol/exchange.js';
import type { ProtocolHandler } from '../protocol/protocol-handler.js';
import { Http11Protocol } from '../protocol/http11/http11-protocol.js';
import { AjpProtocol } from '../protocol/ajp/ajp-protocol.js';
import type { Service } from '../core/service.js';
import { ConnectorAdapter } from './connector-adapter.js';

/** A blocking-style connector's worker pool (src/blocking/main/connector-workers.ts). */
export interface ConnectorWorkers {
  /** Threads of the pool: a connection holds one for its keep-alive life. */
  readonly maxThreads: number;
  /**
   * The Adapter that runs this connector's exchanges on the pool; `rejections` logs the requests it refuses.
   * `pinned` counts the connections holding a worker.
   */
  createAdapter(rejections: Pick<Adapter, 'logRejected'>, logger: Logger, disableKeepAlivePercentage: number): PoolAdapter;
  /** Starts the workers (they build their container trees); idempotent for a pool shared by connectors. */
  start(): Promise<void>;
  stop(gracefulStopMs: number): Promise<void>;
}

export interface PoolAdapter extends Adapter {
  readonly pinned: number;
}

export class Connector extends LifecycleBase {
  readonly config: ConnectorConfig;
  readonly adapter: ConnectorAdapter;
  readonly #logger: Logger;
  readonly #workers: ConnectorWorkers | undefined;
  /** The Server's clock, handed to the protocol handler for its timeouts and request stamps. */
  readonly #clock: ContainerClock;
  #handler: ProtocolHandler | null = null;
  #poolAdapter: PoolAdapter | null = null;
  /** Set by the Service before stop(): how long in-flight requests may take to finish. */
  gracefulStopMs = 10_000;

  constructor(config: ConnectorConfig, service: Service, logger: Logger, workers?: ConnectorWorkers, clock: ContainerClock = systemClock) {
    super();
    this.config = config;
    this.#clock = clock;
    this.#logger = logger;
    this.#workers = workers;
    this.adapter = new ConnectorAdapter(this, service, logger);
  }

  /** Tomcat-style name, e.g. `http-nio-8080` or `http-nio-127.0.0.1-8080`. */
  get componentName(): string {
    const kind = this.config.protocol === 'ajp' ? 'ajp' : 'http';
    const style = this.config.style === 'blocking' ? 'bio' : 'nio';
    const address = this.config.address ? `${this.config.address}-` : '';
    return `Connector[${kind}-${style}-${address}${this.config.port}]`;
  }

  /** The port actually bound (differs from the configured one for port 0). */
  get localPort(): number {
    return this.#handler?.localPort ?? this.config.port;
  }

  get localAddress(): string {
    return this.#handler?.localAddress ?? this.config.address ?? '0.0.0.0';
  }

  get protocolHandler(): ProtocolHandler | null {
    return this.#handler;
  }

  /** The worker pool of a blocking-style connector; null on the event-loop endpoint. */
  get workers(): ConnectorWorkers | null {
    return this.#workers ?? null;
  }

  /** Connections holding a worker (blocking style); 0 on the event-loop endpoint. */
  get pinnedConnections(): number {
    return this.#poolAdapter?.pinned ?? 0;
  }

  /**
   * Reloads the TLS certificates of this connector (all SSLHostConfigs, or the one named) without a restart,
   * like Tomcat's reloadSslHostConfigs(); throws and keeps the current ones when a file is broken.
   */
  reloadSslHostConfigs(hostName?: string): void {
    this.#handler?.reloadSslHostConfigs?.(hostName);
  }

  pause(): void {
    this.#handler?.pause();
  }

  resume(): void {
    this.#handler?.resume();
  }

  protected override async initInternal(): Promise<void> {
    let config = this.config;
    let adapter: Adapter = this.adapter;
    const workers = this.#workers;
    if (workers !== undefined) {
      // Blocking style: a connection holds a worker for its keep-alive life, so connections beyond the pool's
      // maxThreads wait in the accept queue (acceptCount) and are refused beyond it, as on Tomcat's BIO endpoint.
      const threads = workers.maxThreads;
      config = { ...config, maxThreads: threads, maxConnections: Math.min(config.maxConnections, threads) };
      this.#poolAdapter = workers.createAdapter(this.adapter, this.#logger, config.disableKeepAlivePercentage);
      adapter = this.#poolAdapter;
    }
    this.#handler =
      config.protocol === 'ajp'
        ? new AjpProtocol(config, adapter, this.#logger, this.#clock)
        : new Http11Protocol(config, adapter, this.#logger, this.#clock);
    // Bound now, served from start(): a port that is taken fails the Server's init, before any webapp is
    // deployed or runs its code (Tomcat's bindOnInit).
    await this.#handler.bind();
  }

  protected override async destroyInternal(): Promise<void> {
    await this.#handler?.stop(0);
  }

  protected async startInternal(): Promise<void> {
    // Node internals used on hot paths are checked before the first connection; once per process, a line for
    // each one that takes its public path instead.
    reportNodeInternals(this.#logger);
    // Workers first: nothing is accepted before they have built their container trees.
    await this.#workers?.start();
    try {
      await this.#handler!.start();
    } catch (error) {
      await this.#workers?.stop(0);
      throw error;
    }
    this.setState('STARTING');
  }

  protected async stopInternal(): Promise<void> {
    this.setState('STOPPING');
    await this.#handler?.stop(this.gracefulStopMs);
    await this.#workers?.stop(this.gracefulStopMs);
  }
}
