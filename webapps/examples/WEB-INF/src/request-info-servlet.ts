/** GET /examples/request-info/… → what the container knows about the request, as JSON (mapped in web.xml). */
import { HttpServlet, type HttpServletRequest, type HttpServletResponse } from 'serval/servlet';

export class RequestInfoServlet extends HttpServlet {
  protected override doGet(request: HttpServletRequest, response: HttpServletResponse): void {
    const headers: Record<string, string[]> = {};
    for (const name of request.getHeaderNames()) headers[name.toLowerCase()] = request.getHeaders(name);
    const info = {
      method: request.getMethod(),
      requestURI: request.getRequestURI(),
      contextPath: request.getContextPath(),
      servletPath: request.getServletPath(),
      pathInfo: request.getPathInfo(),
      queryString: request.getQueryString(),
      parameters: Object.fromEntries(request.getParameterMap()),
      headers,
      remoteAddr: request.getRemoteAddr(),
      scheme: request.getScheme(),
      secure: request.isSecure(),
      serverName: request.getServerName(),
      serverPort: request.getServerPort(),
    };
    response.setContentType('application/json');
    response.getWriter().write(JSON.stringify(info));
  }

  protected override doPost(request: HttpServletRequest, response: HttpServletResponse): void {
    this.doGet(request, response);
  }
}
