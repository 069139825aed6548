/**
 * The protected area: GET /examples/secure/… shows who is logged in (FORM login, constraint and realm declared in
 * web.xml and META-INF/context.xml), and POST /examples/logout logs them out. Both are mapped in web.xml.
 */
import { HttpServlet, type HttpServletRequest, type HttpServletResponse } from 'serval/servlet';

/**
 * The roles this application declares (<security-role> in web.xml). The Servlet API has no "all roles of this
 * user": an application asks isUserInRole() about the roles it knows.
 */
const DECLARED_ROLES = ['demo'];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export class SecureServlet extends HttpServlet {
  protected override doGet(request: HttpServletRequest, response: HttpServletResponse): void {
    // The constraint on /secure/* admits only logged-in users, so there is always a principal here.
    const user = request.getUserPrincipal()?.getName() ?? '';
    const roles = DECLARED_ROLES.filter((role) => request.isUserInRole(role));
    const context = request.getContextPath();
    response.setContentType('text/html;charset=UTF-8');
    response.getWriter().write(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Secure area · Serval examples</title></head>
<body>
<h1>Secure area</h1>
<p>Logged in as <strong id="user">${escapeHtml(user)}</strong> (${escapeHtml(request.getAuthType() ?? '')} login),
with the roles <span id="roles">${roles.map(escapeHtml).join(', ') || 'none'}</span>.</p>
<form method="post" action="${escapeHtml(context)}/logout"><button type="submit">Log out</button></form>
<p><a href="${escapeHtml(context)}/">Back to the examples</a></p>
</body>
</html>
`);
  }
}

export class LogoutServlet extends HttpServlet {
  /** POST only: a link or an image that GETs this URL must not be able to log a user out. */
  protected override async doPost(request: HttpServletRequest, response: HttpServletResponse): Promise<void> {
    await request.logout();
    // logout() forgets the principal; invalidating drops everything else the session held for this user.
    request.getSession(false)?.invalidate();
    // 303: the browser follows with a GET (RFC 9110 §15.4.4), so a reload does not post the form again.
    response.sendRedirect(`${request.getContextPath()}/`, 303);
  }
}
