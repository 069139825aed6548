/** GET /examples/hello → the smallest servlet there is (declared with a decorator, not in web.xml). */
import { HttpServlet, WebServlet, type HttpServletRequest, type HttpServletResponse } from 'serval/servlet';

@WebServlet({ name: 'hello', urlPatterns: ['/hello'] })
export class HelloServlet extends HttpServlet {
  protected override doGet(_request: HttpServletRequest, response: HttpServletResponse): void {
    response.setContentType('text/plain');
    response.getWriter().write('Hello, World!');
  }
}
