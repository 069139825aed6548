/**
 * org.apache.catalina.filters.RequestDumperFilter: logs what a request carried before the chain runs and what
 * the response carried after it, one line per item as Tomcat does, to the server's log through
 * ServletContext.log (never to the response). A debugging aid: it logs cookies, every header (Authorization
 * included) and every parameter, and reading the parameters consumes a form body (a later
 * setCharacterEncoding has no effect) — as in Tomcat.
 */
import type { FilterChain } from '../servlet/filter.js';
import { HttpFilter } from '../servlet/generic-filter.js';
import type { HttpServletRequest } from '../servlet/http-servlet-request.js';
import type { HttpServletResponse } from '../servlet/http-servlet-response.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Tomcat's timestamp format, `dd-MMM-yyyy HH:mm:ss`, in local time. */
function timestamp(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(date.getDate())}-${MONTHS[date.getMonth()]}-${date.getFullYear()} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

export class RequestDumperFilter extends HttpFilter {
  protected override async doFilterHttp(request: HttpServletRequest, response: HttpServletResponse, chain: FilterChain): Promise<void> {
    // Tomcat prefixes the thread's name; a request id is what tells concurrent requests apart here.
    const prefix = request.getRequestId();
    const log = (attribute: string, value: string | null): void => {
      this.getServletContext().log(`${prefix} ${attribute}=${value ?? 'null'}`);
    };
    log('START TIME        ', timestamp(new Date()));
    log('        requestURI', request.getRequestURI());
    log('          authType', request.getAuthType());
    log(' characterEncoding', request.getCharacterEncoding());
    log('     contentLength', String(request.getContentLength()));
    log('       contentType', request.getContentType());
    log('       contextPath', request.getContextPath());
    for (const cookie of request.getCookies()) log('            cookie', `${cookie.getName()}=${cookie.getValue()}`);
    for (const name of request.getHeaderNames())
      for (const value of request.getHeaders(name)) log('            header', `${name}=${value}`);
    log('            locale', request.getLocale());
    log('            method', request.getMethod());
    for (const name of request.getParameterNames())
      log('         parameter', `${name}=${(request.getParameterValues(name) ?? []).join(', ')}`);
    log('          pathInfo', request.getPathInfo());
    log('          protocol', request.getProtocol());
    log('       queryString', request.getQueryString());
    log('        remoteAddr', request.getRemoteAddr());
    log('        remoteHost', request.getRemoteHost());
    log('        remoteUser', request.getRemoteUser());
    log('requestedSessionId', request.getRequestedSessionId());
    log('            scheme', request.getScheme());
    log('        serverName', request.getServerName());
    log('        serverPort', String(request.getServerPort()));
    log('       servletPath', request.getServletPath());
    log('          isSecure', String(request.isSecure()));
    log('------------------', '--------------------------------------------');

    await chain.doFilter(request, response);

    log('------------------', '--------------------------------------------');
    log('          authType', request.getAuthType());
    log('       contentType', response.getContentType());
    for (const name of response.getHeaderNames())
      for (const value of response.getHeaders(name)) log('            header', `${name}=${value}`);
    log('        remoteUser', request.getRemoteUser());
    log('            status', String(response.getStatus()));
    log('END TIME          ', timestamp(new Date()));
    log('==================', '============================================');
  }
}
