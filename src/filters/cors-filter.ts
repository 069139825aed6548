/**
 * org.apache.catalina.filters.CorsFilter: Cross-Origin Resource Sharing on the server side, as Tomcat 10.1
 * does it (after the W3C CORS recommendation's §6 processing model, now the Fetch standard's CORS protocol).
 * Each request is classified (simple, actual, pre-flight, not CORS, invalid); a pre-flight is answered here
 * and never reaches the servlet; a request whose origin, method or announced header is not allowed gets a
 * 403 with an empty body; an allowed one gets the Access-Control-* headers before the chain runs.
 */
import type { InitParameters } from '../config/init-parameters.js';
import { ContainerError } from '../errors/container-error.js';
import type { FilterChain, FilterConfig } from '../servlet/filter.js';
import { HttpFilter } from '../servlet/generic-filter.js';
import type { HttpServletRequest } from '../servlet/http-servlet-request.js';
import type { HttpServletResponse } from '../servlet/http-servlet-response.js';
import { commaList, optionsAsInitParameters, readFilterInitParameters } from './filter-init-parameters.js';

/** What code may give `new CorsFilter({...})`; each is the typed form of the init-param named in its comment. */
export interface CorsFilterOptions {
  /** cors.allowed.origins: `'*'` or the origins (`https://app.example.com`); default none. */
  readonly allowedOrigins?: '*' | readonly string[];
  /** cors.allowed.methods; default GET, POST, HEAD, OPTIONS. */
  readonly allowedMethods?: readonly string[];
  /** cors.allowed.headers; default Origin, Accept, X-Requested-With, Content-Type, Access-Control-Request-Method, Access-Control-Request-Headers. */
  readonly allowedHeaders?: readonly string[];
  /** cors.exposed.headers; default none. */
  readonly exposedHeaders?: readonly string[];
  /** cors.support.credentials; default false. */
  readonly supportsCredentials?: boolean;
  /** cors.preflight.maxage in seconds; default 1800. */
  readonly preflightMaxAge?: number;
  /** cors.request.decorate; default true. */
  readonly decorateRequest?: boolean;
}

/** Tomcat's CorsFilter.CORSRequestType. */
export type CorsRequestType = 'SIMPLE' | 'ACTUAL' | 'PRE_FLIGHT' | 'NOT_CORS' | 'INVALID_CORS';

/** The request attributes set when cors.request.decorate is on (Tomcat's constants, same names). */
export const CORS_REQUEST_ATTRIBUTES = Object.freeze({
  IS_CORS_REQUEST: 'cors.isCorsRequest',
  ORIGIN: 'cors.request.origin',
  REQUEST_TYPE: 'cors.request.type',
  REQUEST_HEADERS: 'cors.request.headers',
} as const);

/** The CORS settings in the form requests use them. */
export interface CorsSettings {
  readonly anyOriginAllowed: boolean;
  readonly allowedOrigins: ReadonlySet<string>;
  readonly allowedMethods: ReadonlySet<string>;
  /** Lower-case. */
  readonly allowedHeaders: ReadonlySet<string>;
  readonly exposedHeaders: readonly string[];
  readonly supportsCredentials: boolean;
  readonly preflightMaxAge: number;
  readonly decorateRequest: boolean;
}

/** Media types that keep a cross-origin POST "simple" (no pre-flight), Fetch standard's CORS-safelisted ones. */
const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/**
 * The settings from the typed init parameters; `filter` names the filter when they are refused. `*` with
 * credentials is refused, as Tomcat refuses it (a credentialed response cannot carry a wildcard origin).
 */
export function corsSettings(params: InitParameters<'Filter:CorsFilter'>, filter: string): CorsSettings {
  const origins = params['cors.allowed.origins'];
  const anyOriginAllowed = origins.trim() === '*';
  const supportsCredentials = params['cors.support.credentials'];
  if (anyOriginAllowed && supportsCredentials) throw new ContainerError('SV_ERR_FILTER_CORS_CREDENTIALS_ANY_ORIGIN', { filter });
  return {
    anyOriginAllowed,
    allowedOrigins: new Set(anyOriginAllowed ? [] : commaList(origins)),
    allowedMethods: new Set(commaList(params['cors.allowed.methods'])),
    allowedHeaders: new Set(commaList(params['cors.allowed.headers']).map((header) => header.toLowerCase())),
    exposedHeaders: commaList(params['cors.exposed.headers']),
    supportsCredentials,
    preflightMaxAge: params['cors.preflight.maxage'],
    decorateRequest: params['cors.request.decorate'],
  };
}

