/**
 * Loads server.xml and context descriptors into the typed configuration tree, validating every element
 * against the attribute table and reporting all problems of a file in one ConfigValidationError.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { formatMessage } from '../errors/codes.js';
import { ConfigValidationError, sortProblems } from './config-validation-error.js';
import { contextPathProblem, serverRules } from './config-rules.js';
import { ConfigValidator } from './config-validator.js';
import { defaultsOf } from './attribute-values.js';
import { elementChildren, implementedValves } from './element-schema.js';
import { buildContainerRealm, buildGlobalNamingResources } from './realm-config-loader.js';
import { PropertySource } from './property-substitution.js';
import { buildSslHostConfigs } from './ssl-host-config-loader.js';
import type {
  ComponentConfig,
  ConfigProblem,
  ConnectorConfig,
  ConnectorProtocol,
  ContextElementConfig,
  ContextEnvironment,
  ContextParameter,
  EndpointStyle,
  Http11ConnectorConfig,
  ManagerConfig,
  ResourcesConfig,
  EngineConfig,
  ExecutorConfig,
  HostElementConfig,
  ServerConfig,
  ServiceConfig,
} from './server-config.js';
import { parseXml, XmlSyntaxError, type XmlElement } from './xml-document.js';

export { ConfigValidationError, formatProblem } from './config-validation-error.js';

export interface ConfigEnvironment {
  catalinaHome: string;
  catalinaBase: string;
  /** Java-style system properties available to `${name}`. */
  properties?: Record<string, string>;
  /** Environment for `${env.NAME}`; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * loadServerConfig also refuses the configuration when conf/context.xml or a Host's context.xml.default is
   * refused (default true); `catalina stop` turns it off, since it only needs the shutdown port.
   */
  checkContextDefaults?: boolean;
}

export interface DescriptorOptions {
  /** Receives the warnings of the descriptor (ContextElementConfig has no place for them). */
  readonly onWarning?: (problem: ConfigProblem) => void;
}

/** Connector `protocol` values → what they mean here (config/http.html, config/ajp.html). */
export const connectorProtocols: ReadonlyMap<string, { readonly protocol: ConnectorProtocol; readonly style: EndpointStyle }> = new Map([
  ['HTTP/1.1', { protocol: 'http11', style: 'event-loop' }],
  ['org.apache.coyote.http11.Http11NioProtocol', { protocol: 'http11', style: 'event-loop' }],
  ['org.apache.coyote.http11.Http11Nio2Protocol', { protocol: 'http11', style: 'event-loop' }],
  ['AJP/1.3', { protocol: 'ajp', style: 'event-loop' }],
  ['org.apache.coyote.ajp.AjpNioProtocol', { protocol: 'ajp', style: 'event-loop' }],
  ['org.apache.coyote.ajp.AjpNio2Protocol', { protocol: 'ajp', style: 'event-loop' }],
  // Tomcat 7's blocking (BIO) class names select the worker-pool endpoint.
  ['org.apache.coyote.http11.Http11Protocol', { protocol: 'http11', style: 'blocking' }],
  ['org.apache.coyote.ajp.AjpProtocol', { protocol: 'ajp', style: 'blocking' }],
  ['HTTP/1.1-blocking', { protocol: 'http11', style: 'blocking' }],
  ['AJP/1.3-blocking', { protocol: 'ajp', style: 'blocking' }],
]);

export function loadServerConfig(file: string, env: ConfigEnvironment): ServerConfig {
  const { root, display } = readDocument(file, env);
  const server = loadServerConfigFromElement(root, display, env);
  if (env.checkContextDefaults !== false) checkContextDefaults(server, env);
  return server;
}

/**
 * Fail closed (architecture decision 11): conf/context.xml and each Host's conf/<engine>/<host>/context.xml.default
 * apply to every application, so one the loader refuses (a Valve Serval cannot give, a misspelt class) refuses the
 * whole configuration at startup, naming its file:line, instead of failing every application one by one. Their
 * warnings are logged when applications deploy (context-descriptors.ts), not here.
 */
