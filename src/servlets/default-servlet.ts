/**
 * DefaultServlet: serves a webapp's static files (Tomcat's DefaultServlet, first version: no ranges,
 * no writes). Uses only the public servlet API; the pure helpers are exported for tests.
 */
import { createReadStream, type Stats } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { ContainerError } from '../errors/container-error.js';
import type { HttpServletRequest } from '../servlet/http-servlet-request.js';
import type { HttpServletResponse } from '../servlet/http-servlet-response.js';
import { HttpServlet } from '../servlet/http-servlet.js';
import { RequestDispatcherAttributes } from '../servlet/request-dispatcher.js';

/** The methods a read-only DefaultServlet answers (Tomcat: `Allow: OPTIONS, GET, HEAD, POST`). */
export const READ_ONLY_ALLOW = 'OPTIONS, GET, HEAD, POST';
/** Files up to this size are read whole; larger ones stream (Tomcat's sendfileSize default, 48 KiB). */
export const SMALL_FILE_BYTES = 48 * 1024;

/** Weak validator `W/"<length>-<mtimeMillis>"`, as Tomcat builds it (RFC 9110 §8.8.3). */
export function weakETag(size: number, mtimeMs: number): string {
  return `W/"${size}-${Math.trunc(mtimeMs)}"`;
}

/** True for WEB-INF and META-INF at the webapp root, in any case spelling (Servlet spec §10.5). */
export function isSpecialPath(path: string): boolean {
  const first = path.split('/').find((segment) => segment !== '') ?? '';
  const upper = first.toUpperCase();
  return upper === 'WEB-INF' || upper === 'META-INF';
}

/** Dot segments, backslashes and NUL never reach a file lookup, whatever dispatched the request. */
export function isUnsafePath(path: string): boolean {
  if (path.includes('\0') || path.includes('\\')) return true;
  return path.split('/').some((segment) => segment === '..' || segment === '.');
}

