/** RemoteAddrFilter (org.apache.catalina.filters.RemoteAddrFilter): allow/deny by a regular expression over getRemoteAddr(). */
import type { ServletRequest } from '../servlet/http-servlet-request.js';
import { RequestFilter, type RequestFilterOptions } from './request-filter.js';
import { patternRules, type RuleText, type RulesResult } from './request-filter-rules.js';

export type RemoteAddrFilterOptions = RequestFilterOptions;

export class RemoteAddrFilter extends RequestFilter {
  protected get owner() {
    return 'Filter:RemoteAddrFilter' as const;
  }

  protected compile(text: RuleText): RulesResult {
    return patternRules(text);
  }

  protected filteredValue(request: ServletRequest): string {
    return request.getRemoteAddr();
  }
}
