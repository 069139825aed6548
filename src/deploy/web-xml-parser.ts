/**
 * Reads a Servlet 6 deployment descriptor (any namespace: Jakarta, javaee or none) into a WebXml. Long because
 * the descriptor has some forty elements, each read by a small method; merging lives in web-xml-merge.ts.
 */
import { readFileSync } from 'node:fs';
import { childrenNamed, parseXml, XmlSyntaxError, type XmlElement } from '../config/xml-document.js';
import { DeployError } from '../errors/container-error.js';
import { DispatcherTypes, type DispatcherType } from '../servlet/dispatcher-type.js';
import {
  isSuspiciousUrlPattern,
  TrackingModes,
  urlPatternProblem,
  type CookieConfig,
  type DescriptorSource,
  type ErrorPage,
  type FilterDef,
  type FilterMapping,
  type ListenerDef,
  type LoginConfig,
  type SecurityConstraint,
  type ServletDef,
  type ServletMapping,
  type SessionConfig,
  type TrackingMode,
  type WebResourceCollection,
  type WebXml,
} from './web-xml.js';

export interface WebXmlProblem {
  readonly line: number;
  /** Element path, e.g. `web-app/servlet-mapping[1]/url-pattern[0]`. */
  readonly element: string;
  readonly message: string;
}

/** An invalid descriptor: every problem found, the first one named in the message as file:line. */
export class WebXmlError extends DeployError {
  readonly file: string;
  readonly problems: readonly WebXmlProblem[];

  constructor(file: string, problems: readonly WebXmlProblem[], options: { cause?: unknown } = {}) {
    const [first = { line: 0, element: 'web-app', message: 'unknown problem' }, ...rest] = problems;
    const describe = (p: WebXmlProblem): string => `${p.line > 0 ? `line ${p.line} ` : ''}element [${p.element}]: ${p.message}`;
    super(
      'SV_ERR_DEPLOY_WEBXML_INVALID',
      {
        file: first.line > 0 ? `${file}:${first.line}` : file,
        element: first.element,
        problem: first.message,
        more: rest.length === 0 ? '' : ` (and ${rest.length} more: ${rest.map(describe).join('; ')})`,
      },
      options,
    );
    this.file = file;
    this.problems = problems;
  }
}

export function parseWebXml(file: string): WebXml {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new WebXmlError(file, [{ line: 0, element: 'web-app', message: `cannot be read: ${(error as Error).message}` }], {
      cause: error,
    });
  }
  return parseWebXmlString(source, file);
}

export function parseWebXmlString(xml: string, file: string): WebXml {
  let root: XmlElement;
  try {
    root = parseXml(xml, file);
  } catch (error) {
    if (error instanceof XmlSyntaxError) {
      throw new WebXmlError(file, [{ line: error.line, element: 'web-app', message: `XML syntax error: ${error.detail}` }], {
        cause: error,
      });
    }
    throw error;
  }
  return new DescriptorReader(file).read(root);
}

/** Elements of the schema we do not implement: a warning each, never an error. */
const UNSUPPORTED_TOP_LEVEL = new Set([
  'absolute-ordering',
  'jsp-config',
  'env-entry',
  'ejb-ref',
  'ejb-local-ref',
  'service-ref',
  'resource-ref',
  'resource-env-ref',
  'message-destination-ref',
  'message-destination',
  'persistence-context-ref',
  'persistence-unit-ref',
  'post-construct',
  'pre-destroy',
  'data-source',
  'jms-connection-factory',
  'jms-destination',
  'mail-session',
  'connection-factory',
  'administered-object',
  'default-context-path',
]);
const DESCRIPTIVE = new Set(['description', 'display-name', 'icon']);

class DescriptorReader {
  readonly #file: string;
  readonly #problems: WebXmlProblem[] = [];
  readonly #warnings: string[] = [];
  readonly #patternOwners = new Map<string, string>();

  constructor(file: string) {
    this.#file = file;
  }

