/**
 * RemoteIpFilter (org.apache.catalina.filters.RemoteIpFilter): RemoteIpValve's rules (remote-ip.ts) for one
 * application, in its web.xml or built from code, on the Servlet API alone. The rest of the chain gets a request
 * wrapper that reports the client the trusted proxies name; the secure flag is passed to the container's own
 * request through Tomcat's `org.apache.catalina.filters.RemoteIpFilter.secure` attribute, so that the session
 * cookie is Secure for a client on https (the CVE-2023-28708 fix).
 *
 * Unlike the valve, the filter runs after the container used the request: address valves, absolute redirects
 * (they are resolved by the container's response) and the access log of the container see the proxy, as in
 * Tomcat. Use RemoteIpValve where those must see the client.
 */
import { readInitParameters } from '../config/init-parameters.js';
import { ContainerError } from '../errors/container-error.js';
import type { FilterChain, FilterConfig } from '../servlet/filter.js';
import { HttpFilter } from '../servlet/generic-filter.js';
import type { HttpServletRequest } from '../servlet/http-servlet-request.js';
import type { HttpServletResponse } from '../servlet/http-servlet-response.js';
import { HttpServletRequestWrapper } from '../servlet/servlet-request-wrapper.js';
import {
  ACCESS_LOG_PROTOCOL,
  ACCESS_LOG_REMOTE_ADDR,
  ACCESS_LOG_REMOTE_HOST,
  ACCESS_LOG_SERVER_NAME,
  ACCESS_LOG_SERVER_PORT,
} from './access-log-attributes.js';
import {
  evaluateForwarded,
  REMOTE_ADDR_ATTRIBUTE,
  remoteIpRules,
  REQUEST_FORWARDED_ATTRIBUTE,
  type ForwardedRequest,
  type RemoteIpOptions,
  type RemoteIpRules,
} from './remote-ip.js';

export type { RemoteIpOptions } from './remote-ip.js';

/** Tomcat's Globals.REMOTE_IP_FILTER_SECURE: the container's request takes the secure flag from it. */
export const REMOTE_IP_FILTER_SECURE = 'org.apache.catalina.filters.RemoteIpFilter.secure';

const FILTER_CLASS = 'org.apache.catalina.filters.RemoteIpFilter';

export class RemoteIpFilter extends HttpFilter {
  readonly #options: RemoteIpOptions | undefined;
  #rules: RemoteIpRules | null = null;

  /**
   * From code, with typed options (unset ones take Tomcat's defaults); an unusable pattern throws here. From
   * web.xml, with no options: the init-params are read by init().
   */
  constructor(options?: RemoteIpOptions) {
    super();
    this.#options = options;
    if (options !== undefined) this.#rules = compile(options, FILTER_CLASS);
  }

  override init(config: FilterConfig): void | Promise<void> {
    if (this.#rules === null) {
      const filter = config.getFilterName();
      const invalid = (name: string, value: string, allowed: string): ContainerError =>
        new ContainerError('SV_ERR_REMOTE_IP_FILTER_INIT_PARAM', { name, filter, value, allowed });
      const params = readInitParameters('Filter:RemoteIpFilter', (name) => config.getInitParameter(name), invalid);
      this.#rules = compile({ ...params, trustedProxies: params.trustedProxies ?? '' }, filter);
    }
    return super.init(config);
  }

  /** The compiled rules (null until init() when built without options). */
  get rules(): RemoteIpRules | null {
    return this.#rules;
  }

  get options(): RemoteIpOptions | undefined {
    return this.#options;
  }

  protected override doFilterHttp(request: HttpServletRequest, response: HttpServletResponse, chain: FilterChain): void | Promise<void> {
    const rules = this.#rules;
    if (rules === null) return chain.doFilter(request, response);
    const forwarded = evaluateForwarded(rules, request.getRemoteAddr(), (name) => request.getHeaders(name));
    if (forwarded === null) return chain.doFilter(request, response);
    const wrapped = new XForwardedRequest(request, rules, forwarded);
    if (forwarded.secure !== undefined) request.setAttribute(REMOTE_IP_FILTER_SECURE, forwarded.secure);
    request.setAttribute(REQUEST_FORWARDED_ATTRIBUTE, true);
    if (rules.requestAttributesEnabled) {
      request.setAttribute(ACCESS_LOG_REMOTE_ADDR, wrapped.getRemoteAddr());
      request.setAttribute(REMOTE_ADDR_ATTRIBUTE, wrapped.getRemoteAddr());
      request.setAttribute(ACCESS_LOG_REMOTE_HOST, wrapped.getRemoteHost());
      request.setAttribute(ACCESS_LOG_PROTOCOL, wrapped.getProtocol());
      request.setAttribute(ACCESS_LOG_SERVER_NAME, wrapped.getServerName());
      request.setAttribute(ACCESS_LOG_SERVER_PORT, wrapped.getServerPort());
    }
    return chain.doFilter(wrapped, response);
  }
}

