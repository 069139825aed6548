/**
 * RemoteCIDRFilter (org.apache.catalina.filters.RemoteCIDRFilter): allow/deny by IPv4/IPv6 CIDR blocks over
 * getRemoteAddr(). As in Tomcat a refused request gets 403 (this filter has no denyStatus).
 */
import type { ServletRequest } from '../servlet/http-servlet-request.js';
import { RequestFilter } from './request-filter.js';
import { cidrRules, type RuleText, type RulesResult } from './request-filter-rules.js';

export type RemoteCIDRFilterOptions = RuleText;

export class RemoteCIDRFilter extends RequestFilter {
  protected get owner() {
    return 'Filter:RemoteCIDRFilter' as const;
  }

  constructor(options?: RemoteCIDRFilterOptions) {
    super(options);
  }

  protected compile(text: RuleText): RulesResult {
    return cidrRules(text);
  }

  protected filteredValue(request: ServletRequest): string {
    return request.getRemoteAddr();
  }
}
