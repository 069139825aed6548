/** Runs a request through the selected filters and then the servlet; each filter may call the chain once. */
import type { Filter, FilterChain } from '../servlet/filter.js';
import type { ServletRequest } from '../servlet/http-servlet-request.js';
import type { ServletResponse } from '../servlet/http-servlet-response.js';
import type { Servlet } from '../servlet/servlet.js';
import { isPending, SETTLED as DONE, type ValveResult } from './valve.js';
import { ContainerError } from '../errors/container-error.js';

export class ApplicationFilterChain implements FilterChain {
  readonly #filters: readonly Filter[];
  readonly #servlet: Servlet;
  #position = 0;

  constructor(filters: readonly Filter[], servlet: Servlet) {
    this.#filters = filters;
    this.#servlet = servlet;
  }

  /** The container's entry into the chain: a promise only when a filter or the servlet is still running. */
  run(request: ServletRequest, response: ServletResponse): ValveResult {
    return this.#step(request, response);
  }

  /** The FilterChain API always answers with a promise; a synchronous throw becomes its rejection. */
  doFilter(request: ServletRequest, response: ServletResponse): Promise<void> {
    try {
      const result = this.#step(request, response);
      return isPending(result) ? Promise.resolve(result) : DONE;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #step(request: ServletRequest, response: ServletResponse): ValveResult {
    const index = this.#position++;
    if (index < this.#filters.length) {
      const filter = this.#filters[index]!;
      // A fresh chain object per step guards each filter against calling doFilter twice.
      return filter.doFilter(request, response, new ChainStep(this, filter));
    }
    if (index === this.#filters.length) return this.#servlet.service(request, response);
    throw reused(this.#filters.at(-1));
  }
}

class ChainStep implements FilterChain {
  #used = false;
  readonly #chain: ApplicationFilterChain;
  readonly #filter: Filter;

  constructor(chain: ApplicationFilterChain, filter: Filter) {
    this.#chain = chain;
    this.#filter = filter;
  }

  doFilter(request: ServletRequest, response: ServletResponse): Promise<void> {
    if (this.#used) return Promise.reject(reused(this.#filter));
    this.#used = true;
    return this.#chain.doFilter(request, response);
  }
}

/** Filters are plain objects to the chain: the class name is what identifies one in a message. */
function reused(filter: Filter | undefined): ContainerError {
  return new ContainerError('SV_ERR_SERVLET_FILTER_CHAIN_REUSED', { filter: filter?.constructor.name ?? '(none)' });
}
