/**
 * Builds the component tree (Server → Service → Connector + Engine → Host) from a validated ServerConfig; the
 * Service tree part is shared with the worker threads of blocking-style connectors.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ComponentConfig, RealmConfig, ServerConfig, ServiceConfig } from '../config/server-config.js';
import type { ConfigEnvironment } from '../config/server-xml-loader.js';
import { Connector } from '../connector/connector.js';
import { Engine } from '../core/engine.js';
import { Host } from '../core/host.js';
import { Server } from '../core/server.js';
import { Service } from '../core/service.js';
import { ContextConfig } from '../deploy/context-config.js';
import { HostConfig, type HostDeployerOptions } from '../deploy/host-config.js';
import { emptyWebXml, type WebXml } from '../deploy/web-xml.js';
import { parseWebXml } from '../deploy/web-xml-parser.js';
import type { LifecycleEvent, LifecycleListener } from '../lifecycle/lifecycle-base.js';
import { componentLogger, logCoded } from '../logging/logger.js';
import { createValve, ERROR_REPORT_VALVES, loadUserComponent, type ValvePlace } from './component-factory.js';
import type { SignOnTable } from '../security/sign-on-table.js';
import { connectorWorkers } from '../blocking/main/connector-workers.js';
import { WorkerExecutors } from '../blocking/main/worker-executors.js';
import { watchdogFor, type WatchdogSettings } from './watchdog.js';
import { GlobalResources } from './global-resources.js';
import { createRealm } from './realm-factory.js';
import type { RealmKey } from '../blocking/messages/realm-messages.js';
import type { Realm, RealmPolicy } from '../realm/realm.js';
import { NullRealm } from '../realm/null-realm.js';
import { systemClock } from '../net/system-clock.js';
import type { ContainerClock } from '../time/container-clock.js';

export function buildServer(
  config: ServerConfig,
  env: ConfigEnvironment,
  logger: Logger,
  settings: WatchdogSettings,
  clock: ContainerClock = systemClock,
): Server<Connector> {
  const serverLogger = componentLogger(logger, 'Server');
  const server = new Server<Connector>(config, serverLogger, watchdogFor(config, serverLogger, settings), clock);
  for (const listener of config.listeners) {
    const onEvent = lifecycleListenerOf(listener, env.catalinaBase);
    if (onEvent !== null) server.addLifecycleListener(onEvent);
  }
  const contextConfig = new ContextConfig(defaultWebXml(env, logger));
  const resources = new GlobalResources(config.globalResources, env.catalinaBase, componentLogger(logger, 'GlobalNamingResources'));
  server.addLifecycleListener((event) => {
    if (event.type === 'after_stop') void resources.close();
  });
  config.services.forEach((serviceConfig, serviceIndex) => {
    const service = buildServiceTree(serviceConfig, env, logger, contextConfig, { resources });
    const executors = new WorkerExecutors(config, serviceIndex, env, service, logger);
    serviceConfig.connectors.forEach((connectorConfig, connectorIndex) => {
      // Server portOffset shifts every fixed connector port (port 0 still means "any free port").
      const port = connectorConfig.port > 0 ? connectorConfig.port + config.portOffset : connectorConfig.port;
      const effective = port === connectorConfig.port ? connectorConfig : { ...connectorConfig, port };
      const executor = effective.style === 'blocking' ? executors.forConnector(effective, connectorIndex) : undefined;
      service.addConnector(
        new Connector(
          effective,
          service,
          componentLogger(logger, 'Connector'),
          executor && connectorWorkers(executor, connectorIndex),
          clock,
        ),
      );
    });
    server.addService(service);
  });
  return server;
}

/** A `<Listener className="./module.js"/>`: the lifecycleEvent of the class it exports, or null when it has none. */
function lifecycleListenerOf(component: ComponentConfig, catalinaBase: string): LifecycleListener | null {
  const instance = loadUserComponent(component, catalinaBase) as { lifecycleEvent?: (event: LifecycleEvent) => void };
  if (typeof instance.lifecycleEvent !== 'function') return null;
  return (event) => instance.lifecycleEvent!(event);
}

export interface ServiceTreeOptions {
  /** The `<GlobalNamingResources>` the realms name. */
  readonly resources: GlobalResources;
  /** Replaces the session Manager of every Context (worker threads: a proxy to the main thread's Manager). */
  readonly createSessionManager?: HostDeployerOptions['createSessionManager'];
  /**
   * Replaces the realm of every container with a `<Realm>` (worker threads: a proxy to the main thread's realm
   * of the same container, so that the process has one realm per container, as Tomcat).
   */
  readonly createRealm?: (config: RealmConfig, container: RealmKey, logger: Logger) => { realm: Realm; policy: RealmPolicy };
  /**
   * Gives the SingleSignOn valve of the Engine (host null) or of a Host its table (worker threads: a proxy to the
   * main thread's valve of the same container, so that a sign-on holds on every thread).
   */
  readonly createSignOnTable?: (valve: { readonly host: string | null }) => SignOnTable;
}

