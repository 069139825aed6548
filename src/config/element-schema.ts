/**
 * Which elements may nest where in server.xml and context descriptors, which of Tomcat's elements and
 * classes Serval implements, and how a `className` is classified.
 */
import { tomcatComponentClasses, tomcatRealmClasses } from './tomcat-classes.js';

/** Children allowed under each implemented element, in the order Tomcat documents them. */
export const elementChildren: Readonly<Record<string, readonly string[]>> = Object.freeze({
  Server: ['Listener', 'GlobalNamingResources', 'Service'],
  Service: ['Listener', 'Executor', 'Connector', 'Engine'],
  Connector: ['SSLHostConfig', 'UpgradeProtocol'],
  SSLHostConfig: ['Certificate', 'OpenSSLConf'],
  Certificate: [],
  Engine: ['Realm', 'Valve', 'Cluster', 'Listener', 'Host'],
  Host: ['Alias', 'Realm', 'Valve', 'Cluster', 'Listener', 'Context'],
  Context: [
    'Realm',
    'Valve',
    'Manager',
    'Loader',
    'Resources',
    'JarScanner',
    'CookieProcessor',
    'WatchedResource',
    'WrapperLifecycle',
    'WrapperListener',
    'Parameter',
    'Environment',
    'Resource',
    'ResourceLink',
    'Listener',
  ],
  Executor: [],
  Listener: [],
  Valve: [],
  Alias: [],
  Parameter: [],
  Environment: [],
  WatchedResource: [],
  Resources: ['PreResources', 'JarResources', 'PostResources'],
});

/**
 * Tomcat elements accepted with a warning; their content is not examined. (A Realm is accepted with a warning of
 * its own, see ConfigValidator.children.)
 */
export const notImplementedElements: ReadonlySet<string> = new Set([
  'GlobalNamingResources',
  'Cluster',
  'Manager',
  'Loader',
  'PreResources',
  'JarResources',
  'PostResources',
  'JarScanner',
  'CookieProcessor',
  'OpenSSLConf',
  'UpgradeProtocol',
  'Resource',
  'ResourceLink',
  'WrapperLifecycle',
  'WrapperListener',
]);

const VALVES = 'org.apache.catalina.valves.';

/** Valves implemented by Serval: className → attribute-table owner. */
export const implementedValves: ReadonlyMap<string, string> = new Map([
  [`${VALVES}AccessLogValve`, 'Valve:AccessLogValve'],
  [`${VALVES}ErrorReportValve`, 'Valve:ErrorReportValve'],
  [`${VALVES}StuckThreadDetectionValve`, 'Valve:StuckThreadDetectionValve'],
]);

export type ClassKind = 'implemented' | 'harmless' | 'refused' | 'realm' | 'module' | 'unknown';

/**
 * A module path (`./x.js`, `/abs/x.js`, `lib/x.js`) names user code loaded by Node; a Tomcat class Serval does
 * not implement is harmless (skipped with a warning) or refused (tomcat-classes.ts), a Tomcat Realm only warns;
 * anything else, a misspelt or unknown `org.apache.` name included, cannot be loaded at all.
 */
export function classifyClassName(className: string, implemented: ReadonlyMap<string, string> = new Map()): ClassKind {
  if (implemented.has(className)) return 'implemented';
  if (isModulePath(className)) return 'module';
  const known = tomcatComponentClasses.get(className);
  if (known !== undefined) return known.kind;
  if (tomcatRealmClasses.has(className)) return 'realm';
  return 'unknown';
}

export function isModulePath(className: string): boolean {
  return className.startsWith('.') || className.startsWith('/') || /\.(c?js|mjs)$/.test(className);
}
