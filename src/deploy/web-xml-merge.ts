/** Combines conf/web.xml, the app's web.xml and its annotations into the effective descriptor (Servlet spec §8.2.3, simplified). */
import { DeployError } from '../errors/container-error.js';
import { codeSecurity } from './servlet-security.js';
import { WebXmlError, type WebXmlProblem } from './web-xml-parser.js';
import type { FilterDef, FilterMapping, ListenerDef, ServletDef, ServletMapping, WebXml } from './web-xml.js';

/**
 * - The app's web.xml wins over annotations for a servlet/filter of the same name; an annotation's init
 *   params fill in those web.xml does not set, and its url patterns apply only when web.xml maps that
 *   name nowhere (§8.2.3 items 2–4).
 * - conf/web.xml applies unless the app overrides it: a same-named servlet/filter replaces the default
 *   one, a default url-pattern applies only if the app does not map that pattern, mime and locale
 *   mappings and context params merge with the app winning, and the welcome files, session settings and
 *   character encodings are the app's when it declares them.
 * Throws a WebXmlError naming file:line when a mapping names a servlet or filter no source declares, and
 * SV_ERR_DEPLOY_DUPLICATE_MAPPING when an annotation maps a pattern web.xml gives to another servlet.
 * Security decorators of the servlets' classes add constraints and roles (src/deploy/servlet-security.ts).
 */
export function mergeWebXml(defaults: WebXml, app: WebXml, annotations: WebXml | null): WebXml {
  const own = annotations ? withAnnotations(app, annotations) : app;

  const servlets = new Map<string, ServletDef>();
  for (const [name, def] of defaults.servlets) servlets.set(name, own.servlets.get(name) ?? def);
  for (const [name, def] of own.servlets) if (!servlets.has(name)) servlets.set(name, def);

  const appPatterns = new Set(own.servletMappings.flatMap((m) => m.urlPatterns));
  const servletMappings: ServletMapping[] = [...own.servletMappings];
  for (const mapping of defaults.servletMappings) {
    const urlPatterns = mapping.urlPatterns.filter((p) => !appPatterns.has(p));
    if (urlPatterns.length > 0) servletMappings.push({ ...mapping, urlPatterns });
  }

  const filters = new Map<string, FilterDef>();
  for (const [name, def] of defaults.filters) filters.set(name, own.filters.get(name) ?? def);
  for (const [name, def] of own.filters) if (!filters.has(name)) filters.set(name, def);
  const appMappedFilters = new Set(own.filterMappings.map((m) => m.filterName));
  const filterMappings: FilterMapping[] = [
    ...own.filterMappings,
    ...defaults.filterMappings.filter((m) => !appMappedFilters.has(m.filterName)),
  ];

  const merged: WebXml = {
    file: app.file,
    version: app.version,
    metadataComplete: app.metadataComplete,
    displayName: app.displayName,
    distributable: app.distributable,
    contextParams: new Map([...defaults.contextParams, ...own.contextParams]),
    servlets,
    servletMappings,
    filters,
    filterMappings,
    listeners: uniqueListeners([...defaults.listeners, ...own.listeners]),
    welcomeFiles: own.welcomeFiles ?? defaults.welcomeFiles,
    errorPages: [
      ...own.errorPages,
      ...defaults.errorPages.filter((d) => !own.errorPages.some((a) => a.errorCode === d.errorCode && a.exceptionType === d.exceptionType)),
    ],
    mimeMappings: new Map([...defaults.mimeMappings, ...own.mimeMappings]),
    sessionConfig: {
      sessionTimeout: own.sessionConfig.sessionTimeout ?? defaults.sessionConfig.sessionTimeout,
      cookieConfig: own.sessionConfig.cookieConfig ?? defaults.sessionConfig.cookieConfig,
      trackingModes: own.sessionConfig.trackingModes.length > 0 ? own.sessionConfig.trackingModes : defaults.sessionConfig.trackingModes,
    },
    requestCharacterEncoding: own.requestCharacterEncoding ?? defaults.requestCharacterEncoding,
    responseCharacterEncoding: own.responseCharacterEncoding ?? defaults.responseCharacterEncoding,
    localeEncodingMappings: new Map([...defaults.localeEncodingMappings, ...own.localeEncodingMappings]),
    securityConstraints: [...defaults.securityConstraints, ...own.securityConstraints],
    loginConfig: own.loginConfig ?? defaults.loginConfig,
    securityRoles: [...new Set([...defaults.securityRoles, ...own.securityRoles])],
    denyUncoveredHttpMethods: own.denyUncoveredHttpMethods || defaults.denyUncoveredHttpMethods,
    warnings: [...defaults.warnings, ...own.warnings],
  };
  checkReferences(merged);
  if (annotations?.annotatedSecurity === undefined || annotations.annotatedSecurity.size === 0) return merged;
  // After the mappings are final: a servlet's annotated constraints follow its web.xml mappings when web.xml
  // remaps it, and skip the patterns the descriptors' own constraints name (§13.4).
  const fromCode = codeSecurity(merged, annotations.annotatedSecurity);
  return {
    ...merged,
    securityConstraints: [...merged.securityConstraints, ...fromCode.constraints],
    securityRoles: [...new Set([...merged.securityRoles, ...fromCode.roles])],
  };
}

