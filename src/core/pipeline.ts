/**
 * A container's chain of valves. User valves run in the order they were added; the basic valve, which
 * hands the request to the container's child, is always last (Tomcat's StandardPipeline).
 */
import { LifecycleBase } from '../lifecycle/lifecycle-base.js';
import type { Request } from '../connector/request.js';
import type { Response } from '../connector/response.js';
import type { Valve, ValveResult } from './valve.js';
import { ContainerError } from '../errors/container-error.js';

export class Pipeline {
  readonly #owner: { readonly componentName: string };
  #valves: Valve[] = [];
  #basic: Valve | null = null;
  #first: Valve | null = null;

  constructor(owner: { readonly componentName: string }) {
    this.#owner = owner;
  }

  get basic(): Valve | null {
    return this.#basic;
  }

  setBasic(valve: Valve): void {
    this.#basic = valve;
    this.#attach(valve);
    this.#relink();
  }

  /** Adds a valve in front of the basic valve. */
  addValve(valve: Valve): void {
    this.#valves = [...this.#valves, valve];
    this.#attach(valve);
    this.#relink();
  }

  removeValve(valve: Valve): void {
    this.#valves = this.#valves.filter((v) => v !== valve);
    this.#relink();
  }

  /** The user valves, in order (the basic valve excluded). */
  getValves(): readonly Valve[] {
    return this.#valves;
  }

  /** The first valve a request goes through. */
  get first(): Valve {
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
    for (const valve of this.#all()) valve.backgroundProcess();
  }

  #all(): Valve[] {
    return this.#basic ? [...this.#valves, this.#basic] : [...this.#valves];
  }

  #attach(valve: Valve): void {
    if ('container' in valve) (valve as { container: unknown }).container = this.#owner;
  }

  #relink(): void {
    const chain = this.#all();
    for (let i = 0; i < chain.length; i++) chain[i]!.next = chain[i + 1] ?? null;
    this.#first = chain[0] ?? null;
  }
}
