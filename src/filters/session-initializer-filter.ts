/**
 * org.apache.catalina.filters.SessionInitializerFilter: makes sure every request it sees has a session, created
 * before the application runs (for code that reaches the session through a path that cannot create one, such
 * as a WebSocket handshake in Tomcat).
 */
import type { FilterChain } from '../servlet/filter.js';
import { HttpFilter } from '../servlet/generic-filter.js';
import type { HttpServletRequest } from '../servlet/http-servlet-request.js';
import type { HttpServletResponse } from '../servlet/http-servlet-response.js';

export class SessionInitializerFilter extends HttpFilter {
  protected override doFilterHttp(request: HttpServletRequest, response: HttpServletResponse, chain: FilterChain): Promise<void> {
    request.getSession(true);
    return chain.doFilter(request, response);
  }
}
