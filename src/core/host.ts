/**
 * A Host is a virtual host: a name with aliases and the webapps deployed under its appBase
 * (Tomcat's StandardHost). One failing webapp never takes the Host down.
 */
import type { Logger } from 'pino';
import type { HostElementConfig } from '../config/server-config.js';
import { ContainerBase } from './container-base.js';
import { HostValve } from './host-valve.js';

/** Deploys the Host's webapps once it has started (HostConfig). */
export interface HostDeployer {
  deployOnStartup(): Promise<void>;
  /** autoDeploy: runs on each `periodic` event of the Host (HostConfig.check). Never rejects. */
  check?(): Promise<void>;
}

export class Host extends ContainerBase {
  readonly config: HostElementConfig;
  readonly aliases: string[];
  deployer: HostDeployer | null = null;

  constructor(config: HostElementConfig, logger: Logger) {
    super(config.name.toLowerCase(), logger);
    this.config = config;
    this.aliases = config.aliases.map((a) => a.toLowerCase());
    this.backgroundProcessorDelay = config.backgroundProcessorDelay;
    this.pipeline.setBasic(new HostValve(this));
    // Tomcat's HostConfig listens for the Host's periodic event (every backgroundProcessorDelay of the Engine).
    this.addLifecycleListener((event) => {
      if (event.type === 'periodic') void this.deployer?.check?.();
    });
  }

  get containerType(): string {
    return 'Host';
  }

  get appBase(): string {
    return this.config.appBase;
  }

  protected override async startInternal(): Promise<void> {
    await super.startInternal();
    await this.deployer?.deployOnStartup();
  }

  protected override async startChild(child: ContainerBase): Promise<void> {
    try {
      await child.start();
    } catch (error) {
      this.logger.error(
        { err: error, code: 'SV_ERR_DEPLOY_FAILED' },
        `Web application ${child.componentName} failed to start; the other applications keep running`,
      );
    }
  }
}
