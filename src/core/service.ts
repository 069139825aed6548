/**
 * A Service pairs Connectors with one Engine and owns the Mapper they route through. It starts the Engine
 * before the Connectors (nothing is accepted before the webapps are ready) and stops them in reverse:
 * connectors first, gracefully, so accepted requests finish (Tomcat's StandardService).
 */
import type { Logger } from 'pino';
import type { ServiceConfig } from '../config/server-config.js';
import { LifecycleBase } from '../lifecycle/lifecycle-base.js';
import type { Engine } from './engine.js';
import { MapperListener } from './mapper-listener.js';

/**
 * What a Service needs of its Connectors. The connector layer implements it and depends on core, never the
 * reverse; startup, which builds the Server, names the concrete type (Service<Connector>).
 */
export interface ServiceConnector extends LifecycleBase {
  /** How long stop() lets in-flight requests finish before connections are cut. */
  gracefulStopMs: number;
  /** Stops accepting new connections (the first step of a graceful stop). */
  pause(): void;
}

export class Service<C extends ServiceConnector = ServiceConnector> extends LifecycleBase {
  readonly name: string;
  readonly config: ServiceConfig;
  readonly engine: Engine;
  readonly connectors: C[] = [];
  readonly mapperListener: MapperListener;
  readonly logger: Logger;
  /** How long stop() lets in-flight requests finish before connections are cut. */
  gracefulStopMs = 10_000;

  constructor(config: ServiceConfig, engine: Engine, logger: Logger) {
    super();
    this.name = config.name;
    this.config = config;
    this.engine = engine;
    this.logger = logger;
    this.mapperListener = new MapperListener(logger);
  }

  get componentName(): string {
    return `Service[${this.name}]`;
  }

  addConnector(connector: C): void {
    this.connectors.push(connector);
  }

  /** Binds every connector (bindOnInit); if one cannot bind, those already bound are released. */
  protected override async initInternal(): Promise<void> {
    const bound: C[] = [];
    try {
      for (const connector of this.connectors) {
        await connector.init();
        bound.push(connector);
      }
    } catch (error) {
      for (const connector of bound) await connector.destroy().catch(() => undefined);
      throw error;
    }
  }

  protected async startInternal(): Promise<void> {
    this.setState('STARTING');
    this.mapperListener.registerEngine(this.engine);
    await this.engine.start();
    for (const connector of this.connectors) await connector.start();
  }

  protected async stopInternal(): Promise<void> {
    this.setState('STOPPING');
    for (const connector of this.connectors) connector.pause();
    await Promise.all(
      this.connectors.map((c) => {
        c.gracefulStopMs = this.gracefulStopMs;
        return c.stop();
      }),
    );
    await this.engine.stop();
  }

  protected override async destroyInternal(): Promise<void> {
    for (const connector of this.connectors) await connector.destroy();
    await this.engine.destroy();
  }
}
