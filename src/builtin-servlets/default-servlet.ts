/**
 * DefaultServlet: serves a webapp's static files as Tomcat's DefaultServlet does — validators and
 * conditional requests, byte ranges, precompressed variants, directory redirects and listings, and
 * (readonly=false) PUT and DELETE. Small files come from the webapp's ResourceCache, large ones stream
 * with back-pressure. Uses only the public servlet API plus the ResourceCache the Context publishes.
 * Long because it is one servlet with many HTTP features; ranges, preconditions, precompressed variants,
 * listings and PUT live in their own files and this one wires them together.
 */
import {
  DEFAULT_RESOURCES,
  isSpecialPath,
  publishedResourceCache,
  ResourceCache,
  type DirectoryResource,
  type FileResource,
  type WebResource,
} from '../resources/resource-cache.js';
import { readInitParameters, type InitParameters } from '../config/init-parameters.js';
import { ContainerError } from '../errors/container-error.js';
import type { HttpServletRequest, ServletRequest } from '../servlet/http-servlet-request.js';
import type { HttpServletResponse, ServletResponse } from '../servlet/http-servlet-response.js';
import { HttpServlet } from '../servlet/http-servlet.js';
import { RequestDispatcherAttributes } from '../servlet/request-dispatcher.js';
import { readListing, renderDirectoryListing } from './directory-listing.js';
import { evaluatePreconditions, weakETag, type PreconditionResult } from './preconditions.js';
import { decideRange, evaluateIfRange, multipartLayout, MULTIPART_BOUNDARY, type ByteRange } from './range-requests.js';
import { deleteResource, storeResource } from './static-put.js';
import { chooseEncoding, parseAcceptEncoding, parsePrecompressed, type CompressionFormat } from './precompressed.js';
import { SERVER_INFO } from '../version/version.js';
import { DOT, lastIndexOfChar, SLASH } from '../mapper/char-search.js';

/** The methods a read-only DefaultServlet answers (Tomcat: `Allow: OPTIONS, GET, HEAD, POST`). */
export const READ_ONLY_ALLOW = 'OPTIONS, GET, HEAD, POST';
export const READ_WRITE_ALLOW = 'OPTIONS, GET, HEAD, POST, PUT, DELETE';
const STREAM_CHUNK_BYTES = 64 * 1024;
const MAX_MIME_ENTRIES = 1000;

/** Dot segments, backslashes and NUL never reach a file lookup, whatever dispatched the request. */
/**
 * A JSP source (`*.jsp`, `*.jspx`, `*.jspf`, in any case). Pages cannot be compiled yet, and served as files they
 * would hand out the code and whatever secrets it holds: they are answered 404, as if absent.
 */
export function isJspSource(path: string): boolean {
  const dot = path.lastIndexOf('.');
  const extension = path.length - dot - 1;
  if (dot < 0 || extension < 3 || extension > 4) return false;
  const lower = (i: number): number => path.charCodeAt(dot + 1 + i) | 0x20;
  if (lower(0) !== 0x6a || lower(1) !== 0x73 || lower(2) !== 0x70) return false; // "jsp"
  return extension === 3 || lower(3) === 0x78 || lower(3) === 0x66; // "jsp", "jspx", "jspf"
}

export function isUnsafePath(path: string): boolean {
  if (path.includes('\0') || path.includes('\\')) return true;
  // A scan for `.` and `..` segments: splitting every request's path goes through the runtime.
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i < path.length && path.charCodeAt(i) !== 0x2f) continue;
    const length = i - start;
    if ((length === 1 || length === 2) && path.charCodeAt(start) === 0x2e && (length === 1 || path.charCodeAt(start + 1) === 0x2e))
      return true;
    start = i + 1;
  }
  return false;
}

/** Where a directory requested without its trailing `/` redirects (CVE-2018-11784: never to `//host`). */
export function directoryRedirectLocation(requestURI: string, query: string | null): string {
  // Empty segments mean nothing to the mapper, and a leading `//` would make the Location protocol-relative.
  const location = `${requestURI}/`.replace(/\/{2,}/g, '/');
  return query === null ? location : `${location}?${query}`;
}

/** Types whose bytes are text in fileEncoding, so the charset is named (Tomcat's isText rule). */
export function isTextType(mime: string): boolean {
  return mime.startsWith('text/') || mime.includes('xml') || mime.includes('javascript');
}