/**
 * One Service with its Engine → Host tree (valves, deployers), without connectors. The main thread builds it
 * for every Service; each worker thread of a blocking-style connector builds its own from the same config.
 */
export function buildServiceTree(
  serviceConfig: ServiceConfig,
  env: ConfigEnvironment,
  logger: Logger,
  contextConfig: ContextConfig,
  options: ServiceTreeOptions,
): Service<Connector> {
  const engineConfig = serviceConfig.engine;
  const engine = new Engine(engineConfig, componentLogger(logger, `Engine[${engineConfig.name}]`));
  const realmOf = (config: RealmConfig, container: RealmKey, realmLogger: Logger): { realm: Realm; policy: RealmPolicy } =>
    options.createRealm?.(config, container, realmLogger) ??
    createRealm(config, { catalinaBase: env.catalinaBase, resources: options.resources, logger: realmLogger });
  // As StandardEngine: with no <Realm>, a NullRealm, so an application with a login finds a realm that knows nobody.
  if (engineConfig.realm === undefined) engine.setRealm(new NullRealm({ logger: engine.logger }));
  else {
    const { realm, policy } = realmOf(engineConfig.realm, { host: null, context: null }, engine.logger);
    engine.setRealm(realm, policy);
  }
  const placeOf = (host: string | null): ValvePlace => {
    const create = options.createSignOnTable;
    return create === undefined ? {} : { signOnTable: () => create({ host }) };
  };
  for (const valve of engineConfig.valves) engine.pipeline.addValve(createValve(valve, env.catalinaBase, engine.logger, placeOf(null)));
  const service = new Service<Connector>(serviceConfig, engine, componentLogger(logger, `Service[${serviceConfig.name}]`));
  for (const hostConfig of engineConfig.hosts) {
    const host = new Host(hostConfig, componentLogger(logger, `Host[${hostConfig.name}]`));
    if (hostConfig.realm !== undefined) {
      const { realm, policy } = realmOf(hostConfig.realm, { host: hostConfig.name, context: null }, host.logger);
      host.setRealm(realm, policy);
    }
    for (const valve of hostConfig.valves)
      host.pipeline.addValve(createValve(valve, env.catalinaBase, host.logger, placeOf(hostConfig.name)));
    // Like StandardHost: an ErrorReportValve is always there, last before the basic valve.
    // The Host's errorReportValveClass (validated: one of Serval's error report valves) unless one is configured.
    if (!hostConfig.valves.some((v) => ERROR_REPORT_VALVES.has(v.className))) {
      const className = hostConfig.errorReportValveClass;
      host.pipeline.addValve(createValve({ className, attributes: {}, location: hostConfig.location }, env.catalinaBase, host.logger));
    }
    host.deployer = new HostConfig(host, {
      env,
      registry: service.mapperListener,
      contextConfig,
      jvmRoute: engineConfig.jvmRoute,
      components: {
        valve: (component, valveLogger) => createValve(component, env.catalinaBase, valveLogger),
        realm: (realmConfig, realmLogger, context) => realmOf(realmConfig, { host: hostConfig.name, context }, realmLogger),
        lifecycleListener: (component) => lifecycleListenerOf(component, env.catalinaBase),
      },
      ...(options.createSessionManager === undefined ? {} : { createSessionManager: options.createSessionManager }),
    });
    engine.attachChild(host);
  }
  return service;
}

/**
 * conf/web.xml from catalina.base, else from catalina.home, shared by every webapp: parsed again only when the
 * file changed (another path, size or modification time), so a webapp reloaded after an edit of conf/web.xml
 * (Tomcat's default context.xml watches it) gets the new content. Read at deployment, never per request.
 */
export function defaultWebXml(env: ConfigEnvironment, logger: Logger): () => WebXml {
  let cached: { readonly key: string; readonly webXml: WebXml } | null = null;
  return () => {
    const candidates = [join(env.catalinaBase, 'conf', 'web.xml'), join(env.catalinaHome, 'conf', 'web.xml')];
    const file = candidates.find((f) => existsSync(f));
    const stat = file === undefined ? null : statSync(file, { throwIfNoEntry: false });
    const key = file === undefined || stat == null ? '' : `${file}\0${stat.size}\0${stat.mtimeMs}`;
    if (cached !== null && cached.key === key) return cached.webXml;
    let webXml: WebXml;
    if (file === undefined) {
      logCoded(logger, 'warn', { code: 'SV_MSG_DEPLOY_NO_DEFAULT_WEB_XML' });
      webXml = emptyWebXml('<no conf/web.xml>');
    } else {
      webXml = parseWebXml(file);
    }
    cached = { key, webXml };
    return webXml;
  };
}
