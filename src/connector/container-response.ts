/**
 * The container's HttpServletResponse (Servlet spec ch. 5) over a protocol Exchange, with Tomcat's semantics.
 * Long because the API is wide and its state rules (committed, suspended, including, error) touch every
 * method; buffering (output-buffer.ts), Content-Type parsing and Set-Cookie serialisation live in their own files.
 */
import { ContainerError } from '../errors/container-error.js';
import type { HeaderList, Exchange } from '../protocol/exchange.js';
import type { Cookie } from '../servlet/cookie.js';
import type { PrintWriter, ServletOutputStream } from '../servlet/servlet-streams.js';
import type { ContainerRequest } from './container-request.js';
import { lookupCharset, parseContentType, type Charset } from './content-type.js';
import { validateHeaderName, validateHeaderValue } from './header-validation.js';
import { formatHttpDate } from './http-date.js';
import { OutputBuffer, type OutputTarget } from './output-buffer.js';
import type { Response } from '../core/response.js';
import { ResponseFacade } from '../core/facade/response-facade.js';
import type { HttpServletResponse } from '../servlet/http-servlet-response.js';
import { ResponseOutputStream } from './response-output-stream.js';
import { ResponseWriter } from './response-writer.js';
import { serializeSetCookie } from './set-cookie.js';
import { lowerCaseName } from './header-name.js';

export interface ResponseOptions {
  /** Bytes buffered before the response commits; 8192 like Tomcat's default. */
  bufferSize?: number;
  /** Connector `server` attribute: replaces any Server header the application set. */
  serverHeader?: string | undefined;
  /** Connector `xpoweredBy`: adds `X-Powered-By: Servlet/6.0`. */
  xpoweredBy?: boolean;
  /** Where misuse that is ignored (sendError after commit) is reported when the request has no Context. */
  logger?: { warn(details: object, message: string): void };
}

interface HeaderEntry {
  readonly name: string;
  values: string[];
}

const DEFAULT_BUFFER_SIZE = 8192;
const DEFAULT_ENCODING = 'ISO-8859-1';
const DEFAULT_LOCALE = 'en';
const POWERED_BY = 'Servlet/6.0';
const ABSOLUTE_URL = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * parseContentType for the value set last: a servlet sets the same Content-Type on every request, so the
 * parse is done once (the parsed result is only read, never changed).
 */
let lastContentType: { readonly value: string; readonly parsed: ReturnType<typeof parseContentType> } | null = null;

function parsedContentType(value: string): ReturnType<typeof parseContentType> {
  if (lastContentType !== null && lastContentType.value === value) return lastContentType.parsed;
  const parsed = parseContentType(value);
  lastContentType = { value, parsed };
  return parsed;
}

/**
 * `type;charset=…` for the pair composed last: the same string again for the same pair, so the response heads
 * that repeat it compare it by reference (field-block.ts) instead of flattening a new one to compare its text.
 */
let lastComposed: { readonly type: string; readonly charset: string; readonly value: string } | null = null;

function composedContentType(type: string, charset: string): string {
  if (lastComposed !== null && lastComposed.type === type && lastComposed.charset === charset) return lastComposed.value;
  const value = `${type};charset=${charset}`;
  lastComposed = { type, charset, value };
  return value;
}

/** RFC 9110 §15.2, §15.3.5, §15.3.6, §15.4.5: these statuses never carry content. */
function statusAllowsBody(status: number): boolean {
  return status >= 200 && status !== 204 && status !== 205 && status !== 304;
}

/** RFC 3986 §5.2.4 remove_dot_segments on a path (query and fragment already split off). */
function removeDotSegments(path: string): string {
  const output: string[] = [];
  const segments = path.split('/');
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (segment === '.' || segment === '..') {
      if (segment === '..' && output.length > 1) output.pop();
      if (last) output.push('');
    } else {
      output.push(segment);
    }
  }
  return output.join('/');
}

