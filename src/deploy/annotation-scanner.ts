/**
 * Finds @WebServlet / @WebFilter / @WebListener classes in WEB-INF/classes (Servlet spec §8.1) and
 * describes them as a WebXml. Unlike Tomcat's bytecode scan this must evaluate each module, so the
 * caller skips it when web.xml is metadata-complete.
 */
import { relative, sep } from 'node:path';
import { readAnnotations, type MultipartConfigOptions, type WebInitParamOptions } from '../servlet/annotations.js';
import type { DispatcherType } from '../servlet/dispatcher-type.js';
import { hasSecurityAnnotations, readSecurityAnnotations } from '../servlet/security-annotations.js';
import {
  emptyWebXml,
  type AnnotatedSecurity,
  urlPatternProblem,
  type FilterDef,
  type FilterMapping,
  type ListenerDef,
  type ServletDef,
  type ServletMapping,
  type WebXml,
} from './web-xml.js';
import { WebXmlError, type WebXmlProblem } from './web-xml-parser.js';
import { isClassLike, pickClassExport, type LoadedClass, type WebappLoader } from './webapp-loader.js';

/**
 * Class names are recorded in the form WebappLoader.loadClass reads back: `a.b.Hello` for
 * WEB-INF/classes/a/b/Hello.js when that module's class is module.exports, its export `Hello` or its
 * default export; `a.b.Hello#Other` for any other named export. The default servlet / filter name is that
 * class name (the spec's "fully qualified class name", §8.1.1 / §8.1.2).
 */
export function scanAnnotations(loader: WebappLoader): WebXml {
  const servlets = new Map<string, ServletDef>();
  const servletMappings: ServletMapping[] = [];
  const filters = new Map<string, FilterDef>();
  const filterMappings: FilterMapping[] = [];
  const listeners: ListenerDef[] = [];
  const annotatedSecurity = new Map<string, AnnotatedSecurity>();
  const warnings: string[] = [];
  const problems = new Map<string, WebXmlProblem[]>();
  const problem = (file: string, element: string, message: string): void => {
    problems.set(file, [...(problems.get(file) ?? []), { line: 0, element, message }]);
  };

  for (const file of loader.listClassFiles()) {
    const rel = relative(loader.classesDir, file).split(sep).join('/');
    const base = rel.replace(/\.c?js$/, '');
    const source = { file: `WEB-INF/classes/${rel}`, line: null };
    const moduleExports = loader.require(file);
    const classes = exportedClasses(moduleExports);
    if (classes.length === 0) continue;
    if (!base.split('/').every((s) => /^[\w$-]+$/.test(s))) {
      if (classes.some(([, c]) => isAnnotated(c))) {
        warnings.push(
          `${source.file}: annotated classes are ignored: the file name cannot be written as a class name (use letters, digits, _, $ and -)`,
        );
      }
      continue;
    }
    const dotted = base.split('/').join('.');
    const simpleName = base.split('/').at(-1) ?? base;

    for (const [exportKey, cls] of classes) {
      const annotations = readAnnotations(cls);
      const security = readSecurityAnnotations(cls);
      const secured = hasSecurityAnnotations(security);
      if (!annotations.servlet && !annotations.filter && !annotations.listener && !secured) continue;
      const className = pickClassExport(moduleExports, simpleName, null) === cls ? dotted : `${dotted}#${exportKey}`;
      // Kept for any class: web.xml may declare a servlet of this class without @WebServlet (Servlet 6.0 §13.4).
      if (secured) annotatedSecurity.set(className, { className, annotations: security, source });

      if (annotations.servlet) {
        const options = annotations.servlet;
        const name = options.name ?? className;
        const urlPatterns = options.urlPatterns ?? options.value ?? [];
        const element = `@WebServlet(${className})`;
        if (urlPatterns.length === 0) problem(source.file, element, 'declares no url pattern (urlPatterns or value)');
        for (const p of urlPatterns) {
          const why = urlPatternProblem(p);
          if (why !== null) problem(source.file, element, `url-pattern [${p}] is invalid: ${why}`);
        }
        if (servlets.has(name)) problem(source.file, element, `servlet name [${name}] is already used by another annotated class`);
        servlets.set(name, {
          name,
          servletClass: className,
          initParams: initParamMap([...(options.initParams ?? []), ...annotations.initParams]),
          loadOnStartup: options.loadOnStartup ?? null,
          asyncSupported: options.asyncSupported ?? false,
          enabled: true,
          multipartConfig: multipartConfigMap(annotations.multipartConfig),
          source,
        });
        if (urlPatterns.length > 0) servletMappings.push({ servletName: name, urlPatterns, source });
      }

      if (annotations.filter) {
        const options = annotations.filter;
        const name = options.filterName ?? className;
        const urlPatterns = options.urlPatterns ?? options.value ?? [];
        const servletNames = options.servletNames ?? [];
        const element = `@WebFilter(${className})`;
        if (urlPatterns.length === 0 && servletNames.length === 0)
          problem(source.file, element, 'declares neither a url pattern nor a servlet name');
        for (const p of urlPatterns) {
          const why = urlPatternProblem(p);
          if (why !== null) problem(source.file, element, `url-pattern [${p}] is invalid: ${why}`);
        }
        if (filters.has(name)) problem(source.file, element, `filter name [${name}] is already used by another annotated class`);
        filters.set(name, {
          name,
          filterClass: className,
          initParams: initParamMap([...(options.initParams ?? []), ...annotations.initParams]),
          asyncSupported: options.asyncSupported ?? false,
          source,
        });
        const dispatcherTypes: readonly DispatcherType[] =
          options.dispatcherTypes && options.dispatcherTypes.length > 0 ? options.dispatcherTypes : ['REQUEST'];
        filterMappings.push({ filterName: name, urlPatterns, servletNames, dispatcherTypes, source });
      }

      if (annotations.listener) listeners.push({ listenerClass: className, source });
    }
  }

  const first = problems.entries().next();
  if (!first.done) throw new WebXmlError(first.value[0], first.value[1]);
  return {
    ...emptyWebXml('annotations'),
    servlets,
    servletMappings,
    filters,
    filterMappings,
    listeners,
    annotatedSecurity,
    warnings,
  };
}

