/**
 * Deploys a Host's webapps (Tomcat's HostConfig): the Contexts declared in server.xml, then every
 * directory in the appBase, named by the ROOT / `foo#bar` rules. A webapp that fails to start is
 * logged with its cause and left FAILED; the others keep serving.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { ConfigEnvironment } from '../config/server-xml-loader.js';
import { loadContextDescriptor, loadContextDescriptorFromString } from '../config/server-xml-loader.js';
import type { ContextConfig as ContextElementConfig } from '../config/server-config.js';
import { Context, type ContextRegistry } from '../core/context.js';
import type { Host } from '../core/host.js';
import { StandardManager } from '../session/standard-manager.js';
import { ContextConfig } from './context-config.js';
import { contextNameFromBaseName } from './context-name.js';

export interface HostDeployerOptions {
  readonly env: ConfigEnvironment;
  readonly registry: ContextRegistry;
  readonly contextConfig: ContextConfig;
  readonly jvmRoute: string | undefined;
}

export class HostConfig {
  readonly #host: Host;
  readonly #options: HostDeployerOptions;
  #defaults: ContextElementConfig | null = null;

  constructor(host: Host, options: HostDeployerOptions) {
    this.#host = host;
    this.#options = options;
  }

  /** Deploys everything at Host start when deployOnStartup is set (server.xml Contexts always deploy). */
  async deployOnStartup(): Promise<void> {
    for (const config of this.#host.config.contexts) {
      const path = config.path ?? '';
      await this.deploy(path, path === '' ? 'ROOT' : path.slice(1).replaceAll('/', '#'), this.#resolveDocBase(config.docBase), config);
    }
    if (!this.#host.config.deployOnStartup) return;
    const appBase = this.#host.appBase;
    if (!existsSync(appBase)) {
      this.#host.logger.warn(`The appBase [${appBase}] of ${this.#host.componentName} does not exist`);
      return;
    }
    const ignore = this.#host.config.deployIgnore ? new RegExp(`^(?:${this.#host.config.deployIgnore})$`) : null;
    const directories = readdirSync(appBase)
      .filter((entry) => !entry.startsWith('.') && !(ignore?.test(entry) ?? false))
      .filter((entry) => statSync(join(appBase, entry)).isDirectory())
      .sort();
    for (const entry of directories) {
      const name = contextNameFromBaseName(entry);
      await this.deploy(name.path, entry, join(appBase, entry), this.#defaultConfig());
    }
  }

  /** Creates, adds and starts one Context; returns null when the path is taken. */
  async deploy(path: string, baseName: string, docBase: string, config: ContextElementConfig): Promise<Context | null> {
    const taken = this.#host.findChildren().find((c) => c instanceof Context && c.path === path);
    if (taken) {
      this.#host.logger.warn(`[${docBase}] is not deployed: context path [${path || '/'}] is already used by ${taken.componentName}`);
      return null;
    }
    const contextConfig = this.#options.contextConfig;
    const context = new Context({
      path,
      baseName,
      docBase: resolve(docBase),
      config,
      logger: this.#host.logger.child({ context: path || '/' }),
      registry: this.#options.registry,
      configure: (c) => contextConfig.configure(c),
      deconfigure: (c) => contextConfig.deconfigure(c),
      createSessionManager: (c, definition) =>
        new StandardManager({
          servletContext: c.servletContext,
          ...(this.#options.jvmRoute ? { jvmRoute: this.#options.jvmRoute } : {}),
          sessionTimeoutMinutes: definition.sessionTimeoutMinutes,
          listeners: () => c.applicationListeners,
          logger: c.logger,
        }),
    });
    const started = Date.now();
    await this.#host.addChild(context);
    if (context.state === 'STARTED') {
      this.#host.logger.info(`Deployed web application [${path || '/'}] from [${docBase}] in [${Date.now() - started}] ms`);
    }
    return context;
  }

  /** conf/context.xml applies to every webapp; without it, the attribute table's defaults. */
  #defaultConfig(): ContextElementConfig {
    if (this.#defaults) return this.#defaults;
    const file = join(this.#options.env.catalinaBase, 'conf', 'context.xml');
    this.#defaults = existsSync(file)
      ? loadContextDescriptor(file, this.#options.env)
      : loadContextDescriptorFromString('<Context/>', this.#options.env, '<defaults>');
    return this.#defaults;
  }

  #resolveDocBase(docBase: string): string {
    return isAbsolute(docBase) ? docBase : join(this.#host.appBase, docBase);
  }
}
