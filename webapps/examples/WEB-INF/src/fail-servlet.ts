/** GET /examples/fail throws; web.xml sends the error to /error, which shows the error attributes. */
import { HttpServlet, RequestDispatcherAttributes as A, type HttpServletRequest, type HttpServletResponse } from 'serval/servlet';

export class ExampleFailure extends Error {
  override name = 'ExampleFailure';
}

export class FailServlet extends HttpServlet {
  protected override doGet(): void {
    throw new ExampleFailure('This servlet always fails, to show error pages');
  }
}

export class ErrorPageServlet extends HttpServlet {
  protected override doGet(request: HttpServletRequest, response: HttpServletResponse): void {
    const error = request.getAttribute(A.ERROR_EXCEPTION) as Error | null;
    response.setContentType('application/json');
    response.getWriter().write(
      JSON.stringify({
        errorPage: true,
        status: request.getAttribute(A.ERROR_STATUS_CODE),
        message: request.getAttribute(A.ERROR_MESSAGE),
        requestUri: request.getAttribute(A.ERROR_REQUEST_URI),
        servletName: request.getAttribute(A.ERROR_SERVLET_NAME),
        exception: error ? `${error.name}: ${error.message}` : null,
      }),
    );
  }

  protected override doPost(request: HttpServletRequest, response: HttpServletResponse): void {
    this.doGet(request, response);
  }
}
