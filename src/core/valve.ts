/**
 * A Valve is one step of a container's Pipeline. Each valve does its job and hands the request to
 * `next`; the container's basic valve is always last (Tomcat's Valve/ValveBase).
 */
import { LifecycleBase } from '../lifecycle/lifecycle-base.js';
import type { Request } from '../connector/request.js';
import type { Response } from '../connector/response.js';

/**
 * What invoke() returns: nothing when the valve (and everything after it) finished synchronously, a promise
 * when some step is still running. Callers await only real promises (see `isPending`): an `async` function
 * per valve would cost a promise and a microtask per valve on every request.
 */
export type ValveResult = void | Promise<void>;

export interface Valve {
  next: Valve | null;
  invoke(request: Request, response: Response): ValveResult;
  /** Periodic work (file rotation, expiry) driven by the container's background processing. */
  backgroundProcess(): void;
}

export abstract class ValveBase extends LifecycleBase implements Valve {
  next: Valve | null = null;
  /** The container this valve is installed in; set by the Pipeline. */
  container: { readonly componentName: string } | null = null;

  get componentName(): string {
    return `${this.container?.componentName ?? ''}/${this.constructor.name}`;
  }

  abstract invoke(request: Request, response: Response): ValveResult;

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
 * The promise FilterChain.doFilter() hands back when the rest of the chain already finished synchronously:
 * a filter that returns it unchanged finished too, so it is not awaited (see isPending).
 */
export const SETTLED: Promise<void> = Promise.resolve();

/** True when a valve (or servlet, filter…) result still has to be awaited; user code may return any thenable. */
export function isPending(result: unknown): result is Promise<void> {
  return result !== undefined && result !== null && result !== SETTLED && typeof (result as PromiseLike<void>).then === 'function';
}