/** What a file's responses repeat, kept with the file's cache entry: its validators and its Content-Type. */
interface Validators {
  readonly etag: string;
  readonly lastModified: string;
  /** By the file's extension (#contentType), looked up once rather than on every response. */
  readonly contentType: string | null;
}

/** The init parameters (config/init-parameters.ts) in the form the requests use them. */
interface Settings extends Omit<InitParameters<'DefaultServlet'>, 'sendfileSize' | 'precompressed' | 'directoryRedirectStatusCode'> {
  /** Negative: always stream (Tomcat's "never use sendfile" has no buffered equivalent for big files). */
  readonly sendfileBytes: number;
  readonly precompressed: readonly CompressionFormat[];
  readonly directoryRedirectStatusCode: number;
}

/** Reads the init parameters through `read`; `servlet` names the servlet when one is refused. */
function settingsOf(read: (name: string) => string | null, servlet: string): Settings {
  const invalid = (name: string, value: string, allowed: string): ContainerError =>
    new ContainerError('SV_ERR_STATIC_INIT_PARAM', { name, servlet, value, allowed });
  const {
    sendfileSize,
    precompressed: precompressedParam,
    directoryRedirectStatusCode,
    ...flags
  } = readInitParameters('DefaultServlet', read, invalid);
  const precompressed = parsePrecompressed(precompressedParam);
  if (precompressed === null)
    throw invalid('precompressed', precompressedParam, 'true, false or coding=.ext pairs such as br=.br,gzip=.gz');
  try {
    new TextDecoder(flags.fileEncoding);
  } catch {
    throw invalid('fileEncoding', flags.fileEncoding, 'a character encoding Node.js can decode');
  }
  return {
    ...flags,
    sendfileBytes: sendfileSize < 0 ? -1 : sendfileSize * 1024,
    precompressed,
    directoryRedirectStatusCode: Number(directoryRedirectStatusCode),
  };
}

/** Before init(): the table's defaults. */
const DEFAULT_SETTINGS = settingsOf(() => null, 'default');

export class DefaultServlet extends HttpServlet {
  #settings: Settings = DEFAULT_SETTINGS;
  #resources: ResourceCache | null = null;
  readonly #validators = new WeakMap<FileResource, Validators>();
  readonly #mimeTypes = new Map<string, string | null>();

  override initServlet(): void {
    this.#settings = settingsOf((name) => this.getInitParameter(name), this.getServletName());
    this.#resources =
      publishedResourceCache(this.getServletContext()) ??
      new ResourceCache(this.getServletContext().getRealPath('/') ?? '', DEFAULT_RESOURCES);
  }

  /**
   * An error page served by this servlet is served whatever the failed request's method (Tomcat does the same).
   * Decided in service(), not serviceHttp(): overriding serviceHttp would make every request go through its
   * async wrapper, and so cost a promise even when the answer is ready at once.
   */
  override service(request: ServletRequest, response: ServletResponse): void | Promise<void> {
    if (request.getDispatcherType() === 'ERROR') {
      const http = request as HttpServletRequest;
      return this.#serve(http, response as HttpServletResponse, http.getMethod() !== 'HEAD');
    }
    return super.service(request, response);
  }

