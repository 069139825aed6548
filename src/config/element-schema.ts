/**
 * Which elements may nest where in server.xml and context descriptors, which of Tomcat's elements and
 * classes Serval implements, and how a `className` is classified.
 */
import { tomcatComponentClasses } from './tomcat-classes.js';

/** Children allowed under each implemented element, in the order Tomcat documents them. */
export const elementChildren: Readonly<Record<string, readonly string[]>> = Object.freeze({
  Server: ['Listener', 'GlobalNamingResources', 'Service'],
  GlobalNamingResources: ['Environment', 'Resource', 'ResourceLink', 'Transaction'],
  Resource: [],
  Realm: ['Realm', 'CredentialHandler'],
  CredentialHandler: ['CredentialHandler'],
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
  Manager: ['Store', 'SessionIdGenerator'],
});

/**
 * Tomcat elements accepted with a warning; their content is not examined. A `<Resource>` is built only inside
 * `<GlobalNamingResources>` (and only of the types in namingResourceTypes); a Context's own is warned about.
 */
export const notImplementedElements: ReadonlySet<string> = new Set([
  'Transaction',
  'Cluster',
  'Store',
  'SessionIdGenerator',
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
  ['org.apache.catalina.authenticator.SingleSignOn', 'Valve:SingleSignOn'],
  ...['BasicAuthenticator', 'FormAuthenticator', 'DigestAuthenticator', 'SSLAuthenticator', 'NonLoginAuthenticator'].map(
    (name) => [`org.apache.catalina.authenticator.${name}`, `Valve:${name}`] as const,
  ),

  // --- request filtering and load valves ---
  ...[
    'RemoteAddrValve',
    'RemoteHostValve',
    'RemoteCIDRValve',
    'HealthCheckValve',
    'SemaphoreValve',
    'ParameterLimitValve',
    'CrawlerSessionManagerValve',
  ].map((name) => [`${VALVES}${name}`, `Valve:${name}`] as const),

  // --- proxy valves ---
  [`${VALVES}RemoteIpValve`, 'Valve:RemoteIpValve'],
  [`${VALVES}SSLValve`, 'Valve:SSLValve'],
  [`${VALVES}LoadBalancerDrainingValve`, 'Valve:LoadBalancerDrainingValve'],

  // --- RewriteValve ---
  [`${VALVES}rewrite.RewriteValve`, 'Valve:RewriteValve'],

  // --- error report and access log valves ---
  [`${VALVES}JsonErrorReportValve`, 'Valve:JsonErrorReportValve'],
  [`${VALVES}ProxyErrorReportValve`, 'Valve:ProxyErrorReportValve'],
  [`${VALVES}ExtendedAccessLogValve`, 'Valve:ExtendedAccessLogValve'],
  [`${VALVES}JsonAccessLogValve`, 'Valve:JsonAccessLogValve'],
]);

const REALMS = 'org.apache.catalina.realm.';

/** Realms implemented by Serval: className → attribute-table owner (the common `Realm` attributes apply to all). */
export const implementedRealms: ReadonlyMap<string, string> = new Map([
  [`${REALMS}MemoryRealm`, 'Realm:MemoryRealm'],
  [`${REALMS}UserDatabaseRealm`, 'Realm:UserDatabaseRealm'],
  [`${REALMS}DataSourceRealm`, 'Realm:DataSourceRealm'],
  [`${REALMS}JNDIRealm`, 'Realm:JNDIRealm'],
  [`${REALMS}CombinedRealm`, 'Realm:CombinedRealm'],
  [`${REALMS}LockOutRealm`, 'Realm:LockOutRealm'],
  [`${REALMS}NullRealm`, 'Realm:NullRealm'],
  [`${REALMS}AuthenticatedUserRealm`, 'Realm:AuthenticatedUserRealm'],
]);

/** The realms that nest others (`<Realm>` children). */
export const combiningRealms: ReadonlySet<string> = new Set([`${REALMS}CombinedRealm`, `${REALMS}LockOutRealm`]);

export const NESTED_CREDENTIAL_HANDLER = `${REALMS}NestedCredentialHandler`;

/** CredentialHandlers implemented by Serval: className → attribute-table owner. */
export const implementedCredentialHandlers: ReadonlyMap<string, string> = new Map([
  [`${REALMS}MessageDigestCredentialHandler`, 'CredentialHandler:MessageDigestCredentialHandler'],
  [`${REALMS}SecretKeyCredentialHandler`, 'CredentialHandler:SecretKeyCredentialHandler'],
  [NESTED_CREDENTIAL_HANDLER, 'CredentialHandler:NestedCredentialHandler'],
  ['serval.realm.ScryptCredentialHandler', 'CredentialHandler:ScryptCredentialHandler'],
]);

/** `<Resource type>` of GlobalNamingResources that Serval builds → attribute-table owner. */
export const namingResourceTypes: ReadonlyMap<string, string> = new Map([
  ['org.apache.catalina.UserDatabase', 'Resource:UserDatabase'],
  ['javax.sql.DataSource', 'Resource:DataSource'],
]);

export type ClassKind = 'implemented' | 'harmless' | 'refused' | 'module' | 'unknown';

/**
 * A module path (`./x.js`, `/abs/x.js`, `lib/x.js`) names user code loaded by Node; a Tomcat class Serval does
 * not implement is harmless (skipped with a warning) or refused (tomcat-classes.ts);
 * anything else, a misspelt or unknown `org.apache.` name included, cannot be loaded at all.
 */
export function classifyClassName(className: string, implemented: ReadonlyMap<string, string> = new Map()): ClassKind {
  if (implemented.has(className)) return 'implemented';
  if (isModulePath(className)) return 'module';
  const known = tomcatComponentClasses.get(className);
  if (known !== undefined) return known.kind;
  return 'unknown';
}

export function isModulePath(className: string): boolean {
  return className.startsWith('.') || className.startsWith('/') || /\.(c?js|mjs)$/.test(className);
}
