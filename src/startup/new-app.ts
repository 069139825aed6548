/**
 * `catalina new-app <name>`: writes a small TypeScript webapp a user can start from — an annotated servlet in
 * WEB-INF/src, a self-contained WEB-INF/tsconfig.json that compiles it to CommonJS in WEB-INF/classes and finds
 * the `serval/servlet` types of this installation, web.xml, a welcome page and a README.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { DeployError } from '../errors/container-error.js';
import { PACKAGE_ROOT } from '../version/version.js';

export interface NewAppResult {
  /** The app's directory. */
  readonly dir: string;
  /** Every file written, relative to `dir`, `/`-separated. */
  readonly files: readonly string[];
}

/**
 * A base name the Host can deploy (reference §5 naming): `ROOT`, `shop`, `shop#cart` (→ /shop/cart),
 * `shop##002` (a parallel version). No separators, no leading dot (deployment skips hidden entries).
 */
const BASE_NAME = /^(?!\.)[A-Za-z0-9._-]+(?:#[A-Za-z0-9._-]+)*(?:##[A-Za-z0-9._-]+)?$/;

/** Writes the template into `<parentDir>/<name>`; refuses an invalid name or an existing directory. */
export function createNewApp(name: string, parentDir: string, servalRoot: string = PACKAGE_ROOT): NewAppResult {
  const parent = resolve(parentDir);
  if (!BASE_NAME.test(name) || name.includes('..')) {
    throw new DeployError('SV_ERR_STARTUP_NEW_APP', { name, dir: parent });
  }
  const dir = join(parent, name);
  if (existsSync(dir)) {
    throw new DeployError('SV_ERR_STARTUP_NEW_APP_EXISTS', { name, dir: parent, path: dir });
  }
  const files = templateFiles(name, relativeTypesPath(join(dir, 'WEB-INF'), servalRoot));
  for (const [file, content] of files) {
    const target = join(dir, ...file.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  return { dir, files: [...files.keys()] };
}

/** `serval/servlet`'s declaration file as seen from WEB-INF (posix separators, as tsconfig paths want). */
function relativeTypesPath(webInf: string, servalRoot: string): string {
  const rel = relative(webInf, join(servalRoot, 'dist', 'servlet', 'index.d.ts'))
    .split(sep)
    .join('/');
  return rel.startsWith('.') || rel.startsWith('/') ? rel : `./${rel}`;
}

function contextPathOf(name: string): string {
  const base = name.split('##')[0]!;
  return base === 'ROOT' ? '/' : `/${base.replaceAll('#', '/')}`;
}

function templateFiles(name: string, typesPath: string): Map<string, string> {
  const path = contextPathOf(name);
  const prefix = path === '/' ? '' : path;
  // Every option the app needs is here, so the app builds on its own: nothing is inherited from a parent
  // tsconfig. `paths` points at this installation's servlet API types; when it is missing (the app moved to
  // another machine) TypeScript falls back to node_modules, where `npm install --save-dev serval` puts it.
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      // NodeNext without "type": "module" in a package.json compiles to CommonJS, which the webapp loader needs.
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2022'],
      strict: true,
      // @WebServlet and friends are legacy (experimental) decorators.
      experimentalDecorators: true,
      esModuleInterop: true,
      skipLibCheck: true,
      rootDir: 'src',
      outDir: 'classes',
      sourceMap: false,
      declaration: false,
      paths: { 'serval/servlet': [typesPath] },
    },
    include: ['src'],
  };
  return new Map([
    ['WEB-INF/src/hello-servlet.ts', helloServlet()],
    ['WEB-INF/tsconfig.json', `${JSON.stringify(tsconfig, null, 2)}\n`],
    ['WEB-INF/web.xml', webXml(name)],
    ['index.html', indexHtml(name, prefix)],
    ['README.md', readme(name, path, prefix)],
  ]);
}

function helloServlet(): string {
  return `import { HttpServlet, WebServlet, type HttpServletRequest, type HttpServletResponse } from 'serval/servlet';

/** Answers GET /hello?name=… with a greeting; found by the annotation scan of WEB-INF/classes. */
@WebServlet({ name: 'hello', urlPatterns: ['/hello'] })
export class HelloServlet extends HttpServlet {
  protected override async doGet(request: HttpServletRequest, response: HttpServletResponse): Promise<void> {
    const name = request.getParameter('name') ?? 'world';
    response.setContentType('text/plain;charset=UTF-8');
    response.getWriter().write(\`Hello, \${name}!\\n\`);
  }
}
`;
}

function webXml(name: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Servlets come from the annotations in WEB-INF/classes (metadata-complete="false"); declare more here. -->
<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="https://jakarta.ee/xml/ns/jakartaee https://jakarta.ee/xml/ns/jakartaee/web-app_6_0.xsd"
         version="6.0" metadata-complete="false">
  <display-name>${escapeXml(name)}</display-name>
  <welcome-file-list>
    <welcome-file>index.html</welcome-file>
  </welcome-file-list>
</web-app>
`;
}

function indexHtml(name: string, prefix: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeXml(name)}</title></head>
<body>
  <h1>${escapeXml(name)}</h1>
  <p>Try the servlet: <a href="${escapeXml(prefix)}/hello?name=Serval">${escapeXml(prefix)}/hello?name=Serval</a></p>
</body>
</html>
`;
}

function readme(name: string, path: string, prefix: string): string {
  return `# ${name}

A Serval webapp written in TypeScript, deployed at \`${path}\`.

\`\`\`
${name}/
  index.html                  static files, served by the DefaultServlet
  WEB-INF/web.xml             deployment descriptor (servlets also come from annotations)
  WEB-INF/src/*.ts            your sources
  WEB-INF/classes/            the compiled CommonJS modules the server loads
  WEB-INF/tsconfig.json       compiles src/ to classes/
\`\`\`

Build (from the directory that contains \`${name}/\`):

    npx tsc -p ${name}/WEB-INF/tsconfig.json

\`import … from 'serval/servlet'\` is type-checked against the Serval installation that created this app
(\`paths\` in the tsconfig); at run time the server provides \`serval/servlet\` itself, so never copy it into
WEB-INF/lib. If you move the app elsewhere, \`npm install --save-dev serval\` in its project gives TypeScript
the same types. Your own dependencies go in WEB-INF/lib (a node_modules folder by another name).

Run: put \`${name}/\` (or a bundle of it) in the Host's appBase (\`$CATALINA_BASE/webapps\`) and open
\`http://localhost:8080${prefix}/hello?name=you\`. With autoDeploy the server picks it up within a background
tick; add \`<Context reloadable="true"/>\` as META-INF/context.xml to have each rebuild reloaded.

Bundle: \`bin/catalina bundle ${name}\` writes \`${name}.war\`, ready to copy into another server's appBase.
`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
