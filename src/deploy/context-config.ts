/**
 * Turns a webapp (a directory, or a bundle served without unpacking) into a ContextDefinition (Tomcat's
 * ContextConfig): opens its resources, parses conf/web.xml and WEB-INF/web.xml, scans annotated classes
 * unless metadata-complete, merges them, and loads every declared class through the webapp's own module
 * loader, so a missing class fails the deployment.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Context } from '../core/context.js';
import type { Host } from '../core/host.js';
import type { ContextDefinition, MultipartConfigDefinition, ServletDefinition } from '../core/context-definition.js';
import { publishResourceCache, ResourceCache, resourcesSettingsOf } from '../resources/resource-cache.js';
import type { Filter } from '../servlet/filter.js';
import * as servletApi from '../servlet/index.js';
import * as filtersApi from '../filters/index.js';
import type { Servlet } from '../servlet/servlet.js';
import { isTomcatPackage } from '../config/tomcat-classes.js';
import { DeployError } from '../errors/container-error.js';
import { AUTHENTICATOR_VALVES, createAuthenticator, type SecurityDeclarations } from '../security/webapp-security.js';
import { SingleSignOnValve } from '../security/single-sign-on.js';
import { scanAnnotations } from './annotation-scanner.js';
import { ArchiveResources } from './archive-resources.js';
import { DEFAULT_UNPACK_LIMITS, unpackLimitsOf } from './bundle-unpacker.js';
import { loadBuiltinClass } from './builtin-classes.js';
import { WebappLoader } from './webapp-loader.js';
import { emptyWebXml, type DescriptorSource, type WebXml } from './web-xml.js';
import { mergeWebXml } from './web-xml-merge.js';
import { parseWebXmlString } from './web-xml-parser.js';
import { DirectoryResources, isArchiveDocBase, type WebappResources } from '../resources/webapp-resources.js';

type Constructor = new () => unknown;

/**
 * Modules every webapp shares with the container instead of loading its own copy: the servlet API must
 * be the very instance the container uses (instanceof UnavailableException, decorator metadata).
 */
const SHARED_MODULES: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  ['serval/servlet', servletApi],
  ['serval', servletApi],
  // Tomcat's filters for use in code: the same classes web.xml names, over the same servlet API instance.
  ['serval/filters', filtersApi],
]);

export function sharedModules(): ReadonlyMap<string, unknown> {
  return SHARED_MODULES;
}

export class ContextConfig {
  readonly #defaults: () => WebXml;
  readonly #loaders = new WeakMap<Context, WebappLoader>();
  readonly #resources = new WeakMap<Context, WebappResources>();

  /** `defaults` returns the parsed conf/web.xml (cached by the caller). */
  constructor(defaults: () => WebXml) {
    this.#defaults = defaults;
  }

