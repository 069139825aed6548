/**
 * Catalina: loads conf/server.xml, builds and starts the Server, prints the startup summary and stops it
 * gracefully on the shutdown command or a signal (Tomcat's Catalina + Bootstrap).
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config/server-config.js';
import { formatProblem, loadServerConfig, type ConfigEnvironment } from '../config/server-xml-loader.js';
import { Context } from '../core/context.js';
import { Host } from '../core/host.js';
import type { Connector } from '../connector/connector.js';
import type { Server } from '../core/server.js';
import { ContainerError } from '../errors/container-error.js';
import { closeLogger, componentLogger, createLogger, logCoded } from '../logging/logger.js';
import { SERVER_INFO } from '../version/version.js';
import { buildServer } from './server-factory.js';
import type { ContainerClock } from '../time/container-clock.js';

export interface CatalinaOptions {
  catalinaHome: string;
  catalinaBase: string;
  /** Absolute path of server.xml. */
  configFile: string;
  /** Log to the console as well as to logs/catalina.<date>.log. */
  console: boolean;
  /** Use this logger instead of creating one (tests, embedding). */
  logger?: Logger;
  /** Java-style properties for `${name}` substitution. */
  properties?: Record<string, string>;
  /**
   * `catalina run`: this process is the server's own, so a stop that overruns the Server's stopTimeoutMs ends it
   * (the watchdog thread does, even when the event loop is blocked). Never set for a server embedded in a process.
   */
  ownsProcess?: boolean;
  /** The Server's clock (tests inject a ManualClock to cause timeouts instead of waiting for them); the system clock by default. */
  clock?: ContainerClock;
}

export class Catalina {
  readonly #options: CatalinaOptions;
  #logger: Logger | null = null;
  #ownsLogger = false;
  #config: ServerConfig | null = null;
  #server: Server<Connector> | null = null;
  #signals: Array<[NodeJS.Signals, () => void]> = [];

  constructor(options: CatalinaOptions) {
    this.#options = options;
  }

  get server(): Server<Connector> {
    if (!this.#server) throw new ContainerError('SV_ERR_STARTUP_NOT_LOADED', { member: 'server' });
    return this.#server;
  }

  get logger(): Logger {
    if (!this.#logger) throw new ContainerError('SV_ERR_STARTUP_NOT_LOADED', { member: 'logger' });
    return this.#logger;
  }

  /** Parses and validates server.xml (throws ConfigValidationError listing every problem) and builds the tree. */
  async load(): Promise<void> {
    const env: ConfigEnvironment = {
      catalinaHome: this.#options.catalinaHome,
      catalinaBase: this.#options.catalinaBase,
      ...(this.#options.properties ? { properties: this.#options.properties } : {}),
    };
    this.#config = loadServerConfig(this.#options.configFile, env);
    if (this.#options.logger) {
      this.#logger = this.#options.logger;
    } else {
      this.#logger = createLogger({ logsDir: join(this.#options.catalinaBase, 'logs'), console: this.#options.console });
      this.#ownsLogger = true;
    }
    const log = componentLogger(this.#logger, 'Catalina');
    for (const warning of this.#config.warnings) {
      logCoded(log, 'warn', { code: 'SV_MSG_CONFIG_WARNING', params: { problem: formatProblem(warning) } });
    }
    this.#server = buildServer(
      this.#config,
      env,
      this.#logger,
      {
        logsDir: join(this.#options.catalinaBase, 'logs'),
        console: this.#options.console,
        endProcessOnStopTimeout: this.#options.ownsProcess === true,
      },
      this.#options.clock,
    );
    await this.#server.init();
  }

  async start(): Promise<void> {
    const began = process.hrtime.bigint();
    await this.server.start();
    const elapsedMs = Number(process.hrtime.bigint() - began) / 1e6;
    logCoded(componentLogger(this.logger, 'Catalina'), 'info', {
      code: 'SV_MSG_STARTUP_STARTED',
      params: { summary: this.summary(elapsedMs) },
    });
  }

  /** Resolves on the shutdown command (shutdown port), SIGTERM or SIGINT. */
  async awaitShutdown(): Promise<void> {
    const server = this.server;
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const handler = (): void => {
        logCoded(componentLogger(this.logger, 'Catalina'), 'info', { code: 'SV_MSG_STARTUP_SIGNAL', params: { signal } });
        server.requestShutdown();
      };
      process.once(signal, handler);
      this.#signals.push([signal, handler]);
    }
    await server.awaitShutdown();
  }

  /** Graceful stop: connectors drain in-flight requests, then webapps stop; safe to call more than once. */
  async stop(): Promise<void> {
    for (const [signal, handler] of this.#signals) process.removeListener(signal, handler);
    this.#signals = [];
    const server = this.#server;
    if (server && server.state !== 'DESTROYED') {
      const began = process.hrtime.bigint();
      await server.stop();
      await server.destroy();
      const elapsedMs = Math.round(Number(process.hrtime.bigint() - began) / 1e6);
      logCoded(componentLogger(this.logger, 'Catalina'), 'info', {
        code: 'SV_MSG_STARTUP_STOPPED',
        params: { serverInfo: SERVER_INFO, ms: elapsedMs },
      });
    }
    if (this.#ownsLogger && this.#logger) await closeLogger(this.#logger);
  }

  /** The one-block startup summary: components, connectors with their addresses, webapps, time taken. */
  summary(elapsedMs: number): string {
    const server = this.server;
    const lines = [`${SERVER_INFO} started in [${Math.round(elapsedMs)}] ms (Node ${process.version}, pid ${process.pid})`];
    const shutdown = server.shutdownPort;
    lines.push(`  Server     shutdown port: ${shutdown === null ? 'disabled' : `${server.config.address}:${shutdown}`}`);
    let components = 1;
    for (const service of server.services) {
      components += 2;
      lines.push(`  Service    ${service.name} → Engine ${service.engine.name} (default host ${service.engine.defaultHost})`);
      for (const connector of service.connectors) {
        components++;
        const config = connector.config;
        lines.push(
          `  Connector  ${connector.componentName.slice(10, -1)}: ${config.protocolName} (${config.style}) on ${connector.localAddress}:${connector.localPort} [${connector.state}]`,
        );
      }
      for (const host of service.engine.findChildren()) {
        if (!(host instanceof Host)) continue;
        components++;
        const apps = host.findChildren().filter((c): c is Context => c instanceof Context);
        components += apps.length;
        lines.push(`  Host       ${host.name} (appBase ${host.appBase})`);
        for (const app of apps) lines.push(`  Context    ${app.path || '/'} → ${app.docBase} [${app.state}]`);
      }
    }
    lines.push(`  ${components} components`);
    return lines.join('\n');
  }
}
