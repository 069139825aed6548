/**
 * The typed configuration tree built from server.xml (and context descriptors). The attribute fields of each
 * element are derived from the attribute table (ElementAttributes): every value has been validated and
 * defaulted from it, and `-1 = unlimited` has become Infinity. Times keep Tomcat's units: connector timeouts
 * in ms, backgroundProcessorDelay in seconds.
 */
import type { AttributeValue, ElementAttributes, EndpointStyle } from './attributes.js';

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  /** e.g. `Server/Service[0]/Connector[1]` */
  readonly path: string;
}

export type { AttributeValue, ConnectorProtocol, EndpointStyle } from './attributes.js';

/** A component named by className (Listener, Valve, Realm…): attributes are passed to it as given. */
export interface ComponentConfig {
  readonly className: string;
  /** Validated and defaulted when the class is known to the attribute table; raw strings otherwise. */
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly location: SourceLocation;
}

/**
 * A `<Realm>`: a Tomcat Realm class or a module path, with its nested realms (CombinedRealm, LockOutRealm) and
 * its `<CredentialHandler>` (none: clear-text passwords, as in Tomcat).
 */
export interface RealmConfig extends ComponentConfig {
  readonly realms: readonly RealmConfig[];
  readonly credentialHandler: CredentialHandlerConfig | undefined;
}

/** A `<CredentialHandler>`, with the handlers a NestedCredentialHandler nests. */
export interface CredentialHandlerConfig extends ComponentConfig {
  readonly handlers: readonly CredentialHandlerConfig[];
}

/**
 * A `<Resource>` of `<GlobalNamingResources>`: what realms (and later stores) look up by name. Attributes are
 * validated against the table for the types Serval builds (`org.apache.catalina.UserDatabase`,
 * `javax.sql.DataSource`); `raw` keeps every attribute as written (after `${}` substitution) for the type's factory.
 */
export interface NamingResourceConfig {
  readonly name: string;
  readonly type: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly raw: Readonly<Record<string, string>>;
  readonly location: SourceLocation;
}

/** Every implemented attribute of `<Server>` is a field (ElementAttributes); the shutdown port -1 disables it. */
export interface ServerConfig extends ElementAttributes<'Server'> {
  /** `<GlobalNamingResources>` resources Serval builds, in document order; names are unique. */
  readonly globalResources: readonly NamingResourceConfig[];
  readonly listeners: readonly ComponentConfig[];
  readonly services: readonly ServiceConfig[];
  readonly location: SourceLocation;
  /** Non-fatal findings (unimplemented Tomcat elements or attributes). */
  readonly warnings: readonly ConfigProblem[];
}

export interface ServiceConfig extends ElementAttributes<'Service'> {
  readonly connectors: readonly ConnectorConfig[];
  readonly executors: readonly ExecutorConfig[];
  readonly engine: EngineConfig;
  readonly location: SourceLocation;
}

/** maxIdleTime: blocking style, ms a worker thread above minSpareThreads may stay idle before it stops. */
export interface ExecutorConfig extends ElementAttributes<'Executor'> {
  readonly location: SourceLocation;
}

/**
 * A Connector: its attributes for its protocol (an HTTP/1.1 connector has no AJP field and the reverse), with
 * timeouts in ms and -1 = unlimited as Infinity; keepAliveTimeout defaults to connectionTimeout, maxThreads to
 * twice the cores on the blocking style, and address (undefined = all addresses) to loopback on AJP.
 */
interface ConnectorElement {
  /** The protocol attribute as written (e.g. `HTTP/1.1`, `org.apache.coyote.http11.Http11NioProtocol`). */
  readonly protocolName: string;
  readonly style: EndpointStyle;
  /**
   * The connector's `<SSLHostConfig>` elements in document order; present only when SSLEnabled="true"
   * (then never empty). A TLS connector also reports scheme `https` and secure `true`.
   */
  readonly sslHostConfigs?: readonly SslHostConfig[];
  readonly location: SourceLocation;
}

/** `protocol` is the protocol spoken; the attribute as written is protocolName. */
export interface Http11ConnectorConfig extends Omit<ElementAttributes<'Connector', 'http11'>, 'protocol'>, ConnectorElement {
  readonly protocol: 'http11';
}

export interface AjpConnectorConfig extends Omit<ElementAttributes<'Connector', 'ajp'>, 'protocol'>, ConnectorElement {
  readonly protocol: 'ajp';
}

