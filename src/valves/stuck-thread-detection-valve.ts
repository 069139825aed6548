/**
 * StuckThreadDetectionValve (Tomcat's valve of that name): reports requests running longer than `threshold`
 * seconds and, on blocking-style connectors, terminates the worker thread of a request running longer than
 * `interruptThreadThreshold` seconds. Requests that run on worker threads are watched by the main thread's
 * WorkerExecutor (a hung worker cannot report itself): for the Engine's and Hosts' valves it watches every
 * request their Host would map, from server.xml; a Context's valve, which only the webapp's deployment knows
 * (server.xml, conf/context.xml or META-INF/context.xml), asks for the watch when a request enters it on the
 * worker. On the main thread (event-loop connectors) this valve watches the requests that pass through it,
 * which it can report but never interrupt.
 */
import { isMainThread } from 'node:worker_threads';
import type { Logger } from 'pino';
import { resolveAttributes } from '../config/attribute-values.js';
import type { AttributeValue } from '../config/server-config.js';
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import { Context } from '../core/context.js';
import { isPending, ContainerValveBase, type ValveResult } from '../core/valve.js';
import { StuckRequestWatch, type StuckPolicy, type WatchedRequest } from './stuck-request-watch.js';

export const STUCK_THREAD_DETECTION_VALVE_CLASS = 'org.apache.catalina.valves.StuckThreadDetectionValve';

/** The valve's two attributes from server.xml (validated numbers, or raw strings from a hand-built config). */
export function stuckPolicyOf(attributes: Readonly<Record<string, AttributeValue>>): StuckPolicy {
  const { threshold, interruptThreadThreshold } = resolveAttributes(
    'Valve:StuckThreadDetectionValve',
    attributes,
    'Valve[StuckThreadDetectionValve]',
  );
  return { threshold, interruptThreadThreshold };
}

export class StuckThreadDetectionValve extends ContainerValveBase {
  readonly policy: StuckPolicy;
  /** Null on worker threads: the main thread watches their requests. */
  readonly #watch: StuckRequestWatch<WatchedRequest> | null;

  constructor(attributes: Readonly<Record<string, AttributeValue>>, logger: Logger) {
    super();
    this.policy = stuckPolicyOf(attributes);
    const watch = new StuckRequestWatch<WatchedRequest>(this.policy, logger, null);
    this.#watch = isMainThread && watch.enabled ? watch : null;
  }

  /** On a worker, a Context's valve: the thread that owns the connection watches the request when asked to. */
  #watchedByOwner(): boolean {
    return this.policy.threshold > 0 && this.container instanceof Context;
  }

  /** Requests past the threshold and still running on the main thread. */
  get stuckCount(): number {
    return this.#watch?.stuck ?? 0;
  }

  invoke(request: Request, response: Response): ValveResult {
    const next = this.next as NonNullable<ContainerValveBase['next']>;
    const watch = this.#watch;
    if (watch === null) {
      if (this.#watchedByOwner()) request.control.watchStuck?.(this.componentName, this.policy);
      return next.invoke(request, response);
    }
    const watched: WatchedRequest = {
      uri: request.getRequestURI(),
      connection: request.getRemoteAddr() + ':' + request.getRemotePort(),
      thread: 'main',
    };
    watch.add(watched);
    let result: ValveResult;
    try {
      result = next.invoke(request, response);
    } catch (error) {
      watch.remove(watched);
      throw error;
    }
    if (!isPending(result)) {
      watch.remove(watched);
      return result;
    }
    return result.finally(() => watch.remove(watched));
  }

  protected override async startInternal(): Promise<void> {
    this.#watch?.start();
    await super.startInternal();
  }

  protected override async stopInternal(): Promise<void> {
    this.#watch?.stop();
    await super.stopInternal();
  }
}
