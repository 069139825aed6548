/**
 * org.apache.catalina.filters.HttpHeaderSecurityFilter: security headers on every response, set before the
 * chain runs (as Tomcat does) so that they are there however the servlet commits: Strict-Transport-Security
 * (RFC 6797, only over a secure connection, §7.2), X-Frame-Options (RFC 7034), X-Content-Type-Options:
 * nosniff, and the legacy X-XSS-Protection (off by default in Tomcat 10.1).
 */
import type { InitParameters } from '../config/init-parameters.js';
import { ContainerError } from '../errors/container-error.js';
import type { FilterChain, FilterConfig } from '../servlet/filter.js';
import { HttpFilter } from '../servlet/generic-filter.js';
import type { HttpServletRequest } from '../servlet/http-servlet-request.js';
import type { HttpServletResponse } from '../servlet/http-servlet-response.js';
import { filterInitError, optionsAsInitParameters, readFilterInitParameters } from './filter-init-parameters.js';

export type AntiClickJackingOption = 'DENY' | 'SAMEORIGIN' | 'ALLOW-FROM';

/** What code may give `new HttpHeaderSecurityFilter({...})`: the init-params of the same names, typed. */
export interface HttpHeaderSecurityFilterOptions {
  readonly hstsEnabled?: boolean;
  readonly hstsMaxAgeSeconds?: number;
  readonly hstsIncludeSubDomains?: boolean;
  readonly hstsPreload?: boolean;
  readonly antiClickJackingEnabled?: boolean;
  readonly antiClickJackingOption?: AntiClickJackingOption;
  readonly antiClickJackingUri?: string;
  readonly blockContentTypeSniffingEnabled?: boolean;
  readonly xssProtectionEnabled?: boolean;
}

/** The header values, built once at init; null = not sent. */
export interface SecurityHeaders {
  readonly hsts: string | null;
  readonly frameOptions: string | null;
  readonly contentTypeOptions: string | null;
  readonly xssProtection: string | null;
}

/** Characters java.net.URI refuses (Tomcat parses antiClickJackingUri with it). */
const URI_ILLEGAL = /[\s"<>\\^`{|}\u0000-\u001f\u007f]|%(?![0-9A-Fa-f]{2})/;

/** The headers the typed init parameters ask for; ALLOW-FROM without a (valid) URI is refused as Tomcat refuses it. */
export function securityHeaders(params: InitParameters<'Filter:HttpHeaderSecurityFilter'>, filter: string): SecurityHeaders {
  let hsts = `max-age=${Math.max(0, params.hstsMaxAgeSeconds)}`;
  if (params.hstsIncludeSubDomains) hsts += ';includeSubDomains';
  if (params.hstsPreload) hsts += ';preload';
  const uri = params.antiClickJackingUri;
  if (uri !== undefined && URI_ILLEGAL.test(uri)) throw filterInitError(filter, 'antiClickJackingUri', uri, 'a URI');
  let frameOptions: string = params.antiClickJackingOption;
  if (frameOptions === 'ALLOW-FROM') {
    if (uri === undefined)
      throw filterInitError(filter, 'antiClickJackingUri', '', 'a URI, required with antiClickJackingOption ALLOW-FROM');
    frameOptions += ` ${uri}`;
  }
  return {
    hsts: params.hstsEnabled ? hsts : null,
    frameOptions: params.antiClickJackingEnabled ? frameOptions : null,
    contentTypeOptions: params.blockContentTypeSniffingEnabled ? 'nosniff' : null,
    xssProtection: params.xssProtectionEnabled ? '1; mode=block' : null,
  };
}

export class HttpHeaderSecurityFilter extends HttpFilter {
  readonly #fromCode: ReadonlyMap<string, string>;
  #headers: SecurityHeaders;
  #name = 'HttpHeaderSecurityFilter';

  constructor(options: HttpHeaderSecurityFilterOptions = {}) {
    super();
    this.#fromCode = optionsAsInitParameters({ ...options });
    this.#headers = securityHeaders(readFilterInitParameters('Filter:HttpHeaderSecurityFilter', null, this.#fromCode), this.#name);
  }

  override init(config: FilterConfig): void | Promise<void> {
    this.#name = config.getFilterName();
    this.#headers = securityHeaders(readFilterInitParameters('Filter:HttpHeaderSecurityFilter', config, this.#fromCode), this.#name);
    return super.init(config);
  }

  protected override doFilterHttp(request: HttpServletRequest, response: HttpServletResponse, chain: FilterChain): Promise<void> {
    const headers = this.#headers;
    if (response.isCommitted()) throw new ContainerError('SV_ERR_FILTER_HEADERS_COMMITTED', { filter: this.#name });
    if (headers.hsts !== null && request.isSecure()) response.setHeader('Strict-Transport-Security', headers.hsts);
    if (headers.frameOptions !== null) response.setHeader('X-Frame-Options', headers.frameOptions);
    if (headers.contentTypeOptions !== null) response.setHeader('X-Content-Type-Options', headers.contentTypeOptions);
    if (headers.xssProtection !== null) response.setHeader('X-XSS-Protection', headers.xssProtection);
    return chain.doFilter(request, response);
  }
}