export type ConnectorConfig = Http11ConnectorConfig | AjpConnectorConfig;

export type CertificateVerification = ElementAttributes<'SSLHostConfig'>['certificateVerification'];

/** Java keystore attributes: refused with a hint to convert the store to PEM, never part of the typed settings. */
export const TRUSTSTORE_ATTRIBUTES = [
  'truststoreFile',
  'truststorePassword',
  'truststoreType',
  'truststoreProvider',
  'truststoreAlgorithm',
] as const;
export const KEYSTORE_ATTRIBUTES = [
  'certificateKeystoreFile',
  'certificateKeystorePassword',
  'certificateKeystorePasswordFile',
  'certificateKeystoreType',
  'certificateKeystoreProvider',
  'certificateKeyAlias',
] as const;

/**
 * One `<SSLHostConfig>`: the TLS settings used for one SNI host name (or `_default_`). hostName is lower-cased;
 * protocols and ciphers stay as written in Tomcat's syntax; file paths are absolute; sessionTimeout in seconds.
 */
export interface SslHostConfig extends Omit<ElementAttributes<'SSLHostConfig'>, (typeof TRUSTSTORE_ATTRIBUTES)[number]> {
  readonly certificates: readonly CertificateConfig[];
  readonly location: SourceLocation;
}

/** One `<Certificate>` of an SSLHostConfig: PEM files only, paths absolute; the key defaults to the certificate file. */
export interface CertificateConfig extends Omit<ElementAttributes<'Certificate'>, (typeof KEYSTORE_ATTRIBUTES)[number]> {
  readonly location: SourceLocation;
}

/** backgroundProcessorDelay in seconds; <= 0 disables the Engine's background thread. defaultHost is lower-cased. */
export interface EngineConfig extends ElementAttributes<'Engine'> {
  readonly valves: readonly ComponentConfig[];
  readonly listeners: readonly ComponentConfig[];
  readonly realm: RealmConfig | undefined;
  readonly hosts: readonly HostElementConfig[];
  readonly location: SourceLocation;
}

/**
 * A `<Host>` element: name lower-cased, appBase absolute (resolved against catalina.base); the bundle unpacking
 * limits (zip-bomb protection) are Infinity when set to -1. (Not Tomcat's HostConfig, the deployer:
 * deploy/host-config.ts.)
 */
export interface HostElementConfig extends ElementAttributes<'Host'> {
  readonly aliases: readonly string[];
  readonly realm: RealmConfig | undefined;
  readonly valves: readonly ComponentConfig[];
  readonly listeners: readonly ComponentConfig[];
  readonly contexts: readonly ContextElementConfig[];
  readonly location: SourceLocation;
}

export type ContextParameter = Omit<ElementAttributes<'Parameter'>, 'description'>;

export type ContextEnvironment = Omit<ElementAttributes<'Environment'>, 'description'>;

/** The `<Resources>` element of a Context (Tomcat's StandardRoot); sizes in KiB and ms as Tomcat documents them. */
export type ResourcesConfig = ElementAttributes<'Resources'>;

/** A Context's `<Manager>` (the last one written wins; the table's defaults when there is none). */
export type ManagerConfig = ElementAttributes<'Manager'>;

/** A `<Context>` element or descriptor. (Not Tomcat's ContextConfig, the configurator: deploy/context-config.ts.) */
export interface ContextElementConfig extends Omit<ElementAttributes<'Context'>, 'docBase'> {
  /** "" for ROOT; undefined when derived from the file name (descriptors). */
  readonly path: string | undefined;
  /** Absolute, or relative to the Host's appBase; "" when a descriptor names none. */
  readonly docBase: string;
  /** The Context's own Realm; none: the Host's (or the Engine's), as in Tomcat. */
  readonly realm: RealmConfig | undefined;
  readonly valves: readonly ComponentConfig[];
  readonly listeners: readonly ComponentConfig[];
  readonly parameters: readonly ContextParameter[];
  readonly environments: readonly ContextEnvironment[];
  readonly watchedResources: readonly string[];
  /** The `<Resources>` child, or the table's defaults when there is none. */
  readonly resources: ResourcesConfig;
  readonly manager: ManagerConfig;
  readonly location: SourceLocation;
}

export interface ConfigProblem {
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  /** Element path, e.g. `Server/Service[0]/Connector[0]`. */
  readonly path: string;
  readonly attribute?: string;
}