/** Characters java.net.URI refuses anywhere (Tomcat validates an Origin by parsing it as a URI). */
const URI_ILLEGAL = /[\s"<>\\^`{|}\u0000-\u001f\u007f]/;
const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const BRACKETED_HOST = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/\[[0-9A-Fa-f:.]+\](?::\d*)?$/;

/**
 * Tomcat's RequestUtil.isValidOrigin: no `%`; `null` and any `file://` origin are valid (RFC 6454 §4 leaves
 * them to the implementation); otherwise an absolute URI with a scheme.
 */
export function isValidOrigin(origin: string): boolean {
  if (origin.includes('%')) return false;
  if (origin === 'null' || origin.startsWith('file://')) return true;
  const scheme = URI_SCHEME.exec(origin);
  if (scheme === null || URI_ILLEGAL.test(origin)) return false;
  const rest = origin.slice(scheme[0].length);
  if (rest === '' || rest === '//') return false;
  if (origin.includes('[') || origin.includes(']')) return BRACKETED_HOST.test(origin);
  return true;
}

/**
 * Tomcat's RequestUtil.isSameOrigin: the origin equals `scheme://host[:port]` of the request, compared
 * case-sensitively (as the CORS spec asks), the default port written or not.
 */
export function isSameOrigin(request: HttpServletRequest, origin: string): boolean {
  const scheme = request.getScheme().toLowerCase();
  const target = `${scheme}://${request.getServerName()}`;
  const port = request.getServerPort();
  if (target.length === origin.length) {
    const defaultPort = scheme === 'http' || scheme === 'ws' ? 80 : scheme === 'https' || scheme === 'wss' ? 443 : -1;
    return origin === (port === defaultPort ? target : `${target}:${port}`);
  }
  return origin === `${target}:${port}`;
}

/** Tomcat's MediaType.parseMediaTypeOnly: the type before any `;`, trimmed and lower-cased. */
function mediaTypeOnly(contentType: string | null): string | null {
  if (contentType === null) return null;
  const semicolon = contentType.indexOf(';');
  return (semicolon >= 0 ? contentType.slice(0, semicolon) : contentType).trim().toLowerCase();
}

/** Tomcat's checkRequestType. */
export function corsRequestType(request: HttpServletRequest): CorsRequestType {
  const origin = request.getHeader('Origin');
  if (origin === null) return 'NOT_CORS';
  if (origin === '' || !isValidOrigin(origin)) return 'INVALID_CORS';
  if (isSameOrigin(request, origin)) return 'NOT_CORS';
  const method = request.getMethod();
  switch (method) {
    case 'OPTIONS': {
      const requestMethod = request.getHeader('Access-Control-Request-Method');
      if (requestMethod === null) return 'ACTUAL';
      return requestMethod === '' ? 'INVALID_CORS' : 'PRE_FLIGHT';
    }
    case 'GET':
    case 'HEAD':
      return 'SIMPLE';
    case 'POST': {
      const mediaType = mediaTypeOnly(request.getContentType());
      return mediaType === null || SIMPLE_CONTENT_TYPES.has(mediaType) ? 'SIMPLE' : 'ACTUAL';
    }
    default:
      return 'ACTUAL';
  }
}

/**
 * Tomcat's ResponseUtil.addVaryFieldName: adds a field name to Vary unless Vary is `*` or names it already
 * (field names compare case-insensitively; existing ones come back lower-cased, the new one as given).
 */
export function addVaryFieldName(response: HttpServletResponse, name: string): void {
  const existing = response.getHeaders('Vary');
  if (existing.length === 1 && existing[0]!.trim() === '*') return;
  if (existing.length === 0) {
    response.addHeader('Vary', name);
    return;
  }
  if (name.trim() === '*') {
    response.setHeader('Vary', '*');
    return;
  }
  const fields: string[] = [];
  for (const value of existing) {
    for (const token of value.split(',')) {
      const field = token.trim().toLowerCase();
      if (field !== '' && !fields.includes(field)) fields.push(field);
    }
  }
  if (fields.includes('*')) {
    response.setHeader('Vary', '*');
    return;
  }
  if (!fields.includes(name.toLowerCase())) fields.push(name);
  response.setHeader('Vary', fields.join(','));
}

export class CorsFilter extends HttpFilter {
  readonly #fromCode: ReadonlyMap<string, string>;
  #settings: CorsSettings;

  constructor(options: CorsFilterOptions = {}) {
    super();
    this.#fromCode = optionsAsInitParameters({
      'cors.allowed.origins': options.allowedOrigins,
      'cors.allowed.methods': options.allowedMethods,
      'cors.allowed.headers': options.allowedHeaders,
      'cors.exposed.headers': options.exposedHeaders,
      'cors.support.credentials': options.supportsCredentials,
      'cors.preflight.maxage': options.preflightMaxAge,
      'cors.request.decorate': options.decorateRequest,
    });
    this.#settings = corsSettings(readFilterInitParameters('Filter:CorsFilter', null, this.#fromCode), 'CorsFilter');
  }

  override init(config: FilterConfig): void | Promise<void> {
    this.#settings = corsSettings(readFilterInitParameters('Filter:CorsFilter', config, this.#fromCode), config.getFilterName());
    return super.init(config);
  }

  /** The settings in force: the options', then after init() the init-params' too. */
  getSettings(): CorsSettings {
    return this.#settings;
  }

  protected override async doFilterHttp(request: HttpServletRequest, response: HttpServletResponse, chain: FilterChain): Promise<void> {
    const settings = this.#settings;
    const type = corsRequestType(request);
    if (settings.decorateRequest) decorate(request, type);
    switch (type) {
      case 'SIMPLE':
      case 'ACTUAL': {
        const origin = request.getHeader('Origin')!;
        if (!isOriginAllowed(settings, origin) || !settings.allowedMethods.has(request.getMethod())) {
          refuse(response);
          return;
        }
        addStandardHeaders(settings, request, response, origin);
        await chain.doFilter(request, response);
        return;
      }
      case 'PRE_FLIGHT':
        if (preflightAllowed(settings, request)) addStandardHeaders(settings, request, response, request.getHeader('Origin')!);
        else refuse(response);
        // A pre-flight is answered by the filter itself (an empty 200 when allowed).
        return;
      case 'NOT_CORS':
        // The same resource answers differently by origin when origins are enumerated: caches must know.
        if (!settings.anyOriginAllowed) addVaryFieldName(response, 'Origin');
        await chain.doFilter(request, response);
        return;
      case 'INVALID_CORS':
        refuse(response);
        return;
    }
  }
}

