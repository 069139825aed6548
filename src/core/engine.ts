/** The Engine: the top container of a Service, holding its Hosts (Tomcat's StandardEngine). */
import type { Logger } from 'pino';
import type { EngineConfig } from '../config/server-config.js';
import { ContainerBase } from './container-base.js';
import { EngineValve } from './engine-valve.js';

export class Engine extends ContainerBase {
  readonly config: EngineConfig;

  constructor(config: EngineConfig, logger: Logger) {
    super(config.name, logger);
    this.config = config;
    this.backgroundProcessorDelay = config.backgroundProcessorDelay;
    this.pipeline.setBasic(new EngineValve(this));
  }

  get containerType(): string {
    return 'Engine';
  }

  get defaultHost(): string {
    return this.config.defaultHost.toLowerCase();
  }

  get jvmRoute(): string | undefined {
    return this.config.jvmRoute;
  }
}
