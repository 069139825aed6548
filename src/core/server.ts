/**
 * The Server: the whole container in one process. It holds the Services and the shutdown port, and
 * `awaitShutdown()` resolves when a shutdown is requested (Tomcat's StandardServer.await()).
 */
import type { Logger } from 'pino';
import type { ServerConfig } from '../config/server-config.js';
import { LifecycleBase } from '../lifecycle/lifecycle-base.js';
import { ShutdownPort } from './shutdown-port.js';
import type { Service, ServiceConnector } from './service.js';

export class Server<C extends ServiceConnector = ServiceConnector> extends LifecycleBase {
  readonly config: ServerConfig;
  readonly services: Array<Service<C>> = [];
  readonly logger: Logger;
  readonly #shutdownPort: ShutdownPort;
  #shutdownRequested!: Promise<void>;
  #requestShutdown!: () => void;

  constructor(config: ServerConfig, logger: Logger) {
    super();
    this.config = config;
    this.logger = logger;
    this.#shutdownPort = new ShutdownPort({
      port: config.port < 0 ? -1 : config.port + (config.port === 0 ? 0 : config.portOffset),
      address: config.address,
      command: config.shutdown,
      logger: { warn: (m) => logger.warn(m), debug: (m) => logger.debug(m) },
    });
    this.#resetShutdown();
  }

  get componentName(): string {
    return `Server[${this.config.port}]`;
  }

  /** The bound shutdown port, or null when disabled. */
  get shutdownPort(): number | null {
    return this.#shutdownPort.boundAddress?.port ?? null;
  }

  addService(service: Service<C>): void {
    this.services.push(service);
  }

  /** Resolves once the shutdown command arrived or requestShutdown() was called. */
  awaitShutdown(): Promise<void> {
    return this.#shutdownRequested;
  }

  requestShutdown(): void {
    this.#requestShutdown();
  }

  /** Binds every Service's connectors before anything is deployed; a failure releases what was bound. */
  protected override async initInternal(): Promise<void> {
    const initialised: Array<Service<C>> = [];
    try {
      for (const service of this.services) {
        await service.init();
        initialised.push(service);
      }
    } catch (error) {
      for (const service of initialised) await service.destroy().catch(() => undefined);
      throw error;
    }
  }

  protected async startInternal(): Promise<void> {
    this.setState('STARTING');
    for (const service of this.services) await service.start();
    this.#shutdownPort.onShutdown(() => this.requestShutdown());
    await this.#shutdownPort.listen();
  }

  protected async stopInternal(): Promise<void> {
    this.setState('STOPPING');
    await this.#shutdownPort.close();
    for (const service of [...this.services].reverse()) await service.stop();
  }

  protected override async destroyInternal(): Promise<void> {
    for (const service of this.services) await service.destroy();
  }

  #resetShutdown(): void {
    this.#shutdownRequested = new Promise((resolve) => {
      this.#requestShutdown = resolve;
    });
  }
}
