/**
 * StuckThreadDetectionValve for requests on worker threads: a hung worker cannot watch itself, so the main
 * thread watches them. The Engine's and Hosts' valves are known from server.xml (StuckWatchSpec); a Context's
 * valve is only known to the workers' trees, so a watch is made when a request first enters it.
 */
import type { Logger } from 'pino';
import type { Exchange } from '../../protocol/exchange.js';
import { StuckRequestWatch, type StuckPolicy } from '../../valves/stuck-request-watch.js';
import type { InFlight } from './in-flight.js';

export interface StuckWatchSpec {
  readonly policy: StuckPolicy;
  /** Picks a Host's requests; undefined: every request (an Engine valve). */
  readonly appliesTo?: (exchange: Exchange) => boolean;
}

export class StuckWatches {
  readonly #logger: Logger;
  readonly #interrupt: (request: InFlight, policy: StuckPolicy) => void;
  readonly #configured: ReadonlyArray<{ readonly watch: StuckRequestWatch<InFlight>; readonly spec: StuckWatchSpec }>;
  /** One watch per Context valve, by its name and thresholds (a redeployed Context may bring other thresholds). */
  readonly #contexts = new Map<string, StuckRequestWatch<InFlight>>();
  #stopped = true;

  constructor(specs: readonly StuckWatchSpec[], logger: Logger, interrupt: (request: InFlight, policy: StuckPolicy) => void) {
    this.#logger = logger;
    this.#interrupt = interrupt;
    this.#configured = specs
      .map((spec) => ({ watch: new StuckRequestWatch<InFlight>(spec.policy, logger, (request) => interrupt(request, spec.policy)), spec }))
      .filter((entry) => entry.watch.enabled);
  }

  start(): void {
    this.#stopped = false;
    for (const { watch } of this.#configured) watch.start();
  }

  stop(): void {
    this.#stopped = true;
    for (const { watch } of this.#configured) watch.stop();
    for (const watch of this.#contexts.values()) watch.stop();
    this.#contexts.clear();
  }

  /** A request starts: the Engine's and its Host's valves watch it. */
  add(request: InFlight): void {
    for (const { watch, spec } of this.#configured)
      if (spec.appliesTo === undefined || spec.appliesTo(request.exchange)) watch.add(request);
  }

  /** The request entered a Context's valve named `valve`: watched from now on, as Tomcat's valve does. */
  addForContext(request: InFlight, valve: string, policy: StuckPolicy): void {
    const key = `${valve} ${policy.threshold} ${policy.interruptThreadThreshold}`;
    let watch = this.#contexts.get(key);
    if (watch === undefined) {
      watch = new StuckRequestWatch<InFlight>(policy, this.#logger, (stuck) => this.#interrupt(stuck, policy));
      if (!watch.enabled || this.#stopped) return;
      watch.start();
      this.#contexts.set(key, watch);
    }
    watch.add(request);
    (request.contextWatches ??= []).push(watch);
  }

  remove(request: InFlight): void {
    for (const { watch } of this.#configured) watch.remove(request);
    if (request.contextWatches !== null) for (const watch of request.contextWatches) watch.remove(request);
  }
}
