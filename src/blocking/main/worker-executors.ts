/**
 * Creates the worker pools of a Service's blocking-style connectors: one per `<Executor>` named by connectors
 * (shared), otherwise one per connector sized by its own maxThreads / minSpareThreads. Every deployment step
 * of the Service's HostConfigs is passed on to the pools, so that each worker's tree follows the main thread's.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ConnectorConfig, ServerConfig } from '../../config/server-config.js';
import { defaultsOf } from '../../config/attribute-values.js';
import type { ConfigEnvironment } from '../../config/server-xml-loader.js';
import { WorkerExecutor } from './worker-executor.js';
import type { Service } from '../../core/service.js';
import type { Host } from '../../core/host.js';
import { HostConfig, type DeploymentEvent } from '../../deploy/host-config.js';
import { ContainerError } from '../../errors/container-error.js';
import { componentLogger } from '../../logging/logger.js';
import { stuckWatchSpecs } from './stuck-watch-specs.js';
import type { WorkerInit } from '../worker/worker-init.js';

const EXECUTOR_DEFAULTS = defaultsOf('Executor');

export class WorkerExecutors {
  readonly #config: ServerConfig;
  readonly #serviceIndex: number;
  readonly #env: ConfigEnvironment;
  readonly #service: Service;
  readonly #logger: Logger;
  readonly #shared = new Map<string, WorkerExecutor>();
  readonly #all: WorkerExecutor[] = [];
  #following = false;

  constructor(config: ServerConfig, serviceIndex: number, env: ConfigEnvironment, service: Service, logger: Logger) {
    this.#config = config;
    this.#serviceIndex = serviceIndex;
    this.#env = env;
    this.#service = service;
    this.#logger = logger;
  }

  forConnector(connector: ConnectorConfig, connectorIndex: number): WorkerExecutor {
    const name = connector.executor;
    if (name !== undefined) {
      let shared = this.#shared.get(name);
      const declared = this.#config.services[this.#serviceIndex]!.executors.find((executor) => executor.name === name);
      if (shared === undefined && declared !== undefined) {
        shared = this.#create(name, declared.maxThreads, declared.minSpareThreads, declared.maxIdleTime);
        this.#shared.set(name, shared);
      }
      if (shared !== undefined) return shared;
    }
    const kind = connector.protocol === 'ajp' ? 'ajp' : 'http';
    return this.#create(
      `${kind}-bio-${connector.port === 0 ? `auto${connectorIndex}` : connector.port}`,
      connector.maxThreads,
      connector.minSpareThreads,
    );
  }

  /**
   * Tomcat's connector-owned pool keeps idle threads as long as an `<Executor>` does by default (60 s,
   * AbstractEndpoint.createExecutor); a connector has no maxIdleTime attribute, so only an `<Executor>` changes it.
   */
  #create(name: string, maxThreads: number, minSpareThreads: number, maxIdleTime = EXECUTOR_DEFAULTS.maxIdleTime): WorkerExecutor {
    this.#follow();
    const init: WorkerInit = {
      config: this.#config,
      serviceIndex: this.#serviceIndex,
      env: this.#env,
      logLevel: this.#logger.level,
    };
    const executor = new WorkerExecutor({
      name,
      maxThreads,
      minSpareThreads,
      maxIdleTimeMs: maxIdleTime,
      script: workerScript(),
      init,
      service: this.#service,
      logger: componentLogger(this.#logger, `Executor[${name}]`),
      stuck: stuckWatchSpecs(this.#config.services[this.#serviceIndex]!.engine),
    });
    this.#all.push(executor);
    return executor;
  }

  /** Subscribes once to every Host's HostConfig of the Service: its decisions reach every worker of every pool. */
  #follow(): void {
    if (this.#following) return;
    this.#following = true;
    for (const child of this.#service.engine.findChildren()) {
      const deployer = (child as Host).deployer;
      if (deployer instanceof HostConfig) deployer.follow((host, event) => this.#applyDeployment(host, event));
    }
  }

  async #applyDeployment(host: Host, event: DeploymentEvent): Promise<void> {
    await Promise.all(this.#all.map((executor) => executor.applyDeployment(host.name, event)));
  }
}

/**
 * The compiled worker entry. Worker threads run JavaScript only: when the container itself runs from its
 * TypeScript sources (tests), the workers use the build in dist/.
 */
export function workerScript(): string {
  const compiled = __filename.endsWith('.ts')
    ? join(__dirname, '..', '..', '..', 'dist', 'startup', 'worker-main.js')
    : join(__dirname, '..', '..', 'startup', 'worker-main.js');
  if (!existsSync(compiled)) throw new ContainerError('SV_ERR_WORKER_SCRIPT_MISSING', { file: compiled });
  return compiled;
}