function withAnnotations(app: WebXml, annotations: WebXml): WebXml {
  const servlets = new Map(app.servlets);
  for (const [name, def] of annotations.servlets) {
    const declared = servlets.get(name);
    servlets.set(name, declared ? { ...declared, initParams: new Map([...def.initParams, ...declared.initParams]) } : def);
  }
  const filters = new Map(app.filters);
  for (const [name, def] of annotations.filters) {
    const declared = filters.get(name);
    filters.set(name, declared ? { ...declared, initParams: new Map([...def.initParams, ...declared.initParams]) } : def);
  }

  const mappedServlets = new Set(app.servletMappings.map((m) => m.servletName));
  const owners = new Map<string, string>();
  for (const m of app.servletMappings) for (const p of m.urlPatterns) owners.set(p, m.servletName);
  const servletMappings = [...app.servletMappings];
  for (const mapping of annotations.servletMappings) {
    if (mappedServlets.has(mapping.servletName)) continue;
    for (const pattern of mapping.urlPatterns) {
      const owner = owners.get(pattern);
      if (owner !== undefined && owner !== mapping.servletName) {
        throw new DeployError('SV_ERR_DEPLOY_DUPLICATE_MAPPING', { first: owner, second: mapping.servletName, pattern });
      }
      owners.set(pattern, mapping.servletName);
    }
    servletMappings.push(mapping);
  }

  const mappedFilters = new Set(app.filterMappings.map((m) => m.filterName));
  const filterMappings = [...app.filterMappings, ...annotations.filterMappings.filter((m) => !mappedFilters.has(m.filterName))];

  return {
    ...app,
    servlets,
    servletMappings,
    filters,
    filterMappings,
    listeners: uniqueListeners([...app.listeners, ...annotations.listeners]),
    warnings: [...app.warnings, ...annotations.warnings],
  };
}

function uniqueListeners(listeners: readonly ListenerDef[]): ListenerDef[] {
  const seen = new Set<string>();
  return listeners.filter((l) => !seen.has(l.listenerClass) && seen.add(l.listenerClass));
}

/** Mappings are checked here, not in the parser: an app may map a pattern to conf/web.xml's `default` or to an annotated servlet. */
function checkReferences(webXml: WebXml): void {
  const problems = new Map<string, WebXmlProblem[]>();
  const add = (file: string, problem: WebXmlProblem): void => {
    problems.set(file, [...(problems.get(file) ?? []), problem]);
  };
  for (const m of webXml.servletMappings) {
    if (!webXml.servlets.has(m.servletName)) {
      add(m.source?.file ?? webXml.file, {
        line: m.source?.line ?? 0,
        element: 'web-app/servlet-mapping',
        message: `servlet-name [${m.servletName}] is not declared by any <servlet> (nor by conf/web.xml or an annotation)`,
      });
    }
  }
  for (const m of webXml.filterMappings) {
    if (!webXml.filters.has(m.filterName)) {
      add(m.source?.file ?? webXml.file, {
        line: m.source?.line ?? 0,
        element: 'web-app/filter-mapping',
        message: `filter-name [${m.filterName}] is not declared by any <filter> (nor by conf/web.xml or an annotation)`,
      });
    }
  }
  const first = problems.entries().next();
  if (!first.done) throw new WebXmlError(first.value[0], first.value[1]);
}
