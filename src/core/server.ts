/**
 * The Server: the whole container in one process. It holds the Services and the watchdog thread, which serves the
 * shutdown port, and `awaitShutdown()` resolves when a shutdown is requested (Tomcat's StandardServer.await()).
 */
import type { Logger } from 'pino';
import type { ServerConfig } from '../config/server-config.js';
import { LifecycleBase } from '../lifecycle/lifecycle-base.js';
import { Watchdog } from '../watchdog/watchdog.js';
import { DEFAULT_SHUTDOWN_ADDRESS } from './shutdown-port.js';
import type { Service, ServiceConnector } from './service.js';

/** How the Server runs in its process; every field defaults to an embedded server's (tests). */
export interface ServerOptions {
  /** Where the watchdog thread writes its log lines (logs/ of CATALINA_BASE); null: nowhere. */
  readonly logsDir?: string | null | undefined;
  /** Whether the watchdog thread also writes them to stdout. */
  readonly console?: boolean | undefined;
  /** `catalina run`: a stop that overruns stopTimeoutMs ends the process. Never for a server inside another process. */
  readonly endProcessOnStopTimeout?: boolean | undefined;
}

export class Server<C extends ServiceConnector = ServiceConnector> extends LifecycleBase {
  readonly config: ServerConfig;
  readonly services: Array<Service<C>> = [];
  readonly logger: Logger;
  readonly #watchdog: Watchdog;
  #shutdownRequested!: Promise<void>;
  #requestShutdown!: () => void;

  constructor(config: ServerConfig, logger: Logger, options: ServerOptions = {}) {
    super();
    this.config = config;
    this.logger = logger;
    const port = config.port < 0 ? -1 : config.port + (config.port === 0 ? 0 : config.portOffset);
    this.#watchdog = new Watchdog({
      loopBlockedThresholdMs: config.loopBlockedThresholdMs,
      stopTimeoutMs: config.stopTimeoutMs,
      endProcessOnStopTimeout: options.endProcessOnStopTimeout === true,
      shutdown:
        port < 0 ? null : { port, address: config.address === '' ? DEFAULT_SHUTDOWN_ADDRESS : config.address, command: config.shutdown },
      logsDir: options.logsDir ?? null,
      console: options.console === true,
      logger,
      onShutdown: () => this.requestShutdown(),
    });
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
    await this.#watchdog.start();
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
