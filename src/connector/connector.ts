/**
 * A Connector receives requests on one port with one protocol and hands them to its Service's Engine
 * through the Adapter (Tomcat's Connector). The protocol handler owns sockets; the connector owns lifecycle.
 */
import type { Logger } from 'pino';
import type { ConnectorConfig } from '../config/server-config.js';
import { LifecycleBase } from '../lifecycle/lifecycle-base.js';
import type { ProtocolHandler } from '../protocol/protocol-handler.js';
import { Http11Protocol } from '../protocol/http11/http11-protocol.js';
import { AjpProtocol } from '../protocol/ajp/ajp-protocol.js';
import type { Service } from '../core/service.js';
import { ConnectorAdapter } from './connector-adapter.js';

export class Connector extends LifecycleBase {
  readonly config: ConnectorConfig;
  readonly adapter: ConnectorAdapter;
  readonly #logger: Logger;
  #handler: ProtocolHandler | null = null;
  /** Set by the Service before stop(): how long in-flight requests may take to finish. */
  gracefulStopMs = 10_000;

  constructor(config: ConnectorConfig, service: Service, logger: Logger) {
    super();
    this.config = config;
    this.#logger = logger;
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
    this.#handler =
      this.config.protocol === 'ajp'
        ? new AjpProtocol(this.config, this.adapter, this.#logger)
        : new Http11Protocol(this.config, this.adapter, this.#logger);
  }

  protected async startInternal(): Promise<void> {
    await this.#handler!.start();
    this.setState('STARTING');
  }

  protected async stopInternal(): Promise<void> {
    this.setState('STOPPING');
    await this.#handler?.stop(this.gracefulStopMs);
  }
}
