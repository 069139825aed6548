/**
 * The ROOT webapp's welcome page: what this server is, the webapps deployed on its Host with their
 * state, and where the documentation lives. A container servlet: it reads the Host it runs in.
 */
import { containerOf } from '../core/application-context.js';
import { HttpServlet } from '../servlet/http-servlet.js';
import type { HttpServletRequest } from '../servlet/http-servlet-request.js';
import type { HttpServletResponse } from '../servlet/http-servlet-response.js';
import { SERVER_INFO } from '../version/version.js';

interface DeployedApp {
  readonly path: string;
  readonly name: string;
  readonly displayName: string | null;
  readonly state: string;
}

export class WelcomeServlet extends HttpServlet {
  protected override doGet(request: HttpServletRequest, response: HttpServletResponse): void {
    const apps = this.#deployedApps();
    const rows = apps
      .map(
        (app) =>
          `<tr><td><a href="${escapeHtml(app.path)}/">${escapeHtml(app.path || '/')}</a></td><td>${escapeHtml(app.displayName ?? app.name)}</td><td>${escapeHtml(app.state)}</td></tr>`,
      )
      .join('\n');
    response.setContentType('text/html;charset=UTF-8');
    response.getWriter().write(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(SERVER_INFO)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:52rem}table{border-collapse:collapse}td,th{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}code{background:#f3f3f3;padding:0 .2rem}</style>
</head>
<body>
<h1>${escapeHtml(SERVER_INFO)} is running</h1>
<p>A servlet container for TypeScript and JavaScript webapps on Node.js, configured like Apache Tomcat.
This page is the <code>ROOT</code> webapp: replace <code>webapps/ROOT</code> to serve your own.</p>
<h2>Deployed applications on ${escapeHtml(request.getServerName())}</h2>
<table><thead><tr><th>Path</th><th>Name</th><th>State</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Documentation</h2>
<ul>
<li><code>README.md</code> — running the server, writing and deploying webapps, the CLI</li>
<li><code>docs/configuration.md</code> — every <code>server.xml</code> attribute with its default</li>
<li><code>docs/errors.md</code> — every error code, what it means and how to fix it</li>
</ul>
<p>Try the <a href="/examples/">examples</a>.</p>
</body>
</html>
`);
  }

  #deployedApps(): DeployedApp[] {
    const context = containerOf(this.getServletContext());
    const host = context?.parent;
    if (!host) return [];
    return host
      .findChildren()
      .map((child) => {
        const app = child as unknown as { path: string; name: string; displayName: string | null; state: string };
        return { path: app.path, name: app.name, displayName: app.displayName, state: app.state };
      })
      .sort((a, b) => a.path.localeCompare(b.path));
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
