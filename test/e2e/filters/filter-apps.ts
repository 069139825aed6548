/**
 * Webapps for the filter e2e tests (CorsFilter, HttpHeaderSecurityFilter and the small filters): each a web.xml
 * naming filters by their Tomcat class names in front of one echo servlet, written into a scratch appBase.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Answers every method with what the filters left on the request, as JSON (or as `?type=` says). */
export const ECHO_SERVLET = `const { HttpServlet } = require('serval/servlet');
function echo(request, response) {
  const type = request.getParameter('type');
  response.setContentType(type === null ? 'application/json' : type);
  if (request.getParameter('flush') !== null) response.flushBuffer();
  response.getWriter().write(JSON.stringify({
    method: request.getMethod(),
    isCors: request.getAttribute('cors.isCorsRequest'),
    origin: request.getAttribute('cors.request.origin'),
    corsType: request.getAttribute('cors.request.type'),
    corsHeaders: request.getAttribute('cors.request.headers'),
    encoding: request.getCharacterEncoding(),
    q: request.getParameter('q'),
    session: request.getSession(false) !== null,
    parseFailure: request.getAttribute('org.apache.catalina.parameter_parse_failed_reason'),
  }));
}
class Echo extends HttpServlet {
  doGet(request, response) { echo(request, response); }
  doPost(request, response) { echo(request, response); }
  doPut(request, response) { echo(request, response); }
  doDelete(request, response) { echo(request, response); }
}
module.exports = Echo;
`;

export interface FilterDeclaration {
  readonly name: string;
  readonly className: string;
  readonly params?: Readonly<Record<string, string>>;
  /** Default `/*`. */
  readonly urlPattern?: string;
}

/** web.xml with the filters (mapped in order) and the echo servlet on `/*`. */
export function webXml(filters: readonly FilterDeclaration[]): string {
  const lines = ['<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">'];
  for (const filter of filters) {
    lines.push('  <filter>', `    <filter-name>${filter.name}</filter-name>`, `    <filter-class>${filter.className}</filter-class>`);
    for (const [name, value] of Object.entries(filter.params ?? {})) {
      lines.push(`    <init-param><param-name>${name}</param-name><param-value>${value}</param-value></init-param>`);
    }
    lines.push('  </filter>');
  }
  for (const filter of filters) {
    lines.push(
      `  <filter-mapping><filter-name>${filter.name}</filter-name><url-pattern>${filter.urlPattern ?? '/*'}</url-pattern></filter-mapping>`,
    );
  }
  lines.push(
    '  <servlet><servlet-name>echo</servlet-name><servlet-class>Echo</servlet-class></servlet>',
    '  <servlet-mapping><servlet-name>echo</servlet-name><url-pattern>/*</url-pattern></servlet-mapping>',
    '</web-app>',
    '',
  );
  return lines.join('\n');
}

/** Each app: its filters, and any extra files (path → content). */
export interface FilterApp {
  readonly filters: readonly FilterDeclaration[];
  readonly files?: Readonly<Record<string, string>>;
}

/** A scratch appBase holding the apps. */
export function writeFilterApps(apps: Readonly<Record<string, FilterApp>>): string {
  const appBase = mkdtempSync(join(tmpdir(), 'serval-filters-'));
  for (const [name, app] of Object.entries(apps)) {
    const files: Record<string, string> = { 'WEB-INF/web.xml': webXml(app.filters), 'WEB-INF/classes/Echo.js': ECHO_SERVLET, ...app.files };
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(join(appBase, name, file, '..'), { recursive: true });
      writeFileSync(join(appBase, name, file), content);
    }
  }
  return appBase;
}

export const FILTERS = 'org.apache.catalina.filters.';
