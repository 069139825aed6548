/**
 * The Host's basic valve: runs the mapped Context's pipeline with the request listeners around it, then
 * renders the webapp's error page for a thrown error or a sendError status (Tomcat's StandardHostValve).
 * When no page applies, or the page itself fails, the ErrorReportValve further up renders the report.
 */
import type { Request } from './request.js';
import type { Response } from './response.js';
import { isAvailable } from '../lifecycle/lifecycle-state.js';
import { RequestDispatcherAttributes as A } from '../servlet/request-dispatcher.js';
import type { Context } from './context.js';
import type { ErrorPageDefinition } from './context-definition.js';
import { DispatchedRequest } from './dispatched-request.js';
import { NOTE_ERROR_PAGE_DONE, NOTE_EXCEPTION } from './request-notes.js';
import { isPending, ContainerValveBase, type ValveResult } from './valve.js';
import { serviceWrapper } from './wrapper-valve.js';
import type { Host } from './host.js';

export class HostValve extends ContainerValveBase {
  constructor(host: Host) {
    super();
    this.container = host;
  }

  invoke(request: Request, response: Response): ValveResult {
    const context = request.mappingData.context;
    if (!context) {
      response.sendError(404);
      return;
    }
    if (!isAvailable(context.state)) {
      response.sendError(503);
      return;
    }
    context.fireRequestInitialized(request);
    // The common case runs synchronously to the end; only a step that is really pending is awaited.
    let pending: Promise<void> | undefined;
    let rendered = false;
    try {
      const result = context.pipeline.invoke(request, response);
      if (isPending(result)) pending = result;
      else {
        rendered = true;
        const rendering = this.#renderErrorPage(context, request, response);
        if (isPending(rendering)) pending = rendering;
      }
    } catch (error) {
      context.fireRequestDestroyed(request);
      throw error;
    }
    if (pending === undefined) {
      context.fireRequestDestroyed(request);
      return;
    }
    return this.#finishLater(pending, rendered, context, request, response);
  }

  /** `pending` is the Context pipeline (the error page still to render) or, when `rendered`, the error page. */
  async #finishLater(pending: Promise<void>, rendered: boolean, context: Context, request: Request, response: Response): Promise<void> {
    try {
      await pending;
      if (!rendered) await this.#renderErrorPage(context, request, response);
    } finally {
      context.fireRequestDestroyed(request);
    }
  }

  #renderErrorPage(context: Context, request: Request, response: Response): ValveResult {
    if (response.isCommitted() || request.getNote(NOTE_ERROR_PAGE_DONE)) return;
    const error = request.getNote(NOTE_EXCEPTION);
    let page: ErrorPageDefinition | null = null;
    if (error !== undefined && error !== null) {
      page = context.findErrorPageForError(error) ?? context.findErrorPage(500);
    } else if (response.isError()) {
      page = context.findErrorPage(response.getStatus());
    }
    if (!page) return;
    request.setNote(NOTE_ERROR_PAGE_DONE, true);
    return this.#dispatch(context, page, request, response, error);
  }

  async #dispatch(context: Context, page: ErrorPageDefinition, request: Request, response: Response, error: unknown): Promise<void> {
    const match = context.mapErrorPage(page.location);
    if (!match) {
      context.logger.warn(`Error page [${page.location}] of ${context.componentName} matches no servlet`);
      return;
    }
    const status = error !== undefined && error !== null ? 500 : response.getStatus();
    const attributes = new Map<string, unknown>([
      [A.ERROR_STATUS_CODE, status],
      [A.ERROR_MESSAGE, response.getErrorMessage() ?? (error instanceof Error ? error.message : '')],
      [A.ERROR_REQUEST_URI, request.getRequestURI()],
      // The mapped servlet, as Tomcat's request.getWrapper(): named even when a valve answered before it ran.
      [A.ERROR_SERVLET_NAME, request.mappingData.wrapper?.name ?? null],
    ]);
    if (error !== undefined && error !== null) {
      attributes.set(A.ERROR_EXCEPTION, error);
      attributes.set(A.ERROR_EXCEPTION_TYPE, error.constructor ?? null);
    }
    response.setErrorReported();
    response.resetBuffer();
    response.setStatus(status);
    const question = page.location.indexOf('?');
    const wrapped = new DispatchedRequest(request.facade, {
      dispatcherType: 'ERROR',
      requestURI: context.path + (question < 0 ? page.location : page.location.slice(0, question)),
      contextPath: context.path,
      servletPath: match.servletPath,
      pathInfo: match.pathInfo,
      queryString: question < 0 ? null : page.location.slice(question + 1),
      attributes,
    });
    request.setNote(NOTE_EXCEPTION, null);
    await serviceWrapper(match.wrapper, 'ERROR', match.servletPath + (match.pathInfo ?? ''), request, response, wrapped, response.facade);
    const pageError = request.getNote(NOTE_EXCEPTION);
    if (pageError !== null && pageError !== undefined) {
      // Let the ErrorReportValve render its report instead (Tomcat falls back the same way).
      request.setNote(NOTE_ERROR_PAGE_DONE, false);
      context.logger.error({ err: pageError }, `Error page [${page.location}] failed; falling back to the error report`);
    }
  }
}
