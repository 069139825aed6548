/**
 * CsrfPreventionFilter (Tomcat 10.1's org.apache.catalina.filters.CsrfPreventionFilter): every request must
 * carry, as a request parameter, one of the latest nonces its session was given, except GETs to an entry point
 * or a no-nonce URL; without one it is answered with denyStatus (403). Each request that passes gets a new
 * nonce, added to the session's cache (the last nonceCacheSize stay valid, first in first out), published in
 * the request attribute `org.apache.catalina.filters.CSRF_REQUEST_NONCE`, and added by the response's
 * encodeURL() / encodeRedirectURL() to the URLs the page hands out. A nonce belongs to its session: one taken
 * from another session (or with no session) is refused.
 */
import { compileConfigPattern } from '../config/config-pattern.js';
import type { InitParameters } from '../config/init-parameters.js';
import { ContainerError } from '../errors/container-error.js';
import type { Filter, FilterChain, FilterConfig } from '../servlet/filter.js';
import { isHttpRequest, isHttpResponse } from '../servlet/http-servlet.js';
import type { HttpServletRequest, ServletRequest } from '../servlet/http-servlet-request.js';
import type { HttpServletResponse, ServletResponse } from '../servlet/http-servlet-response.js';
import type { HttpSession } from '../servlet/http-session.js';
import type { ServletContext } from '../servlet/servlet-context.js';
import { HttpServletResponseWrapper } from '../servlet/servlet-response-wrapper.js';
import {
  commaList,
  CSRF_NONCE_REQUEST_ATTR_NAME,
  CSRF_NONCE_REQUEST_PARAM_NAME_KEY,
  CSRF_NONCE_SESSION_ATTR_NAME,
  generateNonce,
  requestedPath,
  sameNonce,
} from './csrf-nonce.js';
import { readFilterSettings, unknownInitParameter, type FilterOptions } from './option-params.js';

const OWNER = 'Filter:CsrfPreventionFilter';

/** The typed options of `new CsrfPreventionFilter({...})`: its init-params, typed. */
export type CsrfPreventionFilterOptions = FilterOptions<typeof OWNER>;

type Settings = InitParameters<typeof OWNER>;
type UrlPredicate = (url: string) => boolean;

/**
 * noNonceURLPatterns as Tomcat reads it: the whole value between slashes is one regex; otherwise each
 * comma-separated entry is `*suffix`, `prefix*`, `/regex/` or `mime:` + one of those (tested on the MIME type
 * of the URL). Regexes match the whole URL and run in linear time (config-pattern.ts). Returns a problem text
 * for the first entry it cannot read.
 */
export function noNoncePredicates(patterns: string, mimeTypeOf: (url: string) => string | null): UrlPredicate[] | string {
  if (patterns.trim() === '') return [];
  if (patterns.length >= 2 && patterns.startsWith('/') && patterns.endsWith('/')) {
    const one = regexPredicate(patterns.slice(1, -1));
    return typeof one === 'string' ? one : [one];
  }
  const predicates: UrlPredicate[] = [];
  for (const entry of patterns.split(',')) {
    const pattern = entry.trim();
    if (pattern === '') continue;
    const predicate = predicateOf(pattern, mimeTypeOf);
    if (typeof predicate === 'string') return predicate;
    predicates.push(predicate);
  }
  return predicates;
}

function regexPredicate(source: string): UrlPredicate | string {
  const compiled = compileConfigPattern(source);
  if (!compiled.ok) return `[/${source}/] is not a regular expression Serval can match in linear time: ${compiled.reason}`;
  const regex = compiled.regex;
  return (url) => regex.test(url);
}

function predicateOf(pattern: string, mimeTypeOf: (url: string) => string | null): UrlPredicate | string {
  if (pattern.startsWith('mime:')) {
    const inner = pattern.slice(5).trim();
    if (inner === '') return `[${pattern}] names no MIME type pattern`;
    const predicate = predicateOf(inner, mimeTypeOf);
    if (typeof predicate === 'string') return predicate;
    return (url) => {
      const type = mimeTypeOf(url);
      return type !== null && predicate(type);
    };
  }
  if (pattern.startsWith('*')) {
    const suffix = pattern.slice(1);
    return (url) => url.endsWith(suffix);
  }
  if (pattern.endsWith('*')) {
    const prefix = pattern.slice(0, -1);
    return (url) => url.startsWith(prefix);
  }
  if (pattern.length >= 2 && pattern.startsWith('/') && pattern.endsWith('/')) return regexPredicate(pattern.slice(1, -1));
  return `[${pattern}] is not *suffix, prefix*, /regex/ or mime:<pattern>`;
}

/** `url` with `name=nonce` added to its query, before any fragment (Tomcat's CsrfResponseWrapper.addNonce). */
export function addNonce(url: string, name: string, nonce: string): string {
  let path = url;
  let anchor = '';
  const pound = path.indexOf('#');
  if (pound >= 0) {
    anchor = path.slice(pound);
    path = path.slice(0, pound);
  }
  const separator = path.includes('?') ? '&' : '?';
  return `${path}${separator}${name}=${nonce}${anchor}`;
}