function checkContextDefaults(server: ServerConfig, env: ConfigEnvironment): void {
  const files = [resolve(env.catalinaBase, 'conf', 'context.xml')];
  for (const service of server.services) {
    for (const host of service.engine.hosts)
      files.push(resolve(env.catalinaBase, 'conf', service.engine.name, host.name, 'context.xml.default'));
  }
  for (const file of new Set(files)) if (existsSync(file)) loadContextDescriptor(file, env);
}

/** For embedding and tests: the same as loadServerConfig over a string; `file` only names it in problems. */
export function loadServerConfigFromString(xml: string, env: ConfigEnvironment, file = 'conf/server.xml'): ServerConfig {
  return loadServerConfigFromElement(parseDocument(xml, file), file, env);
}

/** A `<Context>` root: conf/context.xml, META-INF/context.xml or conf/<engine>/<host>/<name>.xml. */
export function loadContextDescriptor(file: string, env: ConfigEnvironment, options: DescriptorOptions = {}): ContextElementConfig {
  const { root, display } = readDocument(file, env);
  return loadContextFromElement(root, display, env, options);
}

export function loadContextDescriptorFromString(
  xml: string,
  env: ConfigEnvironment,
  file = 'conf/context.xml',
  options: DescriptorOptions = {},
): ContextElementConfig {
  return loadContextFromElement(parseDocument(xml, file), file, env, options);
}

function loadServerConfigFromElement(root: XmlElement, display: string, env: ConfigEnvironment): ServerConfig {
  const v = new ConfigValidator(display, new PropertySource(env), env.catalinaBase);
  if (root.name !== 'Server') rejectRoot(v, root, 'Server', display);
  const server = new TreeBuilder(v, env.catalinaBase).server(root);
  for (const rule of serverRules) {
    rule(server, (at, message, attribute) => v.reportMessage('error', message, at, attribute));
  }
  if (v.hasErrors) throw new ConfigValidationError(display, v.problems);
  return { ...server, warnings: Object.freeze(sortProblems(v.problems)) };
}

function loadContextFromElement(
  root: XmlElement,
  display: string,
  env: ConfigEnvironment,
  options: DescriptorOptions,
): ContextElementConfig {
  const v = new ConfigValidator(display, new PropertySource(env), env.catalinaBase);
  if (root.name !== 'Context') rejectRoot(v, root, 'Context', display);
  const context = new TreeBuilder(v, env.catalinaBase).context(root, undefined);
  if (v.hasErrors) throw new ConfigValidationError(display, v.problems);
  for (const warning of sortProblems(v.problems)) options.onWarning?.(warning);
  return context;
}

function rejectRoot(v: ConfigValidator, root: XmlElement, expected: string, display: string): never {
  v.report('error', 'SV_ERR_CONFIG_UNKNOWN_ELEMENT', { element: root.name, hint: `; the root element must be [${expected}]` }, root);
  throw new ConfigValidationError(display, v.problems);
}

function readDocument(file: string, env: ConfigEnvironment): { root: XmlElement; display: string } {
  const absolute = resolve(env.catalinaBase, file);
  const display = displayName(absolute, env.catalinaBase);
  let source: string;
  try {
    source = readFileSync(absolute, 'utf8');
  } catch (error) {
    const problem: ConfigProblem = {
      severity: 'error',
      code: 'SV_ERR_CONFIG_FILE_NOT_FOUND',
      message: formatMessage('SV_ERR_CONFIG_FILE_NOT_FOUND', { file: absolute, detail: (error as Error).message }),
      file: display,
      line: 0,
      path: '',
    };
    throw new ConfigValidationError(display, [problem]);
  }
  return { root: parseDocument(source, display), display };
}

function parseDocument(source: string, display: string): XmlElement {
  try {
    return parseXml(source, display);
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;
    const problem: ConfigProblem = {
      severity: 'error',
      code: 'SV_ERR_CONFIG_XML_SYNTAX',
      message: formatMessage('SV_ERR_CONFIG_XML_SYNTAX', { detail: error.detail }),
      file: display,
      line: error.line,
      path: '',
    };
    throw new ConfigValidationError(display, [problem]);
  }
}

