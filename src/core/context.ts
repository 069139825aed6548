/**
 * A Context is one deployed webapp: its servlets (Wrappers), filters, listeners, sessions, error pages and
 * ServletContext. It is built from a ContextDefinition produced by ContextConfig (Tomcat's StandardContext,
 * without the 187 KB).
 */
import type { Logger } from 'pino';
import type { ContextConfig as ContextElementConfig } from '../config/server-config.js';
import type { ContextBinding } from '../connector/context-binding.js';
import type { Request } from '../connector/request.js';
import { emptyMappingData } from '../mapper/mapping-data.js';
import { canonicalizeUri } from '../mapper/uri-canonicalizer.js';
import type { SessionManager } from '../session/session-manager.js';
import type { DispatcherType } from '../servlet/dispatcher-type.js';
import type { Filter, FilterConfig } from '../servlet/filter.js';
import type {
  ServletContextListener,
  ServletRequestAttributeListener,
  ServletRequestListener,
} from '../servlet/listeners.js';
import type { RequestDispatcher } from '../servlet/request-dispatcher.js';
import { ApplicationContext } from './application-context.js';
import { ApplicationDispatcher } from './application-dispatcher.js';
import { ContainerBase } from './container-base.js';
import type { ContextDefinition, ErrorPageDefinition } from './context-definition.js';
import { ContextValve } from './context-valve.js';
import { selectFilters } from './filter-map.js';
import { Wrapper } from './wrapper.js';

/** What a Context needs from the Mapper of its Service. */
export interface ContextRegistry {
  registerContext(context: Context): void;
  unregisterContext(context: Context): void;
  /** Maps a canonical path inside the context; null when no servlet matches. */
  mapWithinContext(context: Context, path: string): { wrapper: Wrapper; servletPath: string; pathInfo: string | null } | null;
  findContext(host: string, uri: string): Context | null;
}

export interface ContextOptions {
  /** The context path: "" for ROOT, else `/name`. */
  path: string;
  /** The base name (`ROOT`, `foo#bar`, `foo##2`); the container name. */
  baseName: string;
  /** Absolute path of the webapp directory. */
  docBase: string;
  config: ContextElementConfig;
  logger: Logger;
  registry: ContextRegistry;
  /** Parses descriptors, loads classes and returns the definition (ContextConfig). */
  configure: (context: Context) => Promise<ContextDefinition>;
  /** Releases what configure() acquired (the webapp's module registry); returns leak warnings. */
  deconfigure: (context: Context) => string[];
  createSessionManager: (context: Context, definition: ContextDefinition) => SessionManager;
}

interface FilterHolder {
  readonly name: string;
  readonly filter: Filter;
}

export class Context extends ContainerBase implements ContextBinding {
  readonly path: string;
  readonly docBase: string;
  readonly config: ContextElementConfig;
  readonly servletContext: ApplicationContext;
  displayName: string | null = null;
  /** Instances of every `<listener>` class, in declaration order. */
  applicationListeners: readonly object[] = [];
  mimeMappings: ReadonlyMap<string, string> = new Map();
  welcomeFiles: readonly string[] = [];
  readonly #options: ContextOptions;
  #definition: ContextDefinition | null = null;
  #sessionManager: SessionManager | null = null;
  #filters = new Map<string, FilterHolder>();
  #registered = false;

  constructor(options: ContextOptions) {
    super(options.baseName, options.logger);
    this.path = options.path;
    this.docBase = options.docBase;
    this.config = options.config;
    this.#options = options;
    this.backgroundProcessorDelay = options.config.backgroundProcessorDelay;
    this.servletContext = new ApplicationContext(this);
    this.pipeline.setBasic(new ContextValve(this));
  }

  get containerType(): string {
    return 'Context';
  }

  get definition(): ContextDefinition | null {
    return this.#definition;
  }

  // --- ContextBinding: what requests need from their webapp ---

  get contextPath(): string {
    return this.path;
  }

  get crossContext(): boolean {
    return this.config.crossContext;
  }

  get sessionCookieName(): string {
    return this.#definition?.sessionCookie.name ?? this.config.sessionCookieName;
  }

  get sessionCookiePath(): string {
    return this.#definition?.sessionCookie.path ?? this.config.sessionCookiePath ?? (this.path === '' ? '/' : this.path);
  }

  get sessionCookieSecure(): boolean | null {
    return this.#definition?.sessionCookie.secure ?? null;
  }

  get useHttpOnly(): boolean {
    return this.#definition?.sessionCookie.httpOnly ?? this.config.useHttpOnly;
  }

  get useRelativeRedirects(): boolean {
    return this.config.useRelativeRedirects;
  }

  get requestCharacterEncoding(): string | null {
    return this.#definition?.requestCharacterEncoding ?? null;
  }

