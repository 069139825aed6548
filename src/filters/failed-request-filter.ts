/**
 * org.apache.catalina.filters.FailedRequestFilter: refuses with 400 a request whose parameters could not all be
 * parsed, rather than let the application act on a partial set (a form whose `confirm=no` chunk was dropped
 * must not look like one without it). It triggers the parsing itself, so it consumes a form body: map it
 * after any SetCharacterEncodingFilter.
 */
import type { FilterChain } from '../servlet/filter.js';
import { HttpFilter } from '../servlet/generic-filter.js';
import type { HttpServletRequest } from '../servlet/http-servlet-request.js';
import type { HttpServletResponse } from '../servlet/http-servlet-response.js';
import { PARAMETER_PARSE_FAILED_ATTR, PARAMETER_PARSE_FAILED_REASON_ATTR } from './parameter-parse-attributes.js';

export class FailedRequestFilter extends HttpFilter {
  protected override doFilterHttp(request: HttpServletRequest, response: HttpServletResponse, chain: FilterChain): void | Promise<void> {
    // Any parameter lookup parses them all (query and form body).
    request.getParameter('none');
    if (request.getAttribute(PARAMETER_PARSE_FAILED_ATTR) !== null) {
      response.sendError(statusFor(request.getAttribute(PARAMETER_PARSE_FAILED_REASON_ATTR)));
      return;
    }
    return chain.doFilter(request, response);
  }
}

/**
 * Tomcat's mapping from the failure to a status: the client's fault (every reason Serval records) is 400;
 * Tomcat's IO_ERROR (not the client's fault) 500 and POST_TOO_LARGE 413 are kept for applications that set
 * the attribute themselves.
 */
function statusFor(reason: unknown): number {
  if (reason === 'IO_ERROR') return 500;
  if (reason === 'POST_TOO_LARGE') return 413;
  return 400;
}
