/**
 * ErrorReportValve: the last-resort error page for a response in error that nothing else rendered
 * (Tomcat's ErrorReportValve), as JSON when the client prefers it (Tomcat's JsonErrorReportValve shape). It never throws.
 *
 * Like Tomcat, `errorCode.nnn` and `exceptionType.<Name>` name files (relative to catalina.base) whose content is the
 * page: the thrown value's class first (nearest in its prototype chain), then the status, then `errorCode.0`. A file
 * that cannot be read is logged (once until it can be read again) and the standard report is sent instead.
 * JsonErrorReportValve and ProxyErrorReportValve (proxy-error-report-valve.ts) extend this class.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { resolveAttributes } from '../config/attribute-values.js';
import type { AttributeValue } from '../config/server-config.js';
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import { NOTE_ERROR_PAGE_DONE, NOTE_EXCEPTION } from '../core/request-notes.js';
import { isPending, ContainerValveBase, type ValveResult } from '../core/valve.js';
import { ConfigError } from '../errors/container-error.js';
import { formatUnchecked, type CodedMessage } from '../errors/codes.js';
import { RequestDispatcherAttributes } from '../servlet/request-dispatcher.js';
import { prefersJson, renderErrorJson, renderErrorPage, statusText, describeError, type ErrorReportOptions } from '../core/error-report.js';

export interface ErrorReportValveOptions {
  readonly serverInfo?: string;
  /** Where a failure to render is reported. */
  readonly onError?: (message: string, error: unknown) => void;
  /** Where a coded warning (a page file that cannot be read, an error service that does not answer) goes. */
  readonly onWarning?: (message: CodedMessage, error?: unknown) => void;
  /** `errorCode.*` and `exceptionType.*` files are relative to this (default: the working directory). */
  readonly catalinaBase?: string;
  /** The element for configuration errors: `file:line path` when built from server.xml. */
  readonly element?: string;
}

/** Where a report's error pages come from: the `errorCode.*` / `exceptionType.*` attributes, as written. */
export interface ErrorPageTargets {
  /** Status → target; 0 is the default for any status. */
  readonly byStatus: ReadonlyMap<number, string>;
  /** Simple class name → target. */
  readonly byType: ReadonlyMap<string, string>;
}

/** Everything a report needs to know about the response in error. */
export interface ErrorReportContext {
  readonly request: Request;
  readonly response: Response;
  readonly status: number;
  /** The thrown value, or null for a plain sendError. */
  readonly error: unknown;
}

export class ErrorReportValve extends ContainerValveBase {
  protected readonly reportOptions: ErrorReportOptions;
  protected readonly pages: ErrorPageTargets;
  protected readonly catalinaBase: string;
  readonly #onError: (message: string, error: unknown) => void;
  readonly #onWarning: (message: CodedMessage, error?: unknown) => void;
  /** Page files whose failure was logged: logged again only after they were read once (a 404 flood is one line). */
  readonly #failedFiles = new Set<string>();

  constructor(attributes: Readonly<Record<string, AttributeValue>> = {}, options: ErrorReportValveOptions = {}) {
    super();
    const element = options.element ?? `Valve[${new.target.name}]`;
    const owner = `Valve:${new.target.name}`;
    const { showReport, showServerInfo } = resolveAttributes(
      owner === 'Valve:JsonErrorReportValve' || owner === 'Valve:ProxyErrorReportValve' ? owner : 'Valve:ErrorReportValve',
      attributes,
      element,
    );
    this.reportOptions = { showReport, showServerInfo, serverInfo: options.serverInfo };
    this.pages = errorPageTargets(attributes, element);
    this.catalinaBase = options.catalinaBase ?? process.cwd();
    this.#onError =
      options.onError ??
      ((message, error) => {
        process.emitWarning(error instanceof Error ? `${message}: ${error.message}` : message, 'ErrorReportWarning');
      });
    this.#onWarning =
      options.onWarning ??
      ((coded) => {
        process.emitWarning(formatUnchecked(coded.code, coded.params ?? {}), 'ErrorReportWarning');
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
          return this.#reportSafely(request, response);
        },
      );
    }
    return this.#reportSafely(request, response);
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