  get responseCharacterEncoding(): string | null {
    return this.#definition?.responseCharacterEncoding ?? null;
  }

  get sessionManager(): SessionManager {
    if (!this.#sessionManager) throw new Error(`${this.componentName} has no session manager: it is not started`);
    return this.#sessionManager;
  }

  getRequestDispatcher(path: string): RequestDispatcher | null {
    if (!path.startsWith('/')) return null;
    const question = path.indexOf('?');
    const rawPath = question < 0 ? path : path.slice(0, question);
    const queryString = question < 0 ? null : path.slice(question + 1);
    let canonical: string;
    try {
      canonical = canonicalizeUri(rawPath, {
        encodedSolidusHandling: 'decode',
        allowBackslash: false,
        rejectSuspiciousURIs: false,
        uriEncoding: 'UTF-8',
      }).path;
    } catch {
      return null;
    }
    const match = this.#options.registry.mapWithinContext(this, canonical);
    if (!match) return null;
    return new ApplicationDispatcher(match.wrapper, {
      requestURI: this.path + rawPath,
      contextPath: this.path,
      servletPath: match.servletPath,
      pathInfo: match.pathInfo,
      queryString,
    });
  }

  /** The servlet an error-page location maps to (the query, if any, is ignored for mapping). */
  mapErrorPage(location: string): { wrapper: Wrapper; servletPath: string; pathInfo: string | null } | null {
    const question = location.indexOf('?');
    return this.#options.registry.mapWithinContext(this, question < 0 ? location : location.slice(0, question));
  }

  getNamedDispatcher(name: string): RequestDispatcher | null {
    const wrapper = this.findChild(name);
    return wrapper instanceof Wrapper ? new ApplicationDispatcher(wrapper, null) : null;
  }

  fireRequestAttributeEvent(kind: 'added' | 'removed' | 'replaced', request: Request, name: string, value: unknown): void {
    const method = kind === 'added' ? 'attributeAdded' : kind === 'removed' ? 'attributeRemoved' : 'attributeReplaced';
    const event = {
      getServletContext: () => this.servletContext,
      getServletRequest: () => request,
      getName: () => name,
      getValue: () => value,
    };
    for (const listener of this.applicationListeners as ServletRequestAttributeListener[]) {
      this.#callListener(listener, method, event);
    }
  }

  fireRequestInitialized(request: Request): void {
    const event = { getServletContext: () => this.servletContext, getServletRequest: () => request };
    for (const listener of this.applicationListeners as ServletRequestListener[]) {
      this.#callListener(listener, 'requestInitialized', event);
    }
  }

  fireRequestDestroyed(request: Request): void {
    const event = { getServletContext: () => this.servletContext, getServletRequest: () => request };
    for (const listener of [...this.applicationListeners].reverse() as ServletRequestListener[]) {
      this.#callListener(listener, 'requestDestroyed', event);
    }
  }

  findSiblingContext(uri: string): Context | null {
    const host = this.parent;
    return host ? this.#options.registry.findContext(host.name, uri) : null;
  }

  // --- filters and error pages ---

  async filtersFor(dispatcherType: DispatcherType, path: string, servletName: string): Promise<Filter[]> {
    const maps = this.#definition?.filterMaps ?? [];
    if (maps.length === 0) return [];
    return selectFilters(maps, dispatcherType, path, servletName).flatMap((name) => {
      const holder = this.#filters.get(name);
      return holder ? [holder.filter] : [];
    });
  }

  /** The error page for a status code, else the default page. */
  findErrorPage(status: number): ErrorPageDefinition | null {
    const pages = this.#definition?.errorPages ?? [];
    return pages.find((p) => p.errorCode === status) ?? pages.find((p) => p.errorCode === null && p.exceptionType === null) ?? null;
  }

  /** The error page for a thrown value: the nearest class in its prototype chain wins, then its `name`. */
  findErrorPageForError(error: unknown): ErrorPageDefinition | null {
    const pages = (this.#definition?.errorPages ?? []).filter((p) => p.exceptionType !== null);
    if (pages.length === 0 || typeof error !== 'object' || error === null) return null;
    const byType = new Map(pages.map((p) => [simpleName(p.exceptionType!), p]));
    for (let proto: unknown = Object.getPrototypeOf(error); proto; proto = Object.getPrototypeOf(proto)) {
      const name = (proto as { constructor?: { name?: string } }).constructor?.name;
      const page = name ? byType.get(name) : undefined;
      if (page) return page;
    }
    const name = (error as { name?: unknown }).name;
    return typeof name === 'string' ? (byType.get(name) ?? null) : null;
  }

  // --- lifecycle ---

  protected override async startInternal(): Promise<void> {
    const definition = await this.#options.configure(this);
    this.#definition = definition;
    this.displayName = definition.displayName;
    this.mimeMappings = definition.mimeMappings;
    this.welcomeFiles = definition.welcomeFiles;
    this.servletContext.setInitParameters(this.#initParameters(definition));

    for (const servlet of definition.servlets) {
      await this.addChild(
        new Wrapper({
          name: servlet.name,
          factory: servlet.factory,
          servletClass: servlet.servletClass,
          initParams: servlet.initParams,
          loadOnStartup: servlet.loadOnStartup,
          asyncSupported: servlet.asyncSupported,
          servletContext: this.servletContext,
          logger: this.logger,
        }),
      );
    }
    this.applicationListeners = definition.listeners.map((l) => l.factory());
    this.#sessionManager = this.#options.createSessionManager(this, definition);
    await this.#sessionManager.start();

    const contextEvent = { getServletContext: () => this.servletContext };
    for (const listener of this.applicationListeners as ServletContextListener[]) {
      if (typeof listener.contextInitialized === 'function') await listener.contextInitialized(contextEvent);
    }
    for (const filter of definition.filters) {
      const instance = filter.factory();
      const config: FilterConfig = {
        getFilterName: () => filter.name,
        getServletContext: () => this.servletContext,
        getInitParameter: (name) => filter.initParams.get(name) ?? null,
        getInitParameterNames: () => [...filter.initParams.keys()],
      };
      if (typeof instance.init === 'function') await instance.init(config);
      this.#filters.set(filter.name, { name: filter.name, filter: instance });
    }
    this.servletContext.endInitialisation();

    await super.startInternal();
    await this.#loadOnStartup();
    this.#options.registry.registerContext(this);
    this.#registered = true;
  }

  protected override async stopInternal(): Promise<void> {
    if (this.#registered) this.#options.registry.unregisterContext(this);
    this.#registered = false;
    await super.stopInternal();
    for (const holder of [...this.#filters.values()].reverse()) {
      try {
        await holder.filter.destroy?.();
      } catch (error) {
        this.logger.warn({ err: error }, `Filter [${holder.name}] threw an exception from destroy()`);
      }
    }
    this.#filters.clear();
    await this.#sessionManager?.stop();
    const contextEvent = { getServletContext: () => this.servletContext };
    for (const listener of [...this.applicationListeners].reverse() as ServletContextListener[]) {
      try {
        if (typeof listener.contextDestroyed === 'function') await listener.contextDestroyed(contextEvent);
      } catch (error) {
        this.logger.warn({ err: error }, 'A listener threw an exception from contextDestroyed()');
      }
    }
    this.applicationListeners = [];
    for (const child of this.findChildren()) await this.removeChild(child);
    const leaks = this.#options.deconfigure(this);
    for (const leak of leaks) {
      this.logger.warn(`The web application [${this.name}] left ${leak} behind; it has been cleared to prevent a memory leak`);
    }
  }

  /** Tick for this webapp: session expiry, then valves and the periodic event. */
  override backgroundProcess(): void {
    if (this.state !== 'STARTED') return;
    this.#sessionManager?.backgroundProcess();
    super.backgroundProcess();
  }

  #initParameters(definition: ContextDefinition): Map<string, string> {
    const params = new Map(definition.contextParams);
    // <Parameter override="false"> in a context descriptor beats web.xml; override="true" lets web.xml win.
    for (const parameter of this.config.parameters) {
      if (!parameter.override || !params.has(parameter.name)) params.set(parameter.name, parameter.value);
    }
    return params;
  }

  async #loadOnStartup(): Promise<void> {
    const wrappers = this.findChildren()
      .filter((c): c is Wrapper => c instanceof Wrapper && c.loadOnStartup !== null && c.loadOnStartup >= 0)
      .sort((a, b) => a.loadOnStartup! - b.loadOnStartup!);
    for (const wrapper of wrappers) {
      try {
        await wrapper.allocate();
      } catch (error) {
        // Tomcat's default (failCtxIfServletStartFails=false): log and keep the context running.
        this.logger.error(
          { err: error, code: 'SV_ERR_SERVLET_INIT_FAILED' },
          `Servlet [${wrapper.name}] in web application [${this.path || '/'}] threw load() exception`,
        );
      }
    }
  }

  #callListener(listener: object, method: string, event: object): void {
    const handler = (listener as Record<string, unknown>)[method];
    if (typeof handler !== 'function') return;
    try {
      (handler as (e: object) => void).call(listener, event);
    } catch (error) {
      this.logger.error({ err: error }, `Listener ${method}() threw an exception`);
    }
  }
}

function simpleName(type: string): string {
  const dot = type.lastIndexOf('.');
  return dot < 0 ? type : type.slice(dot + 1);
}
