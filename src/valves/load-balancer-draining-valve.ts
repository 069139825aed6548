/**
 * LoadBalancerDrainingValve: while mod_jk's load balancer has this node disabled (worker activation `D`, sent over
 * AJP as the request attribute JK_LB_ACTIVATION = DIS), a request without a valid session is sent back to the load
 * balancer (a redirect to the same URI, its session cookie expired and any `;jsessionid` dropped) so that it lands
 * on another node; requests of sessions this node still holds are served until they end. Tomcat's class and rules.
 */
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import { ContainerValveBase, type ValveResult } from '../core/valve.js';
import { Cookie } from '../servlet/cookie.js';

export const LOAD_BALANCER_DRAINING_VALVE_CLASS = 'org.apache.catalina.valves.LoadBalancerDrainingValve';

/** The AJP request attribute mod_jk sends with the worker's activation state (ACT, DIS or STP). */
export const JK_LB_ACTIVATION = 'JK_LB_ACTIVATION';

/** The session path parameter (Tomcat's default name, the one Serval's URI canonicaliser recognises). */
const SESSION_URI_PARAMETER = /;jsessionid=[^&?]*/;

export interface LoadBalancerDrainingOptions {
  readonly redirectStatusCode: number;
  readonly ignoreCookieName: string | undefined;
  readonly ignoreCookieValue: string | undefined;
}

export class LoadBalancerDrainingValve extends ContainerValveBase {
  readonly options: LoadBalancerDrainingOptions;

  constructor(options: LoadBalancerDrainingOptions) {
    super();
    this.options = options;
  }

  invoke(request: Request, response: Response): ValveResult {
    const next = this.next as NonNullable<ContainerValveBase['next']>;
    if (request.getAttribute(JK_LB_ACTIVATION) !== 'DIS' || request.isRequestedSessionIdValid()) return next.invoke(request, response);
    const context = request.mappingData.context;
    const sessionCookieName = context?.sessionCookieName ?? 'JSESSIONID';
    const requested = request.getRequestedSessionId();
    const { ignoreCookieName, ignoreCookieValue } = this.options;
    let sessionCookie: Cookie | null = null;
    for (const cookie of request.getCookies()) {
      const name = cookie.getName();
      if (name === sessionCookieName && cookie.getValue() === requested) {
        sessionCookie = cookie;
      } else if (
        ignoreCookieName !== undefined &&
        ignoreCookieValue !== undefined &&
        name === ignoreCookieName &&
        cookie.getValue() === ignoreCookieValue
      ) {
        // A tester (or a monitor) asks to reach this node although it is disabled.
        return next.invoke(request, response);
      }
    }
    if (sessionCookie !== null) {
      // The client must forget the session id this node no longer knows, or the balancer would send it back here.
      const expired = new Cookie(sessionCookieName, '');
      expired.setPath(context?.sessionCookiePath ?? '/');
      expired.setMaxAge(0);
      expired.setSecure(request.isSecure() || context?.sessionCookieSecure === true);
      response.addCookie(expired);
    }
    let uri = request.getRequestURI();
    uri = uri.replace(SESSION_URI_PARAMETER, '');
    const query = request.getQueryString();
    if (query !== null) uri = `${uri}?${query}`;
    // Not encodeRedirectURL(): that would put the stale session id back into the URI.
    response.setHeader('Location', uri);
    response.setStatus(this.options.redirectStatusCode);
  }
}
