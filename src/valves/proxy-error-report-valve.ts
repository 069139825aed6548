/**
 * ProxyErrorReportValve (Tomcat's): the error report comes from an error service. Its URL is chosen as the page
 * files of ErrorReportValve are (`exceptionType.*`, `errorCode.nnn`, `errorCode.0`), or, with usePropertiesFile,
 * from `lib/ProxyErrorReportValve.properties` under catalina.base (keys: the status, then `0`), where Tomcat's class
 * path finds that file. Tomcat's query parameters are added: requestUri, statusCode, statusReason, and with
 * showReport statusDescription, message (when there is one) and throwable.
 *
 * useRedirect="true" answers 302 to that URL. Otherwise the URL is fetched and its body relayed with the error
 * status and the service's Content-Type. Unlike Tomcat (which then sends an empty body), a fetch that fails, takes
 * longer than 5 s, answers other than 2xx (redirects are not followed) or sends more than 1 MiB gives the
 * standard report instead, and the failure is logged once until a fetch succeeds again. When no URL applies, the
 * standard report is sent.
 */
import { readFileSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { resolveAttributes } from '../config/attribute-values.js';
import type { AttributeValue } from '../config/server-config.js';
import type { ValveResult } from '../core/valve.js';
import { statusText } from '../core/error-report.js';
import { ConfigError } from '../errors/container-error.js';
import {
  ErrorReportValve,
  findErrorPageTarget,
  writeBody,
  type ErrorReportContext,
  type ErrorReportValveOptions,
} from './error-report-valve.js';

export const PROXY_ERROR_FETCH_TIMEOUT_MS = 5000;
export const PROXY_ERROR_FETCH_MAX_BYTES = 1024 * 1024;
/**
 * Sent with every fetch: a request that carries it gets the standard report, so an error service served by this
 * same server that fails cannot make each failure fetch the next one.
 */
export const PROXY_ERROR_MARKER_HEADER = 'X-Serval-Error-Report';

export interface ProxyErrorReportValveOptions extends ErrorReportValveOptions {
  /** Tests shorten these; the defaults are the documented 5 s and 1 MiB. */
  readonly fetchTimeoutMs?: number;
  readonly fetchMaxBytes?: number;
}

export class ProxyErrorReportValve extends ErrorReportValve {
  readonly #useRedirect: boolean;
  /** The properties file's status → URL, when usePropertiesFile. */
  readonly #properties: ReadonlyMap<string, string> | null;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  #failureReported = false;

  constructor(attributes: Readonly<Record<string, AttributeValue>> = {}, options: ProxyErrorReportValveOptions = {}) {
    super(attributes, options);
    const element = options.element ?? 'Valve[ProxyErrorReportValve]';
    const { useRedirect, usePropertiesFile } = resolveAttributes('Valve:ProxyErrorReportValve', attributes, element);
    this.#useRedirect = useRedirect;
    this.#timeoutMs = options.fetchTimeoutMs ?? PROXY_ERROR_FETCH_TIMEOUT_MS;
    this.#maxBytes = options.fetchMaxBytes ?? PROXY_ERROR_FETCH_MAX_BYTES;
    let targets: Array<readonly [key: string, url: string]>;
    if (usePropertiesFile) {
      const file = join(this.catalinaBase, 'lib', 'ProxyErrorReportValve.properties');
      let text: string;
      try {
        // Read once at start, as Java caches a ResourceBundle: an edit applies on restart.
        text = readFileSync(file, 'latin1');
      } catch (error) {
        const detail = (error as NodeJS.ErrnoException).code ?? String(error);
        throw new ConfigError('SV_ERR_ERROR_REPORT_PROPERTIES', { element, file, detail }, { cause: error });
      }
      this.#properties = parseProperties(text);
      targets = [...this.#properties];
    } else {
      this.#properties = null;
      targets = [
        ...[...this.pages.byStatus].map(([status, url]) => [`errorCode.${status}`, url] as const),
        ...[...this.pages.byType].map(([type, url]) => [`exceptionType.${type}`, url] as const),
      ];
    }
    // A redirect may name any URL (a path on this server included); a fetch needs somewhere to connect to.
    if (!useRedirect) {
      for (const [key, url] of targets) {
        if (!isHttpUrl(url)) throw new ConfigError('SV_ERR_ERROR_REPORT_URL', { element, key, url });
      }
    }
  }

  protected override report(context: ErrorReportContext): ValveResult {
    const { request, response, status, error } = context;
    const target =
      this.#properties === null
        ? findErrorPageTarget(this.pages, status, error)
        : (this.#properties.get(String(status)) ?? this.#properties.get('0') ?? null);
    if (target === null || request.getHeader(PROXY_ERROR_MARKER_HEADER) !== null) {
      this.standardReport(context);
      return;
    }
    const url = target + (target.includes('?') ? '&' : '?') + this.#query(context);
    if (this.#useRedirect) {
      response.sendRedirect(url);
      return;
    }
    return this.#relay(context, url);
  }

  /** Tomcat's parameters, form-encoded as Java's URLEncoder does (space as `+`). */
  #query({ request, response, status, error }: ErrorReportContext): string {
    const known = statusText(status);
    const params = new URLSearchParams();
    params.append('requestUri', request.getDecodedRequestURI());
    params.append('statusCode', String(status));
    params.append('statusReason', known?.[0] ?? 'Unknown Reason');
    if (this.reportOptions.showReport) {
      params.append('statusDescription', known?.[1] ?? 'No description available');
      const message = response.getErrorMessage();
      if (message !== null) params.append('message', message);
      if (error !== null && error !== undefined) params.append('throwable', throwableText(error));
    }
    return params.toString();
  }

  async #relay(context: ErrorReportContext, url: string): Promise<void> {
    const fetched = await fetchBounded(url, this.#timeoutMs, this.#maxBytes);
    if (!fetched.ok) {
      if (!this.#failureReported) {
        this.#failureReported = true;
        this.warn({ code: 'SV_ERR_ERROR_REPORT_PROXY_FAILED', params: { url, detail: fetched.detail } }, fetched.error);
      }
      if (!context.response.isCommitted()) this.standardReport(context);
      return;
    }
    this.#failureReported = false;
    if (context.response.isCommitted()) return;
    writeBody(context.response, fetched.contentType, fetched.body);
  }
}

type Fetched =
  | { readonly ok: true; readonly contentType: string | null; readonly body: Buffer }
  | { readonly ok: false; readonly detail: string; readonly error?: unknown };

/** GET with a deadline for the whole exchange and a cap on the body; anything but a complete 2xx is a failure. Never rejects. */
function fetchBounded(url: string, timeoutMs: number, maxBytes: number): Promise<Fetched> {
  return new Promise((resolveFetch) => {
    let done = false;
    const finish = (result: Fetched): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (!result.ok) request.destroy();
      resolveFetch(result);
    };
    const fail = (detail: string, error?: unknown): void => finish({ ok: false, detail, error });
    const target = new URL(url);
    const get = target.protocol === 'https:' ? httpsGet : httpGet;
    const request = get(target, { headers: { [PROXY_ERROR_MARKER_HEADER]: '1' } }, (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 299) {
        fail(`the service answered ${status}`);
        return;
      }
      const declared = Number(res.headers['content-length'] ?? '0');
      if (declared > maxBytes) {
        fail(`its body of ${declared} bytes is larger than ${maxBytes}`);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) fail(`its body is larger than ${maxBytes} bytes`);
        else chunks.push(chunk);
      });
      res.on('end', () => finish({ ok: true, contentType: res.headers['content-type'] ?? null, body: Buffer.concat(chunks) }));
      res.on('error', (error) => fail(error.message, error));
      res.on('aborted', () => fail('the service closed the connection before the end of the body'));
    });
    request.on('error', (error) => fail(error.message, error));
    const timer = setTimeout(() => fail(`no complete answer within ${timeoutMs} ms`), timeoutMs);
  });
}

function isHttpUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Java's Throwable.toString(): the class name, then `: message` when there is one. */
function throwableText(error: unknown): string {
  if (error instanceof Error) return error.message === '' ? error.name : `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return 'Unprintable exception';
  }
}

/**
 * A java.util.Properties file: `key=value`, `key: value` or `key value` lines, `#` and `!` comments, a trailing
 * backslash continuing a line, and the escapes `\t \n \r \f \uXXXX` (any other escaped character stands for itself).
 */
export function parseProperties(text: string): Map<string, string> {
  const result = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] as string).replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // An odd number of trailing backslashes continues the logical line.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      i += 1;
      line = line.slice(0, -1) + (lines[i] as string).replace(/^[ \t\f]+/, '');
    }
    let keyEnd = 0;
    while (keyEnd < line.length && !/[=: \t\f]/.test(line[keyEnd] as string)) keyEnd += line[keyEnd] === '\\' ? 2 : 1;
    let valueStart = keyEnd;
    while (valueStart < line.length && /[ \t\f]/.test(line[valueStart] as string)) valueStart += 1;
    if (line[valueStart] === '=' || line[valueStart] === ':') valueStart += 1;
    while (valueStart < line.length && /[ \t\f]/.test(line[valueStart] as string)) valueStart += 1;
    result.set(unescapeProperty(line.slice(0, keyEnd)), unescapeProperty(line.slice(valueStart)));
  }
  return result;
}

function unescapeProperty(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, escaped: string) => {
    if (escaped.length === 5) return String.fromCharCode(parseInt(escaped.slice(1), 16));
    switch (escaped) {
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 'f':
        return '\f';
      default:
        return escaped;
    }
  });
}
