/**
 * RestCsrfPreventionFilter (Tomcat 10.1's org.apache.catalina.filters.RestCsrfPreventionFilter), for REST
 * clients that cannot have URLs rewritten: a GET, HEAD or OPTIONS with `X-CSRF-Token: Fetch` receives the
 * session's token in the `X-CSRF-Token` response header (the session and token are created on the first
 * fetch); any other method (POST, PUT, DELETE, PATCH…) must send that token back in the header, or, on a path
 * listed in pathsAcceptingParams, as an `X-CSRF-Token` request parameter. Without the session's token it is
 * answered with denyStatus (403) and `X-CSRF-Token: Required`.
 */
import type { InitParameters } from '../config/init-parameters.js';
import { ContainerError } from '../errors/container-error.js';
import type { Filter, FilterChain, FilterConfig } from '../servlet/filter.js';
import { isHttpRequest, isHttpResponse } from '../servlet/http-servlet.js';
import type { HttpServletRequest, ServletRequest } from '../servlet/http-servlet-request.js';
import type { HttpServletResponse, ServletResponse } from '../servlet/http-servlet-response.js';
import {
  commaList,
  CSRF_REST_NONCE_HEADER_FETCH_VALUE,
  CSRF_REST_NONCE_HEADER_NAME,
  CSRF_REST_NONCE_HEADER_NAME_KEY,
  CSRF_REST_NONCE_HEADER_REQUIRED_VALUE,
  CSRF_REST_NONCE_SESSION_ATTR_NAME,
  generateNonce,
  requestedPath,
  sameNonce,
} from './csrf-nonce.js';
import { readFilterSettings, unknownInitParameter, type FilterOptions } from './option-params.js';

const OWNER = 'Filter:RestCsrfPreventionFilter';

/** The typed options of `new RestCsrfPreventionFilter({...})`: its init-params, typed. */
export type RestCsrfPreventionFilterOptions = FilterOptions<typeof OWNER>;

type Settings = InitParameters<typeof OWNER>;

/** Methods that change nothing (Tomcat's `GET|HEAD|OPTIONS`, matched exactly): they may fetch, never need, a token. */
const NON_MODIFYING = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Tomcat's message for the refusal (restCsrfPreventionFilter.invalidNonce). */
const INVALID_NONCE_MESSAGE = 'CSRF nonce validation failed';

export class RestCsrfPreventionFilter implements Filter {
  readonly #options: RestCsrfPreventionFilterOptions;
  #name = 'RestCsrfPreventionFilter';
  #settings: Settings;
  #pathsAcceptingParams: ReadonlySet<string> = new Set();

  constructor(options: RestCsrfPreventionFilterOptions = {}) {
    this.#options = options;
    this.#settings = this.#configure(null);
  }

  #configure(config: FilterConfig | null): Settings {
    const settings = readFilterSettings(
      OWNER,
      this.#options,
      config,
      (name, value, allowed) =>
        new ContainerError('SV_ERR_CSRF_FILTER_INIT_PARAM', {
          name,
          filter: this.#name,
          filterClass: 'RestCsrfPreventionFilter',
          value,
          allowed,
        }),
    );
    this.#pathsAcceptingParams = new Set(commaList(settings.pathsAcceptingParams));
    return settings;
  }

  init(config: FilterConfig): void {
    this.#name = config.getFilterName();
    const unknown = unknownInitParameter(OWNER, config);
    if (unknown !== null) {
      throw new ContainerError('SV_ERR_CSRF_FILTER_UNKNOWN_INIT_PARAM', {
        filter: this.#name,
        filterClass: 'RestCsrfPreventionFilter',
        ...unknown,
      });
    }
    this.#settings = this.#configure(config);
    config.getServletContext().setAttribute(CSRF_REST_NONCE_HEADER_NAME_KEY, CSRF_REST_NONCE_HEADER_NAME);
  }

  doFilter(request: ServletRequest, response: ServletResponse, chain: FilterChain): void | Promise<void> {
    if (!isHttpRequest(request) || !isHttpResponse(response)) return chain.doFilter(request, response);
    if (NON_MODIFYING.has(request.getMethod())) {
      this.#fetch(request, response);
    } else if (!this.#validToken(request)) {
      response.setHeader(CSRF_REST_NONCE_HEADER_NAME, CSRF_REST_NONCE_HEADER_REQUIRED_VALUE);
      response.sendError(this.#settings.denyStatus, INVALID_NONCE_MESSAGE);
      return;
    }
    return chain.doFilter(request, response);
  }

  #fetch(request: HttpServletRequest, response: HttpServletResponse): void {
    if (request.getHeader(CSRF_REST_NONCE_HEADER_NAME)?.toLowerCase() !== CSRF_REST_NONCE_HEADER_FETCH_VALUE.toLowerCase()) return;
    let token = sessionToken(request);
    if (token === null) {
      token = generateNonce();
      request.getSession(true)!.setAttribute(CSRF_REST_NONCE_SESSION_ATTR_NAME, token);
    }
    response.setHeader(CSRF_REST_NONCE_HEADER_NAME, token);
  }

  #validToken(request: HttpServletRequest): boolean {
    const stored = sessionToken(request);
    const given = this.#tokenOf(request);
    return stored !== null && given !== null && sameNonce(given, stored);
  }

  /** The header; when it is absent or empty, on a listed path, the parameter (only if every value of it agrees). */
  #tokenOf(request: HttpServletRequest): string | null {
    const header = request.getHeader(CSRF_REST_NONCE_HEADER_NAME);
    if (header !== null && header !== '') return header;
    if (!this.#pathsAcceptingParams.has(requestedPath(request))) return header;
    const values = request.getParameterValues(CSRF_REST_NONCE_HEADER_NAME);
    if (values === null || values.length === 0) return null;
    return values.every((value) => value === values[0]) ? values[0]! : null;
  }
}

function sessionToken(request: HttpServletRequest): string | null {
  const value = request.getSession(false)?.getAttribute(CSRF_REST_NONCE_SESSION_ATTR_NAME);
  return typeof value === 'string' ? value : null;
}
