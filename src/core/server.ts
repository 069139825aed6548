/**
 * The Server: the whole container in one process. It holds the Services and the watchdog thread, which serves the
 * shutdown port, and `awaitShutdown()` resolves when a shutdown is requested (Tomcat's StandardServer.await()).
 */
import type { Logger } from 'pino';
import type { ServerConfig } from '../config/server-config.js';
import { LifecycleBase } from '../lifecycle/lifecycle-base.js';
import type { ContainerClock } from '../time/container-clock.js';
import type { Service, ServiceConnector } from './service.js';

/**
 * What the Server needs of its watchdog thread (startup/watchdog.ts, which Catalina gives it): the thread serves the
 * shutdown port and bounds the stop, so both work while the event loop is blocked.
 */
export interface ServerWatchdog {
  /** The bound shutdown port, or null when disabled. */
  readonly shutdownPort: number | null;
  /** Starts the thread and binds the shutdown port; `onShutdown` runs when the command arrives. */
  start(onShutdown: () => void): Promise<void>;
  /** A stop began: the stop bound (Server stopTimeoutMs) runs from now. */
  stopping(trigger: string): void;
  /** Stops serving the shutdown port. */
  closePort(): void;
  close(): Promise<void>;
}

export class Server<C extends ServiceConnector = ServiceConnector> extends LifecycleBase {
  readonly config: ServerConfig;
  readonly services: Array<Service<C>> = [];
  readonly logger: Logger;
  /**
   * The clock every timeout and time stamp of this Server reads (time/container-clock.ts): the system clock, or
   * a ManualClock a test injected through Catalina.
   */
  readonly clock: ContainerClock;
  readonly #watchdog: ServerWatchdog;
  #shutdownRequested!: Promise<void>;
  #requestShutdown!: () => void;

  constructor(config: ServerConfig, logger: Logger, watchdog: ServerWatchdog, clock: ContainerClock) {
    super();
    this.config = config;
    this.logger = logger;
    this.clock = clock;
    this.#watchdog = watchdog;
    this.#resetShutdown();
  }

  get componentName(): string {
    return `Server[${this.config.port}]`;
  }

  /** The bound shutdown port, or null when disabled. */
  get shutdownPort(): number | null {
    return this.#watchdog.shutdownPort;
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
    await this.#watchdog.start(() => this.requestShutdown());
  }

  protected async stopInternal(): Promise<void> {
    this.setState('STOPPING');
    // The stop bound runs from here, however the stop was asked for (the shutdown command arms it itself).
    this.#watchdog.stopping('the stop began');
    this.#watchdog.closePort();
    for (const service of [...this.services].reverse()) await service.stop();
  }

  protected override async destroyInternal(): Promise<void> {
    for (const service of this.services) await service.destroy();
    await this.#watchdog.close();
  }

  #resetShutdown(): void {
    this.#shutdownRequested = new Promise((resolve) => {
      this.#requestShutdown = resolve;
    });
  }
}
