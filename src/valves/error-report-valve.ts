/**
 * ErrorReportValve: the last-resort error page for a response in error that nothing else rendered
 * (Tomcat's ErrorReportValve), as JSON when the client prefers it (Tomcat's JsonErrorReportValve). It never throws.
 */
import { resolveAttributes } from '../config/attribute-values.js';
import type { AttributeValue } from '../config/server-config.js';
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import { NOTE_ERROR_PAGE_DONE, NOTE_EXCEPTION } from '../core/request-notes.js';
import { isPending, ContainerValveBase, type ValveResult } from '../core/valve.js';
import { RequestDispatcherAttributes } from '../servlet/request-dispatcher.js';
import { prefersJson, renderErrorJson, renderErrorPage, type ErrorReportOptions } from '../core/error-report.js';

export interface ErrorReportValveOptions {
  readonly serverInfo?: string;
  /** Where a failure to render is reported. */
  readonly onError?: (message: string, error: unknown) => void;
}

const ELEMENT = 'Valve[ErrorReportValve]';

export class ErrorReportValve extends ContainerValveBase {
  readonly #options: ErrorReportOptions;
  readonly #onError: (message: string, error: unknown) => void;

  constructor(attributes: Readonly<Record<string, AttributeValue>> = {}, options: ErrorReportValveOptions = {}) {
    super();
    const { showReport, showServerInfo } = resolveAttributes('Valve:ErrorReportValve', attributes, ELEMENT);
    this.#options = { showReport, showServerInfo, serverInfo: options.serverInfo };
    this.#onError =
      options.onError ??
      ((message, error) => {
        process.emitWarning(error instanceof Error ? `${message}: ${error.message}` : message, 'ErrorReportWarning');
      });
  }

  invoke(request: Request, response: Response): ValveResult {
    let result: ValveResult = undefined;
    try {
      result = this.next?.invoke(request, response);
    } catch (error) {
      this.#failed(request, response, error);
    }
    if (isPending(result)) {
      return result.then(
        () => this.#reportSafely(request, response),
        (error: unknown) => {
          this.#failed(request, response, error);
          this.#reportSafely(request, response);
        },
      );
    }
    this.#reportSafely(request, response);
  }

  /** A failure that escaped the valves after this one. */
  #failed(request: Request, response: Response, error: unknown): void {
    // Once committed no page can be written: the adapter owns the decision to abort the connection
    // so the client sees a truncated response rather than a complete-looking one.
    if (response.isCommitted()) throw error;
    // Normally the wrapper valve records failures; one that escaped it is rendered the same way.
    const noted = request.getNote(NOTE_EXCEPTION);
    if (noted === undefined || noted === null) request.setNote(NOTE_EXCEPTION, error);
  }

  #reportSafely(request: Request, response: Response): void {
    try {
      this.#report(request, response);
    } catch (error) {
      // Last resort: whatever went wrong, the request path must not see it.
      this.#safeReport(`ErrorReportValve failed to render the error page for [${this.componentName}]`, error);
    }
  }

  #safeReport(message: string, error: unknown): void {
    try {
      this.#onError(message, error);
    } catch {
      // Nothing left to do.
    }
  }

  #report(request: Request, response: Response): void {
    if (response.isCommitted() || request.getNote(NOTE_ERROR_PAGE_DONE) === true) return;
    const noted = request.getNote(NOTE_EXCEPTION);
    const error = noted ?? request.getAttribute(RequestDispatcherAttributes.ERROR_EXCEPTION) ?? null;
    if (error !== null && !response.isError()) {
      // Something recorded a failure without sendError: the response must say 500, not what the app left.
      response.reset();
      response.sendError(500);
    }
    // Tomcat's rule: only a response flagged in error (sendError) and not yet reported, with no body
    // sent; a plain setStatus(4xx) keeps whatever body the application chose (even an empty one).
    const status = response.getStatus();
    // The host valve leaves NOTE_ERROR_PAGE_DONE false (not unset) when the webapp's error page itself failed:
    // that response was marked reported for the page, and this report replaces the page.
    const pageFailed = request.getNote(NOTE_ERROR_PAGE_DONE) === false;
    if (status < 400 || !response.isError() || (response.isErrorReported() && !pageFailed) || response.getBytesWritten() > 0) return;
    response.setSuspended(false);
    response.setErrorReported();
    request.setNote(NOTE_ERROR_PAGE_DONE, true);
    const json = prefersJson(request.getHeader('Accept'));
    const text = json
      ? renderErrorJson(status, response.getErrorMessage(), error, this.#options)
      : renderErrorPage(status, response.getErrorMessage(), error, this.#options);
    if (text === null) return;
    response.setContentType(json ? 'application/json;charset=utf-8' : 'text/html;charset=utf-8');
    response.setHeader('Content-Language', 'en');
    // The representation depends on Accept (RFC 9110 §12.5.5).
    response.addHeader('Vary', 'accept');
    const body = Buffer.from(text, 'utf8');
    let wrote = false;
    try {
      response.getOutputStream().write(body);
      wrote = true;
    } catch {
      // The application already took the Writer; fall through to it.
    }
    if (!wrote) response.getWriter().write(text);
  }
}
