/**
 * The RequestDispatcher at work: /forward hands the whole request to /request-info (which then sees the
 * forwarded paths), /include writes a page around the output of /hello.
 */
import { HttpServlet, WebServlet, type HttpServletRequest, type HttpServletResponse } from 'serval/servlet';

@WebServlet('/forward')
export class ForwardServlet extends HttpServlet {
  protected override async doGet(request: HttpServletRequest, response: HttpServletResponse): Promise<void> {
    const dispatcher = request.getRequestDispatcher('/request-info/forwarded?via=forward');
    if (!dispatcher) throw new Error('No dispatcher for /request-info');
    await dispatcher.forward(request, response);
  }
}

@WebServlet('/include')
export class IncludeServlet extends HttpServlet {
  protected override async doGet(request: HttpServletRequest, response: HttpServletResponse): Promise<void> {
    response.setContentType('text/plain');
    const out = response.getWriter();
    out.write('before include\n');
    await request.getRequestDispatcher('/hello')!.include(request, response);
    out.write('\nafter include\n');
  }
}