/** module.exports itself when it is a class, then each class among its own enumerable properties, once each. */
function exportedClasses(moduleExports: unknown): [string, LoadedClass][] {
  const found: [string, LoadedClass][] = [];
  const seen = new Set<unknown>();
  if (isClassLike(moduleExports)) {
    found.push(['default', moduleExports]);
    seen.add(moduleExports);
  }
  if ((typeof moduleExports === 'object' || typeof moduleExports === 'function') && moduleExports !== null) {
    for (const [key, value] of Object.entries(moduleExports)) {
      if (isClassLike(value) && !seen.has(value)) {
        seen.add(value);
        found.push([key, value]);
      }
    }
  }
  return found;
}

function isAnnotated(cls: LoadedClass): boolean {
  const a = readAnnotations(cls);
  return Boolean(a.servlet ?? a.filter ?? a.listener) || hasSecurityAnnotations(readSecurityAnnotations(cls));
}

/** @MultipartConfig in the shape `<multipart-config>` has in web.xml, so one reader handles both. */
function multipartConfigMap(options: MultipartConfigOptions | undefined): Map<string, string> | null {
  if (options === undefined) return null;
  const entries: [string, string][] = [];
  if (options.location !== undefined) entries.push(['location', options.location]);
  if (options.maxFileSize !== undefined) entries.push(['max-file-size', String(options.maxFileSize)]);
  if (options.maxRequestSize !== undefined) entries.push(['max-request-size', String(options.maxRequestSize)]);
  if (options.fileSizeThreshold !== undefined) entries.push(['file-size-threshold', String(options.fileSizeThreshold)]);
  return new Map(entries);
}

function initParamMap(params: readonly WebInitParamOptions[]): Map<string, string> {
  return new Map(params.map((p) => [p.name, p.value]));
}