/** True when `target` is `base` or inside it (both already real paths). */
export function isInside(base: string, target: string): boolean {
  const rel = relative(base, target);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

/** Where a directory requested without its trailing `/` redirects; a leading `//` would be protocol-relative. */
export function directoryRedirectLocation(requestURI: string, query: string | null): string {
  let location = `${requestURI}/`;
  while (location.startsWith('//')) location = location.slice(1);
  return query === null ? location : `${location}?${query}`;
}

export interface EntityTag {
  readonly weak: boolean;
  /** The quoted opaque tag, quotes included. */
  readonly opaque: string;
}

/**
 * Parses an If-Match / If-None-Match value: `*`, or a comma list of entity-tags (RFC 9110 §8.8.3,
 * §13.1.1). Returns null when the value is malformed (→ 400, as Tomcat does).
 */
export function parseEntityTags(value: string): EntityTag[] | '*' | null {
  const trimmed = value.trim();
  if (trimmed === '*') return '*';
  const tags: EntityTag[] = [];
  let i = 0;
  const n = value.length;
  const skipSpace = (): void => {
    while (i < n && (value[i] === ' ' || value[i] === '\t')) i++;
  };
  while (i < n) {
    skipSpace();
    if (i >= n) break;
    if (value[i] === ',') {
      i++;
      continue;
    }
    let weak = false;
    if (value.startsWith('W/', i)) {
      weak = true;
      i += 2;
    }
    if (value[i] !== '"') return null;
    const start = i;
    i++;
    // etagc = %x21 / %x23-7E / obs-text
    while (i < n && value[i] !== '"') {
      const c = value.charCodeAt(i);
      if (c < 0x21 || c === 0x7f) return null;
      i++;
    }
    if (i >= n) return null;
    i++;
    tags.push({ weak, opaque: value.slice(start, i) });
    skipSpace();
    if (i < n && value[i] !== ',') return null;
  }
  return tags;
}

export function parseETag(tag: string): EntityTag | null {
  const parsed = parseEntityTags(tag);
  return Array.isArray(parsed) && parsed.length === 1 ? parsed[0] : null;
}

/** Weak comparison: opaque tags equal, W/ ignored (RFC 9110 §8.8.3.2). */
export function weakMatch(a: EntityTag, b: EntityTag): boolean {
  return a.opaque === b.opaque;
}

/** Strong comparison: neither weak and opaque tags equal. */
export function strongMatch(a: EntityTag, b: EntityTag): boolean {
  return !a.weak && !b.weak && a.opaque === b.opaque;
}

export interface PreconditionInput {
  readonly method: string;
  /** Raw header values joined with `,`; null when absent. */
  readonly ifMatch: string | null;
  readonly ifNoneMatch: string | null;
  /** Epoch ms; null when absent, invalid or list-valued (those are ignored, RFC 9110 §13.1.3). */
  readonly ifModifiedSince: number | null;
  readonly ifUnmodifiedSince: number | null;
  readonly etag: string;
  readonly lastModifiedMs: number;
}

export type PreconditionResult = 'proceed' | 304 | 400 | 412;

/** Evaluates the conditional headers in the order of RFC 9110 §13.2.2 for an existing resource. */
export function evaluatePreconditions(input: PreconditionInput): PreconditionResult {
  const current = parseETag(input.etag);
  // HTTP dates have one-second resolution (RFC 9110 §5.6.7).
  const lastModified = Math.floor(input.lastModifiedMs / 1000) * 1000;
  const safe = input.method === 'GET' || input.method === 'HEAD';
  if (input.ifMatch !== null) {
    const tags = parseEntityTags(input.ifMatch);
    if (tags === null) return 400;
    if (tags !== '*' && (current === null || !tags.some((tag) => strongMatch(tag, current)))) return 412;
  } else if (input.ifUnmodifiedSince !== null && lastModified > input.ifUnmodifiedSince) {
    return 412;
  }
  if (input.ifNoneMatch !== null) {
    const tags = parseEntityTags(input.ifNoneMatch);
    if (tags === null) return 400;
    const matched = tags === '*' || (current !== null && tags.some((tag) => weakMatch(tag, current)));
    if (matched) return safe ? 304 : 412;
  } else if (safe && input.ifModifiedSince !== null && lastModified <= input.ifModifiedSince) {
    return 304;
  }
  return 'proceed';
}

export interface ListingEntry {
  readonly name: string;
  readonly directory: boolean;
  readonly size: number;
  readonly mtimeMs: number;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A minimal directory listing; every name is escaped for HTML and %-encoded in links. */
export function renderDirectoryListing(path: string, entries: readonly ListingEntry[]): string {
  const title = escapeHtml(`Directory Listing For [${path}]`);
  let html = `<!doctype html><html lang="en"><head><title>${title}</title></head><body><h1>${title}</h1><hr>`;
  html += '<table><tr><th>Filename</th><th>Size</th><th>Last Modified</th></tr>';
  if (path !== '/') html += '<tr><td><a href="../">../</a></td><td></td><td></td></tr>';
  for (const entry of entries) {
    const shown = entry.directory ? `${entry.name}/` : entry.name;
    const href = encodeURIComponent(entry.name) + (entry.directory ? '/' : '');
    const size = entry.directory ? '' : String(entry.size);
    html +=
      `<tr><td><a href="${escapeHtml(href)}">${escapeHtml(shown)}</a></td><td>${size}</td>` +
      `<td>${new Date(entry.mtimeMs).toUTCString()}</td></tr>`;
  }
  return `${html}</table><hr></body></html>`;
}

type Lookup =
  | { readonly kind: 'file'; readonly realPath: string; readonly stats: Stats }
  | { readonly kind: 'directory'; readonly realPath: string; readonly stats: Stats }
  | { readonly kind: 'missing' }
  | { readonly kind: 'forbidden' };

export class DefaultServlet extends HttpServlet {
  #listings = false;
  #readonly = true;
  #fileEncoding = 'utf-8';
  #docBase: Promise<string | null> | null = null;

  override initServlet(): void {
    this.#listings = this.#booleanParam('listings', false);
    this.#readonly = this.#booleanParam('readonly', true);
    const encoding = this.getInitParameter('fileEncoding');
    if (encoding !== null && encoding !== '') {
      try {
        new TextDecoder(encoding);
      } catch {
        throw this.#invalidParam('fileEncoding', encoding, 'a character encoding Node.js can decode');
      }
      this.#fileEncoding = encoding;
    }
    if (!this.#readonly) this.log('readonly=false: PUT and DELETE are not supported yet and still answer 405');
  }

  protected override doGet(request: HttpServletRequest, response: HttpServletResponse): Promise<void> {
    return this.#serve(request, response, true);
  }

  protected override doHead(request: HttpServletRequest, response: HttpServletResponse): Promise<void> {
    return this.#serve(request, response, false);
  }

  /** allowPostAsGet: a form posting to a static page gets the page. */
  protected override doPost(request: HttpServletRequest, response: HttpServletResponse): Promise<void> {
    return this.#serve(request, response, true);
  }

  protected override doPut(_request: HttpServletRequest, response: HttpServletResponse): void {
    response.setHeader('Allow', READ_ONLY_ALLOW);
    response.sendError(405);
  }

  protected override doDelete(_request: HttpServletRequest, response: HttpServletResponse): void {
    response.setHeader('Allow', READ_ONLY_ALLOW);
    response.sendError(405);
  }

  protected override doOptions(_request: HttpServletRequest, response: HttpServletResponse): void {
    response.setHeader('Allow', READ_ONLY_ALLOW);
  }

  async #serve(request: HttpServletRequest, response: HttpServletResponse, withBody: boolean): Promise<void> {
    const included = request.getAttribute(RequestDispatcherAttributes.INCLUDE_REQUEST_URI) != null;
    const path = resourcePath(request, included);
    let found: Lookup = isSpecialPath(path) || isUnsafePath(path) ? { kind: 'missing' } : await this.#lookup(path);
    // `/a.txt/` names no file (CVE-2017-12615 class: a trailing slash must not alias a file).
    if (found.kind === 'file' && path.endsWith('/')) found = { kind: 'missing' };

    if (found.kind === 'missing' || found.kind === 'forbidden') {
      if (included) {
        // An include cannot change the status; the including servlet gets the failure (Tomcat: FileNotFoundException).
        throw new ContainerError('SV_ERR_STATIC_RESOURCE_NOT_FOUND', { path });
      }
      // No tag matches a missing resource, not even `*` (RFC 9110 §13.1.1).
      if (found.kind === 'missing' && request.getHeader('If-Match') !== null) {
        response.sendError(412);
        return;
      }
      response.sendError(found.kind === 'forbidden' ? 403 : 404, request.getRequestURI());
      return;
    }

    if (found.kind === 'directory') {
      if (!path.endsWith('/')) {
        if (included) throw new ContainerError('SV_ERR_STATIC_RESOURCE_NOT_FOUND', { path });
        response.sendRedirect(directoryRedirectLocation(request.getRequestURI(), request.getQueryString()));
        return;
      }
      if (!this.#listings) {
        if (included) throw new ContainerError('SV_ERR_STATIC_RESOURCE_NOT_FOUND', { path });
        response.sendError(404, request.getRequestURI());
        return;
      }
      await this.#sendListing(path, found.realPath, response, withBody);
      return;
    }

    const { stats, realPath } = found;
    const etag = weakETag(stats.size, stats.mtimeMs);
    if (!included) {
      const verdict = evaluatePreconditions({
        method: request.getMethod(),
        ifMatch: joinedHeader(request, 'If-Match'),
        ifNoneMatch: joinedHeader(request, 'If-None-Match'),
        ifModifiedSince: dateHeader(request, 'If-Modified-Since'),
        ifUnmodifiedSince: dateHeader(request, 'If-Unmodified-Since'),
        etag,
        lastModifiedMs: stats.mtimeMs,
      });
      if (verdict === 304) {
        // A 304 carries the validator only (RFC 9110 §15.4.5); Tomcat sends just the ETag.
        response.setStatus(304);
        response.setHeader('ETag', etag);
        return;
      }
      if (verdict !== 'proceed') {
        response.sendError(verdict);
        return;
      }
      const mime = this.getServletContext().getMimeType(path);
      if (mime !== null) response.setContentType(mime);
      response.setHeader('Accept-Ranges', 'bytes');
      response.setHeader('ETag', etag);
      response.setDateHeader('Last-Modified', stats.mtimeMs);
    }

    if (stats.size <= SMALL_FILE_BYTES) {
      const data = withBody ? await readFile(realPath) : null;
      if (!included) response.setContentLength(data === null ? stats.size : data.length);
      if (data !== null && data.length > 0) await this.#write(response, [data]);
      return;
    }
    if (!included) response.setContentLength(stats.size);
    if (!withBody) return;
    // `end` is inclusive; a file that grows while streaming never exceeds the declared length.
    await this.#write(response, createReadStream(realPath, { start: 0, end: stats.size - 1, highWaterMark: 64 * 1024 }));
  }

  /**
   * Writes through the byte stream, awaiting flush() so a slow client holds at most one chunk in
   * memory. When the including servlet already took the Writer, decodes with fileEncoding instead.
   */
  async #write(response: HttpServletResponse, chunks: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<void> {
    let stream: ReturnType<HttpServletResponse['getOutputStream']> | null = null;
    try {
      stream = response.getOutputStream();
    } catch {
      stream = null;
    }
    if (stream !== null) {
      for await (const chunk of chunks) {
        stream.write(chunk);
        await stream.flush();
      }
      return;
    }
    const writer = response.getWriter();
    const decoder = new TextDecoder(this.#fileEncoding);
    for await (const chunk of chunks) {
      writer.write(decoder.decode(chunk, { stream: true }));
      await writer.flush();
    }
    writer.write(decoder.decode());
  }

  async #sendListing(path: string, directory: string, response: HttpServletResponse, withBody: boolean): Promise<void> {
    const entries: ListingEntry[] = [];
    for (const dirent of await readdir(directory, { withFileTypes: true })) {
      // The protected directories are not even named (Servlet spec §10.5).
      if (path === '/' && isSpecialPath(dirent.name)) continue;
      try {
        const info = await stat(`${directory}${sep}${dirent.name}`);
        entries.push({ name: dirent.name, directory: info.isDirectory(), size: info.size, mtimeMs: info.mtimeMs });
      } catch {
        // A dangling symbolic link or a file removed meanwhile is simply not listed.
      }
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const body = Buffer.from(renderDirectoryListing(path, entries), 'utf8');
    response.setContentType('text/html;charset=UTF-8');
    response.setContentLength(body.length);
    if (withBody) await this.#write(response, [body]);
  }

  async #lookup(path: string): Promise<Lookup> {
    const base = await this.#docBaseRealPath();
    const mapped = this.getServletContext().getRealPath(path);
    if (base === null || mapped === null) return { kind: 'missing' };
    let real: string;
    let stats: Stats;
    try {
      real = await realpath(mapped);
      stats = await stat(real);
    } catch (error) {
      return errorCode(error) === 'EACCES' ? { kind: 'forbidden' } : { kind: 'missing' };
    }
    // A symbolic link may point anywhere: only what really lies in the docBase, outside WEB-INF
    // and META-INF, is served (CVE-2024-50379 class: compare canonical paths).
    if (!isInside(base, real)) return { kind: 'missing' };
    const first = relative(base, real).split(sep)[0] ?? '';
    if (isSpecialPath(first)) return { kind: 'missing' };
    if (stats.isDirectory()) return { kind: 'directory', realPath: real, stats };
    if (stats.isFile()) return { kind: 'file', realPath: real, stats };
    return { kind: 'missing' };
  }

  #docBaseRealPath(): Promise<string | null> {
    if (this.#docBase === null) {
      const root = this.getServletContext().getRealPath('/');
      this.#docBase = root === null ? Promise.resolve(null) : realpath(root).catch(() => null);
      // A docBase that could not be resolved is retried on the next request.
      void this.#docBase.then((value) => {
        if (value === null) this.#docBase = null;
      });
    }
    return this.#docBase;
  }

  #booleanParam(name: string, fallback: boolean): boolean {
    const value = this.getInitParameter(name);
    if (value === null || value.trim() === '') return fallback;
    const text = value.trim().toLowerCase();
    if (text === 'true') return true;
    if (text === 'false') return false;
    throw this.#invalidParam(name, value, 'true, false');
  }

  #invalidParam(name: string, value: string, allowed: string): ContainerError {
    return new ContainerError('SV_ERR_STATIC_INIT_PARAM', { name, servlet: this.getServletName(), value, allowed });
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

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}