  read(root: XmlElement): WebXml {
    if (root.name !== 'web-app') {
      this.#problem(root, `the root element must be <web-app>, found <${root.name}>`);
      throw new WebXmlError(this.#file, this.#problems);
    }
    const version = root.attributes.get('version') ?? null;
    const metadataAttr = root.attributes.get('metadata-complete');
    // Servlet spec §8.1: descriptors older than 2.5 predate annotations, so they are complete by definition.
    const metadataComplete =
      metadataAttr !== undefined ? metadataAttr.trim().toLowerCase() === 'true' : version !== null && Number(version) < 2.5;

    let displayName: string | null = null;
    let distributable = false;
    let denyUncoveredHttpMethods = false;
    let requestCharacterEncoding: string | null = null;
    let responseCharacterEncoding: string | null = null;
    let loginConfig: LoginConfig | null = null;
    let welcomeFiles: string[] | null = null;
    let sessionConfig: SessionConfig = { sessionTimeout: null, cookieConfig: null, trackingModes: [] };
    const contextParams = new Map<string, string>();
    const servlets = new Map<string, ServletDef>();
    const servletMappings: ServletMapping[] = [];
    const filters = new Map<string, FilterDef>();
    const filterMappings: FilterMapping[] = [];
    const listeners: ListenerDef[] = [];
    const errorPages: ErrorPage[] = [];
    const mimeMappings = new Map<string, string>();
    const localeEncodingMappings = new Map<string, string>();
    const securityConstraints: SecurityConstraint[] = [];
    const securityRoles: string[] = [];

    for (const el of root.children) {
      switch (el.name) {
        case 'display-name':
          displayName = el.text;
          break;
        case 'description':
        case 'icon':
        case 'module-name':
          break;
        case 'distributable':
          distributable = true;
          break;
        case 'deny-uncovered-http-methods':
          denyUncoveredHttpMethods = true;
          break;
        case 'context-param': {
          const [name, value] = this.#param(el);
          if (name === null) break;
          if (contextParams.has(name)) this.#problem(el, `duplicate context-param [${name}]`);
          else contextParams.set(name, value);
          break;
        }
        case 'servlet': {
          const def = this.#servlet(el);
          if (!def) break;
          if (servlets.has(def.name)) this.#problem(el, `duplicate servlet-name [${def.name}]: another <servlet> already uses it`);
          else servlets.set(def.name, def);
          break;
        }
        case 'servlet-mapping': {
          const mapping = this.#servletMapping(el);
          if (mapping) servletMappings.push(mapping);
          break;
        }
        case 'filter': {
          const def = this.#filter(el);
          if (!def) break;
          if (filters.has(def.name)) this.#problem(el, `duplicate filter-name [${def.name}]: another <filter> already uses it`);
          else filters.set(def.name, def);
          break;
        }
        case 'filter-mapping': {
          const mapping = this.#filterMapping(el);
          if (mapping) filterMappings.push(mapping);
          break;
        }
        case 'listener': {
          const listenerClass = this.#required(el, 'listener-class');
          if (listenerClass !== null) listeners.push({ listenerClass, source: this.#source(el) });
          break;
        }
        case 'welcome-file-list':
          // Several lists concatenate (Tomcat does the same).
          welcomeFiles = [
            ...(welcomeFiles ?? []),
            ...childrenNamed(el, 'welcome-file')
              .map((w) => w.text)
              .filter((w) => w !== ''),
          ];
          break;
        case 'error-page': {
          const page = this.#errorPage(el);
          if (page) errorPages.push(page);
          break;
        }
        case 'mime-mapping': {
          const extension = this.#required(el, 'extension');
          const mimeType = this.#required(el, 'mime-type');
          if (extension !== null && mimeType !== null) mimeMappings.set(extension.replace(/^\./, '').toLowerCase(), mimeType);
          break;
        }
        case 'session-config':
          sessionConfig = this.#sessionConfig(el);
          break;
        case 'request-character-encoding':
          requestCharacterEncoding = this.#encoding(el);
          break;
        case 'response-character-encoding':
          responseCharacterEncoding = this.#encoding(el);
          break;
        case 'locale-encoding-mapping-list':
          for (const m of childrenNamed(el, 'locale-encoding-mapping')) {
            const locale = this.#required(m, 'locale');
            const encoding = this.#required(m, 'encoding');
            if (locale !== null && encoding !== null) localeEncodingMappings.set(locale, encoding);
          }
          break;
        case 'security-constraint':
        case 'login-config':
        case 'security-role':
          if (el.name === 'security-constraint') securityConstraints.push(this.#securityConstraint(el));
          else if (el.name === 'login-config') loginConfig = this.#loginConfig(el);
          else {
            const role = this.#required(el, 'role-name');
            if (role !== null) securityRoles.push(role);
          }
          break;
        default:
          if (UNSUPPORTED_TOP_LEVEL.has(el.name)) this.#warn(el, `<${el.name}> is not supported; it is ignored`);
          else this.#warn(el, `unknown element <${el.name}> is ignored`);
      }
    }

    if (this.#problems.length > 0) throw new WebXmlError(this.#file, this.#problems);
    return {
      file: this.#file,
      version,
      metadataComplete,
      displayName,
      distributable,
      contextParams,
      servlets,
      servletMappings,
      filters,
      filterMappings,
      listeners,
      welcomeFiles,
      errorPages,
      mimeMappings,
      sessionConfig,
      requestCharacterEncoding,
      responseCharacterEncoding,
      localeEncodingMappings,
      securityConstraints,
      loginConfig,
      securityRoles,
      denyUncoveredHttpMethods,
      warnings: this.#warnings,
    };
  }

  #servlet(el: XmlElement): ServletDef | null {
    this.#checkChildren(el, [
      'servlet-name',
      'servlet-class',
      'jsp-file',
      'init-param',
      'load-on-startup',
      'enabled',
      'async-supported',
      'multipart-config',
      'run-as',
      'security-role-ref',
    ]);
    const name = this.#required(el, 'servlet-name');
    if (name === null) return null;
    const classEl = this.#child(el, 'servlet-class');
    if (!classEl || classEl.text === '') {
      const jsp = this.#child(el, 'jsp-file') ? ' (<jsp-file> is not supported: there is no JSP engine)' : '';
      this.#problem(classEl ?? el, `servlet [${name}] has no servlet-class${jsp}`);
      return null;
    }
    const runAs = this.#child(el, 'run-as');
    if (runAs) this.#warn(runAs, `<run-as> of servlet [${name}] is not supported yet; it is ignored`);
    const roleRefs = new Map<string, string>();
    for (const ref of childrenNamed(el, 'security-role-ref')) {
      const roleName = this.#required(ref, 'role-name');
      if (roleName === null) continue;
      // Without a role-link the name is used as it is (Servlet 6.0 §13.3).
      roleRefs.set(roleName, this.#child(ref, 'role-link')?.text ?? roleName);
    }
    const multipart = this.#child(el, 'multipart-config');
    return {
      name,
      servletClass: classEl.text,
      initParams: this.#initParams(el),
      loadOnStartup: this.#int(el, 'load-on-startup', true),
      asyncSupported: this.#bool(el, 'async-supported', false),
      roleRefs,
      enabled: this.#bool(el, 'enabled', true),
      multipartConfig: multipart ? new Map(multipart.children.map((c) => [c.name, c.text])) : null,
      source: this.#source(el),
    };
  }

  #servletMapping(el: XmlElement): ServletMapping | null {
    this.#checkChildren(el, ['servlet-name', 'url-pattern']);
    const servletName = this.#required(el, 'servlet-name');
    const urlPatterns = this.#urlPatterns(el);
    if (servletName === null) return null;
    if (urlPatterns.length === 0) {
      this.#problem(el, `servlet-mapping for [${servletName}] has no url-pattern`);
      return null;
    }
    // A pattern mapped to two different servlets fails deployment (Servlet spec §12.2; Tomcat does too).
    for (const p of childrenNamed(el, 'url-pattern')) {
      const owner = this.#patternOwners.get(p.text);
      if (owner !== undefined && owner !== servletName) {
        this.#problem(
          p,
          `the servlets named [${owner}] and [${servletName}] are both mapped to the url-pattern [${p.text}] which is not permitted`,
        );
      } else {
        this.#patternOwners.set(p.text, servletName);
      }
    }
    return { servletName, urlPatterns, source: this.#source(el) };
  }

  #filter(el: XmlElement): FilterDef | null {
    this.#checkChildren(el, ['filter-name', 'filter-class', 'init-param', 'async-supported']);
    const name = this.#required(el, 'filter-name');
    if (name === null) return null;
    const filterClass = this.#required(el, 'filter-class');
    if (filterClass === null) return null;
    return {
      name,
      filterClass,
      initParams: this.#initParams(el),
      asyncSupported: this.#bool(el, 'async-supported', false),
      source: this.#source(el),
    };
  }

  #filterMapping(el: XmlElement): FilterMapping | null {
    this.#checkChildren(el, ['filter-name', 'url-pattern', 'servlet-name', 'dispatcher']);
    const filterName = this.#required(el, 'filter-name');
    const urlPatterns = this.#urlPatterns(el);
    const servletNames = childrenNamed(el, 'servlet-name')
      .map((s) => s.text)
      .filter((s) => s !== '');
    const dispatcherTypes: DispatcherType[] = [];
    for (const d of childrenNamed(el, 'dispatcher')) {
      const value = d.text.toUpperCase();
      if (!DispatcherTypes.includes(value as DispatcherType)) {
        this.#problem(d, `dispatcher [${d.text}] is not one of [${DispatcherTypes.join(', ')}]`);
      } else if (!dispatcherTypes.includes(value as DispatcherType)) {
        dispatcherTypes.push(value as DispatcherType);
      }
    }
    if (filterName === null) return null;
    if (urlPatterns.length === 0 && servletNames.length === 0) {
      this.#problem(el, `filter-mapping for [${filterName}] needs a url-pattern or a servlet-name`);
      return null;
    }
    return {
      filterName,
      urlPatterns,
      servletNames,
      dispatcherTypes: dispatcherTypes.length > 0 ? dispatcherTypes : ['REQUEST'],
      source: this.#source(el),
    };
  }

