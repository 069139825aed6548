/**
 * The typed configuration tree built from server.xml (and context descriptors). Every value has been
 * validated and defaulted from the attribute table (attributes.ts); `-1 = unlimited` has become Infinity.
 * Times keep Tomcat's units: connector timeouts in ms, backgroundProcessorDelay in seconds.
 */

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  /** e.g. `Server/Service[0]/Connector[1]` */
  readonly path: string;
}

export type AttributeValue = string | number | boolean;

/** A component named by className (Listener, Valve, Realm…): attributes are passed to it as given. */
export interface ComponentConfig {
  readonly className: string;
  /** Validated and defaulted when the class is known to the attribute table; raw strings otherwise. */
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly location: SourceLocation;
}

export interface ServerConfig {
  /** Shutdown port; -1 disables it. */
  readonly port: number;
  readonly shutdown: string;
  readonly address: string;
  readonly portOffset: number;
  readonly listeners: readonly ComponentConfig[];
  readonly services: readonly ServiceConfig[];
  readonly location: SourceLocation;
  /** Non-fatal findings (unimplemented Tomcat elements or attributes). */
  readonly warnings: readonly ConfigProblem[];
}

export interface ServiceConfig {
  readonly name: string;
  readonly connectors: readonly ConnectorConfig[];
  readonly executors: readonly ExecutorConfig[];
  readonly engine: EngineConfig;
  readonly location: SourceLocation;
}

export interface ExecutorConfig {
  readonly name: string;
  readonly maxThreads: number;
  readonly minSpareThreads: number;
  /** Blocking style: ms a worker thread above minSpareThreads may stay idle before it stops. */
  readonly maxIdleTime: number;
  readonly location: SourceLocation;
}

export type ConnectorProtocol = 'http11' | 'ajp';
export type EndpointStyle = 'event-loop' | 'blocking';

export interface ConnectorConfig {
  /** The protocol attribute as written (e.g. `HTTP/1.1`, `org.apache.coyote.http11.Http11NioProtocol`). */
  readonly protocolName: string;
  readonly protocol: ConnectorProtocol;
  readonly style: EndpointStyle;
  /** 0 = pick a free port. */
  readonly port: number;
  /** undefined = all addresses. */
  readonly address: string | undefined;
  readonly maxConnections: number;
  readonly acceptCount: number;
  readonly maxThreads: number;
  /** ms; Infinity = none. */
  readonly connectionTimeout: number;
  /** ms; defaults to connectionTimeout. */
  readonly keepAliveTimeout: number;
  readonly maxKeepAliveRequests: number;
  readonly maxHttpHeaderSize: number;
  readonly maxHeaderCount: number;
  readonly maxPostSize: number;
  readonly maxSwallowSize: number;
  readonly maxParameterCount: number;
  readonly maxCookieCount: number;
  readonly redirectPort: number;
  readonly scheme: string;
  readonly secure: boolean;
  readonly URIEncoding: string;
  readonly enableLookups: boolean;
  readonly xpoweredBy: boolean;
  /** undefined = no Server header. */
  readonly server: string | undefined;
  readonly allowTrace: boolean;
  readonly proxyName: string | undefined;
  readonly proxyPort: number;
  readonly executor: string | undefined;
  /**
   * The connector's `<SSLHostConfig>` elements in document order; present only when SSLEnabled="true"
   * (then never empty). A TLS connector also reports scheme `https` and secure `true`.
   */
  readonly sslHostConfigs?: readonly SslHostConfig[];
  /** Every attribute of the element after validation and defaults, including the ones above. */
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly location: SourceLocation;
}

export type CertificateVerification = 'none' | 'optional' | 'optionalNoCA' | 'required';

/** One `<SSLHostConfig>`: the TLS settings used for one SNI host name (or `_default_`). */
export interface SslHostConfig {
  /** Lower-cased; `_default_`, a name, or a `*.example.com` wildcard. */
  readonly hostName: string;
  /** As written, in Tomcat's syntax (`all`, `TLSv1.2+TLSv1.3`, `+TLSv1.3 -TLSv1`…). */
  readonly protocols: string;
  /** As written: an OpenSSL cipher string, or comma-separated OpenSSL or IANA (JSSE) suite names. */
  readonly ciphers: string;
  readonly honorCipherOrder: boolean;
  readonly certificateVerification: CertificateVerification;
  /** Absolute path of the PEM file of CAs trusted for client certificates. */
  readonly caCertificateFile: string | undefined;
  /** Absolute path of a PEM certificate revocation list. */
  readonly certificateRevocationListFile: string | undefined;
  /** Seconds a TLS session may be resumed. */
  readonly sessionTimeout: number;
  readonly certificates: readonly CertificateConfig[];
  readonly location: SourceLocation;
}

