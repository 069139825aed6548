/** RequestDispatcher for a path or a named servlet inside one Context (Servlet spec ch. 9). */
import type { HttpServletRequest } from '../servlet/http-servlet-request.js';
import type { HttpServletResponse } from '../servlet/http-servlet-response.js';
import { RequestDispatcherAttributes as A, type RequestDispatcher } from '../servlet/request-dispatcher.js';
import type { Response } from './response.js';
import { ContainerError } from '../errors/container-error.js';
import { DispatchedRequest, type DispatchView } from './dispatched-request.js';
import { containerRequestOf } from './facade/request-facade.js';
import { IncludedResponse } from './included-response.js';
import type { Request } from './request.js';
import { serviceWrapper } from './wrapper-valve.js';
import type { Wrapper } from './wrapper.js';

/** Where a path dispatcher points; null for a named dispatcher (paths stay as they are). */
export interface DispatchTarget {
  readonly requestURI: string;
  readonly contextPath: string;
  readonly servletPath: string;
  readonly pathInfo: string | null;
  readonly queryString: string | null;
}

export class ApplicationDispatcher implements RequestDispatcher {
  readonly #wrapper: Wrapper;
  readonly #target: DispatchTarget | null;

  constructor(wrapper: Wrapper, target: DispatchTarget | null) {
    this.#wrapper = wrapper;
    this.#target = target;
  }

  async forward(request: HttpServletRequest, response: HttpServletResponse): Promise<void> {
    const base = dispatchedBase(request, 'forward');
    const baseResponse = base.response;
    if (baseResponse.isCommitted()) {
      throw new ContainerError('SV_ERR_RESPONSE_COMMITTED', { action: 'forward' });
    }
    baseResponse.resetBuffer();
    const target = this.#target;
    const attributes = new Map<string, unknown>();
    let view: DispatchView = { dispatcherType: 'FORWARD', attributes };
    if (target) {
      // The forward.* attributes describe the original request; a nested forward keeps the first values.
      const original = request.getAttribute(A.FORWARD_REQUEST_URI) === null;
      if (original) {
        attributes.set(A.FORWARD_REQUEST_URI, request.getRequestURI());
        attributes.set(A.FORWARD_CONTEXT_PATH, request.getContextPath());
        attributes.set(A.FORWARD_SERVLET_PATH, request.getServletPath());
        attributes.set(A.FORWARD_PATH_INFO, request.getPathInfo());
        attributes.set(A.FORWARD_QUERY_STRING, request.getQueryString());
      }
      view = { ...view, ...target };
    }
    const wrapped = new DispatchedRequest(request, view);
    await serviceWrapper(this.#wrapper, 'FORWARD', this.#path(wrapped), base, baseResponse, wrapped, response);
    await closeAfterForward(baseResponse);
  }

  async include(request: HttpServletRequest, response: HttpServletResponse): Promise<void> {
    const base = dispatchedBase(request, 'include');
    const attributes = new Map<string, unknown>();
    const target = this.#target;
    if (target) {
      attributes.set(A.INCLUDE_REQUEST_URI, target.requestURI);
      attributes.set(A.INCLUDE_CONTEXT_PATH, target.contextPath);
      attributes.set(A.INCLUDE_SERVLET_PATH, target.servletPath);
      attributes.set(A.INCLUDE_PATH_INFO, target.pathInfo);
      attributes.set(A.INCLUDE_QUERY_STRING, target.queryString);
    }
    const wrapped = new DispatchedRequest(request, { dispatcherType: 'INCLUDE', queryString: target?.queryString ?? null, attributes });
    const path = target ? target.servletPath + (target.pathInfo ?? '') : this.#path(request);
    await serviceWrapper(this.#wrapper, 'INCLUDE', path, base, base.response, wrapped, new IncludedResponse(response));
  }

  #path(request: HttpServletRequest): string {
    return request.getServletPath() + (request.getPathInfo() ?? '');
  }
}

/**
 * The container's request under the one app code dispatches. Servlet spec §6.2.2: what a filter passes on must
 * be the request it was given or a ServletRequestWrapper of it; anything else cannot be dispatched.
 */
function dispatchedBase(request: HttpServletRequest, action: 'forward' | 'include'): Request {
  const base = containerRequestOf(request);
  if (base === null) throw new ContainerError('SV_ERR_DISPATCH_FOREIGN_REQUEST', { action, type: request.constructor.name });
  return base;
}

/** After a forward the response is complete: later writes by the caller are ignored (Servlet spec §9.4). */
async function closeAfterForward(response: Response): Promise<void> {
  if (response.isError()) return; // the error-page machinery still has to render it
  await response.finish();
  response.setSuspended(true);
}