/** Files under catalina.base are named relative to it (`conf/server.xml`), as Tomcat users know them. */
function displayName(absolute: string, catalinaBase: string): string {
  const rel = relative(resolve(catalinaBase), absolute);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : absolute;
}

/** Walks the element tree, building typed configuration objects; problems go to the validator. */
class TreeBuilder {
  readonly #v: ConfigValidator;
  readonly #catalinaBase: string;

  constructor(v: ConfigValidator, catalinaBase: string) {
    this.#v = v;
    this.#catalinaBase = catalinaBase;
  }

  server(element: XmlElement): ServerConfig {
    const values = this.#v.element(element, 'Server');
    const children = this.#v.children(element, elementChildren['Server']!);
    const services = named(children, 'Service').map((child) => this.service(child));
    if (services.length === 0) this.#v.report('error', 'SV_ERR_CONFIG_CHILD_MISSING', { element: 'Server', child: 'Service' }, element);
    // With the shutdown port open, an empty command would let any local connection stop the server (every read
    // ends with the command, Tomcat's StandardServer.await). A disabled port (negative) needs none.
    if (values.shutdown === '' && (values.port ?? -1) >= 0) {
      this.#v.report('error', 'SV_ERR_CONFIG_EMPTY_SHUTDOWN', { port: values.port ?? -1 }, this.#v.location(element), 'shutdown');
    }
    return {
      ...values,
      globalResources: named(children, 'GlobalNamingResources').flatMap((child) => buildGlobalNamingResources(this.#v, child)),
      listeners: this.#components(children, 'Listener', new Map()),
      services,
      location: this.#v.location(element),
      warnings: [],
    };
  }

  service(element: XmlElement): ServiceConfig {
    const values = this.#v.element(element, 'Service');
    const children = this.#v.children(element, elementChildren['Service']!);
    // ServiceConfig has no listeners: Tomcat ones are warned about and ignored anyway; a user one would be lost.
    for (const listener of this.#components(children, 'Listener', new Map())) {
      const params = { className: listener.className, parent: 'Service' };
      this.#v.report('warning', 'SV_ERR_CONFIG_LISTENER_PLACEMENT', params, listener.location, 'className');
    }
    const engines = named(children, 'Engine').map((child) => this.engine(child));
    // useIPVHosts is harmless only while the Host header cannot select another Host than the local address would.
    const hosts = engines[0]?.hosts.length ?? 0;
    for (const connector of named(children, 'Connector')) {
      if (hosts > 1 && connector.attributes.get('useIPVHosts')?.trim().toLowerCase() === 'true') {
        const reason =
          'Tomcat would choose the Host by the local address a request arrives on, and Serval chooses it by the Host header, so with several Hosts a client could reach a Host the configuration keeps from that address';
        this.#v.report(
          'error',
          'SV_ERR_CONFIG_ATTRIBUTE_REFUSED',
          { attribute: 'useIPVHosts', element: 'Connector', reason },
          connector,
          'useIPVHosts',
        );
      }
    }
    if (engines.length !== 1) {
      this.#v.report('error', 'SV_ERR_CONFIG_CHILD_COUNT', { element: 'Service', child: 'Engine', count: engines.length }, element);
    }
    return {
      ...values,
      executors: named(children, 'Executor').map((child) => this.executor(child)),
      connectors: named(children, 'Connector').map((child) => this.connector(child)),
      engine: engines[0] ?? placeholderEngine(this.#v.location(element)),
      location: this.#v.location(element),
    };
  }

  executor(element: XmlElement): ExecutorConfig {
    const values = this.#v.element(element, 'Executor');
    this.#v.children(element, elementChildren['Executor']!);
    return { ...values, location: this.#v.location(element) };
  }

  connector(element: XmlElement): ConnectorConfig {
    const rawProtocol = element.attributes.get('protocol');
    const protocolName = rawProtocol === undefined ? 'HTTP/1.1' : (this.#v.substitute(element, 'protocol', rawProtocol) ?? 'HTTP/1.1');
    let mapped = connectorProtocols.get(protocolName);
    if (mapped === undefined) {
      const allowed = `one of [${[...connectorProtocols.keys()].join(', ')}]`;
      const params = { attribute: 'protocol', element: 'Connector', value: protocolName, allowed };
      this.#v.report('error', 'SV_ERR_CONFIG_INVALID_VALUE', params, element, 'protocol');
      mapped = { protocol: 'http11', style: 'event-loop' };
    }
    const { style } = mapped;
    const location = this.#v.location(element);
    if (mapped.protocol === 'ajp') {
      const values = this.#v.element(element, 'Connector', { protocol: 'ajp', style });
      // SSLEnabled is an HTTP/1.1 attribute: on AJP every SSLHostConfig is ignored (with a warning).
      buildSslHostConfigs(this.#v, element, this.#v.children(element, elementChildren['Connector']!), undefined, this.#catalinaBase);
      return { ...values, protocolName, protocol: 'ajp', style, location };
    }
    const values = this.#v.element(element, 'Connector', { protocol: 'http11', style });
    const children = this.#v.children(element, elementChildren['Connector']!);
    // SSLHostConfig host names are case-insensitive (RFC 6066 §3) and stored lower-cased; so is the default's name.
    const defaultSSLHostConfigName = values.defaultSSLHostConfigName.toLowerCase();
    const sslHostConfigs = buildSslHostConfigs(
      this.#v,
      element,
      children,
      { SSLEnabled: values.SSLEnabled, defaultSSLHostConfigName },
      this.#catalinaBase,
    );
    // Tomcat's HTTP processor sets scheme https on a TLS connection, and the adapter derives secure from it.
    const tls = sslHostConfigs !== undefined;
    const config: Http11ConnectorConfig = {
      ...values,
      protocolName,
      protocol: 'http11',
      style,
      scheme: tls ? 'https' : values.scheme,
      secure: tls || values.secure,
      defaultSSLHostConfigName,
      location,
    };
    return sslHostConfigs === undefined ? config : { ...config, sslHostConfigs };
  }

  engine(element: XmlElement): EngineConfig {
    const values = this.#v.element(element, 'Engine');
    const children = this.#v.children(element, elementChildren['Engine']!);
    const hosts = named(children, 'Host').map((child) => this.host(child));
    if (hosts.length === 0) this.#v.report('error', 'SV_ERR_CONFIG_CHILD_MISSING', { element: 'Engine', child: 'Host' }, element);
    return {
      ...values,
      defaultHost: (values.defaultHost ?? '').toLowerCase(),
      valves: this.#components(children, 'Valve', implementedValves),
      listeners: this.#components(children, 'Listener', new Map()),
      realm: buildContainerRealm(this.#v, children),
      hosts,
      location: this.#v.location(element),
    };
  }

  host(element: XmlElement): HostElementConfig {
    const values = this.#v.element(element, 'Host');
    this.#v.errorReportValveClass(element, values.errorReportValveClass);
    const children = this.#v.children(element, elementChildren['Host']!);
    const appBase = resolve(this.#catalinaBase, values.appBase);
    const aliases: string[] = [];
    for (const alias of named(children, 'Alias')) {
      this.#v.attributes(alias, ['Alias']);
      this.#v.children(alias, elementChildren['Alias']!);
      const value = this.#v.text(alias);
      if (value !== undefined) aliases.push(value.toLowerCase());
    }
    return {
      ...values,
      // Host names are case-insensitive (RFC 9110 §4.2.3); Tomcat stores them lower-cased.
      name: (values.name ?? '').toLowerCase(),
      aliases,
      appBase,
      realm: buildContainerRealm(this.#v, children),
      valves: this.#components(children, 'Valve', implementedValves),
      listeners: this.#components(children, 'Listener', new Map()),
      contexts: named(children, 'Context').map((child) => this.context(child, appBase)),
      location: this.#v.location(element),
    };
  }

  /** `appBase` is set for a Context inside server.xml (path and docBase required there), unset for descriptors. */
  context(element: XmlElement, appBase: string | undefined): ContextElementConfig {
    const values = this.#v.element(element, 'Context');
    const children = this.#v.children(element, elementChildren['Context']!);
    if (appBase !== undefined) {
      for (const attribute of ['path', 'docBase']) {
        if (!element.attributes.has(attribute)) {
          this.#v.report('error', 'SV_ERR_CONFIG_MISSING_ATTRIBUTE', { attribute, element: 'Context' }, element, attribute);
        }
      }
    }
    let path = values.path;
    if (path !== undefined) {
      const problem = contextPathProblem(path);
      if (problem !== undefined) {
        this.#v.reportMessage(problem.severity, problem.message, element, 'path');
        path = problem.fixed;
      }
    }
    const docBase = values.docBase ?? '';
    return {
      ...values,
      path,
      docBase: appBase !== undefined && docBase !== '' ? resolve(appBase, docBase) : docBase,
      realm: buildContainerRealm(this.#v, children),
      valves: this.#components(children, 'Valve', implementedValves),
      listeners: this.#components(children, 'Listener', new Map()),
      parameters: named(children, 'Parameter').map((child) => this.#parameter(child)),
      environments: named(children, 'Environment').map((child) => this.#environment(child)),
      watchedResources: named(children, 'WatchedResource').flatMap((child) => {
        this.#v.attributes(child, ['WatchedResource']);
        this.#v.children(child, elementChildren['WatchedResource']!);
        const value = this.#v.text(child);
        return value === undefined ? [] : [value];
      }),
      resources: this.#resources(named(children, 'Resources')),
      manager: this.#manager(named(children, 'Manager')),
      location: this.#v.location(element),
    };
  }

  /** The last `<Resources>` wins; without one, the table defaults apply. */
  #resources(elements: readonly XmlElement[]): ResourcesConfig {
    let values: ResourcesConfig = defaultsOf('Resources');
    for (const element of elements) {
      values = this.#v.element(element, 'Resources');
      this.#v.children(element, elementChildren['Resources']!);
    }
    return values;
  }

  /** The last `<Manager>` wins; without one, the table defaults apply. */
  #manager(elements: readonly XmlElement[]): ManagerConfig {
    let values: ManagerConfig = defaultsOf('Manager');
    for (const element of elements) {
      values = this.#v.element(element, 'Manager');
      this.#v.children(element, elementChildren['Manager']!);
    }
    return values;
  }

  #parameter(element: XmlElement): ContextParameter {
    const { name, value, override } = this.#v.element(element, 'Parameter');
    this.#v.children(element, elementChildren['Parameter']!);
    return { name, value, override };
  }

  #environment(element: XmlElement): ContextEnvironment {
    const { name, type, value, override } = this.#v.element(element, 'Environment');
    this.#v.children(element, elementChildren['Environment']!);
    return { name, type, value, override };
  }

  #components(children: readonly XmlElement[], name: 'Listener' | 'Valve', implemented: ReadonlyMap<string, string>): ComponentConfig[] {
    return named(children, name).flatMap((child) => {
      this.#v.children(child, elementChildren[name]!);
      const component = this.#v.component(child, implemented);
      return component === undefined ? [] : [component];
    });
  }
}

function named(children: readonly XmlElement[], name: string): XmlElement[] {
  return children.filter((child) => child.name === name);
}

/** Stands in for a missing Engine while the rest of the file is checked; the load then fails anyway. */
function placeholderEngine(location: EngineConfig['location']): EngineConfig {
  return {
    name: '',
    defaultHost: '',
    jvmRoute: undefined,
    backgroundProcessorDelay: 0,
    valves: [],
    listeners: [],
    realm: undefined,
    hosts: [],
    location,
  };
}
