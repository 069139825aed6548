/** Servlet, ServletConfig and GenericServlet (Servlet spec ch. 2). */
import type { ServletRequest } from './http-servlet-request.js';
import type { ServletResponse } from './http-servlet-response.js';
import type { ServletContext } from './servlet-context.js';

export interface ServletConfig {
  getServletName(): string;
  getServletContext(): ServletContext;
  getInitParameter(name: string): string | null;
  getInitParameterNames(): string[];
}

export interface Servlet {
  init(config: ServletConfig): void | Promise<void>;
  getServletConfig(): ServletConfig | null;
  /** Handles one request; the response completes when the returned promise settles. */
  service(request: ServletRequest, response: ServletResponse): void | Promise<void>;
  getServletInfo(): string;
  destroy(): void | Promise<void>;
}

/** A protocol-independent servlet that keeps its config and offers shortcuts to it. */
export abstract class GenericServlet implements Servlet, ServletConfig {
  #config: ServletConfig | null = null;

  init(config: ServletConfig): void | Promise<void> {
    this.#config = config;
    return this.initServlet();
  }

  /** Override for initialisation work; the config is already available. (Java's no-arg init().) */
  initServlet(): void | Promise<void> {}

  getServletConfig(): ServletConfig | null {
    return this.#config;
  }

  getServletContext(): ServletContext {
    return this.#requireConfig().getServletContext();
  }

  getServletName(): string {
    return this.#requireConfig().getServletName();
  }

  getInitParameter(name: string): string | null {
    return this.#requireConfig().getInitParameter(name);
  }

  getInitParameterNames(): string[] {
    return this.#requireConfig().getInitParameterNames();
  }

  getServletInfo(): string {
    return '';
  }

  log(message: string, error?: unknown): void {
    this.getServletContext().log(`${this.getServletName()}: ${message}`, error);
  }

  destroy(): void | Promise<void> {}

  abstract service(request: ServletRequest, response: ServletResponse): void | Promise<void>;

  #requireConfig(): ServletConfig {
    if (!this.#config) throw new Error('The servlet has not been initialised: its ServletConfig is not yet available');
    return this.#config;
  }
}
