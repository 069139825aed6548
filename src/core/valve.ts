/**
 * A Valve is one step of a container's Pipeline. Each valve does its job and hands the request to `next`; the
 * container's basic valve is always last (Tomcat's Valve/ValveBase).
 *
 * Two contracts:
 * - `Valve` is the public one, for valves an administrator names in server.xml or context.xml: a plain `async`
 *   invoke(), and a `next` whose invoke() always returns a promise.
 * - `ContainerValve` is the container's own (its basic valves, the access log, error report and stuck-thread
 *   valves): invoke() returns a promise only while some step is still running, so a request that the pipeline
 *   serves synchronously costs no promise and no microtask per valve (bench/RESULTS.md). The Pipeline puts a
 *   public valve between two container valves through an adapter (pipeline.ts), so neither side sees the other's
 *   contract.
 */
import { LifecycleBase } from '../lifecycle/lifecycle-base.js';
import type { Request } from './request.js';
import type { Response } from './response.js';

/** A valve of the public contract: `<Valve className="./my-valve.js"/>`. */
export interface Valve {
  /** Set by the Pipeline: the rest of the chain. */
  next: Valve | null;
  invoke(request: Request, response: Response): Promise<void>;
  /** Periodic work (file rotation, expiry) driven by the container's background processing. */
  backgroundProcess?(): void;
}

/** A public valve with lifecycle hooks (extending it is optional: any class with invoke() will do). */
export abstract class ValveBase extends LifecycleBase implements Valve {
  next: Valve | null = null;
  /** The container this valve is installed in; set by the Pipeline. */
  container: { readonly componentName: string } | null = null;

  get componentName(): string {
    return `${this.container?.componentName ?? ''}/${this.constructor.name}`;
  }

  abstract invoke(request: Request, response: Response): Promise<void>;

  backgroundProcess(): void {}

  /** Valves usually have nothing to do on start/stop; they override when they do. */
  protected async startInternal(): Promise<void> {
    this.setState('STARTING');
  }

  protected async stopInternal(): Promise<void> {
    this.setState('STOPPING');
  }
}

/**
 * What a container valve's invoke() returns: nothing when it (and everything after it) finished synchronously,
 * a promise when some step is still running. Callers await only real promises (see `isPending`).
 */
export type ValveResult = void | Promise<void>;

/** The container's own valves (see the top of this file). */
export interface ContainerValve {
  next: ContainerValve | null;
  invoke(request: Request, response: Response): ValveResult;
  backgroundProcess(): void;
}

export abstract class ContainerValveBase extends LifecycleBase implements ContainerValve {
  next: ContainerValve | null = null;
  /** The container this valve is installed in; set by the Pipeline. */
  container: { readonly componentName: string } | null = null;

  get componentName(): string {
    return `${this.container?.componentName ?? ''}/${this.constructor.name}`;
  }

  abstract invoke(request: Request, response: Response): ValveResult;

  backgroundProcess(): void {}

  protected async startInternal(): Promise<void> {
    this.setState('STARTING');
  }

  protected async stopInternal(): Promise<void> {
    this.setState('STOPPING');
  }
}

/**
 * The promise FilterChain.doFilter() hands back when the rest of the chain already finished synchronously:
 * a filter that returns it unchanged finished too, so it is not awaited (see isPending). Internal: the public
 * contracts only promise a Promise.
 */
export const SETTLED: Promise<void> = Promise.resolve();

/** True when a valve (or servlet, filter…) result still has to be awaited; user code may return any thenable. */
export function isPending(result: unknown): result is Promise<void> {
  return result !== undefined && result !== null && result !== SETTLED && typeof (result as PromiseLike<void>).then === 'function';
}
