/**
 * The Tomcat 10.1 component classes a configuration may name and Serval does not implement, each with what
 * its absence means (architecture decision 11, fail closed). A class is `harmless` only when skipping it
 * changes nothing about who may reach what and no request it would have stopped gets through; everything
 * else, and every Tomcat class not listed here, refuses startup.
 * Names from Tomcat 10.1's catalina, catalina-ha and storeconfig jars and its configuration reference.
 */
import type { ParamsOf } from '../errors/codes.js';

export type HarmlessReason = ParamsOf<'SV_ERR_CONFIG_CLASS_NOT_IMPLEMENTED'>['reason'];
export type RefusalReason = ParamsOf<'SV_ERR_CONFIG_CLASS_REFUSED'>['reason'];

export type TomcatClass =
  { readonly kind: 'harmless'; readonly reason: HarmlessReason } | { readonly kind: 'refused'; readonly reason: RefusalReason };

const C = 'org.apache.catalina.';

const harmless = (reason: HarmlessReason): TomcatClass => ({ kind: 'harmless', reason });
const refused = (reason: RefusalReason): TomcatClass => ({ kind: 'refused', reason });

const AUTHENTICATION: RefusalReason = 'it authenticates users, so without it the resources it protects would be served to anyone';
const ANY_VALVE: RefusalReason =
  'a Valve sees every request before the application and may refuse, redirect or change it; Serval cannot tell what skipping it would let through';
const JNDI: HarmlessReason = 'it only builds JNDI naming contexts, which Serval does not offer; it allows or refuses no request';
const NATIVE_TLS: HarmlessReason = "it only loads Tomcat's native APR or OpenSSL library; Serval's TLS is Node's own OpenSSL";
const OTHER_LOG: HarmlessReason = 'it only writes an access log in another format; it never refuses, redirects or changes a request';

/** Listener and Valve classes (server.xml, context.xml) Serval does not implement. */
export const tomcatComponentClasses: ReadonlyMap<string, TomcatClass> = new Map<string, TomcatClass>([
  // Lifecycle listeners.
  [`${C}startup.VersionLoggerListener`, harmless('it only logs version and platform information at startup')],
  [`${C}core.AprLifecycleListener`, harmless(NATIVE_TLS)],
  [`${C}core.OpenSSLLifecycleListener`, harmless(NATIVE_TLS)],
  [`${C}core.JreMemoryLeakPreventionListener`, harmless('it only works around memory leaks of the Java runtime, which Node does not have')],
  [
    `${C}core.ThreadLocalLeakPreventionListener`,
    harmless('it only renews Java worker threads after an application stops, so thread-local values do not leak'),
  ],
  [`${C}mbeans.GlobalResourcesLifecycleListener`, harmless('it only publishes the global JNDI resources as JMX MBeans for monitoring')],
  [`${C}core.NamingContextListener`, harmless(JNDI)],
  [`${C}core.ContextNamingInfoListener`, harmless(JNDI)],
  [
    `${C}core.JniLifecycleListener`,
    harmless('it only loads native libraries for applications through JNI, which Node applications do not use'),
  ],
  [
    `${C}security.TLSCertificateReloadListener`,
    harmless('it only reloads TLS certificates before they expire; Serval reads them when it starts'),
  ],
  [
    `${C}storeconfig.StoreConfigLifecycleListener`,
    harmless('it only saves the running configuration back to server.xml when asked through JMX'),
  ],
  [
    `${C}startup.UserConfig`,
    harmless("it only deploys users' home directories as additional applications; without it they are not served at all"),
  ],
  [
    `${C}security.SecurityListener`,
    refused('it refuses to run the server as a privileged user or with a permissive umask, a protection the configuration asks for'),
  ],
  [
    `${C}core.PropertiesRoleMappingListener`,
    refused("it maps the application's roles to the Realm's roles, which decides who is authorised"),
  ],

  // Valves that only observe: they never refuse, redirect or change a request.
  [`${C}valves.JDBCAccessLogValve`, harmless(OTHER_LOG)],
  // Valves that decide who gets through, or what they see.
  [`${C}authenticator.SpnegoAuthenticator`, refused(AUTHENTICATION)],
  [
    `${C}ha.authenticator.ClusterSingleSignOn`,
    refused(
      'it carries authenticated users between the nodes of a cluster, which Serval does not form; without it a user would silently have to log in again on another node',
    ),
  ],
  [
    `${C}realm.JAASRealm`,
    refused(
      'it authenticates through Java login modules (JAAS), which Node cannot load; the users it would accept could not log in, and no other realm stands in for it',
    ),
  ],
  [`${C}valves.PersistentValve`, refused(ANY_VALVE)],
  [`${C}ha.tcp.ReplicationValve`, refused(ANY_VALVE)],
  [`${C}ha.session.JvmRouteBinderValve`, refused(ANY_VALVE)],
]);

/** What a Valve or Listener not in the table is refused for. */
export function genericRefusal(element: string): RefusalReason {
  return element === 'Valve'
    ? ANY_VALVE
    : 'a Listener can change how components start and what they allow; Serval cannot tell what skipping it would change';
}
/** Filter classes of Tomcat 10.1 (web.xml) that Serval does not implement: each refuses its application's deployment. */
export const tomcatFilterClasses: ReadonlySet<string> = new Set(['WebdavFixFilter'].map((name) => `${C}filters.${name}`));

/**
 * Tomcat's own packages. Tomcat's webapp class loader never loads them from an application (WebappClassLoaderBase
 * filter()), so a web.xml class in one of them can only mean Tomcat's class, never a file in WEB-INF/classes.
 */
const TOMCAT_PACKAGES = [
  'org.apache.catalina.',
  'org.apache.jasper.',
  'org.apache.tomcat.',
  'org.apache.coyote.',
  'org.apache.naming.',
  'org.apache.juli.',
  'org.apache.el.',
];

export function isTomcatPackage(className: string): boolean {
  return TOMCAT_PACKAGES.some((prefix) => className.startsWith(prefix));
}

/** Every Tomcat class name known here, for "did you mean". */
export function knownTomcatClassNames(): string[] {
  return [...tomcatComponentClasses.keys(), ...tomcatFilterClasses];
}
