/**
 * A Wrapper holds one servlet definition of a Context: it creates and initialises the servlet once
 * (at start when load-on-startup >= 0, else on first use) and destroys it on stop (Tomcat's StandardWrapper).
 */
import { ServletConfigFacade } from './facade/servlet-config-facade.js';
import type { Logger } from 'pino';
import type { Servlet, ServletConfig } from '../servlet/servlet.js';
import type { ServletContext } from '../servlet/servlet-context.js';
import { UnavailableException } from '../servlet/servlet-exception.js';
import type { MultipartConfigDefinition } from './context-definition.js';
import { ContainerBase } from './container-base.js';
import { WrapperValve } from './wrapper-valve.js';

export type ServletFactory = () => Servlet;

export interface WrapperOptions {
  name: string;
  factory: ServletFactory;
  /** For logs: the servlet-class as written. */
  servletClass: string;
  initParams: ReadonlyMap<string, string>;
  /** null = load on first request. */
  loadOnStartup: number | null;
  asyncSupported: boolean;
  /** null = the servlet does not accept multipart bodies (getParts() throws). */
  multipartConfig?: MultipartConfigDefinition | null;
  servletContext: ServletContext;
  logger: Logger;
}

export class Wrapper extends ContainerBase implements ServletConfig {
  readonly servletClass: string;
  readonly loadOnStartup: number | null;
  readonly asyncSupported: boolean;
  readonly multipartConfig: MultipartConfigDefinition | null;
  readonly #factory: ServletFactory;
  readonly #initParams: ReadonlyMap<string, string>;
  readonly #servletContext: ServletContext;
  #instance: Promise<Servlet> | null = null;
  /** The servlet #instance resolved to, so requests after the first need no promise (see allocated()). */
  #ready: Servlet | null = null;
  /** Epoch ms until which the servlet is unavailable; Infinity = permanently. */
  #unavailableUntil = 0;

  constructor(options: WrapperOptions) {
    super(options.name, options.logger);
    this.servletClass = options.servletClass;
    this.loadOnStartup = options.loadOnStartup;
    this.asyncSupported = options.asyncSupported;
    this.multipartConfig = options.multipartConfig ?? null;
    this.#factory = options.factory;
    this.#initParams = options.initParams;
    this.#servletContext = options.servletContext;
    this.pipeline.setBasic(new WrapperValve(this));
  }

  get containerType(): string {
    return 'Wrapper';
  }

  getServletName(): string {
    return this.name;
  }

  getServletContext(): ServletContext {
    return this.#servletContext;
  }

  getInitParameter(name: string): string | null {
    return this.#initParams.get(name) ?? null;
  }

  getInitParameterNames(): string[] {
    return [...this.#initParams.keys()];
  }

  /** Whether a request may be served now (false while unavailable). */
  isAvailable(now?: number): boolean {
    // Asked on every request: a servlet never marked unavailable needs no clock.
    return this.#unavailableUntil === 0 || this.#unavailableUntil <= (now ?? Date.now());
  }

  isPermanentlyUnavailable(): boolean {
    return this.#unavailableUntil === Infinity;
  }

  /** Seconds until available again, for Retry-After. */
  unavailableSeconds(now = Date.now()): number {
    return Math.max(1, Math.ceil((this.#unavailableUntil - now) / 1000));
  }

  markUnavailable(error: UnavailableException): void {
    this.#unavailableUntil = error.isPermanent() ? Infinity : Date.now() + error.seconds * 1000;
  }

  /** The initialised servlet; concurrent first requests share one initialisation. */
  allocate(): Promise<Servlet> {
    if (!this.#instance) {
      const loading = this.#load();
      this.#instance = loading;
      // A failed init is retried on a later request (Servlet spec §2.3.2.1), unless it was permanent.
      loading.then(
        (servlet) => {
          if (this.#instance === loading) this.#ready = servlet;
        },
        () => {
          if (this.#instance === loading) this.#instance = null;
        },
      );
    }
    return this.#instance;
  }

  /** The initialised servlet when allocate() has already resolved, else null. */
  allocated(): Servlet | null {
    return this.#ready;
  }

  /** Whether the servlet has been created (for load-on-startup and tests). */
  get loaded(): boolean {
    return this.#instance !== null;
  }

  async #load(): Promise<Servlet> {
    const servlet = this.#factory();
    try {
      // The Wrapper is a container (its parent chain reaches the Engine): the servlet gets the API only.
      await servlet.init(new ServletConfigFacade(this));
    } catch (error) {
      if (error instanceof UnavailableException) this.markUnavailable(error);
      throw error;
    }
    return servlet;
  }

  protected override async stopInternal(): Promise<void> {
    await super.stopInternal();
    const instance = this.#instance;
    this.#instance = null;
    this.#ready = null;
    if (!instance) return;
    try {
      const servlet = await instance;
      await servlet.destroy();
    } catch (error) {
      this.logger.warn({ err: error }, `Servlet [${this.name}] threw an exception from destroy()`);
    }
  }
}