  #errorPage(el: XmlElement): ErrorPage | null {
    this.#checkChildren(el, ['error-code', 'exception-type', 'location']);
    const codeEl = this.#child(el, 'error-code');
    const exceptionType = this.#child(el, 'exception-type')?.text ?? null;
    const location = this.#required(el, 'location');
    let errorCode: number | null = null;
    if (codeEl) {
      if (!/^\d{3}$/.test(codeEl.text)) {
        this.#problem(codeEl, `error-code [${codeEl.text}] is not an HTTP status code`);
        return null;
      }
      errorCode = Number(codeEl.text);
    }
    if (codeEl && exceptionType !== null) {
      this.#problem(el, 'an error-page may declare an error-code or an exception-type, not both');
      return null;
    }
    if (location === null) return null;
    if (!location.startsWith('/')) {
      this.#problem(this.#child(el, 'location') ?? el, `error-page location [${location}] must start with [/]`);
      return null;
    }
    return { errorCode, exceptionType, location };
  }

  #sessionConfig(el: XmlElement): SessionConfig {
    this.#checkChildren(el, ['session-timeout', 'cookie-config', 'tracking-mode']);
    const cookieEl = this.#child(el, 'cookie-config');
    let cookieConfig: CookieConfig | null = null;
    if (cookieEl) {
      this.#checkChildren(cookieEl, ['name', 'domain', 'path', 'comment', 'http-only', 'secure', 'max-age', 'attribute']);
      const attributes = new Map<string, string>();
      for (const a of childrenNamed(cookieEl, 'attribute')) {
        const name = this.#required(a, 'attribute-name');
        const value = this.#required(a, 'attribute-value');
        if (name !== null && value !== null) attributes.set(name, value);
      }
      const text = (name: string): string | null => this.#child(cookieEl, name)?.text ?? null;
      cookieConfig = {
        name: text('name'),
        domain: text('domain'),
        path: text('path'),
        comment: text('comment'),
        httpOnly: this.#child(cookieEl, 'http-only') ? this.#bool(cookieEl, 'http-only', true) : null,
        secure: this.#child(cookieEl, 'secure') ? this.#bool(cookieEl, 'secure', false) : null,
        maxAge: this.#int(cookieEl, 'max-age', false),
        attributes,
      };
    }
    const trackingModes: TrackingMode[] = [];
    for (const t of childrenNamed(el, 'tracking-mode')) {
      const mode = t.text.toUpperCase() as TrackingMode;
      if (!TrackingModes.includes(mode)) this.#problem(t, `tracking-mode [${t.text}] is not one of [${TrackingModes.join(', ')}]`);
      else if (!trackingModes.includes(mode)) trackingModes.push(mode);
    }
    return { sessionTimeout: this.#int(el, 'session-timeout', false), cookieConfig, trackingModes };
  }

  #securityConstraint(el: XmlElement): SecurityConstraint {
    const collections: WebResourceCollection[] = childrenNamed(el, 'web-resource-collection').map((c) => ({
      name: this.#child(c, 'web-resource-name')?.text ?? null,
      urlPatterns: this.#urlPatterns(c),
      httpMethods: childrenNamed(c, 'http-method').map((m) => m.text),
      httpMethodOmissions: childrenNamed(c, 'http-method-omission').map((m) => m.text),
    }));
    const auth = this.#child(el, 'auth-constraint');
    const guarantee = this.#child(this.#child(el, 'user-data-constraint') ?? el, 'transport-guarantee');
    let transportGuarantee: SecurityConstraint['transportGuarantee'] = null;
    if (guarantee) {
      const value = guarantee.text.toUpperCase();
      if (value === 'NONE' || value === 'INTEGRAL' || value === 'CONFIDENTIAL') transportGuarantee = value;
      else this.#problem(guarantee, `transport-guarantee [${guarantee.text}] is not one of [NONE, INTEGRAL, CONFIDENTIAL]`);
    }
    return {
      displayName: this.#child(el, 'display-name')?.text ?? null,
      webResourceCollections: collections,
      authRoles: auth ? childrenNamed(auth, 'role-name').map((r) => r.text) : null,
      transportGuarantee,
      source: this.#source(el),
    };
  }

  #loginConfig(el: XmlElement): LoginConfig {
    const form = this.#child(el, 'form-login-config');
    return {
      authMethod: this.#child(el, 'auth-method')?.text ?? null,
      realmName: this.#child(el, 'realm-name')?.text ?? null,
      formLoginPage: form ? (this.#child(form, 'form-login-page')?.text ?? null) : null,
      formErrorPage: form ? (this.#child(form, 'form-error-page')?.text ?? null) : null,
      source: this.#source(el),
    };
  }

  #encoding(el: XmlElement): string | null {
    if (!Buffer.isEncoding(el.text.toLowerCase()) && !/^[A-Za-z0-9][A-Za-z0-9._:+-]*$/.test(el.text)) {
      this.#problem(el, `[${el.text}] is not a character encoding name`);
      return null;
    }
    return el.text;
  }

  #urlPatterns(el: XmlElement): string[] {
    const patterns: string[] = [];
    for (const p of childrenNamed(el, 'url-pattern')) {
      const problem = urlPatternProblem(p.text);
      if (problem !== null) {
        this.#problem(p, `url-pattern [${p.text}] is invalid: ${problem}`);
        continue;
      }
      if (isSuspiciousUrlPattern(p.text)) this.#warn(p, `url-pattern [${p.text}] contains [*] but is an exact-match pattern`);
      patterns.push(p.text);
    }
    return patterns;
  }

  #initParams(el: XmlElement): Map<string, string> {
    const params = new Map<string, string>();
    for (const p of childrenNamed(el, 'init-param')) {
      const [name, value] = this.#param(p);
      if (name === null) continue;
      if (params.has(name)) this.#problem(p, `duplicate init-param [${name}]`);
      else params.set(name, value);
    }
    return params;
  }

  #param(el: XmlElement): [string | null, string] {
    this.#checkChildren(el, ['param-name', 'param-value']);
    const name = this.#required(el, 'param-name');
    return [name, this.#child(el, 'param-value')?.text ?? ''];
  }

  #bool(el: XmlElement, name: string, fallback: boolean): boolean {
    const child = this.#child(el, name);
    if (!child) return fallback;
    const value = child.text.toLowerCase();
    if (value === 'true') return true;
    if (value === 'false') return false;
    this.#problem(child, `<${name}> must be [true] or [false], found [${child.text}]`);
    return fallback;
  }

  #int(el: XmlElement, name: string, emptyIsNull: boolean): number | null {
    const child = this.#child(el, name);
    if (!child || (emptyIsNull && child.text === '')) return null;
    if (!/^[+-]?\d+$/.test(child.text)) {
      this.#problem(child, `<${name}> must be an integer, found [${child.text}]`);
      return null;
    }
    return Number(child.text);
  }

  #required(el: XmlElement, name: string): string | null {
    const child = this.#child(el, name);
    if (!child || child.text === '') {
      this.#problem(child ?? el, `<${el.name}> is missing a non-empty <${name}>`);
      return null;
    }
    return child.text;
  }

  #child(el: XmlElement, name: string): XmlElement | undefined {
    return el.children.find((c) => c.name === name);
  }

  #checkChildren(el: XmlElement, known: readonly string[]): void {
    for (const child of el.children) {
      if (!known.includes(child.name) && !DESCRIPTIVE.has(child.name)) {
        this.#warn(child, `unknown element <${child.name}> in <${el.name}> is ignored`);
      }
    }
  }

  #source(el: XmlElement): DescriptorSource {
    return { file: this.#file, line: el.line };
  }

  #problem(el: XmlElement, message: string): void {
    this.#problems.push({ line: el.line, element: el.path, message });
  }

  #warn(el: XmlElement, message: string): void {
    this.#warnings.push(`${this.#file}:${el.line}: [${el.path}] ${message}`);
  }
}
