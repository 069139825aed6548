/**
 * Applies the main thread's deployment steps to a worker thread's own Host trees: the main thread's HostConfig
 * decides (it scans the disk, unpacks bundles, compares mtimes); each worker repeats the step on its copy, with
 * requests to the app held meanwhile exactly as on the main thread (Context pause/resume: the ConnectorAdapter
 * waits on a paused Context, then maps again).
 */
import type { Logger } from 'pino';
import { Context } from '../../core/context.js';
import type { Host } from '../../core/host.js';
import type { Service } from '../../core/service.js';
import { ContainerError } from '../../errors/container-error.js';
import type { ContextConfig } from '../../deploy/context-config.js';
import type { HostDeployerOptions } from '../../deploy/host-config.js';
import type { DeploymentData } from '../messages/deployment-messages.js';
import type { RealmKey } from '../messages/realm-messages.js';
import type { RealmConfig } from '../../config/server-config.js';
import type { Realm, RealmPolicy } from '../../realm/realm.js';

export interface WorkerDeployerOptions {
  readonly service: Service;
  readonly contextConfig: ContextConfig;
  readonly createSessionManager: NonNullable<HostDeployerOptions['createSessionManager']>;
  /** The Context's own `<Realm>`: a proxy to the main thread's realm of the same Context (worker-realm.ts). */
  readonly createRealm: (config: RealmConfig, key: RealmKey, logger: Logger) => { realm: Realm; policy: RealmPolicy };
  readonly logger: Logger;
}

export class WorkerDeployer {
  readonly #options: WorkerDeployerOptions;
  /** Contexts paused by `redeploying`, resumed by `redeployed` once their successor is mapped (or failed). */
  readonly #held = new Map<string, Context>();

  constructor(options: WorkerDeployerOptions) {
    this.#options = options;
  }

  /**
   * Applies one step. The pause of a reload or redeploy is taken synchronously, before the first await: a
   * request message the worker reads after the step (the main thread posts the next step only once this one is
   * acknowledged) finds the app paused and waits for the new generation.
   */
  async apply(hostName: string, event: DeploymentData): Promise<void> {
    const host = this.#host(hostName, event);
    const existing = this.#context(host, event.name);
    switch (event.type) {
      case 'redeploying':
        if (existing !== null) {
          // As on the main thread: the old Context keeps its mapping while paused, so requests wait for the new one.
          await existing.pause();
          this.#held.set(`${host.name}/${event.name}`, existing);
        }
        return;
      case 'undeployed':
        if (existing !== null) await host.removeChild(existing);
        return;
      case 'deployed':
        // A worker started after the files changed has deployed them already: replace its copy in one swap.
        if (existing !== null) await this.#replace(host, existing, event);
        else await host.addChild(this.#newContext(host, event));
        return;
      case 'redeployed': {
        const key = `${host.name}/${event.name}`;
        const old = this.#held.get(key);
        this.#held.delete(key);
        if (old !== undefined) resumeRemoved(host, old);
        return;
      }
      case 'reloaded':
        if (existing === null) return;
        await existing.reload();
        if (existing.state !== 'STARTED') {
          throw new ContainerError('SV_ERR_DEPLOY_RELOAD_FAILED', {
            name: event.name,
            state: existing.state,
            detail: existing.failure ?? 'see the errors logged before this one',
          });
        }
        return;
    }
  }

  async #replace(host: Host, old: Context, event: DeploymentData & { type: 'deployed' }): Promise<void> {
    await old.pause();
    try {
      await host.removeChild(old);
      await host.addChild(this.#newContext(host, event));
    } finally {
      resumeRemoved(host, old);
    }
  }

  #newContext(host: Host, event: DeploymentData & { type: 'deployed' }): Context {
    const { contextConfig, createSessionManager, createRealm, service } = this.#options;
    const version = event.name.includes('##') ? event.name.slice(event.name.indexOf('##') + 2) : '';
    const context = new Context({
      path: event.path,
      baseName: event.name,
      docBase: event.docBase,
      config: event.config,
      logger: host.logger.child({ context: (event.path || '/') + (version ? `##${version}` : '') }),
      registry: service.mapperListener,
      configure: (context) => contextConfig.configure(context),
      deconfigure: (context) => contextConfig.deconfigure(context),
      createSessionManager: (context, definition) => createSessionManager(context, definition.sessionTimeoutMinutes),
    });
    // Without it a redeployed app with its own <Realm> would fall back to its Host's or Engine's realm here.
    const realmConfig = event.config.realm;
    if (realmConfig !== undefined) {
      const { realm, policy } = createRealm(realmConfig, { host: host.name, context: event.name }, context.logger);
      context.setRealm(realm, policy);
    }
    return context;
  }

  #host(name: string, event: DeploymentData): Host {
    const host = this.#options.service.engine.findChild(name) as Host | undefined;
    if (host === undefined) throw new ContainerError('SV_ERR_WORKER_UNKNOWN_HOST', { host: name, event: event.type, name: event.name });
    return host;
  }

  #context(host: Host, name: string): Context | null {
    const child = host.findChild(name);
    return child instanceof Context ? child : null;
  }
}

/**
 * Lets requests held by a removed Context map again (to its successor). resume() takes a Context that did not
 * come back out of the Mapper, which needs its Host: the removed Context gets it back for that one call.
 */
function resumeRemoved(host: Host, context: Context): void {
  if (context.parent === null) {
    context.parent = host;
    context.resume();
    context.parent = null;
  } else {
    context.resume();
  }
}
