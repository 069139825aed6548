/**
 * SemaphoreValve (org.apache.catalina.valves.SemaphoreValve): at most `concurrency` requests run the rest of the
 * pipeline at once. With block="true" a request beyond that waits for a permit; with block="false" it is refused
 * at once (permitDenied): highConcurrencyStatus when it is a status, else nothing is written (an empty 200, as
 * Tomcat does with its default -1).
 *
 * Node-specific decisions:
 * - Waiting never holds a thread: a waiting request is a queued callback. Permits are handed over in arrival
 *   order, so every valve is fair (`fairness` changes nothing).
 * - A client that goes away while its request waits leaves the queue at once (what `interruptible` gives a Java
 *   thread); its request ends without running the rest of the pipeline.
 * - The queue has no bound of its own: the requests that can wait are requests in flight, which the connector
 *   already bounds (maxThreads, then its FIFO and acceptCount).
 * - On a blocking-style connector each worker thread builds its own pipeline and runs one request at a time, so
 *   the valve limits nothing there: use the connector's maxThreads.
 */
import { resolveAttributes } from '../config/attribute-values.js';
import type { AttributeValue } from '../config/server-config.js';
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import { ContainerValveBase, isPending, type ValveResult } from '../core/valve.js';

export const SEMAPHORE_VALVE_CLASS = 'org.apache.catalina.valves.SemaphoreValve';

interface Waiter {
  grant(): void;
  /** Stops listening for the client going away. */
  stopWatching: (() => void) | undefined;
}

export class SemaphoreValve extends ContainerValveBase {
  readonly concurrency: number;
  readonly #block: boolean;
  readonly #highConcurrencyStatus: number;
  #permits: number;
  readonly #waiting: Waiter[] = [];

  constructor(attributes: Readonly<Record<string, AttributeValue>>, element = 'Valve[SemaphoreValve]') {
    super();
    const { concurrency, block, highConcurrencyStatus } = resolveAttributes('Valve:SemaphoreValve', attributes, element);
    this.concurrency = concurrency;
    this.#permits = concurrency;
    this.#block = block;
    this.#highConcurrencyStatus = highConcurrencyStatus;
  }

  /** Requests waiting for a permit now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Permits free now. */
  get availablePermits(): number {
    return this.#permits;
  }

  invoke(request: Request, response: Response): ValveResult {
    if (this.#permits > 0) {
      this.#permits--;
      return this.#run(request, response);
    }
    if (!this.#block) {
      this.#permitDenied(response);
      return;
    }
    return this.#wait(request).then((granted) => (granted ? this.#run(request, response) : undefined));
  }

  /** Resolves true with a permit, or false when the client went away first. */
  #wait(request: Request): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        stopWatching: undefined,
        grant: () => {
          waiter.stopWatching?.();
          resolve(true);
        },
      };
      this.#waiting.push(waiter);
      waiter.stopWatching = request.control.onAbort?.(() => {
        const index = this.#waiting.indexOf(waiter);
        if (index >= 0) this.#waiting.splice(index, 1);
        resolve(false);
      });
    });
  }

  #run(request: Request, response: Response): ValveResult {
    let result: ValveResult;
    try {
      result = this.next!.invoke(request, response);
    } catch (error) {
      this.#release();
      throw error;
    }
    if (!isPending(result)) {
      this.#release();
      return result;
    }
    return result.finally(() => this.#release());
  }

  /** The permit goes straight to the longest waiting request, or back to the pool. */
  #release(): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#permits++;
    else next.grant();
  }

  #permitDenied(response: Response): void {
    if (this.#highConcurrencyStatus > 0) response.sendError(this.#highConcurrencyStatus);
  }
}