export class ContainerResponse implements Response {
  readonly #exchange: Exchange;
  readonly #options: ResponseOptions;
  readonly #buffer: OutputBuffer;
  #request: ContainerRequest | null = null;
  #status = 200;
  #headers = new Map<string, HeaderEntry>();
  #contentType: string | null = null;
  /** Set explicitly (setCharacterEncoding, a charset in the content type, or getWriter()). */
  #charset: string | null = null;
  #contentLength = -1;
  #locale: string | null = null;
  #writer: ResponseWriter | null = null;
  #stream: ResponseOutputStream | null = null;
  #committed = false;
  #chunked = false;
  #commitTime: bigint | null = null;
  /** Asked for by an access log that prints %F (recordCommitTime). */
  #commitTimeWanted = false;
  #error = false;
  #errorMessage: string | null = null;
  #errorReported = false;
  #suspended = false;
  #facade: HttpServletResponse | null = null;
  #including = false;
  #trailers: (() => Map<string, string>) | null = null;
  #ended: Promise<void> | null = null;

  constructor(exchange: Exchange, options: ResponseOptions) {
    this.#exchange = exchange;
    this.#options = options;
    const target: OutputTarget = {
      commit: (length) => this.#commit(length),
      isCommitted: () => this.#committed,
      isHead: () => this.#request?.getMethod() === 'HEAD',
      bodyAllowed: () => statusAllowsBody(this.#status),
      declaredLength: () => this.#contentLength,
      isSuspended: () => this.#suspended,
    };
    this.#buffer = new OutputBuffer(exchange, target, options.bufferSize ?? DEFAULT_BUFFER_SIZE);
  }

  /** Made on first use, like the request's. */
  get facade(): HttpServletResponse {
    this.#facade ??= new ResponseFacade(this);
    return this.#facade;
  }

  attach(request: ContainerRequest): void {
    this.#request = request;
  }

  /** While an include runs, status and headers are frozen (Servlet spec §9.3). */
  setIncluding(including: boolean): void {
    this.#including = including;
  }

  // --- character encoding and content type (Servlet spec §5.6) ---

  getCharacterEncoding(): string {
    return this.#charset ?? this.#request?.getBinding()?.responseCharacterEncoding ?? DEFAULT_ENCODING;
  }

  /** Ignored once committed, after getWriter() and during include; an unsupported charset is ignored (as Tomcat does). */
  setCharacterEncoding(encoding: string): void {
    if (this.#frozen() || this.#writer !== null) return;
    const charset = lookupCharset(encoding);
    if (charset === null || !charset.canEncode) return;
    // The name as given, less the whitespace lookupCharset ignored (it would otherwise reach Content-Type).
    this.#charset = encoding.trim();
  }

  getContentType(): string | null {
    if (this.#contentType === null) return null;
    return this.#charset === null ? this.#contentType : composedContentType(this.#contentType, this.#charset);
  }

  setContentType(type: string | null): void {
    if (this.#frozen()) return;
    if (type === null) {
      this.#contentType = null;
      if (this.#writer === null) this.#charset = null;
      return;
    }
    const parsed = parsedContentType(validateHeaderValue('Content-Type', type));
    this.#contentType = parsed.withoutCharset;
    // A charset after getWriter() cannot change the writer's encoding, so it is dropped (Servlet spec §5.6).
    if (parsed.charset !== null && this.#writer === null) this.setCharacterEncoding(parsed.charset);
  }

  setContentLength(length: number): void {
    if (this.#frozen()) return;
    this.#contentLength = length < 0 || !Number.isFinite(length) ? -1 : Math.trunc(length);
  }

  getContentLengthDeclared(): number {
    return this.#contentLength;
  }

  setLocale(locale: string): void {
    if (this.#frozen()) return;
    this.#locale = locale;
    this.#putHeader('Content-Language', 'content-language', validateHeaderValue('Content-Language', locale), true);
  }

  getLocale(): string {
    return this.#locale ?? DEFAULT_LOCALE;
  }

  // --- body ---

  getOutputStream(): ServletOutputStream {
    if (this.#writer !== null) {
      throw new ContainerError('SV_ERR_RESPONSE_WRITER_AND_STREAM', { called: 'getOutputStream', other: 'getWriter' });
    }
    this.#stream ??= new ResponseOutputStream(
      this.#buffer,
      (text) => this.#charsetForBody().encode(text),
      () => this.#closeOutput(),
    );
    return this.#stream;
  }

  getWriter(): PrintWriter {
    if (this.#stream !== null) {
      throw new ContainerError('SV_ERR_RESPONSE_WRITER_AND_STREAM', { called: 'getWriter', other: 'getOutputStream' });
    }
    if (this.#writer === null) {
      // Tomcat fixes the encoding when the writer is created, so Content-Type then names it (Servlet spec §5.6).
      if (!this.#frozen()) this.#charset = this.getCharacterEncoding();
      this.#writer = new ResponseWriter(this.#buffer, this.#charsetForBody(), () => this.#closeOutput());
    }
    return this.#writer;
  }

  getBufferSize(): number {
    return this.#buffer.bufferSize;
  }

  setBufferSize(size: number): void {
    if (this.#committed || this.#buffer.contentWritten > 0) {
      throw new ContainerError('SV_ERR_RESPONSE_BUFFER_SIZE', { size, written: this.#buffer.contentWritten });
    }
    this.#buffer.bufferSize = size;
  }

  flushBuffer(): Promise<void> {
    return this.#buffer.flush();
  }

  resetBuffer(): void {
    if (this.#committed) throw new ContainerError('SV_ERR_RESPONSE_COMMITTED', { action: 'reset the buffer' });
    if (this.#including) return;
    this.#buffer.reset();
  }

  reset(): void {
    if (this.#committed) throw new ContainerError('SV_ERR_RESPONSE_COMMITTED', { action: 'reset the response' });
    if (this.#including) return;
    this.#buffer.reset();
    this.#status = 200;
    this.#headers = new Map();
    this.#contentType = null;
    this.#charset = null;
    this.#contentLength = -1;
    this.#locale = null;
    this.#writer = null;
    this.#stream = null;
    this.#trailers = null;
  }

  /** True once the status line and headers were handed to the exchange. */
  isCommitted(): boolean {
    return this.#committed;
  }

  recordCommitTime(): void {
    this.#commitTimeWanted = true;
  }

  getCommitTime(): bigint | null {
    return this.#commitTime;
  }

  getBytesWritten(): number {
    return this.#exchange.bytesWritten;
  }

  // --- headers ---

  addCookie(cookie: Cookie): void {
    const value = serializeSetCookie(cookie);
    if (this.#frozen()) return;
    this.#putHeader('Set-Cookie', 'set-cookie', value, false);
  }

  /** The session cookie replaces an earlier one of the same name (a new session or a changed id). */
  addSessionCookie(cookie: Cookie): void {
    const value = serializeSetCookie(cookie);
    if (this.#committed) return;
    const entry = this.#headers.get('set-cookie');
    if (entry !== undefined) entry.values = entry.values.filter((v) => !v.startsWith(`${cookie.getName()}=`));
    this.#putHeader('Set-Cookie', 'set-cookie', value, false);
  }

  containsHeader(name: string): boolean {
    const key = lowerCaseName(name);
    if (key === 'content-type') return this.#contentType !== null;
    if (key === 'content-length') return this.#contentLength >= 0;
    return (this.#headers.get(key)?.values.length ?? 0) > 0;
  }

  setHeader(name: string, value: string | null): void {
    validateHeaderName(name);
    const checked = value === null ? null : validateHeaderValue(name, value);
    const key = lowerCaseName(name);
    if (this.#frozen() || this.#special(key, checked)) return;
    if (checked === null) this.#headers.delete(key);
    else this.#putHeader(name, key, checked, true);
  }

  addHeader(name: string, value: string): void {
    validateHeaderName(name);
    const checked = validateHeaderValue(name, value);
    const key = lowerCaseName(name);
    if (this.#frozen() || this.#special(key, checked)) return;
    this.#putHeader(name, key, checked, false);
  }

  setIntHeader(name: string, value: number): void {
    this.setHeader(name, String(Math.trunc(value)));
  }

  addIntHeader(name: string, value: number): void {
    this.addHeader(name, String(Math.trunc(value)));
  }

  setDateHeader(name: string, epochMs: number): void {
    this.setHeader(name, formatHttpDate(epochMs));
  }

  addDateHeader(name: string, epochMs: number): void {
    this.addHeader(name, formatHttpDate(epochMs));
  }

  getHeader(name: string): string | null {
    const key = lowerCaseName(name);
    if (key === 'content-type') return this.getContentType();
    if (key === 'content-length') return this.#contentLength >= 0 ? String(this.#contentLength) : null;
    return this.#headers.get(key)?.values[0] ?? null;
  }

  getHeaders(name: string): string[] {
    const key = lowerCaseName(name);
    if (key === 'content-type') {
      const type = this.getContentType();
      return type === null ? [] : [type];
    }
    if (key === 'content-length') return this.#contentLength >= 0 ? [String(this.#contentLength)] : [];
    return [...(this.#headers.get(key)?.values ?? [])];
  }

  getHeaderNames(): string[] {
    const names = [...this.#headers.values()].filter((e) => e.values.length > 0).map((e) => e.name);
    if (this.#contentType !== null) names.push('Content-Type');
    if (this.#contentLength >= 0) names.push('Content-Length');
    return names;
  }

  setTrailerFields(supplier: () => Map<string, string>): void {
    if (this.#committed) return;
    this.#trailers = supplier;
  }

  // --- status, errors and redirects ---

  setStatus(status: number): void {
    if (this.#frozen()) return;
    this.#status = status;
  }

  getStatus(): number {
    return this.#status;
  }

  /**
   * Records the error for the host's error-page machinery and suspends the response until it renders.
   * Once committed nothing can change what the client gets: the call is logged and ignored, as issue #4
   * asks (Tomcat's own error handling never lets an IllegalStateException reach the user either).
   */
  sendError(status: number, message?: string): void {
    if (this.isCommitted()) {
      this.#logIgnored(new ContainerError('SV_ERR_RESPONSE_COMMITTED', { action: `call sendError(${status})` }));
      return;
    }
    if (this.#including) return;
    this.#error = true;
    this.#errorMessage = message ?? null;
    this.#status = status;
    this.#buffer.reset();
    this.#suspended = true;
  }

  sendRedirect(location: string, status = 302): void {
    if (this.isCommitted()) throw new ContainerError('SV_ERR_RESPONSE_COMMITTED', { action: 'call sendRedirect()' });
    if (this.#including) return;
    const target = validateHeaderValue('Location', this.#resolveLocation(location));
    this.#buffer.reset();
    this.#writer = null;
    this.#stream = null;
    this.#status = status;
    this.#putHeader('Location', 'location', target, true);
    this.#suspended = true;
  }

  encodeURL(url: string): string {
    return url;
  }

  encodeRedirectURL(url: string): string {
    return url;
  }

  isError(): boolean {
    return this.#error;
  }

  getErrorMessage(): string | null {
    return this.#errorMessage;
  }

  setErrorReported(): void {
    this.#error = false;
    this.#errorReported = true;
    this.#suspended = false;
  }

  isErrorReported(): boolean {
    return this.#errorReported;
  }

  setSuspended(suspended: boolean): void {
    this.#suspended = suspended;
  }

  isSuspended(): boolean {
    return this.#suspended;
  }

  /** Flushes what is buffered and ends the exchange (once; later calls return the same promise). */
  finish(): Promise<void> {
    return this.#closeOutput();
  }

  // --- internals ---

  /** Reports misuse the response ignores: to the webapp's log when mapped to a Context, else the connector's. */
  #logIgnored(error: ContainerError): void {
    const message = `${error.message} [${error.code}]`;
    const context = this.#request?.getBinding()?.servletContext;
    if (context !== undefined) context.log(message);
    else this.#options.logger?.warn({ code: error.code }, message);
  }

  #frozen(): boolean {
    return this.#committed || this.#including;
  }

  #charsetForBody(): Charset {
    const charset = lookupCharset(this.getCharacterEncoding());
    return charset !== null && charset.canEncode ? charset : lookupCharset(DEFAULT_ENCODING)!;
  }

  /** Content-Type and Content-Length set as headers go through their setters (Tomcat's checkSpecialHeader). */
  #special(key: string, value: string | null): boolean {
    if (key === 'content-type') {
      this.setContentType(value);
      return true;
    }
    if (key === 'content-length') {
      if (value === null) this.#contentLength = -1;
      else if (/^\d{1,15}$/.test(value.trim())) this.setContentLength(Number(value.trim()));
      // Anything else would break the framing, so it is not stored as a plain header either.
      return true;
    }
    return false;
  }

  #putHeader(name: string, key: string, value: string, replace: boolean): void {
    const entry = this.#headers.get(key);
    if (entry === undefined) this.#headers.set(key, { name, values: [value] });
    else if (replace) entry.values = [value];
    else entry.values.push(value);
  }

  /**
   * Location for sendRedirect: absolute URLs and network-path references are the application's choice and
   * kept; relative references are resolved against the request URI (RFC 3986 §5.2). A resolved path never
   * starts with `//` (CVE-2018-11784 class open redirect), and with useRelativeRedirects=false it is made
   * absolute with this request's scheme, host and port.
   */
  #resolveLocation(location: string): string {
    if (ABSOLUTE_URL.test(location)) return location;
    const request = this.#request;
    if (location.startsWith('//')) {
      return request === null || this.#relativeRedirects() ? location : `${request.getScheme()}:${location}`;
    }
    let path = location;
    if (!location.startsWith('/') && request !== null) {
      const uri = request.getRequestURI();
      if (location === '' || location.startsWith('?') || location.startsWith('#')) {
        path = uri + location;
      } else {
        const split = location.search(/[?#]/);
        const pathPart = split < 0 ? location : location.slice(0, split);
        const rest = split < 0 ? '' : location.slice(split);
        path = removeDotSegments(uri.slice(0, uri.lastIndexOf('/') + 1) + pathPart) + rest;
        path = path.replace(/^\/{2,}/, '/');
      }
    }
    if (request === null || this.#relativeRedirects()) return path;
    const scheme = request.getScheme();
    const port = request.getServerPort();
    const defaultPort = (scheme === 'http' && port === 80) || (scheme === 'https' && port === 443);
    return `${scheme}://${request.getServerName()}${defaultPort ? '' : `:${port}`}${path}`;
  }

  #relativeRedirects(): boolean {
    return this.#request?.getBinding()?.useRelativeRedirects ?? true;
  }

  #commit(contentLength: number | null): void {
    if (this.#committed) return;
    this.#committed = true;
    if (this.#commitTimeWanted) this.#commitTime = process.hrtime.bigint();
    const headers: Array<readonly [string, string]> = [];
    const server = this.#options.serverHeader;
    for (const entry of this.#headers.values()) {
      if (server !== undefined && lowerCaseName(entry.name) === 'server') continue;
      for (const value of entry.values) headers.push([entry.name, value]);
    }
    const contentType = this.getContentType();
    if (contentType !== null) headers.push(['Content-Type', contentType]);

    let length = this.#contentLength >= 0 ? this.#contentLength : contentLength;
    if (this.#status === 205) length = 0;
    else if (!statusAllowsBody(this.#status)) length = null;
    if (length !== null) headers.push(['Content-Length', String(length)]);

    if (server !== undefined) headers.push(['Server', server]);
    if (this.#options.xpoweredBy === true && !this.#headers.has('x-powered-by')) headers.push(['X-Powered-By', POWERED_BY]);

    this.#chunked = length === null && statusAllowsBody(this.#status) && this.#request?.getMethod() !== 'HEAD';
    // Every field went through header-validation.ts (setHeader, setContentType…) or is ours (numbers, the
    // Server value the adapter checked once): the protocol need not check them again.
    this.#exchange.writeHead(this.#status, null, headers, 'validated');
  }

  #closeOutput(): Promise<void> {
    this.#ended ??= this.#end();
    return this.#ended;
  }

  /** Not `async`: a response without trailers ends with the exchange's own promise, no extra one. */
  #end(): Promise<void> {
    try {
      this.#buffer.finish();
      if (this.#chunked && this.#trailers !== null) return this.#endWithTrailers();
      return this.#exchange.end();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #endWithTrailers(): Promise<void> {
    let trailers: HeaderList | undefined;
    try {
      if (this.#trailers !== null) {
        trailers = [...this.#trailers()].map(([name, value]) => {
          validateHeaderName(name);
          return [name, validateHeaderValue(name, value)] as const;
        });
      }
    } catch (error) {
      // The body is complete either way: end it without the bad trailers, then report them.
      await this.#exchange.end();
      throw error;
    }
    await this.#exchange.end(trailers);
  }
}
