/**
 * What Tomcat's JspServlet (`org.apache.jasper.servlet.JspServlet`, declared by Tomcat's and Debian's conf/web.xml)
 * becomes here: JSP pages cannot be compiled yet, so every request mapped to it is answered 404, and its source is
 * never served (the DefaultServlet refuses *.jsp, *.jspx and *.jspf too). The declaration stays harmless: the
 * webapp deploys, with one warning when the servlet is initialised.
 */
import { HttpServlet } from '../servlet/http-servlet.js';
import type { ServletRequest, HttpServletRequest } from '../servlet/http-servlet-request.js';
import type { ServletResponse, HttpServletResponse } from '../servlet/http-servlet-response.js';

export class JspUnavailableServlet extends HttpServlet {
  override initServlet(): void {
    this.getServletContext().log(
      `Servlet [${this.getServletName()}] is Tomcat's JspServlet: JSP pages cannot be compiled by this server yet, so requests for them are answered 404 and their source is never served`,
    );
  }

  override service(request: ServletRequest, response: ServletResponse): void {
    (response as HttpServletResponse).sendError(404, (request as HttpServletRequest).getRequestURI());
  }
}