function compile(options: RemoteIpOptions, filter: string): RemoteIpRules {
  const compiled = remoteIpRules(options);
  if (compiled.ok) return compiled.rules;
  throw new ContainerError('SV_ERR_REMOTE_IP_FILTER_INIT_PARAM', {
    name: compiled.error.name,
    filter,
    value: compiled.error.value,
    allowed: `a regular expression Serval can match in linear time: ${compiled.error.reason}`,
  });
}

/** The request as the trusted proxies describe it (Tomcat's RemoteIpFilter.XForwardedRequest). */
class XForwardedRequest extends HttpServletRequestWrapper {
  readonly #forwarded: ForwardedRequest;
  /** Rewritten fields by lower-case name: the remote IP and proxies headers (absent = as received). */
  readonly #headers = new Map<string, { readonly name: string; readonly values: readonly string[] }>();

  constructor(request: HttpServletRequest, rules: RemoteIpRules, forwarded: ForwardedRequest) {
    super(request);
    this.#forwarded = forwarded;
    if (forwarded.remoteAddr !== undefined) {
      const proxies = forwarded.proxies.length === 0 ? [] : [forwarded.proxies.join(',')];
      const remaining = forwarded.remainingRemoteIp.length === 0 ? [] : [forwarded.remainingRemoteIp.join(',')];
      this.#headers.set(rules.proxiesHeader.toLowerCase(), { name: rules.proxiesHeader, values: proxies });
      this.#headers.set(rules.remoteIpHeader.toLowerCase(), { name: rules.remoteIpHeader, values: remaining });
    }
  }

  override getRemoteAddr(): string {
    return this.#forwarded.remoteAddr ?? super.getRemoteAddr();
  }
  override getRemoteHost(): string {
    return this.#forwarded.remoteAddr ?? super.getRemoteHost();
  }
  override getScheme(): string {
    return this.#forwarded.scheme ?? super.getScheme();
  }
  override isSecure(): boolean {
    return this.#forwarded.secure ?? super.isSecure();
  }
  override getServerName(): string {
    return this.#forwarded.serverName ?? super.getServerName();
  }
  override getServerPort(): number {
    return this.#forwarded.serverPort ?? super.getServerPort();
  }
  override getLocalName(): string {
    return this.#forwarded.localName ?? super.getLocalName();
  }
  override getLocalPort(): number {
    return this.#forwarded.localPort ?? super.getLocalPort();
  }
  override getRequestURL(): string {
    const scheme = this.getScheme();
    const port = this.getServerPort();
    const defaultPort = (scheme === 'http' && port === 80) || (scheme === 'https' && port === 443);
    return `${scheme}://${this.getServerName()}${defaultPort || port <= 0 ? '' : `:${port}`}${this.getRequestURI()}`;
  }

  override getHeader(name: string): string | null {
    const rewritten = this.#headers.get(name.toLowerCase());
    return rewritten === undefined ? super.getHeader(name) : (rewritten.values[0] ?? null);
  }
  override getHeaders(name: string): string[] {
    const rewritten = this.#headers.get(name.toLowerCase());
    return rewritten === undefined ? super.getHeaders(name) : [...rewritten.values];
  }
  override getHeaderNames(): string[] {
    if (this.#headers.size === 0) return super.getHeaderNames();
    const names = super.getHeaderNames().filter((name) => !this.#headers.has(name.toLowerCase()));
    for (const { name, values } of this.#headers.values()) if (values.length > 0) names.push(name);
    return names;
  }
  override getIntHeader(name: string): number {
    const rewritten = this.#headers.get(name.toLowerCase());
    if (rewritten === undefined) return super.getIntHeader(name);
    const value = rewritten.values[0];
    return value === undefined ? -1 : Number.parseInt(value, 10);
  }
}
