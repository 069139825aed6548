/**
 * Lifecycle as a template method (Tomcat's LifecycleBase): the public init/start/stop/destroy enforce
 * the state machine and fire events; subclasses put their work in the protected *Internal hooks.
 */
import { LifecycleError } from '../errors/container-error.js';
import { stateEvent, type LifecycleEventType, type LifecycleState } from './lifecycle-state.js';

export interface LifecycleEvent {
  readonly type: LifecycleEventType;
  readonly source: LifecycleBase;
  readonly data?: unknown;
}

export type LifecycleListener = (event: LifecycleEvent) => void;

export abstract class LifecycleBase {
  #state: LifecycleState = 'NEW';
  readonly #listeners: LifecycleListener[] = [];

  /** A name that identifies this component in errors and logs, e.g. `Host[localhost]`. */
  abstract get componentName(): string;

  get state(): LifecycleState {
    return this.#state;
  }

  addLifecycleListener(listener: LifecycleListener): void {
    this.#listeners.push(listener);
  }

  removeLifecycleListener(listener: LifecycleListener): void {
    const index = this.#listeners.indexOf(listener);
    if (index >= 0) this.#listeners.splice(index, 1);
  }

  fireLifecycleEvent(type: LifecycleEventType, data?: unknown): void {
    const event: LifecycleEvent = { type, source: this, data };
    for (const listener of [...this.#listeners]) listener(event);
  }

  async init(): Promise<void> {
    if (this.#state !== 'NEW') throw this.#invalid('init');
    await this.#run('init', 'INITIALIZING', () => this.initInternal());
    this.#setState('INITIALIZED');
  }

  async start(): Promise<void> {
    const state = this.#state;
    if (state === 'STARTING_PREP' || state === 'STARTING' || state === 'STARTED') return;
    if (state === 'NEW') {
      await this.init();
    } else if (state === 'FAILED') {
      await this.stop();
    } else if (state !== 'INITIALIZED' && state !== 'STOPPED') {
      throw this.#invalid('start');
    }
    await this.#run('start', 'STARTING_PREP', () => this.startInternal());
    // startInternal must move to STARTING; a failure inside it already set FAILED.
    if (this.#state === 'FAILED') {
      await this.stop();
    } else if (this.#state !== 'STARTING') {
      throw this.#invalid('after start');
    } else {
      this.#setState('STARTED');
    }
  }

  async stop(): Promise<void> {
    const state = this.#state;
    if (state === 'STOPPING_PREP' || state === 'STOPPING' || state === 'STOPPED') return;
    if (state === 'NEW') {
      this.#setState('STOPPED');
      return;
    }
    if (state !== 'STARTED' && state !== 'FAILED') throw this.#invalid('stop');
    if (state === 'FAILED') {
      // A failed component skips STOPPING_PREP: it is no longer available (Tomcat fires before_stop only).
      this.fireLifecycleEvent('before_stop');
    } else {
      this.#setState('STOPPING_PREP');
    }
    try {
      await this.stopInternal();
    } catch (cause) {
      this.#state = 'FAILED';
      throw new LifecycleError('SV_ERR_LIFECYCLE_FAILED', { action: 'stop', component: this.componentName }, { cause });
    }
    if (this.#state !== 'STOPPING' && this.#state !== 'FAILED') throw this.#invalid('after stop');
    this.#setState('STOPPED');
  }

  async destroy(): Promise<void> {
    if (this.#state === 'FAILED') await this.stop();
    const state = this.#state;
    if (state === 'DESTROYING' || state === 'DESTROYED') return;
    // INITIALIZED too, as in Tomcat: a component that was initialised but never started (a failed start) is released.
    if (state !== 'STOPPED' && state !== 'NEW' && state !== 'FAILED' && state !== 'INITIALIZED') throw this.#invalid('destroy');
    await this.#run('destroy', 'DESTROYING', () => this.destroyInternal());
    this.#setState('DESTROYED');
  }

  /** Subclasses call this from startInternal (→ STARTING) and stopInternal (→ STOPPING). */
  protected setState(state: 'STARTING' | 'STOPPING' | 'FAILED', data?: unknown): void {
    const from = this.#state;
    const allowed =
      state === 'FAILED' ||
      (state === 'STARTING' && from === 'STARTING_PREP') ||
      (state === 'STOPPING' && (from === 'STOPPING_PREP' || from === 'FAILED'));
    if (!allowed) throw this.#invalid(`setState(${state})`);
    this.#setState(state, data);
  }

  protected async initInternal(): Promise<void> {}
  protected abstract startInternal(): Promise<void>;
  protected abstract stopInternal(): Promise<void>;
  protected async destroyInternal(): Promise<void> {}

  async #run(action: string, entry: LifecycleState, work: () => Promise<void>): Promise<void> {
    this.#setState(entry);
    try {
      await work();
    } catch (cause) {
      this.#state = 'FAILED';
      if (cause instanceof LifecycleError && cause.params.component === this.componentName) throw cause;
      throw new LifecycleError('SV_ERR_LIFECYCLE_FAILED', { action, component: this.componentName }, { cause });
    }
  }

  #setState(state: LifecycleState, data?: unknown): void {
    this.#state = state;
    const event = stateEvent[state];
    if (event) this.fireLifecycleEvent(event, data);
  }

  #invalid(action: string): LifecycleError {
    return new LifecycleError('SV_ERR_LIFECYCLE_INVALID_TRANSITION', {
      action,
      component: this.componentName,
      state: this.#state,
    });
  }
}
