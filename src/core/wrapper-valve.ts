/**
 * The Wrapper's basic valve: allocates the servlet, runs the filter chain and records what the
 * application threw. It renders nothing: the Host's error-page machinery does (Tomcat's StandardWrapperValve).
 */
import type { Request } from './request.js';
import type { Response } from './response.js';
import { UnavailableException } from '../servlet/servlet-exception.js';
import type { DispatcherType } from '../servlet/dispatcher-type.js';
import type { Filter } from '../servlet/filter.js';
import type { Servlet } from '../servlet/servlet.js';
import type { ServletRequest } from '../servlet/http-servlet-request.js';
import type { ServletResponse } from '../servlet/http-servlet-response.js';
import { ApplicationFilterChain } from './application-filter-chain.js';
import { isClientAbort } from './client-abort.js';
import { active, failable, wasReported, type FaultOwner } from './faults.js';
import { NOTE_EXCEPTION } from './request-notes.js';
import { clearRunning, publishRunning } from './loop-activity.js';
import { isPending, ContainerValveBase, type ValveResult } from './valve.js';
import type { Wrapper } from './wrapper.js';

/** What the valve needs from the Wrapper's Context. */
export interface FilterSource {
  readonly path: string;
  filtersFor(dispatcherType: DispatcherType, path: string, servletName: string): readonly Filter[];
}

export class WrapperValve extends ContainerValveBase {
  readonly #wrapper: Wrapper;

  constructor(wrapper: Wrapper) {
    super();
    this.#wrapper = wrapper;
  }

  invoke(request: Request, response: Response): ValveResult {
    const path = request.getServletPath() + (request.getPathInfo() ?? '');
    return serviceWrapper(this.#wrapper, 'REQUEST', path, request, response, request.facade, response.facade);
  }
}

/**
 * Runs the wrapper's servlet behind the filters selected for this dispatch. Used for the initial request
 * and for forward/include/error dispatches (where `app*` may be wrapped request/response objects).
 */
export function serviceWrapper(
  wrapper: Wrapper,
  dispatcherType: DispatcherType,
  path: string,
  request: Request,
  response: Response,
  appRequest: ServletRequest,
  appResponse: ServletResponse,
): ValveResult {
  if (!wrapper.isAvailable()) {
    unavailable(wrapper, response);
    return;
  }
  const context = wrapper.parent as unknown as FilterSource & FaultOwner;
  const record = (error: unknown): void => recordException(wrapper, context.path, request, response, error);
  const run = (servlet: Servlet): ValveResult => {
    let result: ValveResult;
    // Work the app schedules while its code runs synchronously is charged to this request (faults.ts).
    const outerOwner = active.owner;
    const outerRequest = active.request;
    const scheduled = active.scheduled;
    active.owner = context;
    active.request = request;
    // For the watchdog thread: what holds the event loop if this never returns (loop-activity.ts).
    publishRunning(context, request);
    try {
      const filters = context.filtersFor(dispatcherType, path, wrapper.name);
      result = new ApplicationFilterChain(filters, servlet).run(appRequest, appResponse);
    } catch (error) {
      record(error);
      return;
    } finally {
      active.owner = outerOwner;
      active.request = outerRequest;
      if (outerOwner === null) clearRunning();
    }
    // Only a filter or servlet that is really still running costs a promise. One that scheduled work through its
    // loader can be failed by a fault of that work, which then ends it as if the servlet had thrown (faults.ts).
    if (isPending(result)) return (active.scheduled === scheduled ? result : failable(request, result)).then(undefined, record);
  };
  const servlet = wrapper.allocated();
  if (servlet !== null) return run(servlet);
  return wrapper.allocate().then(run, record);
}

function unavailable(wrapper: Wrapper, response: Response): void {
  if (response.isCommitted()) return;
  if (wrapper.isPermanentlyUnavailable()) {
    response.sendError(404);
  } else {
    response.setIntHeader('Retry-After', wrapper.unavailableSeconds());
    response.sendError(503);
  }
}

function recordException(wrapper: Wrapper, contextPath: string, request: Request, response: Response, error: unknown): void {
  if (isClientAbort(error)) {
    wrapper.logger.debug({ err: error }, 'Client aborted the request');
    request.control.abort();
    return;
  }
  if (error instanceof UnavailableException) {
    wrapper.markUnavailable(error);
    unavailable(wrapper, response);
    return;
  }
  // A fault (faults.ts) or a refused process.exit() was logged with its code already.
  if (!wasReported(error)) {
    wrapper.logger.error(
      { err: error, code: 'SV_ERR_SERVLET_EXCEPTION' },
      `Servlet.service() for servlet [${wrapper.name}] in context with path [${contextPath}] threw exception`,
    );
  }
  request.setNote(NOTE_EXCEPTION, error);
  if (response.isCommitted()) {
    // Part of the body is on the wire already: the only honest signal left is to cut the connection.
    request.control.abort();
    return;
  }
  response.sendError(500);
}
