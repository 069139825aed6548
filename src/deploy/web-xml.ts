/** The deployment descriptor as data (Servlet 6 ch. 14): what web.xml, conf/web.xml and annotations declare. */
import type { DispatcherType } from '../servlet/dispatcher-type.js';
import type { SecurityAnnotations } from '../servlet/security-annotations.js';

/** Where a definition came from, for messages: a descriptor line, or a class file for annotations. */
export interface DescriptorSource {
  readonly file: string;
  readonly line: number | null;
}

export interface ServletDef {
  readonly name: string;
  /** A Tomcat class name, `a.b.Hello` (WEB-INF/classes/a/b/Hello.js) or `a.b.module#Export` (see WebappLoader.loadClass). */
  readonly servletClass: string;
  readonly initParams: ReadonlyMap<string, string>;
  /** null or negative: loaded on first request (Servlet spec §14.4 load-on-startup). */
  readonly loadOnStartup: number | null;
  readonly asyncSupported: boolean;
  readonly enabled: boolean;
  /** `<multipart-config>` children kept as name → text until multipart support reads them. */
  readonly multipartConfig: ReadonlyMap<string, string> | null;
  /** `<security-role-ref>`: the role name the servlet's code uses → the role-link it stands for (Servlet 6.0 §13.3). */
  readonly roleRefs?: ReadonlyMap<string, string>;
  readonly source: DescriptorSource | null;
}

export interface ServletMapping {
  readonly servletName: string;
  readonly urlPatterns: readonly string[];
  readonly source: DescriptorSource | null;
}

export interface FilterDef {
  readonly name: string;
  readonly filterClass: string;
  readonly initParams: ReadonlyMap<string, string>;
  readonly asyncSupported: boolean;
  readonly source: DescriptorSource | null;
}

/** Structurally a core FilterMap (filterName, urlPatterns, servletNames, dispatcherTypes). */
export interface FilterMapping {
  readonly filterName: string;
  readonly urlPatterns: readonly string[];
  readonly servletNames: readonly string[];
  /** REQUEST when the descriptor names none (Servlet spec §6.2.5). */
  readonly dispatcherTypes: readonly DispatcherType[];
  readonly source: DescriptorSource | null;
}

export interface ListenerDef {
  readonly listenerClass: string;
  readonly source: DescriptorSource | null;
}

/** Exactly one of errorCode / exceptionType, or neither for the default error page (Servlet spec §10.9.2). */
export interface ErrorPage {
  readonly errorCode: number | null;
  readonly exceptionType: string | null;
  readonly location: string;
}

export type TrackingMode = 'COOKIE' | 'URL' | 'SSL';
export const TrackingModes: readonly TrackingMode[] = ['COOKIE', 'URL', 'SSL'];

export interface CookieConfig {
  readonly name: string | null;
  readonly domain: string | null;
  readonly path: string | null;
  readonly comment: string | null;
  readonly httpOnly: boolean | null;
  readonly secure: boolean | null;
  /** Seconds; null = not set (session cookie). */
  readonly maxAge: number | null;
  /** Servlet 6 `<attribute>` entries (e.g. SameSite). */
  readonly attributes: ReadonlyMap<string, string>;
}

export interface SessionConfig {
  /** Minutes; ≤ 0 means sessions never time out (Servlet spec §7.5). null = not declared. */
  readonly sessionTimeout: number | null;
  readonly cookieConfig: CookieConfig | null;
  /** Empty = not declared. */
  readonly trackingModes: readonly TrackingMode[];
}

export interface WebResourceCollection {
  readonly name: string | null;
  readonly urlPatterns: readonly string[];
  readonly httpMethods: readonly string[];
  readonly httpMethodOmissions: readonly string[];
}

/** One `<security-constraint>` (Servlet 6.0 §13.8), enforced by the Context's authenticator (src/security). */
export interface SecurityConstraint {
  readonly displayName: string | null;
  readonly webResourceCollections: readonly WebResourceCollection[];
  /** null = no auth-constraint (anyone); an empty list = nobody. */
  readonly authRoles: readonly string[] | null;
  readonly transportGuarantee: 'NONE' | 'INTEGRAL' | 'CONFIDENTIAL' | null;
  readonly source: DescriptorSource | null;
}

export interface LoginConfig {
  readonly authMethod: string | null;
  readonly realmName: string | null;
  readonly formLoginPage: string | null;
  readonly formErrorPage: string | null;
  readonly source: DescriptorSource | null;
}

