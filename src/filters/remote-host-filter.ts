/**
 * RemoteHostFilter (org.apache.catalina.filters.RemoteHostFilter): allow/deny by a regular expression over
 * getRemoteHost(). Serval does no reverse DNS lookup (Tomcat's enableLookups="false", its default), so the
 * host name is the client's address.
 */
import type { ServletRequest } from '../servlet/http-servlet-request.js';
import { RequestFilter, type RequestFilterOptions } from './request-filter.js';
import { patternRules, type RuleText, type RulesResult } from './request-filter-rules.js';

export type RemoteHostFilterOptions = RequestFilterOptions;

export class RemoteHostFilter extends RequestFilter {
  protected get owner() {
    return 'Filter:RemoteHostFilter' as const;
  }

  protected compile(text: RuleText): RulesResult {
    return patternRules(text);
  }

  protected filteredValue(request: ServletRequest): string {
    return request.getRemoteHost();
  }
}