function isOriginAllowed(settings: CorsSettings, origin: string): boolean {
  return settings.anyOriginAllowed || settings.allowedOrigins.has(origin);
}

/** Tomcat's handlePreflightCORS checks (CORS §6.2.2–6.2.6): origin, the announced method, every announced header. */
function preflightAllowed(settings: CorsSettings, request: HttpServletRequest): boolean {
  if (!isOriginAllowed(settings, request.getHeader('Origin')!)) return false;
  const method = request.getHeader('Access-Control-Request-Method');
  if (method === null || !settings.allowedMethods.has(method.trim())) return false;
  const headers = request.getHeader('Access-Control-Request-Headers');
  if (headers === null || headers.trim() === '') return true;
  return headers
    .trim()
    .split(',')
    .every((header) => settings.allowedHeaders.has(header.trim().toLowerCase()));
}

/** Tomcat's handleInvalidCORS: 403, text/plain, whatever was buffered dropped; the chain does not run. */
function refuse(response: HttpServletResponse): void {
  response.setContentType('text/plain');
  response.setStatus(403);
  response.resetBuffer();
}

/** Tomcat's addStandardHeaders (CORS §6.1.3–6.1.4, §6.2.7–6.2.10). */
function addStandardHeaders(settings: CorsSettings, request: HttpServletRequest, response: HttpServletResponse, origin: string): void {
  if (!settings.anyOriginAllowed) addVaryFieldName(response, 'Origin');
  response.addHeader('Access-Control-Allow-Origin', settings.anyOriginAllowed ? '*' : origin);
  if (settings.supportsCredentials) response.addHeader('Access-Control-Allow-Credentials', 'true');
  if (settings.exposedHeaders.length > 0) response.addHeader('Access-Control-Expose-Headers', settings.exposedHeaders.join(','));
  if (request.getMethod() !== 'OPTIONS') return;
  addVaryFieldName(response, 'Access-Control-Request-Method');
  addVaryFieldName(response, 'Access-Control-Request-Headers');
  if (settings.preflightMaxAge > 0) response.addHeader('Access-Control-Max-Age', String(settings.preflightMaxAge));
  if (settings.allowedMethods.size > 0) response.addHeader('Access-Control-Allow-Methods', [...settings.allowedMethods].join(','));
  if (settings.allowedHeaders.size > 0) response.addHeader('Access-Control-Allow-Headers', [...settings.allowedHeaders].join(','));
}

/** Tomcat's decorateCORSProperties: an invalid request gets no attributes. */
function decorate(request: HttpServletRequest, type: CorsRequestType): void {
  if (type === 'INVALID_CORS') return;
  request.setAttribute(CORS_REQUEST_ATTRIBUTES.IS_CORS_REQUEST, type !== 'NOT_CORS');
  if (type === 'NOT_CORS') return;
  request.setAttribute(CORS_REQUEST_ATTRIBUTES.ORIGIN, request.getHeader('Origin'));
  request.setAttribute(CORS_REQUEST_ATTRIBUTES.REQUEST_TYPE, type.toLowerCase());
  if (type === 'PRE_FLIGHT')
    request.setAttribute(CORS_REQUEST_ATTRIBUTES.REQUEST_HEADERS, request.getHeader('Access-Control-Request-Headers') ?? '');
}