  protected override doGet(request: HttpServletRequest, response: HttpServletResponse): void | Promise<void> {
    if (this.#serveFromMemory(request, response, true)) return;
    return this.#serve(request, response, true);
  }

  protected override doHead(request: HttpServletRequest, response: HttpServletResponse): void | Promise<void> {
    if (this.#serveFromMemory(request, response, false)) return;
    return this.#serve(request, response, false);
  }

  /** allowPostAsGet: a form posting to a static page gets the page. */
  protected override async doPost(request: HttpServletRequest, response: HttpServletResponse): Promise<void> {
    if (this.#settings.allowPostAsGet) return this.#serve(request, response, true);
    this.#notAllowed(response);
  }

  protected override async doPut(request: HttpServletRequest, response: HttpServletResponse): Promise<void> {
    const target = await this.#writeTarget(request, response);
    if (target === null) return;
    await storeResource(this.#cache(), target.path, target.resource, request, response, this.#settings.allowPartialPut);
  }

  protected override async doDelete(request: HttpServletRequest, response: HttpServletResponse): Promise<void> {
    const target = await this.#writeTarget(request, response);
    if (target === null) return;
    await deleteResource(this.#cache(), target.path, target.resource, response);
  }

  protected override doOptions(_request: HttpServletRequest, response: HttpServletResponse): void {
    response.setHeader('Allow', this.#allow());
  }

  /** A webapp served from its bundle (unpackWARs="false") is read-only whatever `readonly` says. */
  #allow(): string {
    return this.#settings.readonly || this.#resources?.writable === false ? READ_ONLY_ALLOW : READ_WRITE_ALLOW;
  }

  #notAllowed(response: HttpServletResponse): void {
    response.setHeader('Allow', this.#allow());
    response.sendError(405);
  }

  #cache(): ResourceCache {
    if (this.#resources === null) throw new ContainerError('SV_ERR_STATIC_RESOURCE_NOT_FOUND', { path: '/' });
    return this.#resources;
  }

  /** The checks PUT and DELETE share: writable servlet, a path that may be written, preconditions. */
  async #writeTarget(request: HttpServletRequest, response: HttpServletResponse): Promise<{ path: string; resource: WebResource } | null> {
    if (this.#settings.readonly || !this.#cache().writable) {
      this.#notAllowed(response);
      return null;
    }
    const path = resourcePath(request, false);
    if (isSpecialPath(path) || isUnsafePath(path)) {
      response.sendError(404, request.getRequestURI());
      return null;
    }
    const resource = await this.#cache().get(path);
    const file = resource.kind === 'file' ? resource : null;
    const verdict = evaluatePreconditions({
      method: request.getMethod(),
      ifMatch: joinedHeader(request, 'If-Match'),
      ifNoneMatch: joinedHeader(request, 'If-None-Match'),
      ifModifiedSince: null,
      ifUnmodifiedSince: dateHeader(request, 'If-Unmodified-Since'),
      etag: file === null ? null : (await this.#validatorsOf(path, file)).etag,
      lastModifiedMs: file?.mtimeMs ?? 0,
    });
    if (verdict !== 'proceed') {
      response.sendError(verdict === 304 ? 412 : verdict);
      return null;
    }
    return { path, resource };
  }

  async #serve(request: HttpServletRequest, response: HttpServletResponse, withBody: boolean): Promise<void> {
    const included = request.getAttribute(RequestDispatcherAttributes.INCLUDE_REQUEST_URI) != null;
    const error = request.getDispatcherType() === 'ERROR';
    const path = resourcePath(request, included);
    const cache = this.#cache();
    // A lookup still within cacheTtl is answered from memory without waiting on a promise (the hot path).
    let resource: WebResource =
      isSpecialPath(path) || isUnsafePath(path) || isJspSource(path) ? { kind: 'missing' } : (cache.peek(path) ?? (await cache.get(path)));
    // `/a.txt/` names no file (CVE-2017-12615 class: a trailing slash must not alias a file).
    if (resource.kind === 'file' && path.endsWith('/')) resource = { kind: 'missing' };

    if (resource.kind === 'missing' || resource.kind === 'forbidden') {
      if (included) {
        // An include cannot change the status; the including servlet gets the failure (Tomcat: FileNotFoundException).
        throw new ContainerError('SV_ERR_STATIC_RESOURCE_NOT_FOUND', { path });
      }
      // No tag matches a missing resource, not even `*` (RFC 9110 §13.1.1).
      if (resource.kind === 'missing' && !error && request.getHeader('If-Match') !== null) {
        response.sendError(412);
        return;
      }
      response.sendError(resource.kind === 'forbidden' ? 403 : 404, request.getRequestURI());
      return;
    }

    if (resource.kind === 'directory') {
      if (included) throw new ContainerError('SV_ERR_STATIC_RESOURCE_NOT_FOUND', { path });
      if (!path.endsWith('/')) {
        response.sendRedirect(
          directoryRedirectLocation(request.getRequestURI(), request.getQueryString()),
          this.#settings.directoryRedirectStatusCode,
        );
        return;
      }
      if (!this.#settings.listings) {
        response.sendError(404, request.getRequestURI());
        return;
      }
      await this.#sendListing(path, resource, request, response, withBody);
      return;
    }

    if (included) {
      await this.#sendWhole(response, path, resource, withBody, true);
      return;
    }
    const validators = this.#validators.get(resource) ?? (await this.#validatorsOf(path, resource));
    if (!error) {
      const verdict = this.#preconditions(request, validators.etag, resource.mtimeMs);
      if (verdict === 304) {
        // A 304 carries the validator only (RFC 9110 §15.4.5); Tomcat sends just the ETag.
        response.setStatus(304);
        response.setHeader('ETag', validators.etag);
        return;
      }
      if (verdict !== 'proceed') {
        response.sendError(verdict);
        return;
      }
    }
    const contentType = this.#representationHeaders(response, validators);

    // A precompressed sibling replaces the bytes, never the validators of the original (Tomcat does the same).
    let bodyPath = path;
    let body: FileResource = resource;
    if (this.#settings.precompressed.length > 0) {
      response.addHeader('Vary', 'accept-encoding');
      const variant = await this.#precompressed(request, path);
      if (variant !== null) {
        response.setHeader('Content-Encoding', variant.encoding);
        bodyPath = variant.path;
        body = variant.resource;
      }
    }

    // Ranges apply to GET on a non-empty representation only; HEAD and error pages get the whole (RFC 9110 §14.2).
    const rangeHeader = request.getMethod() === 'GET' && !error && body.size > 0 ? joinedHeader(request, 'Range') : null;
    if (rangeHeader !== null) {
      const ifRange = request.getHeaders('If-Range');
      const applies = ifRange.length === 0 ? 'range' : evaluateIfRange(ifRange, validators.etag, resource.mtimeMs);
      if (applies === 400) {
        response.sendError(400, 'Invalid If-Range header');
        return;
      }
      const decision = applies === 'range' ? decideRange(rangeHeader, body.size) : { kind: 'full' as const };
      if (decision.kind === 'unsatisfiable') {
        response.setHeader('Content-Range', `bytes */${body.size}`);
        response.sendError(416);
        return;
      }
      if (decision.kind === 'partial') {
        await this.#sendRanges(response, bodyPath, body, decision.ranges, contentType, withBody);
        return;
      }
    }
    await this.#sendWhole(response, bodyPath, body, withBody, false);
  }

  /**
   * The common request answered without a promise: a plain GET or HEAD of a file whose lookup, validators and
   * bytes are all in memory, with no conditional, Range or precompression to weigh. Anything else returns
   * false before touching the response, and #serve takes the request.
   */
  #serveFromMemory(request: HttpServletRequest, response: HttpServletResponse, withBody: boolean): boolean {
    if (request.getDispatcherType() !== 'REQUEST' || this.#settings.precompressed.length > 0) return false;
    const path = resourcePath(request, false);
    if (path.endsWith('/') || isSpecialPath(path) || isUnsafePath(path) || isJspSource(path)) return false;
    const cache = this.#resources;
    if (cache === null) return false;
    const resource = cache.peek(path);
    if (resource === undefined || resource.kind !== 'file') return false;
    const validators = this.#validators.get(resource);
    if (validators === undefined) return false;
    // Bytes are sent only for a GET of a non-empty file; that is also the only case a Range applies to.
    const sendsBytes = withBody && resource.size > 0;
    const content = sendsBytes ? cache.cachedContent(path, resource) : null;
    if (sendsBytes && (content === null || request.getHeader('Range') !== null)) return false;
    if (this.#preconditions(request, validators.etag, resource.mtimeMs) !== 'proceed') return false;
    this.#representationHeaders(response, validators);
    response.setContentLength(resource.size);
    if (content !== null) this.#writeOnce(response, content);
    return true;
  }

  /** Content-Type, Accept-Ranges and the validators of a file's representation; returns the content type. */
  #representationHeaders(response: HttpServletResponse, validators: Validators): string | null {
    const contentType = validators.contentType;
    if (contentType !== null) response.setContentType(contentType);
    if (this.#settings.useAcceptRanges) response.setHeader('Accept-Ranges', 'bytes');
    response.setHeader('ETag', validators.etag);
    response.setHeader('Last-Modified', validators.lastModified);
    return contentType;
  }

  #preconditions(request: HttpServletRequest, etag: string, mtimeMs: number): PreconditionResult {
    // The common case carries no conditional header at all: skip the parsing.
    if (
      request.getHeader('If-Match') === null &&
      request.getHeader('If-None-Match') === null &&
      request.getHeader('If-Modified-Since') === null &&
      request.getHeader('If-Unmodified-Since') === null
    ) {
      return 'proceed';
    }
    return evaluatePreconditions({
      method: request.getMethod(),
      ifMatch: joinedHeader(request, 'If-Match'),
      ifNoneMatch: joinedHeader(request, 'If-None-Match'),
      ifModifiedSince: dateHeader(request, 'If-Modified-Since'),
      ifUnmodifiedSince: dateHeader(request, 'If-Unmodified-Since'),
      etag,
      lastModifiedMs: mtimeMs,
    });
  }

  async #validatorsOf(path: string, resource: FileResource): Promise<Validators> {
    let validators = this.#validators.get(resource);
    if (validators === undefined) {
      const etag = this.#settings.useStrongETags
        ? await this.#cache().strongETag(path, resource)
        : weakETag(resource.size, resource.mtimeMs);
      validators = { etag, lastModified: new Date(resource.mtimeMs).toUTCString(), contentType: this.#contentType(path) };
      this.#validators.set(resource, validators);
    }
    return validators;
  }

  /** The MIME type by extension (conf/web.xml, the app's mime-mappings, then the mime database), with charset for text. */
  #contentType(path: string): string | null {
    const slash = lastIndexOfChar(path, SLASH);
    const dot = lastIndexOfChar(path, DOT);
    const key = dot > slash ? path.slice(dot) : '';
    let type = this.#mimeTypes.get(key);
    if (type === undefined) {
      const mime = key === '' ? null : this.getServletContext().getMimeType(path);
      type =
        mime === null ? null : isTextType(mime) && !/;\s*charset=/i.test(mime) ? `${mime};charset=${this.#settings.fileEncoding}` : mime;
      // Bounded: extensions come from request paths.
      if (this.#mimeTypes.size >= MAX_MIME_ENTRIES) this.#mimeTypes.clear();
      this.#mimeTypes.set(key, type);
    }
    return type;
  }

  async #precompressed(
    request: HttpServletRequest,
    path: string,
  ): Promise<{ encoding: string; path: string; resource: FileResource } | null> {
    const header = request.getHeader('Accept-Encoding');
    if (header === null) return null;
    const accepted = parseAcceptEncoding(header);
    const available: Array<CompressionFormat & { resource: FileResource }> = [];
    for (const format of this.#settings.precompressed) {
      if ((accepted.get(format.encoding) ?? accepted.get('*') ?? 0) <= 0) continue;
      const sibling = await this.#cache().get(path + format.extension);
      if (sibling.kind === 'file') available.push({ ...format, resource: sibling });
    }
    const chosen = chooseEncoding(accepted, available);
    if (chosen === null) return null;
    const match = available.find((f) => f.encoding === chosen.encoding)!;
    return { encoding: match.encoding, path: path + match.extension, resource: match.resource };
  }

  async #sendWhole(
    response: HttpServletResponse,
    path: string,
    resource: FileResource,
    withBody: boolean,
    included: boolean,
  ): Promise<void> {
    if (!included) response.setContentLength(resource.size);
    if (!withBody || resource.size === 0) return;
    const cache = this.#cache();
    const cached = cache.cachedContent(path, resource) ?? (await cache.content(path, resource));
    if (cached !== null) {
      // One write of the cached bytes: the response sends them as they are (Content-Length set above).
      this.#writeOnce(response, cached);
      return;
    }
    const { sendfileBytes } = this.#settings;
    if (sendfileBytes >= 0 && resource.size < sendfileBytes) {
      await this.#write(response, [await cache.read(path, resource)], false);
      return;
    }
    // `end` is inclusive; a file that grows while streaming never exceeds the declared length.
    await this.#write(response, this.#fileChunks(path, resource, 0, resource.size - 1), true);
  }

  async #sendRanges(
    response: HttpServletResponse,
    path: string,
    resource: FileResource,
    ranges: readonly ByteRange[],
    contentType: string | null,
    withBody: boolean,
  ): Promise<void> {
    response.setStatus(206);
    const cached = await this.#cache().content(path, resource);
    const slice = (range: ByteRange): Iterable<Buffer> | AsyncIterable<Buffer> =>
      cached !== null ? [cached.subarray(range.start, range.end + 1)] : this.#fileChunks(path, resource, range.start, range.end);
    if (ranges.length === 1) {
      const range = ranges[0]!;
      response.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${resource.size}`);
      response.setContentLength(range.end - range.start + 1);
      if (withBody) await this.#write(response, slice(range), cached === null);
      return;
    }
    const layout = multipartLayout(ranges, resource.size, contentType);
    // The text charset set for the single representation does not describe the multipart envelope.
    response.setContentType(null);
    response.setContentType(`multipart/byteranges; boundary=${MULTIPART_BOUNDARY}`);
    response.setContentLength(layout.totalLength);
    if (!withBody) return;
    const chunks = async function* (): AsyncIterable<Buffer> {
      for (const part of layout.parts) {
        yield part.head;
        yield* slice(part.range);
      }
      yield layout.tail;
    };
    await this.#write(response, chunks(), true);
  }

  /** A body in one piece: written without iterating or awaiting (the cached-file hot path). */
  #writeOnce(response: HttpServletResponse, body: Buffer): void {
    let stream: ReturnType<HttpServletResponse['getOutputStream']> | null = null;
    try {
      stream = response.getOutputStream();
    } catch {
      stream = null;
    }
    if (stream !== null) {
      stream.write(body);
      return;
    }
    // The including servlet already took the Writer: decode with fileEncoding.
    response.getWriter().write(new TextDecoder(this.#settings.fileEncoding).decode(body));
  }

  /**
   * Writes through the byte stream; when streaming, awaits flush() after each chunk so a slow client holds
   * at most one chunk in memory. When the including servlet already took the Writer, decodes with fileEncoding.
   */
  async #write(response: HttpServletResponse, chunks: AsyncIterable<Buffer> | Iterable<Buffer>, streaming: boolean): Promise<void> {
    let stream: ReturnType<HttpServletResponse['getOutputStream']> | null = null;
    try {
      stream = response.getOutputStream();
    } catch {
      stream = null;
    }
    if (stream !== null) {
      for await (const chunk of chunks) {
        stream.write(chunk);
        if (streaming) await stream.flush();
      }
      return;
    }
    const writer = response.getWriter();
    const decoder = new TextDecoder(this.#settings.fileEncoding);
    for await (const chunk of chunks) {
      writer.write(decoder.decode(chunk, { stream: true }));
      if (streaming) await writer.flush();
    }
    writer.write(decoder.decode());
  }

  /** Chunks of a file between two inclusive offsets, read as they are consumed (from disk or the bundle). */
  #fileChunks(path: string, resource: FileResource, start: number, end: number): AsyncIterable<Buffer> {
    return this.#cache().chunks(path, resource, start, end, STREAM_CHUNK_BYTES) as AsyncIterable<Buffer>;
  }

  async #sendListing(
    path: string,
    directory: DirectoryResource,
    request: HttpServletRequest,
    response: HttpServletResponse,
    withBody: boolean,
  ): Promise<void> {
    const entries = await readListing(this.#cache(), path, directory);
    const html = renderDirectoryListing(path, entries, request.getQueryString(), {
      sortListings: this.#settings.sortListings,
      sortDirectoriesFirst: this.#settings.sortDirectoriesFirst,
      serverInfo: this.#settings.showServerInfo ? SERVER_INFO : null,
    });
    const body = Buffer.from(html, 'utf8');
    response.setContentType('text/html;charset=UTF-8');
    response.setContentLength(body.length);
    if (withBody) await this.#write(response, [body], false);
  }
}

/** The path inside the webapp: from the include attributes during an include (Servlet spec §9.3.1). */
function resourcePath(request: HttpServletRequest, included: boolean): string {
  let servletPath: string;
  let pathInfo: string | null;
  if (included) {
    const sp = request.getAttribute(RequestDispatcherAttributes.INCLUDE_SERVLET_PATH);
    const pi = request.getAttribute(RequestDispatcherAttributes.INCLUDE_PATH_INFO);
    servletPath = typeof sp === 'string' ? sp : '';
    pathInfo = typeof pi === 'string' ? pi : null;
  } else {
    servletPath = request.getServletPath();
    pathInfo = request.getPathInfo();
  }
  const path = servletPath + (pathInfo ?? '');
  return path === '' ? '/' : path;
}

function joinedHeader(request: HttpServletRequest, name: string): string | null {
  // Most requests carry none of these: a scan of the fields answers that without the index getHeaders builds.
  if (request.getHeader(name) === null) return null;
  const values = request.getHeaders(name);
  if (values.length === 0) return null;
  const joined = values.join(',');
  return joined.trim() === '' ? null : joined;
}

/** A date precondition; invalid or repeated values are ignored (RFC 9110 §13.1.3, §13.1.4). */
function dateHeader(request: HttpServletRequest, name: string): number | null {
  if (request.getHeaders(name).length !== 1) return null;
  try {
    const value = request.getDateHeader(name);
    return value < 0 ? null : value;
  } catch {
    return null;
  }
}