/** The security decorators of one class, and the class file they were read from. */
export interface AnnotatedSecurity {
  readonly className: string;
  readonly annotations: SecurityAnnotations;
  readonly source: DescriptorSource;
}

export interface WebXml {
  /** The descriptor file, or a label such as `annotations` / `<merged>`. */
  readonly file: string;
  readonly version: string | null;
  readonly metadataComplete: boolean;
  readonly displayName: string | null;
  readonly distributable: boolean;
  readonly contextParams: ReadonlyMap<string, string>;
  /** By servlet name, in declaration order. */
  readonly servlets: ReadonlyMap<string, ServletDef>;
  readonly servletMappings: readonly ServletMapping[];
  readonly filters: ReadonlyMap<string, FilterDef>;
  /** In declaration order: the order filters run in (Servlet spec §6.2.4). */
  readonly filterMappings: readonly FilterMapping[];
  readonly listeners: readonly ListenerDef[];
  /** null = no welcome-file-list declared (so defaults apply). */
  readonly welcomeFiles: readonly string[] | null;
  readonly errorPages: readonly ErrorPage[];
  /** Lower-cased extension (no dot) → MIME type. */
  readonly mimeMappings: ReadonlyMap<string, string>;
  readonly sessionConfig: SessionConfig;
  readonly requestCharacterEncoding: string | null;
  readonly responseCharacterEncoding: string | null;
  /** Locale (e.g. `ja`, `zh_TW`) → charset. */
  readonly localeEncodingMappings: ReadonlyMap<string, string>;
  readonly securityConstraints: readonly SecurityConstraint[];
  readonly loginConfig: LoginConfig | null;
  readonly securityRoles: readonly string[];
  readonly denyUncoveredHttpMethods: boolean;
  /**
   * Only in the scanner's result: the security decorators of each class in WEB-INF/classes that has any, by the
   * class name a `<servlet-class>` gives. The merge turns them into securityConstraints / securityRoles for the
   * servlets of that class (Servlet 6.0 §13.4), whether @WebServlet or web.xml declares the servlet.
   */
  readonly annotatedSecurity?: ReadonlyMap<string, AnnotatedSecurity>;
  /** Elements ignored while reading, each naming file:line. */
  readonly warnings: readonly string[];
}

export function emptyWebXml(file: string): WebXml {
  return {
    file,
    version: null,
    metadataComplete: false,
    displayName: null,
    distributable: false,
    contextParams: new Map(),
    servlets: new Map(),
    servletMappings: [],
    filters: new Map(),
    filterMappings: [],
    listeners: [],
    welcomeFiles: null,
    errorPages: [],
    mimeMappings: new Map(),
    sessionConfig: { sessionTimeout: null, cookieConfig: null, trackingModes: [] },
    requestCharacterEncoding: null,
    responseCharacterEncoding: null,
    localeEncodingMappings: new Map(),
    securityConstraints: [],
    loginConfig: null,
    securityRoles: [],
    denyUncoveredHttpMethods: false,
    warnings: [],
  };
}

/** The servlet name each url-pattern maps to, in declaration order. */
export function servletMappingTable(webXml: WebXml): Map<string, string> {
  const table = new Map<string, string>();
  for (const mapping of webXml.servletMappings) {
    for (const pattern of mapping.urlPatterns) table.set(pattern, mapping.servletName);
  }
  return table;
}

/**
 * Servlet spec §12.2: `/…/*` prefix, `*.ext` extension, `/` default, `""` context root, else an exact path
 * starting with `/`. Returns why the pattern is invalid, or null.
 */
export function urlPatternProblem(pattern: string): string | null {
  if (/[\r\n]/.test(pattern)) return 'it contains CR or LF';
  if (pattern === '') return null;
  if (pattern.startsWith('*.')) {
    if (pattern.length === 2) return 'an extension pattern needs an extension after [*.]';
    if (pattern.includes('/')) return 'an extension pattern [*.ext] may not contain [/]';
    return null;
  }
  if (!pattern.startsWith('/')) return 'it must start with [/] or [*.]';
  return null;
}

/** A `*` not at the end of `/…/*` makes a legal but surprising exact-match pattern (Tomcat warns too). */
export function isSuspiciousUrlPattern(pattern: string): boolean {
  return pattern.startsWith('/') && pattern.includes('*') && !(pattern.endsWith('/*') && pattern.indexOf('*') === pattern.length - 1);
}