/** One `<Certificate>` of an SSLHostConfig: PEM files only, paths absolute. */
export interface CertificateConfig {
  readonly certificateFile: string;
  /** Defaults to certificateFile (key and certificate in one PEM file). */
  readonly certificateKeyFile: string;
  readonly certificateKeyPassword: string | undefined;
  /** Absolute path of a file whose first line is the key password. */
  readonly certificateKeyPasswordFile: string | undefined;
  /** Intermediate certificates sent after the server certificate. */
  readonly certificateChainFile: string | undefined;
  readonly type: 'UNDEFINED' | 'RSA' | 'EC' | 'DSA';
  readonly location: SourceLocation;
}

export interface EngineConfig {
  readonly name: string;
  readonly defaultHost: string;
  readonly jvmRoute: string | undefined;
  /** Seconds; <= 0 disables the Engine's background thread. */
  readonly backgroundProcessorDelay: number;
  readonly valves: readonly ComponentConfig[];
  readonly listeners: readonly ComponentConfig[];
  readonly realm: ComponentConfig | undefined;
  readonly hosts: readonly HostConfig[];
  readonly location: SourceLocation;
}

export interface HostConfig {
  readonly name: string;
  readonly aliases: readonly string[];
  /** Absolute (resolved against catalina.base). */
  readonly appBase: string;
  readonly autoDeploy: boolean;
  readonly deployOnStartup: boolean;
  readonly unpackWARs: boolean;
  readonly deployXML: boolean;
  readonly copyXML: boolean;
  readonly deployIgnore: string | undefined;
  readonly undeployOldVersions: boolean;
  /** Bundle unpacking limits (zip-bomb protection); Infinity when set to -1. */
  readonly maxUnpackEntries: number;
  readonly maxUnpackedBytes: number;
  readonly maxUnpackCompressionRatio: number;
  readonly backgroundProcessorDelay: number;
  readonly errorReportValveClass: string;
  readonly valves: readonly ComponentConfig[];
  readonly listeners: readonly ComponentConfig[];
  readonly contexts: readonly ContextConfig[];
  readonly location: SourceLocation;
}

export interface ContextParameter {
  readonly name: string;
  readonly value: string;
  readonly override: boolean;
}

export interface ContextEnvironment {
  readonly name: string;
  readonly type: string;
  readonly value: string;
  readonly override: boolean;
}

/** The `<Resources>` element of a Context (Tomcat's StandardRoot); sizes in KiB and ms as Tomcat documents them. */
export interface ResourcesConfig {
  readonly cachingAllowed: boolean;
  readonly cacheMaxSize: number;
  readonly cacheObjectMaxSize: number;
  readonly cacheTtl: number;
  readonly allowLinking: boolean;
}

export interface ContextConfig {
  /** "" for ROOT; undefined when derived from the file name (descriptors). */
  readonly path: string | undefined;
  /** Absolute, or relative to the Host's appBase. */
  readonly docBase: string;
  readonly reloadable: boolean;
  readonly crossContext: boolean;
  readonly cookies: boolean;
  readonly useHttpOnly: boolean;
  readonly sessionCookieName: string;
  readonly sessionCookiePath: string | undefined;
  readonly mapperContextRootRedirectEnabled: boolean;
  readonly useRelativeRedirects: boolean;
  readonly backgroundProcessorDelay: number;
  readonly valves: readonly ComponentConfig[];
  readonly listeners: readonly ComponentConfig[];
  readonly parameters: readonly ContextParameter[];
  readonly environments: readonly ContextEnvironment[];
  readonly watchedResources: readonly string[];
  /** The `<Resources>` child, or the table's defaults when there is none. */
  readonly resources: ResourcesConfig;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
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