  #reportSafely(request: Request, response: Response): ValveResult {
    const failed = (error: unknown): void => {
      // Last resort: whatever went wrong, the request path must not see it.
      this.#safeReport(`${this.constructor.name} failed to render the error page for [${this.componentName}]`, error);
    };
    try {
      const context = this.#claim(request, response);
      if (context === null) return;
      const result = this.report(context);
      if (isPending(result)) return result.catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  #safeReport(message: string, error: unknown): void {
    try {
      this.#onError(message, error);
    } catch {
      // Nothing left to do.
    }
  }

  /** Reports a coded warning; never throws. */
  protected warn(message: CodedMessage, error?: unknown): void {
    try {
      this.#onWarning(message, error);
    } catch {
      // A failing logger must not fail the request.
    }
  }

  /**
   * Tomcat's rule for whether a report is due: only a response flagged in error (sendError) and not yet reported, with
   * no body sent; a plain setStatus(4xx) keeps whatever body the application chose (even an empty one). When it is, the
   * response is claimed for the report (un-suspended, marked reported) and what the report needs is returned.
   */
  #claim(request: Request, response: Response): ErrorReportContext | null {
    if (response.isCommitted() || request.getNote(NOTE_ERROR_PAGE_DONE) === true) return null;
    const noted = request.getNote(NOTE_EXCEPTION);
    const error = noted ?? request.getAttribute(RequestDispatcherAttributes.ERROR_EXCEPTION) ?? null;
    if (error !== null && !response.isError()) {
      // Something recorded a failure without sendError: the response must say 500, not what the app left.
      response.reset();
      response.sendError(500);
    }
    const status = response.getStatus();
    // The host valve leaves NOTE_ERROR_PAGE_DONE false (not unset) when the webapp's error page itself failed:
    // that response was marked reported for the page, and this report replaces the page.
    const pageFailed = request.getNote(NOTE_ERROR_PAGE_DONE) === false;
    if (status < 400 || !response.isError() || (response.isErrorReported() && !pageFailed) || response.getBytesWritten() > 0) return null;
    response.setSuspended(false);
    response.setErrorReported();
    request.setNote(NOTE_ERROR_PAGE_DONE, true);
    return { request, response, status, error };
  }

  /** Writes the report of a claimed response: the configured page file when there is one, else the standard report. */
  protected report(context: ErrorReportContext): ValveResult {
    const target = findErrorPageTarget(this.pages, context.status, context.error);
    if (target === null) {
      this.standardReport(context);
      return;
    }
    return this.#sendPageFile(context, target);
  }

  async #sendPageFile(context: ErrorReportContext, target: string): Promise<void> {
    const file = isAbsolute(target) ? target : resolve(this.catalinaBase, target);
    let content: Buffer;
    try {
      content = await readFile(file);
      this.#failedFiles.delete(file);
    } catch (error) {
      if (!this.#failedFiles.has(file)) {
        this.#failedFiles.add(file);
        const detail = (error as NodeJS.ErrnoException).code ?? String(error);
        this.warn({ code: 'SV_ERR_ERROR_REPORT_PAGE_UNREADABLE', params: { valve: this.constructor.name, file, detail } }, error);
      }
      this.standardReport(context);
      return;
    }
    // The client may have gone, or another step committed, while the file was read.
    if (context.response.isCommitted()) return;
    // Tomcat serves these files as text/html in UTF-8, whatever they contain.
    writeBody(context.response, 'text/html;charset=UTF-8', content);
  }

  /** The report Serval renders itself: HTML, or JSON when the client prefers it (RFC 9110 §12.5.1). */
  protected standardReport(context: ErrorReportContext): void {
    const { request, response, status, error } = context;
    const json = prefersJson(request.getHeader('Accept'));
    const text = json
      ? renderErrorJson(status, response.getErrorMessage(), error, this.reportOptions)
      : renderErrorPage(status, response.getErrorMessage(), error, this.reportOptions);
    if (text === null) return;
    response.setHeader('Content-Language', 'en');
    // The representation depends on Accept (RFC 9110 §12.5.5).
    response.addHeader('Vary', 'accept');
    writeBody(response, json ? 'application/json;charset=utf-8' : 'text/html;charset=utf-8', Buffer.from(text, 'utf8'));
  }
}

/**
 * Tomcat's JsonErrorReportValve: the report is always JSON, in Tomcat's shape (`status`, and with showReport
 * `type`, `message`, `description` and the `throwable` stack lines); the page files of errorCode.* / exceptionType.*
 * still come first.
 */
