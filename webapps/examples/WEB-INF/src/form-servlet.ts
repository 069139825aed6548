/** POST /examples/form (application/x-www-form-urlencoded) → the parameters as JSON (name → list). */
import { HttpServlet, WebServlet, type HttpServletRequest, type HttpServletResponse } from 'serval/servlet';

@WebServlet('/form')
export class FormServlet extends HttpServlet {
  protected override doPost(request: HttpServletRequest, response: HttpServletResponse): void {
    response.setContentType('application/json');
    response.getWriter().write(JSON.stringify(Object.fromEntries(request.getParameterMap())));
  }
}
