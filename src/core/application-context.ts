/** The ServletContext a webapp sees: attributes, init parameters, resources, MIME types and dispatchers. */
import { realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import mime from 'mime-types';
import { DirectoryResources, webappPathSegments, type WebappResources } from '../resources/webapp-resources.js';
import type { ServletContextAttributeListener } from '../servlet/listeners.js';
import type { RequestDispatcher } from '../servlet/request-dispatcher.js';
import type { ServletContext } from '../servlet/servlet-context.js';
import type { SessionType } from '../servlet/session-type.js';
import { SessionTypes } from '../session/session-format.js';
import { SERVER_INFO } from '../version/version.js';
import type { Context } from './context.js';
import { ContainerError } from '../errors/container-error.js';
import { ServletContextFacade } from './facade/servlet-context-facade.js';

/** ServletContext (the facade apps hold) → its Context, for the container's own servlets. */
const owners = new WeakMap<ServletContext, Context>();

export function containerOf(servletContext: ServletContext): Context | null {
  return owners.get(servletContext) ?? null;
}

export class ApplicationContext implements ServletContext {
  readonly #context: Context;
  readonly #attributes = new Map<string, unknown>();
  readonly #initParams = new Map<string, string>();
  #resources: WebappResources | null = null;
  #initialising = true;
  /** What webapp code is handed: the API without the setters and resources below. */
  readonly facade: ServletContext;

  constructor(context: Context) {
    this.#context = context;
    this.facade = new ServletContextFacade(this);
    owners.set(this.facade, context);
  }

  /** Called by the Context once its listeners have run: setInitParameter is no longer allowed. */
  endInitialisation(): void {
    this.#initialising = false;
  }

  /** The webapp's files (ContextConfig opens them: a directory, or a bundle served from the archive). */
  setResources(resources: WebappResources): void {
    this.#resources = resources;
  }

  get resources(): WebappResources {
    this.#resources ??= new DirectoryResources(this.#context.docBase);
    return this.#resources;
  }

  setInitParameters(params: ReadonlyMap<string, string>): void {
    this.#initParams.clear();
    for (const [name, value] of params) this.#initParams.set(name, value);
  }

  getContextPath(): string {
    return this.#context.path;
  }

  getServletContextName(): string {
    return this.#context.displayName ?? this.#context.name;
  }

  getServerInfo(): string {
    return SERVER_INFO;
  }

  getMajorVersion(): number {
    return 6;
  }

  getMinorVersion(): number {
    return 0;
  }

  getAttribute(name: string): unknown {
    return this.#attributes.get(name) ?? null;
  }

  getAttributeNames(): string[] {
    return [...this.#attributes.keys()];
  }

  setAttribute(name: string, value: unknown): void {
    if (value === null || value === undefined) {
      this.removeAttribute(name);
      return;
    }
    const had = this.#attributes.has(name);
    const old = this.#attributes.get(name);
    this.#attributes.set(name, value);
    this.#fire(had ? 'attributeReplaced' : 'attributeAdded', name, had ? old : value);
  }

  removeAttribute(name: string): void {
    if (!this.#attributes.has(name)) return;
    const old = this.#attributes.get(name);
    this.#attributes.delete(name);
    this.#fire('attributeRemoved', name, old);
  }

  getInitParameter(name: string): string | null {
    return this.#initParams.get(name) ?? null;
  }

  getInitParameterNames(): string[] {
    return [...this.#initParams.keys()];
  }

  setInitParameter(name: string, value: string): boolean {
    if (!this.#initialising) {
      throw new ContainerError('SV_ERR_CONTEXT_ALREADY_INITIALISED', { method: 'setInitParameter', context: this.#context.componentName });
    }
    if (this.#initParams.has(name)) return false;
    this.#initParams.set(name, value);
    return true;
  }

  /** Null for a webapp served from its bundle (unpackWARs="false"): no file on disk holds it (as in Tomcat). */
  getRealPath(path: string): string | null {
    return this.resources.realPath(path);
  }

  /** A `file:` URL, or `jar:file:…!/path` inside a bundle served from the archive. */
  getResource(path: string): URL | null {
    return this.resources.url(path);
  }

  getResourceAsStream(path: string): NodeJS.ReadableStream | null {
    const resources = this.resources;
    if (!resources.stat(path)?.isFile) return null;
    return resources.createReadStream(path);
  }

  getResourcePaths(path: string): string[] | null {
    const resources = this.resources;
    if (!resources.stat(path)?.isDirectory) return null;
    const base = path.endsWith('/') ? path : `${path}/`;
    return resources.list(path).map((name) => `${base}${name}${resources.stat(`${base}${name}`)?.isDirectory ? '/' : ''}`);
  }

  getMimeType(file: string): string | null {
    const slash = file.lastIndexOf('/');
    const dot = file.lastIndexOf('.');
    if (dot <= slash) return null;
    const extension = file.slice(dot + 1).toLowerCase();
    return this.#context.mimeMappings.get(extension) ?? (mime.lookup(extension) || null);
  }

  getRequestDispatcher(path: string): RequestDispatcher | null {
    return this.#context.getRequestDispatcher(path);
  }

  getNamedDispatcher(name: string): RequestDispatcher | null {
    return this.#context.getNamedDispatcher(name);
  }

  getContext(uripath: string): ServletContext | null {
    if (uripath === this.#context.path || uripath === `${this.#context.path}/`) return this.facade;
    if (!this.#context.crossContext) return null;
    return this.#context.findSiblingContext(uripath)?.servletContext ?? null;
  }

  /** The application's SessionTypes, which its Manager saves and restores sessions with. */
  readonly sessionTypes = new SessionTypes();

  addSessionType(type: SessionType): void {
    this.sessionTypes.register(type);
  }

  log(message: string, error?: unknown): void {
    if (error === undefined) this.#context.logger.info(message);
    else this.#context.logger.error({ err: error }, message);
  }

  #fire(kind: 'attributeAdded' | 'attributeRemoved' | 'attributeReplaced', name: string, value: unknown): void {
    const event = { getServletContext: () => this.facade, getName: () => name, getValue: () => value };
    for (const listener of this.#context.applicationListeners as ServletContextAttributeListener[]) {
      // Called with its listener as `this` below.
      // eslint-disable-next-line @typescript-eslint/unbound-method
      const handler = listener[kind];
      if (typeof handler !== 'function') continue;
      try {
        handler.call(listener, event);
      } catch (error) {
        this.#context.logger.error({ err: error }, `Listener ${kind} for context attribute [${name}] threw`);
      }
    }
  }
}

/**
 * Maps a webapp path onto the docBase; null when the path is not absolute or would leave the docBase
 * (also through symbolic links, unless the caller checked allowLinking).
 */
export function resolveInside(docBase: string, path: string): string | null {
  const segments = webappPathSegments(path);
  if (segments === null) return null;
  const candidate = join(docBase, ...segments);
  if (candidate !== docBase && !candidate.startsWith(docBase + sep)) return null;
  return candidate;
}

/** The canonical path of an existing file, or null when it resolves outside docBase (symlink escape). */
export function realPathInside(docBase: string, file: string): string | null {
  try {
    const real = realpathSync(file);
    const base = realpathSync(docBase);
    return real === base || real.startsWith(base + sep) ? real : null;
  } catch {
    return null;
  }
}
