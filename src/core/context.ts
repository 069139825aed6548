/**
 * A Context is one deployed webapp: its servlets (Wrappers), filters, listeners, sessions, error pages and
 * ServletContext. It is built from a ContextDefinition produced by ContextConfig (Tomcat's StandardContext,
 * without the 187 KB).
 * Long because a Context owns the whole webapp lifecycle (start, reload, pause, stop) and its listener
 * events; the ServletContext, filters, dispatchers and error pages live in their own files.
 */
import type { ServletContext } from '../servlet/servlet-context.js';
import type { Logger } from 'pino';
import { logCoded } from '../logging/logger.js';
import type { ContextElementConfig } from '../config/server-config.js';
import type { Authenticator } from './authenticator.js';
import type { ContextBinding } from './context-binding.js';
import type { Request } from './request.js';
import { ContainerError, LifecycleError } from '../errors/container-error.js';
import { canonicalizeUri } from '../mapper/uri-canonicalizer.js';
import type { SessionManager } from '../session/session-manager.js';
import type { StoredSessions } from '../session/session-file.js';
import type { SessionTypes } from '../session/session-format.js';
import type { DispatcherType } from '../servlet/dispatcher-type.js';
import type { Filter, FilterConfig } from '../servlet/filter.js';
import type { ServletContextListener, ServletRequestAttributeListener, ServletRequestListener } from '../servlet/listeners.js';
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
  displayName: string | null = null;
  /** Instances of every `<listener>` class, in declaration order. */
  applicationListeners: readonly object[] = [];
  mimeMappings: ReadonlyMap<string, string> = new Map();
  welcomeFiles: readonly string[] = [];
  readonly #options: ContextOptions;
  #definition: ContextDefinition | null = null;
  #sessionManager: SessionManager | null = null;
  /** The sessions saved when this Context stopped, restored when it starts again (a reload keeps its users). */
  #carriedSessions: StoredSessions | null = null;
  #filters = new Map<string, FilterHolder>();
  /** filtersFor's selections: dispatcher type → servlet name → path → filters. */
  readonly #filterCache = new Map<DispatcherType, Map<string, Map<string, readonly Filter[]>>>();
  #registered = false;
  /** Whether any listener wants request events: most webapps have none, so the hot path skips them. */
  #hasRequestListeners = false;
  #servletContext: ApplicationContext;
  #generation = 0;
  /** Set while a reload or redeploy swaps this webapp out: new requests wait on it instead of failing. */
  #pause: { readonly promise: Promise<void>; readonly resolve: () => void } | null = null;
  #inFlight = 0;
  #failure: string | null = null;
  #onDrained: (() => void) | null = null;

  constructor(options: ContextOptions) {
    super(options.baseName, options.logger);
    this.path = options.path;
    this.docBase = options.docBase;
    this.config = options.config;
    this.#options = options;
    this.backgroundProcessorDelay = options.config.backgroundProcessorDelay;
    this.#servletContext = new ApplicationContext(this);
    this.pipeline.setBasic(new ContextValve(this));
  }

  get containerType(): string {
    return 'Context';
  }

  /** The ServletContext webapp code sees (a facade). */
  /** The SessionTypes the application registered (addSessionType), which its Manager stores sessions with. */
  get sessionTypes(): SessionTypes {
    return this.#servletContext.sessionTypes;
  }

  get servletContext(): ServletContext {
    return this.#servletContext.facade;
  }

  /** The container's side of it: resources, init parameters, the end of initialisation. */
  get applicationContext(): ApplicationContext {
    return this.#servletContext;
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
    if (!this.#sessionManager) {
      throw new ContainerError('SV_ERR_SESSION_MANAGER_UNAVAILABLE', { context: this.componentName, state: this.state });
    }
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
      getServletRequest: () => request.facade,
      getName: () => name,
      getValue: () => value,
    };
    for (const listener of this.applicationListeners as ServletRequestAttributeListener[]) {
      this.#callListener(listener, method, event);
    }
  }

  fireRequestInitialized(request: Request): void {
    if (!this.#hasRequestListeners) return;
    const event = { getServletContext: () => this.servletContext, getServletRequest: () => request.facade };
    for (const listener of this.applicationListeners as ServletRequestListener[]) {
      this.#callListener(listener, 'requestInitialized', event);
    }
  }

  fireRequestDestroyed(request: Request): void {
    if (!this.#hasRequestListeners) return;
    const event = { getServletContext: () => this.servletContext, getServletRequest: () => request.facade };
    for (const listener of [...this.applicationListeners].reverse() as ServletRequestListener[]) {
      this.#callListener(listener, 'requestDestroyed', event);
    }
  }

  findSiblingContext(uri: string): Context | null {
    const host = this.parent;
    return host ? this.#options.registry.findContext(host.name, uri) : null;
  }

  // --- filters and error pages ---

  /**
   * The filters for one dispatch, in order; synchronous and allocation-free when the webapp has none. The
   * selection depends only on (dispatcher type, servlet, path) and the definition, so it is computed once per
   * such triple and reused; the cache is bounded (paths come from clients) and dropped whenever the filters
   * or the definition change.
   */
  filtersFor(dispatcherType: DispatcherType, path: string, servletName: string): readonly Filter[] {
    const maps = this.#definition?.filterMaps ?? [];
    if (maps.length === 0) return NO_FILTERS;
    let byServlet = this.#filterCache.get(dispatcherType);
    if (byServlet === undefined) this.#filterCache.set(dispatcherType, (byServlet = new Map<string, Map<string, readonly Filter[]>>()));
    let byPath = byServlet.get(servletName);
    if (byPath === undefined) byServlet.set(servletName, (byPath = new Map<string, readonly Filter[]>()));
    let filters = byPath.get(path);
    if (filters === undefined) {
      filters = selectFilters(maps, dispatcherType, path, servletName).flatMap((name) => {
        const holder = this.#filters.get(name);
        return holder ? [holder.filter] : [];
      });
      if (byPath.size >= FILTER_CACHE_PATHS) byPath.clear();
      byPath.set(path, filters);
    }
    return filters;
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

  // --- reload: requests wait instead of failing (Tomcat's StandardContext.paused) ---

  /** True while this webapp is being reloaded or replaced: the adapter waits for whenResumed(), then maps again. */
  get paused(): boolean {
    return this.#pause !== null;
  }

  /** Counts a request in; false (nothing counted) while paused. Pair every true with exit(). */
  enter(): boolean {
    if (this.#pause) return false;
    this.#inFlight++;
    return true;
  }

  exit(): void {
    this.#inFlight--;
    if (this.#inFlight <= 0) this.#onDrained?.();
  }

  whenResumed(): Promise<void> {
    return this.#pause?.promise ?? Promise.resolve();
  }

  /**
   * Holds new requests, then waits up to `unloadDelayMs` (Tomcat's unloadDelay) for those in flight to finish,
   * so each response comes wholly from one generation of the app. The mapping is kept while paused.
   */
  async pause(unloadDelayMs = 2000): Promise<void> {
    if (!this.#pause) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.#pause = { promise, resolve };
    }
    if (this.#inFlight > 0) {
      await new Promise<void>((resolveDrained) => {
        const timer = setTimeout(resolveDrained, unloadDelayMs);
        this.#onDrained = () => {
          clearTimeout(timer);
          resolveDrained();
        };
      });
      this.#onDrained = null;
      if (this.#inFlight > 0) {
        this.logger.warn(
          `[${this.#inFlight}] requests to web application [${this.path || '/'}] were still running after unloadDelay [${unloadDelayMs}] ms`,
        );
      }
    }
  }

  /** Lets waiting requests map again; a webapp that did not come back is taken out of the Mapper first. */
  resume(): void {
    if (this.state !== 'STARTED' && this.#registered) {
      this.#options.registry.unregisterContext(this);
      this.#registered = false;
    }
    const pause = this.#pause;
    this.#pause = null;
    pause?.resolve();
  }

  /** Stops and starts this Context (web.xml re-read, modules reloaded) while requests to it wait. */
  async reload(): Promise<void> {
    await this.pause();
    try {
      await this.stop();
      await this.start();
    } finally {
      this.resume();
    }
  }

  // --- lifecycle ---

  /** Why the last start failed (the innermost cause), for the Host's deployment log; null once started. */
  get failure(): string | null {
    return this.#failure;
  }

  protected override async startInternal(): Promise<void> {
    this.#failure = null;
    try {
      await this.#startGeneration();
    } catch (error) {
      this.#failure = innermostMessage(error);
      throw error;
    }
  }

  async #startGeneration(): Promise<void> {
    // A restarted Context gets a fresh ServletContext: attributes of the previous generation must not leak in.
    if (this.#generation++ > 0) this.#servletContext = new ApplicationContext(this);
    const definition = await this.#options.configure(this);
    this.#definition = definition;
    if (definition.enforcesSecurity) this.installAuthenticator();
    this.#filterCache.clear();
    this.displayName = definition.displayName;
    this.mimeMappings = definition.mimeMappings;
    this.welcomeFiles = definition.welcomeFiles;
    this.#servletContext.setInitParameters(this.#initParameters(definition));
    // <Environment> entries of the context descriptors, as the app's java:comp/env (a frozen name → value object).
    this.servletContext.setAttribute(
      'java:comp/env',
      Object.freeze(Object.fromEntries(this.config.environments.map((e) => [e.name, environmentValue(e.type, e.value)]))),
    );

    for (const servlet of definition.servlets) {
      await this.addChild(
        new Wrapper({
          name: servlet.name,
          factory: servlet.factory,
          servletClass: servlet.servletClass,
          initParams: servlet.initParams,
          loadOnStartup: servlet.loadOnStartup,
          asyncSupported: servlet.asyncSupported,
          multipartConfig: servlet.multipartConfig ?? null,
          servletContext: this.servletContext,
          logger: this.logger,
        }),
      );
    }
    this.applicationListeners = definition.listeners.map((l) => l.factory());
    this.#hasRequestListeners = this.applicationListeners.some(
      (l) =>
        typeof (l as ServletRequestListener).requestInitialized === 'function' ||
        typeof (l as ServletRequestListener).requestDestroyed === 'function',
    );
    this.#sessionManager = this.#options.createSessionManager(this, definition);
    await this.#sessionManager.start();

    const contextEvent = { getServletContext: () => this.servletContext };
    for (const listener of this.applicationListeners as ServletContextListener[]) {
      if (typeof listener.contextInitialized === 'function') await listener.contextInitialized(contextEvent);
    }
    // After the listeners, which register the application's SessionTypes (Tomcat too loads sessions after them).
    await this.#sessionManager.restore(this.#carriedSessions);
    this.#carriedSessions = null;
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
      this.#filterCache.clear();
    }
    this.#servletContext.endInitialisation();

    await super.startInternal();
    await this.#loadOnStartup();
    // After a reload the old mappings (kept while paused) are replaced in one synchronous step: no request
    // can see the Context unmapped in between.
    if (this.#registered) this.#options.registry.unregisterContext(this);
    this.#options.registry.registerContext(this);
    this.#registered = true;
  }

  get authenticator(): Authenticator {
    const definition = this.#definition;
    if (definition === null) throw new ContainerError('SV_ERR_CONTEXT_NOT_STARTED', { context: this.name, what: 'authenticator' });
    return definition.authenticator;
  }

  /**
   * Puts the authenticator at the head of the pipeline (once): from the start when the webapp declares security,
   * else at its first request.login(), so the user it cached in the session is found again on later requests.
   */
  installAuthenticator(): void {
    const authenticator = this.#definition?.authenticator;
    if (authenticator === undefined || this.pipeline.getValves().includes(authenticator)) return;
    this.pipeline.addValve(authenticator);
  }

  protected override async stopInternal(): Promise<void> {
    // While paused the mapping stays, so requests keep arriving here and wait for the next generation.
    if (this.#registered && !this.#pause) {
      this.#options.registry.unregisterContext(this);
      this.#registered = false;
    }
    await super.stopInternal();
    for (const holder of [...this.#filters.values()].reverse()) {
      try {
        await holder.filter.destroy?.();
      } catch (error) {
        this.logger.warn({ err: error }, `Filter [${holder.name}] threw an exception from destroy()`);
      }
    }
    this.#filters.clear();
    this.#filterCache.clear();
    this.#carriedSessions = (await this.#sessionManager?.stop()) ?? null;
    const contextEvent = { getServletContext: () => this.servletContext };
    for (const listener of [...this.applicationListeners].reverse() as ServletContextListener[]) {
      try {
        if (typeof listener.contextDestroyed === 'function') await listener.contextDestroyed(contextEvent);
      } catch (error) {
        this.logger.warn({ err: error }, 'A listener threw an exception from contextDestroyed()');
      }
    }
    this.applicationListeners = [];
    this.#hasRequestListeners = false;
    for (const child of this.findChildren()) await this.removeChild(child);
    if (this.#definition !== null) this.pipeline.removeValve(this.#definition.authenticator);
    const leaks = this.#options.deconfigure(this);
    for (const leak of leaks) {
      logCoded(this.logger, 'warn', { code: 'SV_MSG_DEPLOY_LEAK_CLEARED', params: { name: this.name, leak } });
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

/**
 * The message that says what went wrong and where: the deepest catalogued error below the lifecycle wrappers
 * (it names the file: "Module [WEB-INF/classes/x.js] … failed to load: …"), else the innermost cause.
 */
function innermostMessage(error: unknown): string {
  let current: unknown = error;
  let named: string | null = null;
  for (let depth = 0; depth < 10 && current instanceof Error; depth++) {
    if (current instanceof ContainerError && !(current instanceof LifecycleError)) named = current.message;
    current = current instanceof AggregateError && current.errors.length > 0 ? current.errors[0] : current.cause;
  }
  if (named !== null) return named;
  return current instanceof Error ? current.message : error instanceof Error ? error.message : String(error);
}

/** `<Environment type>` is a Java class name; numbers and booleans become JS numbers and booleans. */
function environmentValue(type: string, value: string): string | number | boolean {
  switch (type) {
    case 'java.lang.Boolean':
      return value.trim().toLowerCase() === 'true';
    case 'java.lang.Byte':
    case 'java.lang.Short':
    case 'java.lang.Integer':
    case 'java.lang.Long':
    case 'java.lang.Float':
    case 'java.lang.Double':
      return Number(value);
    default:
      return value;
  }
}

const NO_FILTERS: readonly Filter[] = Object.freeze([]);
/** Paths remembered per (dispatcher type, servlet) by filtersFor before its cache starts over. */
const FILTER_CACHE_PATHS = 512;

function simpleName(type: string): string {
  const dot = type.lastIndexOf('.');
  return dot < 0 ? type : type.slice(dot + 1);
}
