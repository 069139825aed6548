/** GET /examples/session → {"count": n}, counting this client's requests in its HttpSession. */
import { HttpServlet, WebServlet, type HttpServletRequest, type HttpServletResponse } from 'serval/servlet';

@WebServlet('/session')
export class SessionServlet extends HttpServlet {
  protected override doGet(request: HttpServletRequest, response: HttpServletResponse): void {
    const session = request.getSession(true)!;
    const count = ((session.getAttribute('count') as number | null) ?? 0) + 1;
    session.setAttribute('count', count);
    response.setContentType('application/json');
    response.getWriter().write(JSON.stringify({ count }));
  }
}
