/**
 * The ServletContext as webapp code sees it (Tomcat's ApplicationContextFacade): the API only. The
 * container's ApplicationContext, with its resources and lifecycle setters, sits in a private field.
 */
import type { RequestDispatcher } from '../../servlet/request-dispatcher.js';
import type { ServletContext } from '../../servlet/servlet-context.js';
import type { SessionType } from '../../servlet/session-type.js';

export class ServletContextFacade implements ServletContext {
  readonly #context: ServletContext;

  constructor(context: ServletContext) {
    this.#context = context;
  }

  getContextPath(): string {
    return this.#context.getContextPath();
  }
  getServletContextName(): string {
    return this.#context.getServletContextName();
  }
  getServerInfo(): string {
    return this.#context.getServerInfo();
  }
  getMajorVersion(): number {
    return this.#context.getMajorVersion();
  }
  getMinorVersion(): number {
    return this.#context.getMinorVersion();
  }
  getAttribute(name: string): unknown {
    return this.#context.getAttribute(name);
  }
  getAttributeNames(): string[] {
    return this.#context.getAttributeNames();
  }
  setAttribute(name: string, value: unknown): void {
    this.#context.setAttribute(name, value);
  }
  removeAttribute(name: string): void {
    this.#context.removeAttribute(name);
  }
  getInitParameter(name: string): string | null {
    return this.#context.getInitParameter(name);
  }
  getInitParameterNames(): string[] {
    return this.#context.getInitParameterNames();
  }
  setInitParameter(name: string, value: string): boolean {
    return this.#context.setInitParameter(name, value);
  }
  getRealPath(path: string): string | null {
    return this.#context.getRealPath(path);
  }
  getResource(path: string): URL | null {
    return this.#context.getResource(path);
  }
  getResourceAsStream(path: string): NodeJS.ReadableStream | null {
    return this.#context.getResourceAsStream(path);
  }
  getResourcePaths(path: string): string[] | null {
    return this.#context.getResourcePaths(path);
  }
  getMimeType(file: string): string | null {
    return this.#context.getMimeType(file);
  }
  getRequestDispatcher(path: string): RequestDispatcher | null {
    return this.#context.getRequestDispatcher(path);
  }
  getNamedDispatcher(name: string): RequestDispatcher | null {
    return this.#context.getNamedDispatcher(name);
  }
  getContext(uripath: string): ServletContext | null {
    return this.#context.getContext(uripath);
  }
  log(message: string, error?: unknown): void {
    this.#context.log(message, error);
  }
  addSessionType(type: SessionType): void {
    this.#context.addSessionType(type);
  }
}
