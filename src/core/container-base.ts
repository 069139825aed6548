/**
 * What Engine, Host, Context and Wrapper share: a name, a parent, children, a Pipeline, a logger and
 * background processing (Tomcat's ContainerBase).
 */
import type { Logger } from 'pino';
import { ContainerError, LifecycleError } from '../errors/container-error.js';
import { LifecycleBase } from '../lifecycle/lifecycle-base.js';
import { DEFAULT_REALM_POLICY, type Realm, type RealmPolicy } from '../realm/realm.js';
import { Pipeline } from './pipeline.js';

export abstract class ContainerBase extends LifecycleBase {
  readonly name: string;
  parent: ContainerBase | null = null;
  readonly pipeline: Pipeline;
  logger: Logger;
  /** Seconds between background runs; <= 0 means the parent's background thread processes this one. */
  backgroundProcessorDelay = -1;
  readonly #children = new Map<string, ContainerBase>();
  #backgroundTimer: NodeJS.Timeout | null = null;
  #realm: { readonly realm: Realm; readonly policy: RealmPolicy } | null = null;

  protected constructor(name: string, logger: Logger) {
    super();
    this.name = name;
    this.logger = logger;
    this.pipeline = new Pipeline(this);
  }

  /** Engine, Host, Context or Wrapper. */
  abstract get containerType(): string;

  get componentName(): string {
    const own = `${this.containerType}[${this.name}]`;
    return this.parent ? `${this.parent.componentName}.${own}` : own;
  }

  /**
   * This container's own Realm (a `<Realm>` child in server.xml or context.xml); it starts and stops with the
   * container. Set before the container starts.
   */
  setRealm(realm: Realm, policy: RealmPolicy = DEFAULT_REALM_POLICY): void {
    this.#realm = { realm, policy };
  }

  /** The Realm that applies here: this container's own, else its parent's, as Tomcat's getRealm(); null: none. */
  get realm(): Realm | null {
    return this.#realm?.realm ?? this.parent?.realm ?? null;
  }

  /** The policy attributes of the Realm that applies here. */
  get realmPolicy(): RealmPolicy {
    return this.#realm?.policy ?? this.parent?.realmPolicy ?? DEFAULT_REALM_POLICY;
  }

  findChild(name: string): ContainerBase | undefined {
    return this.#children.get(name);
  }

  findChildren(): ContainerBase[] {
    return [...this.#children.values()];
  }

  /** Adds a child; when this container is already started the child is started too. */
  async addChild(child: ContainerBase): Promise<void> {
    this.#attach(child);
    if (this.state === 'STARTED' || this.state === 'STARTING') await this.startChild(child);
  }

  /**
   * Adds a child while the tree is being built, before this container starts: nothing to await, so a name
   * clash throws to the builder instead of rejecting a promise nobody waits for. start() starts the child.
   */
  attachChild(child: ContainerBase): void {
    if (this.state !== 'NEW' && this.state !== 'INITIALIZED') {
      throw new LifecycleError('SV_ERR_LIFECYCLE_INVALID_TRANSITION', {
        action: `attachChild(${child.componentName})`,
        component: this.componentName,
        state: this.state,
      });
    }
    this.#attach(child);
  }

  #attach(child: ContainerBase): void {
    if (this.#children.has(child.name)) {
      throw new ContainerError('SV_ERR_CONTAINER_DUPLICATE_CHILD', { parent: this.componentName, child: child.name });
    }
    child.parent = this;
    this.#children.set(child.name, child);
  }

  async removeChild(child: ContainerBase): Promise<void> {
    if (this.#children.get(child.name) !== child) return;
    this.#children.delete(child.name);
    if (child.state !== 'NEW' && child.state !== 'DESTROYED') {
      await child.stop();
      await child.destroy();
    }
    child.parent = null;
  }

  /** Starts one child; Host overrides this so one failing webapp does not take the Host down. */
  protected async startChild(child: ContainerBase): Promise<void> {
    await child.start();
  }

  protected async startInternal(): Promise<void> {
    // As Tomcat's ContainerBase: the realm before the children, so a webapp starts with its users available.
    await this.#realm?.realm.start();
    const results = await Promise.allSettled(this.findChildren().map((child) => this.startChild(child)));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    if (failures.length > 0) {
      throw new LifecycleError(
        'SV_ERR_LIFECYCLE_CHILD_FAILED',
        { action: 'start', component: this.componentName },
        { cause: new AggregateError(failures, 'child start failures') },
      );
    }
    await this.pipeline.start();
    this.setState('STARTING');
    this.#startBackgroundProcessing();
  }

  protected async stopInternal(): Promise<void> {
    this.#stopBackgroundProcessing();
    this.setState('STOPPING');
    await this.pipeline.stop();
    for (const child of this.findChildren().reverse()) {
      if (child.state !== 'NEW' && child.state !== 'STOPPED' && child.state !== 'DESTROYED') await child.stop();
    }
    await this.#realm?.realm.stop();
  }

  protected override async destroyInternal(): Promise<void> {
    for (const child of this.findChildren()) {
      if (child.state !== 'DESTROYED') await child.destroy();
    }
  }

  /** One background tick for this container: valves, own periodic work, then the `periodic` event. */
  backgroundProcess(): void {
    if (this.state !== 'STARTED') return;
    this.#realm?.realm.backgroundProcess();
    this.pipeline.backgroundProcess();
    this.fireLifecycleEvent('periodic');
  }

  /** Runs backgroundProcess() on this container and every descendant that has no thread of its own. */
  processTree(): void {
    try {
      this.backgroundProcess();
    } catch (error) {
      this.logger.warn({ err: error }, `Background processing of ${this.componentName} failed`);
    }
    for (const child of this.findChildren()) {
      if (child.backgroundProcessorDelay <= 0) child.processTree();
    }
  }

  #startBackgroundProcessing(): void {
    if (this.backgroundProcessorDelay <= 0 || this.#backgroundTimer) return;
    this.#backgroundTimer = setInterval(() => this.processTree(), this.backgroundProcessorDelay * 1000);
    this.#backgroundTimer.unref();
  }

  #stopBackgroundProcessing(): void {
    if (this.#backgroundTimer) clearInterval(this.#backgroundTimer);
    this.#backgroundTimer = null;
  }
}