  async configure(context: Context): Promise<ContextDefinition> {
    const resources = await openResources(context);
    this.#resources.set(context, resources);
    context.applicationContext.setResources(resources);
    try {
      const loader = new WebappLoader({
        docBase: context.docBase,
        name: context.name,
        shared: sharedModules(),
        logger: context.logger,
        resources,
      });
      this.#loaders.set(context, loader);
      const webXmlFile = join(context.docBase, 'WEB-INF', 'web.xml');
      const app = resources.stat('/WEB-INF/web.xml')?.isFile
        ? parseWebXmlString(resources.readFile('/WEB-INF/web.xml').toString('utf8'), webXmlFile)
        : emptyWebXml(webXmlFile);
      for (const warning of app.warnings) context.logger.warn(warning);
      const annotations = app.metadataComplete ? null : scanAnnotations(loader);
      const merged = mergeWebXml(this.#defaults(), app, annotations);
      const security = createAuthenticator(securityDeclarations(merged), {
        context,
        name: context.name,
        contextPath: context.path,
        valve: context.config.valves.find((valve) => AUTHENTICATOR_VALVES.has(valve.className)),
        singleSignOn: singleSignOnOf(context),
      });
      const definition = { ...toDefinition(merged, loader, context.logger), ...security };
      publishResourceCache(context.servletContext, resourceCacheFor(context, resources));
      return definition;
    } catch (error) {
      // A start that fails here is never stopped: release the archive's descriptor now.
      this.deconfigure(context);
      throw error;
    }
  }

  /** Releases the webapp's module registry and its resources; returns what it had to clear (leak warnings). */
  deconfigure(context: Context): string[] {
    const loader = this.#loaders.get(context);
    this.#loaders.delete(context);
    this.#resources.get(context)?.close();
    this.#resources.delete(context);
    return loader ? loader.close() : [];
  }
}

/**
 * A bundle docBase (unpackWARs="false", or a Context whose docBase names a .war) is served from the archive,
 * indexed under the Host's unpack limits; anything else is a directory.
 */
async function openResources(context: Context): Promise<WebappResources> {
  if (!isArchiveDocBase(context.docBase)) return new DirectoryResources(context.docBase);
  const host = context.parent as Host | null;
  return ArchiveResources.open(context.docBase, host?.config ? unpackLimitsOf(host.config) : DEFAULT_UNPACK_LIMITS);
}

/** The webapp's static resources as its `<Resources>` element configures them, shared by its DefaultServlets. */
function resourceCacheFor(context: Context, resources: WebappResources): ResourceCache {
  return new ResourceCache(resources, resourcesSettingsOf(context.config.resources));
}

/** As Tomcat's AuthenticatorBase: the SingleSignOn valve of the Context's Host, else of its Engine. */
function singleSignOnOf(context: Context): SingleSignOnValve | null {
  for (let container = context.parent; container !== null; container = container.parent) {
    const valve = container.pipeline.getValves().find((v): v is SingleSignOnValve => v instanceof SingleSignOnValve);
    if (valve !== undefined) return valve;
  }
  return null;
}

/** What the merged descriptors say about security, for the authenticator (src/security). */
function securityDeclarations(webXml: WebXml): SecurityDeclarations {
  const roleRefs = new Map<string, ReadonlyMap<string, string>>();
  for (const servlet of webXml.servlets.values())
    if (servlet.roleRefs !== undefined && servlet.roleRefs.size > 0) roleRefs.set(servlet.name, servlet.roleRefs);
  const login = webXml.loginConfig;
  return {
    constraints: webXml.securityConstraints.map((constraint) => ({
      collections: constraint.webResourceCollections,
      authRoles: constraint.authRoles,
      transportGuarantee: constraint.transportGuarantee,
    })),
    securityRoles: webXml.securityRoles,
    denyUncoveredHttpMethods: webXml.denyUncoveredHttpMethods,
    loginConfig:
      login === null
        ? null
        : {
            authMethod: login.authMethod,
            realmName: login.realmName,
            formLoginPage: login.formLoginPage,
            formErrorPage: login.formErrorPage,
            file: login.source?.file ?? webXml.file,
            line: login.source?.line ?? 0,
          },
    roleRefs,
  };
}

function toDefinition(webXml: WebXml, loader: WebappLoader, logger: Logger): Omit<ContextDefinition, 'authenticator' | 'enforcesSecurity'> {
  // A class of Tomcat's own packages is never loaded from WEB-INF/classes (Tomcat's WebappClassLoaderBase refuses
  // to): one that is not a built-in is a Tomcat class Serval does not implement, said as such.
  const load = (className: string, kind: string, source: DescriptorSource | null): Constructor => {
    const builtin = loadBuiltinClass(className);
    if (builtin !== null) return builtin;
    if (isTomcatPackage(className)) {
      const where = source === null ? webXml.file : source.line === null ? source.file : `${source.file}:${source.line}`;
      throw new DeployError('SV_ERR_DEPLOY_TOMCAT_CLASS_NOT_IMPLEMENTED', { kind, className, source: where });
    }
    return loader.loadClass(className);
  };

  const patterns = new Map<string, string[]>();
  for (const mapping of webXml.servletMappings) {
    patterns.set(mapping.servletName, [...(patterns.get(mapping.servletName) ?? []), ...mapping.urlPatterns]);
  }
  const servlets: ServletDefinition[] = [];
  for (const servlet of webXml.servlets.values()) {
    if (!servlet.enabled) continue;
    const type = load(servlet.servletClass, 'Servlet', servlet.source);
    servlets.push({
      name: servlet.name,
      servletClass: servlet.servletClass,
      factory: () => new type() as Servlet,
      initParams: servlet.initParams,
      loadOnStartup: servlet.loadOnStartup !== null && servlet.loadOnStartup >= 0 ? servlet.loadOnStartup : null,
      asyncSupported: servlet.asyncSupported,
      urlPatterns: patterns.get(servlet.name) ?? [],
      multipartConfig: servlet.multipartConfig === null ? null : toMultipartConfig(servlet.name, servlet.multipartConfig, logger),
    });
  }
  const filters = [...webXml.filters.values()].map((filter) => {
    const type = load(filter.filterClass, 'Filter', filter.source);
    return {
      name: filter.name,
      filterClass: filter.filterClass,
      factory: () => new type() as Filter,
      initParams: filter.initParams,
      asyncSupported: filter.asyncSupported,
    };
  });
  const listeners = webXml.listeners.map((listener) => {
    const type = load(listener.listenerClass, 'Listener', listener.source);
    return { className: listener.listenerClass, factory: () => new type() as object };
  });
  const cookie = webXml.sessionConfig.cookieConfig;
  return {
    displayName: webXml.displayName,
    contextParams: webXml.contextParams,
    servlets,
    filters,
    filterMaps: webXml.filterMappings,
    listeners,
    welcomeFiles: webXml.welcomeFiles ?? [],
    errorPages: webXml.errorPages,
    mimeMappings: webXml.mimeMappings,
    sessionTimeoutMinutes: webXml.sessionConfig.sessionTimeout ?? 30,
    sessionCookie: {
      name: cookie?.name ?? null,
      path: cookie?.path ?? null,
      domain: cookie?.domain ?? null,
      httpOnly: cookie?.httpOnly ?? null,
      secure: cookie?.secure ?? null,
      maxAge: cookie?.maxAge ?? null,
    },
    requestCharacterEncoding: webXml.requestCharacterEncoding,
    responseCharacterEncoding: webXml.responseCharacterEncoding,
  };
}

/**
 * `<multipart-config>` (or @MultipartConfig, scanned into the same shape) with the spec's defaults: no size
 * limits (-1) and a threshold of 0. A value that is not an integer is reported and the default kept.
 */
function toMultipartConfig(servlet: string, raw: ReadonlyMap<string, string>, logger: Logger): MultipartConfigDefinition {
  const size = (element: string, fallback: number, unlimitedAllowed: boolean): number => {
    const text = raw.get(element)?.trim();
    if (text === undefined || text === '') return fallback;
    if (/^-?\d{1,15}$/.test(text)) {
      const value = Number(text);
      if (value >= 0) return value;
      if (unlimitedAllowed && value === -1) return Infinity;
    }
    logger.warn(`<multipart-config> of servlet [${servlet}]: <${element}> [${text}] is not a valid size in bytes; the default is used`);
    return fallback;
  };
  return {
    location: raw.get('location')?.trim() ?? '',
    maxFileSize: size('max-file-size', Infinity, true),
    maxRequestSize: size('max-request-size', Infinity, true),
    fileSizeThreshold: size('file-size-threshold', 0, false),
  };
}