export class JsonErrorReportValve extends ErrorReportValve {
  protected override standardReport(context: ErrorReportContext): void {
    const { response, status, error } = context;
    const text = renderTomcatJsonReport(status, response.getErrorMessage(), error, this.reportOptions.showReport);
    if (text === null) return;
    writeBody(response, 'application/json;charset=utf-8', Buffer.from(text, 'utf8'));
  }
}

/**
 * The JSON report as Tomcat's JsonErrorReportValve writes it; null when there is nothing to say (an unknown status
 * without a message, as for the HTML report).
 */
export function renderTomcatJsonReport(status: number, message: string | null, error: unknown, showReport: boolean): string | null {
  const report: Record<string, unknown> = { status };
  if (showReport) {
    let text = message ?? '';
    if (text === '' && error instanceof Error) text = error.message.split(/\r?\n/, 1)[0] ?? '';
    const known = statusText(status);
    if (known === undefined && text === '') return null;
    report.type = error === null || error === undefined ? 'Status Report' : 'Exception Report';
    report.message = text;
    report.description = known?.[1] ?? 'No description available';
    if (error !== null && error !== undefined) {
      report.throwable = describeError(error)
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '');
    }
  }
  return JSON.stringify(report, null, 2);
}

/** Writes a report body to a response whose application may already hold its Writer. */
export function writeBody(response: Response, contentType: string | null, body: Buffer): void {
  if (contentType !== null) response.setContentType(contentType);
  let wrote = false;
  try {
    response.getOutputStream().write(body);
    wrote = true;
  } catch {
    // The application already took the Writer; fall through to it.
  }
  if (!wrote) response.getWriter().write(body.toString('utf8'));
}

const ERROR_CODE = 'errorCode.';
const EXCEPTION_TYPE = 'exceptionType.';

/** The `errorCode.nnn` and `exceptionType.<Name>` attributes; a status that is not a number is a configuration error. */
export function errorPageTargets(attributes: Readonly<Record<string, AttributeValue | undefined>>, element: string): ErrorPageTargets {
  const byStatus = new Map<number, string>();
  const byType = new Map<string, string>();
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === '') continue;
    if (name.startsWith(ERROR_CODE) && name.length > ERROR_CODE.length) {
      const code = name.slice(ERROR_CODE.length);
      const status = /^\d{1,3}$/.test(code) ? Number(code) : NaN;
      if (!(status === 0 || (status >= 100 && status <= 999))) {
        throw new ConfigError('SV_ERR_CONFIG_INVALID_VALUE', {
          attribute: name,
          element,
          value: String(value),
          allowed: 'errorCode.<status> with a status from 100 to 999, or errorCode.0 for any status',
        });
      }
      byStatus.set(status, String(value));
    } else if (name.startsWith(EXCEPTION_TYPE) && name.length > EXCEPTION_TYPE.length) {
      // As web.xml's <exception-type>: a Java-style qualified name matches by its simple name.
      byType.set(simpleName(name.slice(EXCEPTION_TYPE.length)), String(value));
    }
  }
  return { byStatus, byType };
}

/** Tomcat's lookup order: the thrown value's class (nearest in its prototype chain, then its `name`), the status, 0. */
export function findErrorPageTarget(pages: ErrorPageTargets, status: number, error: unknown): string | null {
  if (error !== null && error !== undefined && pages.byType.size > 0) {
    const byType = findByErrorType(pages.byType, error);
    if (byType !== null) return byType;
  }
  return pages.byStatus.get(status) ?? pages.byStatus.get(0) ?? null;
}

function findByErrorType(byType: ReadonlyMap<string, string>, error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  // Bounded: a prototype chain is finite, but a hostile Proxy could pretend otherwise.
  let depth = 0;
  for (let proto: unknown = Object.getPrototypeOf(error); proto && depth < 64; proto = Object.getPrototypeOf(proto), depth++) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    const target = typeof name === 'string' ? byType.get(name) : undefined;
    if (target !== undefined) return target;
  }
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' ? (byType.get(name) ?? null) : null;
}

function simpleName(type: string): string {
  const dot = type.lastIndexOf('.');
  return dot < 0 ? type : type.slice(dot + 1);
}
