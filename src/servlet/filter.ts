/** Filters (Servlet spec ch. 6). */
import type { ServletRequest } from './http-servlet-request.js';
import type { ServletResponse } from './http-servlet-response.js';
import type { ServletContext } from './servlet-context.js';

export interface FilterConfig {
  getFilterName(): string;
  getServletContext(): ServletContext;
  getInitParameter(name: string): string | null;
  getInitParameterNames(): string[];
}

export interface FilterChain {
  /** Passes the request to the next filter or to the servlet. Calling it twice throws. */
  doFilter(request: ServletRequest, response: ServletResponse): Promise<void>;
}

export interface Filter {
  init?(config: FilterConfig): void | Promise<void>;
  doFilter(request: ServletRequest, response: ServletResponse, chain: FilterChain): void | Promise<void>;
  destroy?(): void | Promise<void>;
}
