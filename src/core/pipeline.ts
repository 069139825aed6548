/**
 * A container's chain of valves. Valves run in the order they were added; the basic valve, which hands the
 * request to the container's child, is always last (Tomcat's StandardPipeline). The chain itself is made of
 * container valves (valve.ts): a public valve is linked in through a PublicValveStep, which gives it a `next`
 * that always answers with a promise.
 */
import { LifecycleBase } from '../lifecycle/lifecycle-base.js';
import type { Request } from './request.js';
import type { Response } from './response.js';
import { ContainerValveBase, isPending, SETTLED, type ContainerValve, type Valve, type ValveResult } from './valve.js';
import { ContainerError } from '../errors/container-error.js';

export type AnyValve = Valve | ContainerValve;

export class Pipeline {
  readonly #owner: { readonly componentName: string };
  /** The valves as added (public or container valves), in order. */
  #valves: AnyValve[] = [];
  /** The chain as linked: each public valve stands behind its step. */
  #steps: ContainerValve[] = [];
  #basic: ContainerValve | null = null;
  #first: ContainerValve | null = null;

  constructor(owner: { readonly componentName: string }) {
    this.#owner = owner;
  }

  get basic(): ContainerValve | null {
    return this.#basic;
  }

  setBasic(valve: ContainerValve): void {
    this.#basic = valve;
    this.#attach(valve);
    this.#relink();
  }

  /** Adds a valve in front of the basic valve. */
  addValve(valve: AnyValve): void {
    this.#valves = [...this.#valves, valve];
    this.#steps = [...this.#steps, isContainerValve(valve) ? valve : new PublicValveStep(valve)];
    this.#attach(valve);
    this.#relink();
  }

  removeValve(valve: AnyValve): void {
    const index = this.#valves.indexOf(valve);
    if (index < 0) return;
    this.#valves = this.#valves.filter((_, i) => i !== index);
    this.#steps = this.#steps.filter((_, i) => i !== index);
    this.#relink();
  }

  /** The valves as added, in order (the basic valve excluded). */
  getValves(): readonly AnyValve[] {
    return this.#valves;
  }

  /** The first valve a request goes through. */
  get first(): ContainerValve {
    if (!this.#first) throw new ContainerError('SV_ERR_PIPELINE_NO_BASIC_VALVE', { container: this.#owner.componentName });
    return this.#first;
  }

  invoke(request: Request, response: Response): ValveResult {
    return this.first.invoke(request, response);
  }

  async start(): Promise<void> {
    for (const valve of this.#all()) if (valve instanceof LifecycleBase) await valve.start();
  }

  async stop(): Promise<void> {
    for (const valve of this.#all().reverse()) if (valve instanceof LifecycleBase) await valve.stop();
  }

  backgroundProcess(): void {
    for (const valve of this.#all()) valve.backgroundProcess?.();
  }

  #all(): AnyValve[] {
    return this.#basic ? [...this.#valves, this.#basic] : [...this.#valves];
  }

  #attach(valve: AnyValve): void {
    if ('container' in valve) (valve as { container: unknown }).container = this.#owner;
  }

  #relink(): void {
    const chain = this.#basic ? [...this.#steps, this.#basic] : [...this.#steps];
    for (let i = 0; i < chain.length; i++) (chain[i] as ContainerValve).next = chain[i + 1] ?? null;
    this.#first = chain[0] ?? null;
  }
}

function isContainerValve(valve: AnyValve): valve is ContainerValve {
  return valve instanceof ContainerValveBase;
}

/**
 * A public valve in the chain: its invoke() is called as written (a promise, or whatever it returns), and its
 * `next` is the rest of the chain seen through the public contract, whose invoke() always returns a promise.
 */
class PublicValveStep implements ContainerValve {
  readonly #valve: Valve;
  #next: ContainerValve | null = null;

  constructor(valve: Valve) {
    this.#valve = valve;
    valve.next = null;
  }

  get next(): ContainerValve | null {
    return this.#next;
  }

  set next(next: ContainerValve | null) {
    this.#next = next;
    this.#valve.next = next === null ? null : new PublicNext(next);
  }

  invoke(request: Request, response: Response): ValveResult {
    return this.#valve.invoke(request, response);
  }

  backgroundProcess(): void {
    this.#valve.backgroundProcess?.();
  }
}

/** The rest of a chain, as a public valve's `next`. */
class PublicNext implements Valve {
  next: Valve | null = null;
  readonly #rest: ContainerValve;

  constructor(rest: ContainerValve) {
    this.#rest = rest;
  }

  invoke(request: Request, response: Response): Promise<void> {
    try {
      const result = this.#rest.invoke(request, response);
      return isPending(result) ? Promise.resolve(result) : SETTLED;
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
