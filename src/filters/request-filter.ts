/**
 * What RemoteAddrFilter, RemoteHostFilter and RemoteCIDRFilter share (Tomcat's RequestFilter): the rules are
 * built once, from the options given in code or from the init-params of web.xml, and every request is either
 * passed down the chain or refused with sendError(denyStatus). A configuration that cannot be used (an invalid
 * pattern or CIDR block) fails the filter's init(), so the application does not start (Tomcat's
 * isConfigProblemFatal for these security filters): it never serves without the protection it asked for.
 */
import { readInitParameters, type InitParameterOwner } from '../config/init-parameters.js';
import { ContainerError } from '../errors/container-error.js';
import type { Filter, FilterChain, FilterConfig } from '../servlet/filter.js';
import type { ServletRequest } from '../servlet/http-servlet-request.js';
import type { ServletResponse } from '../servlet/http-servlet-response.js';
import { isHttpResponse } from '../servlet/http-servlet.js';
import type { RequestFilterRules, RulesResult, RuleText } from './request-filter-rules.js';

/** The options common to the three filters (their init-params, typed). */
export interface RequestFilterOptions extends RuleText {
  /** Status sent to a refused request (default 403). */
  readonly denyStatus?: number;
}

type Owner = Extract<InitParameterOwner, 'Filter:RemoteAddrFilter' | 'Filter:RemoteHostFilter' | 'Filter:RemoteCIDRFilter'>;

export abstract class RequestFilter implements Filter {
  #rules: RequestFilterRules | null = null;
  #denyStatus = 403;
  readonly #fromCode: boolean;

  /** Options from code; without them, init() reads the init-params of web.xml. */
  constructor(options?: RequestFilterOptions) {
    this.#fromCode = options !== undefined;
    if (options !== undefined) {
      const given: Record<string, string> = {};
      for (const [name, value] of Object.entries(options)) if (value !== undefined) given[name] = String(value);
      this.#configure((name) => given[name] ?? null, this.constructor.name);
    }
  }

  init(config: FilterConfig): void {
    if (this.#fromCode) return;
    this.#configure((name) => config.getInitParameter(name), config.getFilterName());
  }

  /** The table that declares this filter's init-params (init-parameters.ts). */
  protected abstract get owner(): Owner;

  /** Builds the rules from allow/deny, or says why they cannot be used. */
  protected abstract compile(text: RuleText): RulesResult;

  /** The value the rules are checked against: the client's address or host name. */
  protected abstract filteredValue(request: ServletRequest): string;

  #configure(read: (name: string) => string | null, filter: string): void {
    const invalid = (name: string, value: string, allowed: string): ContainerError =>
      new ContainerError('SV_ERR_REQUEST_FILTER_INIT_PARAM', { name, filter, value, allowed });
    const params = readInitParameters(this.owner, read, invalid) as { allow?: string; deny?: string; denyStatus?: number };
    const compiled = this.compile({ allow: params.allow, deny: params.deny });
    if (!compiled.ok) {
      const name = compiled.reason.startsWith('deny') ? 'deny' : 'allow';
      throw invalid(name, read(name) ?? '', compiled.reason.slice(name.length + 2));
    }
    this.#rules = compiled.rules;
    this.#denyStatus = params.denyStatus ?? 403;
  }

  doFilter(request: ServletRequest, response: ServletResponse, chain: FilterChain): Promise<void> | void {
    const rules = this.#rules;
    // Not initialised: refuse rather than let requests through unchecked.
    if (rules !== null && rules.isAllowed(this.filteredValue(request))) return chain.doFilter(request, response);
    // Refused either way: a response that is not HTTP (none in Serval) simply never reaches the chain.
    if (isHttpResponse(response)) response.sendError(this.#denyStatus);
  }

  destroy(): void {}
}