/** Adds the request's nonce to every URL the page encodes, except the no-nonce ones (left wholly untouched, as Tomcat). */
export class CsrfResponseWrapper extends HttpServletResponseWrapper {
  readonly #name: string;
  readonly #nonce: string;
  readonly #noNonce: readonly UrlPredicate[];

  constructor(response: HttpServletResponse, name: string, nonce: string, noNonce: readonly UrlPredicate[]) {
    super(response);
    this.#name = name;
    this.#nonce = nonce;
    this.#noNonce = noNonce;
  }

  override encodeURL(url: string): string {
    return this.#wantsNonce(url) ? addNonce(super.encodeURL(url), this.#name, this.#nonce) : url;
  }

  override encodeRedirectURL(url: string): string {
    return this.#wantsNonce(url) ? addNonce(super.encodeRedirectURL(url), this.#name, this.#nonce) : url;
  }

  #wantsNonce(url: string): boolean {
    return !this.#noNonce.some((matches) => matches(url));
  }
}

export class CsrfPreventionFilter implements Filter {
  readonly #options: CsrfPreventionFilterOptions;
  #name = 'CsrfPreventionFilter';
  #settings: Settings;
  #entryPoints: ReadonlySet<string> = new Set();
  #noNonce: readonly UrlPredicate[] = [];
  #context: ServletContext | null = null;

  constructor(options: CsrfPreventionFilterOptions = {}) {
    this.#options = options;
    this.#settings = this.#configure(null);
  }

  #invalid(name: string, value: string, allowed: string): ContainerError {
    return new ContainerError('SV_ERR_CSRF_FILTER_INIT_PARAM', {
      name,
      filter: this.#name,
      filterClass: 'CsrfPreventionFilter',
      value,
      allowed,
    });
  }

  #configure(config: FilterConfig | null): Settings {
    const settings = readFilterSettings(OWNER, this.#options, config, (name, value, allowed) => this.#invalid(name, value, allowed));
    const predicates = noNoncePredicates(settings.noNonceURLPatterns, (url) => this.#context?.getMimeType(url) ?? null);
    if (typeof predicates === 'string') throw this.#invalid('noNonceURLPatterns', settings.noNonceURLPatterns, predicates);
    this.#noNonce = predicates;
    this.#entryPoints = new Set(commaList(settings.entryPoints));
    return settings;
  }

  init(config: FilterConfig): void {
    this.#name = config.getFilterName();
    // Tomcat's CSRF filters treat a configuration problem as fatal: a misspelt protection setting must not pass.
    const unknown = unknownInitParameter(OWNER, config);
    if (unknown !== null) {
      throw new ContainerError('SV_ERR_CSRF_FILTER_UNKNOWN_INIT_PARAM', {
        filter: this.#name,
        filterClass: 'CsrfPreventionFilter',
        ...unknown,
      });
    }
    this.#context = config.getServletContext();
    this.#settings = this.#configure(config);
    // Pages find the parameter name here (Tomcat's CSRF_NONCE_REQUEST_PARAM_NAME_KEY).
    this.#context.setAttribute(CSRF_NONCE_REQUEST_PARAM_NAME_KEY, this.#settings.nonceRequestParameterName);
  }

  doFilter(request: ServletRequest, response: ServletResponse, chain: FilterChain): void | Promise<void> {
    if (!isHttpRequest(request) || !isHttpResponse(response)) return chain.doFilter(request, response);
    const path = requestedPath(request);
    let session = request.getSession(false);
    const skipCheck = this.#skipNonceCheck(request, path);
    if (!skipCheck && !this.#validNonce(request, session) && this.#settings.enforce) {
      response.sendError(this.#settings.denyStatus);
      return;
    }
    session ??= request.getSession(true)!;
    const nonce = generateNonce();
    const cache = nonceCacheOf(session);
    // A new array each time: the session keeps values as given, whatever store holds it.
    session.setAttribute(CSRF_NONCE_SESSION_ATTR_NAME, [...cache, nonce].slice(-this.#settings.nonceCacheSize));
    request.setAttribute(CSRF_NONCE_REQUEST_ATTR_NAME, nonce);
    return chain.doFilter(request, new CsrfResponseWrapper(response, this.#settings.nonceRequestParameterName, nonce, this.#noNonce));
  }

  #validNonce(request: HttpServletRequest, session: HttpSession | null): boolean {
    const given = request.getParameter(this.#settings.nonceRequestParameterName);
    if (given === null || session === null) return false;
    return nonceCacheOf(session).some((stored) => sameNonce(given, stored));
  }

  /** Only a GET may skip the check: to an entry point, or to a no-nonce URL (a stylesheet, an image…). */
  #skipNonceCheck(request: HttpServletRequest, path: string): boolean {
    if (request.getMethod() !== 'GET') return false;
    return this.#entryPoints.has(path) || this.#noNonce.some((matches) => matches(path));
  }
}

function nonceCacheOf(session: HttpSession): readonly string[] {
  const value = session.getAttribute(CSRF_NONCE_SESSION_ATTR_NAME);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
