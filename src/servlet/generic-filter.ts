/**
 * GenericFilter and HttpFilter (Servlet spec §6.2): base classes that keep the FilterConfig and, for
 * HttpFilter, pass non-HTTP requests by. Their methods are ordinary (possibly async) methods.
 */
import type { Filter, FilterChain, FilterConfig } from './filter.js';
import { isHttpRequest, isHttpResponse } from './http-servlet.js';
import type { HttpServletRequest, ServletRequest } from './http-servlet-request.js';
import type { HttpServletResponse, ServletResponse } from './http-servlet-response.js';
import type { ServletContext } from './servlet-context.js';
import { ServletException } from './servlet-exception.js';

export abstract class GenericFilter implements Filter, FilterConfig {
  #config: FilterConfig | null = null;

  init(config: FilterConfig): void | Promise<void> {
    this.#config = config;
    return this.initFilter();
  }

  /** Override for initialisation work; the config is already available. (Java's no-arg init().) */
  initFilter(): void | Promise<void> {}

  getFilterConfig(): FilterConfig | null {
    return this.#config;
  }
  getFilterName(): string {
    return this.#requireConfig().getFilterName();
  }
  getServletContext(): ServletContext {
    return this.#requireConfig().getServletContext();
  }
  getInitParameter(name: string): string | null {
    return this.#requireConfig().getInitParameter(name);
  }
  getInitParameterNames(): string[] {
    return this.#requireConfig().getInitParameterNames();
  }

  destroy(): void | Promise<void> {}

  abstract doFilter(request: ServletRequest, response: ServletResponse, chain: FilterChain): void | Promise<void>;

  #requireConfig(): FilterConfig {
    if (this.#config === null) throw new ServletException('The filter has not been initialised: its FilterConfig is not yet available');
    return this.#config;
  }
}

/** A filter for HTTP requests: override doFilterHttp (Java's protected doFilter(HttpServletRequest, …)). */
export abstract class HttpFilter extends GenericFilter {
  doFilter(request: ServletRequest, response: ServletResponse, chain: FilterChain): void | Promise<void> {
    if (!isHttpRequest(request) || !isHttpResponse(response)) {
      throw new ServletException('HttpFilter only handles HTTP requests');
    }
    return this.doFilterHttp(request, response, chain);
  }

  /** By default passes the request on unchanged. */
  protected doFilterHttp(request: HttpServletRequest, response: HttpServletResponse, chain: FilterChain): void | Promise<void> {
    return chain.doFilter(request, response);
  }
}
