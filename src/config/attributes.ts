/**
 * The attribute table: every attribute of server.xml and context descriptors, declared once. Validation,
 * defaults, docs/configuration.md and the TypeScript types of the configuration objects (ElementAttributes)
 * are all derived from it. Defaults follow Tomcat 10.1 and keep its units.
 * Long by nature: one line per attribute Tomcat 10.1 documents, element by element.
 */
import { availableParallelism } from 'node:os';
import {
  builder,
  INT_MAX,
  type AttributeSpec,
  type ComputedDefault,
  type ConnectorProtocol,
  type RequiredNames,
  type TypedValues,
} from './attribute-spec.js';

export type {
  AttributeSpec,
  AttributeType,
  AttributeUnit,
  AttributeValue,
  ComputedDefault,
  ConnectorProtocol,
  DefaultContext,
  EndpointStyle,
} from './attribute-spec.js';

/**
 * A blocking-style connector holds one worker thread per connection, and a thread costs ~9 MB: without an
 * explicit maxThreads it gets twice the available cores, not the event-loop default of 200.
 */
const blockingThreads: ComputedDefault = {
  doc: 'blocking style: twice the available cores',
  value: ({ style }) => (style === 'blocking' ? 2 * availableParallelism() : undefined),
};

// Tomcat-only attributes, by why ignoring them is safe (the warning says it) or why they cannot be ignored (an error).
const jvm = {
  tomcatOnly: true,
  ignoredBecause: 'it tunes the Java runtime (threads, class loading, JMX, daemon flags), which Node has no equivalent of',
} as const;
const tuning = {
  tomcatOnly: true,
  ignoredBecause: 'it only tunes performance or resource use; every request is answered the same way',
} as const;
const absent = {
  tomcatOnly: true,
  ignoredBecause: 'the feature it configures is not offered by Serval, so there is nothing for it to change',
} as const;
const logOnly = { tomcatOnly: true, ignoredBecause: 'it only changes what is logged' } as const;
const javaClass = {
  tomcatOnly: true,
  ignoredBecause: 'it selects a Java implementation class; Serval has its own implementation of the element',
} as const;
const strict = {
  tomcatOnly: true,
  ignoredBecause: "Serval always behaves as with Tomcat's default, which is the stricter setting",
} as const;
const udsRefused = {
  tomcatOnly: true,
  refusedBecause:
    'Tomcat would listen on that Unix domain socket instead of the TCP port, so ignoring it would open a TCP port the configuration keeps closed',
} as const;
const certRefused = {
  tomcatOnly: true,
  refusedBecause: 'it restricts which client certificates are accepted, so ignoring it would accept certificates the configuration refuses',
} as const;
const descriptorsRefused = {
  tomcatOnly: true,
  refusedBecause:
    'Tomcat reads context descriptors (and the Valves they declare) from there, and Serval would deploy the applications without them',
} as const;
const ddRefused = {
  tomcatOnly: true,
  refusedBecause: 'it names another deployment descriptor, whose declarations (security constraints among them) would be lost',
} as const;
const directoryRefused = {
  tomcatOnly: true,
  refusedBecause:
    'it changes how the connection to the directory is secured or which entries are found there, so ignoring it could expose passwords or authenticate users the configuration does not mean to',
} as const;
const port = { min: 0, max: 65535 } as const;
const ms = { unit: 'ms' } as const;
const bytes = { unit: 'bytes' } as const;

const server = builder('Server');
const listener = builder('Listener');
const service = builder('Service');
const executor = builder('Executor');
const connector = builder('Connector');
const sslHostConfig = builder('SSLHostConfig');
const certificate = builder('Certificate');
const engine = builder('Engine');
const host = builder('Host');
const context = builder('Context');
const valve = builder('Valve');
const stuckThread = builder('Valve:StuckThreadDetectionValve');
// RewriteValve (issue #21)
const rewrite = builder('Valve:RewriteValve');

// --- Error report and access log valves (issue #21): Tomcat's subclasses take every attribute of their base valve ---
const accessLog = builder('Valve:AccessLogValve');
const extendedAccessLog = builder('Valve:ExtendedAccessLogValve');
const jsonAccessLog = builder('Valve:JsonAccessLogValve');
const errorReport = builder('Valve:ErrorReportValve');
const jsonErrorReport = builder('Valve:JsonErrorReportValve');
const proxyErrorReport = builder('Valve:ProxyErrorReportValve');

/** AbstractAccessLogValve's attributes, for AccessLogValve and the valves that extend it (their own pattern default). */
function accessLogAttributes<const O extends string, const P extends string>(b: ReturnType<typeof builder<O>>, pattern: P) {
  return [
    b.path('directory', 'logs', 'Directory of log files, relative to catalina.base.'),
    b.str('prefix', 'access_log', 'Start of each log file name.'),
    b.str('suffix', '', 'End of each log file name.'),
    b.str('fileDateFormat', '.yyyy-MM-dd', 'Date format in the file name; it also sets how often files rotate.'),
    b.bool('rotatable', true, 'Whether files rotate by date.'),
    b.bool('renameOnRotate', false, 'Whether the date is added to the name only when a file is rotated.'),
    b.bool('buffered', true, 'Whether lines are buffered rather than written at once.'),
    b.str('encoding', 'UTF-8', 'Character set of the log file.'),
    b.int('maxDays', -1, 'Days rotated files are kept; -1 keeps them forever.', { min: 1, unlimited: -1 }),
    b.str('conditionIf', undefined, 'Log a request only if this request attribute is set (to anything).'),
    b.str('conditionUnless', undefined, 'Log a request only if this request attribute is not set.'),
    b.str('condition', undefined, 'Former name of conditionUnless, used when conditionUnless is not set.'),
    b.bool(
      'requestAttributesEnabled',
      false,
      'Whether %a, %h, %H, %v and %p come from the AccessLog request attributes RemoteIpValve sets (org.apache.catalina.AccessLog.*), when present.',
    ),
    b.str(
      'pattern',
      pattern,
      pattern === 'common'
        ? 'Layout of each line: `common`, `combined`, or `%` codes.'
        : 'The W3C fields of each line, separated by spaces (`date time c-ip cs-method cs-uri sc-status bytes time-taken cs(User-Agent)`…); an unknown field is refused.',
    ),
    b.bool('enabled', true, 'Whether the valve logs at all.'),
    b.bool(
      'ipv6Canonical',
      false,
      'Whether IPv6 addresses (%a, %A) are logged in their canonical form (RFC 5952: `::1`, not `0:0:0:0:0:0:0:1`).',
    ),
    b.str(
      'locale',
      undefined,
      'Locale (`de_DE` or `de-DE`) of month and day names in `%{…}t` formats, through Intl; `%t` (CLF) is always English, as in Tomcat. Unset: English.',
    ),
    b.bool(
      'checkExists',
      false,
      'Whether the file is checked before each write to disk, and opened again when something moved or deleted it.',
    ),
    b.int(
      'maxLogMessageBufferSize',
      256,
      "Accepted for Tomcat's configurations; Serval builds each line as a string, so there is no per-line buffer to size.",
      bytes,
    ),
  ] as const;
}

/** ErrorReportValve's attributes, for it and the valves that extend it; `target` says what errorCode.* names. */
function errorReportAttributes<const O extends string>(b: ReturnType<typeof builder<O>>, target: 'file' | 'url') {
  const what = target === 'file' ? 'A file, relative to catalina.base,' : 'The URL of an error service';
  return [
    b.bool('showReport', true, 'Whether error reports include the message, description and stack trace.'),
    b.bool('showServerInfo', true, 'Whether error reports name the server and its version.'),
    b.str(
      'errorCode.',
      undefined,
      `${what} for that status (\`errorCode.404\`; \`errorCode.0\` for any status); looked up after exceptionType.*.`,
      { prefix: true },
    ),
    b.str(
      'exceptionType.',
      undefined,
      `${what} for an error of that class: the simple name of a class in the thrown value's prototype chain (\`exceptionType.TypeError\`, \`exceptionType.Error\`), nearest first.`,
      { prefix: true },
    ),
  ] as const;
}

// Request filtering and load valves (issue #21).
const remoteAddrValve = builder('Valve:RemoteAddrValve');
const remoteHostValve = builder('Valve:RemoteHostValve');
const remoteCidrValve = builder('Valve:RemoteCIDRValve');
const healthCheckValve = builder('Valve:HealthCheckValve');
const semaphoreValve = builder('Valve:SemaphoreValve');
const parameterLimitValve = builder('Valve:ParameterLimitValve');
const crawlerValve = builder('Valve:CrawlerSessionManagerValve');
const resources = builder('Resources');
const loader = builder('Loader');
const manager = builder('Manager');
const jarScanner = builder('JarScanner');
const cookieProcessor = builder('CookieProcessor');
const basicAuthenticator = builder('Valve:BasicAuthenticator');
const formAuthenticator = builder('Valve:FormAuthenticator');
const digestAuthenticator = builder('Valve:DigestAuthenticator');
const sslAuthenticator = builder('Valve:SSLAuthenticator');
const nonLoginAuthenticator = builder('Valve:NonLoginAuthenticator');
const singleSignOn = builder('Valve:SingleSignOn');
const realm = builder('Realm');
const memoryRealm = builder('Realm:MemoryRealm');
const userDatabaseRealm = builder('Realm:UserDatabaseRealm');
const lockOutRealm = builder('Realm:LockOutRealm');
const credentialHandler = builder('CredentialHandler');
const digestHandler = builder('CredentialHandler:MessageDigestCredentialHandler');
const secretKeyHandler = builder('CredentialHandler:SecretKeyCredentialHandler');
const scryptHandler = builder('CredentialHandler:ScryptCredentialHandler');
const namingResource = builder('NamingResource');
const userDatabaseResource = builder('Resource:UserDatabase');
const parameter = builder('Parameter');
const environment = builder('Environment');
const dataSourceRealm = builder('Realm:DataSourceRealm');
const dataSource = builder('Resource:DataSource');

/** AuthenticatorBase's attributes, which every authenticator valve has. */
function authenticatorAttributes<const O extends string>(b: ReturnType<typeof builder<O>>) {
  return [
    b.bool('cache', true, 'Whether the logged-in user is kept in the session, so later requests need no new login.'),
    b.bool('changeSessionIdOnAuthentication', true, 'Whether the session gets a new id at login (session fixation defence).'),
    b.bool('disableProxyCaching', true, 'Whether responses to constrained requests forbid caching by shared caches.'),
    b.bool('securePagesWithPragma', false, 'With disableProxyCaching, whether HTTP/1.0 `Pragma: No-cache` is sent too.'),
    b.bool('alwaysUseSession', false, 'Whether a session is created to keep the user even for BASIC, DIGEST or CLIENT-CERT.'),
    b.bool('sendAuthInfoResponseHeaders', false, 'Whether the user name and auth type are sent back as response headers.', absent),
    b.str('allowCorsPreflight', 'never', 'Whether CORS preflight requests skip authentication.', absent),
    b.str('jaspicCallbackHandlerClass', undefined, 'JASPIC callback handler class.', javaClass),
    b.str('secureRandomAlgorithm', undefined, 'SecureRandom algorithm of session ids made at login.', jvm),
    b.str('secureRandomClass', undefined, 'SecureRandom class of session ids made at login.', jvm),
    b.str('secureRandomProvider', undefined, 'SecureRandom provider of session ids made at login.', jvm),
  ] as const;
}
const jndiRealm = builder('Realm:JNDIRealm');

// --- proxy valves (issue #21) ---
const remoteIp = builder('Valve:RemoteIpValve');
const sslValve = builder('Valve:SSLValve');
const draining = builder('Valve:LoadBalancerDrainingValve');
/**
 * Tomcat 10.1's default internalProxies (RemoteIpValve and RemoteIpFilter), as its Java regular expression: 10/8,
 * 192.168/16, 169.254/16, 127/8, 100.64/10, 172.16/12, the IPv6 loopback, fe80::/10 and fc00::/7.
 */
export const DEFAULT_INTERNAL_PROXIES =
  '10\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|192\\.168\\.\\d{1,3}\\.\\d{1,3}|169\\.254\\.\\d{1,3}\\.\\d{1,3}|' +
  '127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|100\\.6[4-9]{1}\\.\\d{1,3}\\.\\d{1,3}|100\\.[7-9]{1}\\d{1}\\.\\d{1,3}\\.\\d{1,3}|' +
  '100\\.1[0-1]{1}\\d{1}\\.\\d{1,3}\\.\\d{1,3}|100\\.12[0-7]{1}\\.\\d{1,3}\\.\\d{1,3}|172\\.1[6-9]{1}\\.\\d{1,3}\\.\\d{1,3}|' +
  '172\\.2[0-9]{1}\\.\\d{1,3}\\.\\d{1,3}|172\\.3[0-1]{1}\\.\\d{1,3}\\.\\d{1,3}|0:0:0:0:0:0:0:1|::1|' +
  'fe[89ab]\\p{XDigit}:.*|f[cd]\\p{XDigit}{2}+:.*';

/** RequestFilterValve's attributes other than allow and deny, which RemoteAddr/RemoteHost/RemoteCIDRValve share. */
function requestFilterValveAttributes<const O extends string>(b: ReturnType<typeof builder<O>>) {
  return [
    b.int('denyStatus', 403, 'Status sent to a refused request.', { min: 100, max: 599 }),
    b.bool(
      'addConnectorPort',
      false,
      'Whether the rules see the local port the request came in on, as `address;port` (CIDR rules: `block;port-pattern`).',
    ),
    b.bool(
      'invalidAuthenticationWhenDeny',
      false,
      "Tomcat lets a refused request go on with an invalid Authorization header (a 401 login) when the Context has preemptiveAuthentication, which Serval does not offer: refused requests always get denyStatus, Tomcat's behaviour without it.",
    ),
    b.bool(
      'usePeerAddress',
      false,
      "Whether the rules see the TCP peer's address instead of the client address a RemoteIpValve or AJP front end reported.",
    ),
  ] as const;
}

const table = [
  server.int('port', undefined, 'TCP port that listens for the shutdown command; -1 disables it.', {
    required: true,
    min: -2,
    max: 65535,
  }),
  server.str('shutdown', undefined, 'The exact, case-sensitive command that stops the server when received on the shutdown port.', {
    required: true,
  }),
  server.str('address', 'localhost', 'Address the shutdown port binds to.'),
  server.int('portOffset', 0, 'Added to the shutdown port and to every Connector port, to run several instances on one machine.', {
    max: 65535,
  }),
  server.str('className', 'org.apache.catalina.core.StandardServer', 'Java implementation class of the Server.', javaClass),
  server.int('utilityThreads', 1, 'Size of the pool that runs background and periodic tasks.', jvm),
  server.bool('utilityThreadsAsDaemon', false, 'Whether utility threads are daemon threads.', jvm),
  server.int('periodicEventDelay', 10, 'Interval between periodic lifecycle events sent to Server listeners.', {
    ...tuning,
    unit: 's',
  }),
  // Serval's own (no Tomcat equivalent): the watchdog thread, src/startup/watchdog.ts.
  server.int(
    'loopBlockedThresholdMs',
    5000,
    'A watchdog thread logs when the event loop has not run for this long, naming the web application and request that hold it; 0 turns the check off.',
    { ...ms, min: 0 },
  ),
  server.int(
    'stopTimeoutMs',
    5000,
    '`catalina run`: once a stop began (shutdown command, SIGTERM), the watchdog thread ends the process if it has not exited within this time.',
    { ...ms, min: 1 },
  ),

  listener.str('className', undefined, 'The listener implementation: a Tomcat class name or a module path (`./x.js`).', {
    required: true,
  }),

  service.str('name', undefined, 'Name of the Service, used in logs.', { required: true }),
  service.str('className', 'org.apache.catalina.core.StandardService', 'Java implementation class of the Service.', javaClass),
  service.int('gracefulStopAwaitMillis', 0, 'How long connectors are given to finish in-flight requests on stop.', {
    ...tuning,
    ...ms,
  }),

  executor.str('name', undefined, 'Name that Connectors use in their `executor` attribute to share this pool.', {
    required: true,
  }),
  executor.int(
    'maxThreads',
    200,
    'Maximum number of requests the shared pool processes at once; for blocking-style connectors, the number of worker threads they share.',
    { min: 1 },
  ),
  executor.int(
    'minSpareThreads',
    25,
    'Number of workers kept alive even when idle; blocking style: worker threads started with the first connector that uses the pool.',
  ),
  executor.str('className', 'org.apache.catalina.core.StandardThreadExecutor', 'Java implementation class of the pool.', javaClass),
  executor.str('namePrefix', 'tomcat-exec-', 'Prefix of worker thread names.', jvm),
  executor.int(
    'maxIdleTime',
    60000,
    'Idle time after which workers above minSpareThreads stop; blocking style: worker threads (one idle worker always stays ready). Connector-owned pools use the same 60000 ms, as in Tomcat.',
    { ...ms, min: 1 },
  ),
  executor.int('maxQueueSize', INT_MAX, 'Maximum number of tasks waiting for a worker.', tuning),
  executor.bool('daemon', true, 'Whether worker threads are daemon threads.', jvm),
  executor.int('threadPriority', 5, 'Priority of worker threads.', jvm),
  executor.int('threadRenewalDelay', 1000, 'Delay between renewing workers after a context stops.', { ...jvm, ...ms }),
  executor.bool('prestartminSpareThreads', false, 'Whether minSpareThreads workers start with the pool.', jvm),

  connector.int('port', undefined, 'TCP port to listen on; 0 picks a free port.', { required: true, ...port }),
  connector.str('address', undefined, 'Local address to bind; unset means every address (AJP: loopback only).', {
    ajpDefault: '127.0.0.1',
  }),
  connector.str(
    'protocol',
    'HTTP/1.1',
    'Protocol and endpoint style: `HTTP/1.1`, `AJP/1.3`, a Tomcat protocol class name, or `HTTP/1.1-blocking` / `AJP/1.3-blocking`.',
  ),
  connector.int(
    'connectionTimeout',
    60000,
    'How long to wait for request data after a connection opens or between reads; -1 waits forever.',
    {
      ...ms,
      unlimited: -1,
      ajpDefault: -1,
    },
  ),
  connector.int(
    'keepAliveTimeout',
    undefined,
    'How long an idle keep-alive connection waits for the next request; defaults to connectionTimeout.',
    {
      ...ms,
      unlimited: -1,
      inherits: 'connectionTimeout',
    },
  ),
  connector.int(
    'maxKeepAliveRequests',
    100,
    'Requests served on one connection before it is closed; 1 disables keep-alive, -1 means no limit.',
    {
      min: 1,
      unlimited: -1,
    },
  ),
  connector.int(
    'maxThreads',
    200,
    'Maximum number of requests processed at once (ignored when `executor` is set). Blocking style: the number of worker threads, which is also the number of connections served at once.',
    { min: 1, computed: blockingThreads },
  ),
  connector.int(
    'minSpareThreads',
    10,
    'Blocking style: worker threads started with the connector (at most maxThreads) and kept when idle.',
  ),
  connector.int(
    'disableKeepAlivePercentage',
    75,
    'Blocking style: when more than this percentage of the worker threads is held by connections, responses close their connection so that waiting connections get a thread; 100 never disables keep-alive.',
    {
      max: 100,
    },
  ),
  connector.int('acceptCount', 100, 'Backlog of connections the operating system queues while all slots are busy.'),
  connector.int('maxConnections', 8192, 'Maximum number of open connections; more wait in the backlog. -1 means no limit.', {
    min: 1,
    unlimited: -1,
  }),
  connector.int('maxHttpHeaderSize', 8192, 'Maximum size of the request line plus headers; larger requests get 431/400.', {
    ...bytes,
    min: 1,
  }),
  connector.int('maxHeaderCount', 100, 'Maximum number of request headers; -1 means no limit.', { unlimited: -1 }),
  connector.int('maxPostSize', 2097152, 'Maximum size of a form body turned into request parameters; -1 means no limit.', {
    ...bytes,
    unlimited: -1,
  }),
  connector.int(
    'maxSwallowSize',
    2097152,
    'Maximum unread body the container reads and discards to keep a connection reusable; -1 means no limit.',
    {
      ...bytes,
      unlimited: -1,
    },
  ),
  connector.int('maxParameterCount', 10000, 'Maximum number of request parameters (query plus form); -1 means no limit.', {
    unlimited: -1,
  }),
  connector.int('maxCookieCount', 200, 'Maximum number of cookies in a request; -1 means no limit.', { unlimited: -1 }),
  connector.int('redirectPort', 443, 'Port that requests needing a confidential transport are redirected to.', port),
  connector.str('scheme', 'http', 'Value returned by `getScheme()`; set `https` behind a TLS-terminating proxy.'),
  connector.bool('secure', false, 'Value returned by `isSecure()`.'),
  connector.str('URIEncoding', 'UTF-8', 'Character set used to decode %xx sequences in the request URI.'),
  connector.bool('enableLookups', false, 'Whether `getRemoteHost()` does a reverse DNS lookup.'),
  connector.bool('xpoweredBy', false, 'Whether responses carry an `X-Powered-By` header.'),
  connector.str('server', undefined, 'Value of the `Server` response header; unset sends none.'),
  connector.bool('allowTrace', false, 'Whether the TRACE method is allowed.'),
  connector.str('proxyName', undefined, 'Server name returned by `getServerName()` when behind a proxy.'),
  connector.int('proxyPort', 0, 'Server port returned by `getServerPort()` when behind a proxy; 0 = the real port.', port),
  connector.str('executor', undefined, 'Name of a shared Executor of this Service to use instead of the connector pool.'),
  connector.enum(
    'encodedSolidusHandling',
    ['reject', 'decode', 'passthrough'],
    'reject',
    'What to do with `%2F` in a request path: reject with 400, decode to `/`, or keep it encoded.',
  ),
  connector.bool('allowBackslash', false, 'Whether a `\\` in the request path is treated as `/` instead of rejected.'),
  connector.bool('rejectSuspiciousURIs', false, 'Whether URIs the Servlet specification calls suspicious are rejected with 400.'),
  connector.bool('tcpNoDelay', true, 'Whether TCP_NODELAY is set on accepted sockets.'),
  connector.str('secret', undefined, 'Shared secret every AJP request must carry; a missing or wrong one gets 403.', {
    protocol: 'ajp',
    formerNames: ['requiredSecret'],
  }),
  connector.bool('secretRequired', true, 'Whether the AJP connector refuses to start without a non-empty `secret`.', {
    protocol: 'ajp',
  }),
  connector.int('packetSize', 8192, 'Maximum AJP packet size.', { protocol: 'ajp', ...bytes, min: 8192, max: 65536 }),
  connector.regex(
    'allowedRequestAttributesPattern',
    'AJP request attributes whose whole name matches are accepted; any other unknown attribute gets 403.',
    {
      protocol: 'ajp',
    },
  ),
  connector.bool(
    'tomcatAuthentication',
    true,
    'Whether the container authenticates AJP requests itself instead of trusting the proxy user.',
    {
      protocol: 'ajp',
    },
  ),
  connector.bool('tomcatAuthorization', false, 'Whether a user authenticated by the proxy is still authorised against the Realm.', {
    protocol: 'ajp',
  }),
  connector.bool(
    'ajpFlush',
    true,
    'Whether an explicit flush (`response.flushBuffer()`, a writer or stream `flush()`) also sends an empty AJP body packet, so the proxy passes what it holds on to the client.',
    {
      protocol: 'ajp',
    },
  ),
  connector.bool(
    'SSLEnabled',
    false,
    'Whether the connector speaks TLS; it then needs at least one `<SSLHostConfig>` and reports scheme `https` and secure `true`.',
    {
      protocol: 'http11',
    },
  ),
  connector.str(
    'compression',
    'off',
    "Response compression with gzip or brotli, chosen by the client's `Accept-Encoding` q-values: `off`, `on`, `force` (also small bodies and any type), or a number (= `on` with that minimum size). Never applied to ranges or bodies that already have a `Content-Encoding`; adds `Vary: Accept-Encoding`.",
    { protocol: 'http11' },
  ),
  connector.int(
    'compressionMinSize',
    2048,
    'Smallest response (by Content-Length) that is compressed; bodies of unknown length always qualify.',
    { ...bytes, protocol: 'http11' },
  ),
  connector.str(
    'compressibleMimeType',
    'text/html,text/xml,text/plain,text/css,text/javascript,application/javascript,application/json,application/xml',
    'Comma-separated media types eligible for compression; `type/*` matches a whole type.',
    { protocol: 'http11' },
  ),
  connector.regex(
    'noCompressionUserAgents',
    'Regular expression matched against the whole `User-Agent`: matching clients never get compressed responses.',
    { protocol: 'http11' },
  ),
  connector.regex('restrictedUserAgents', 'User agents that never get keep-alive.', tuning),
  connector.bool('useSendfile', true, 'Whether large static files are sent with sendfile.', tuning),
  connector.int(
    'maxSavePostSize',
    4096,
    'Largest request body a FORM login keeps for after the login (the request is replayed then); a bigger one is refused (403); -1 is no limit.',
    { ...bytes, unlimited: -1 },
  ),
  connector.int(
    'maxPartCount',
    50,
    'Maximum number of parts in a multipart/form-data body; one more gets 400 before its content is read. -1 means no limit.',
    {
      unlimited: -1,
    },
  ),
  connector.int(
    'maxPartHeaderSize',
    512,
    'Maximum size of the header section of one multipart part (up to and including the blank line); larger gets 400. -1 means no limit.',
    {
      ...bytes,
      unlimited: -1,
    },
  ),
  connector.int(
    'maxTrailerSize',
    8192,
    'Maximum size of the trailer section after a chunked request body; larger gets 400. Also bounded by maxHttpHeaderSize.',
    { ...bytes, protocol: 'http11', unlimited: -1 },
  ),
  connector.int('maxExtensionSize', 8192, 'Maximum total size of chunk extensions.', { ...tuning, ...bytes }),
  connector.str(
    'allowedTrailerHeaders',
    undefined,
    'Comma-separated request trailer fields passed to the application; all others are dropped.',
    { protocol: 'http11' },
  ),
  connector.int('maxHttpRequestHeaderSize', undefined, 'Request header limit; defaults to maxHttpHeaderSize.', { ...tuning, ...bytes }),
  connector.int('maxHttpResponseHeaderSize', undefined, 'Response header limit; defaults to maxHttpHeaderSize.', { ...tuning, ...bytes }),
  connector.bool('useBodyEncodingForURI', false, 'Whether the body encoding also decodes the query string.', absent),
  connector.enum(
    'encodedReverseSolidusHandling',
    ['reject', 'decode', 'passthrough'],
    'decode',
    'What to do with `%5C` in a request path.',
    absent,
  ),
  connector.str(
    'relaxedPathChars',
    undefined,
    'Characters accepted unencoded in the request path although RFC 3986 forbids them; any of `"`, `<`, `>`, `[`, `\\`, `]`, `^`, backtick, `{`, `|`, `}`. Others in the path get 400.',
    { protocol: 'http11' },
  ),
  connector.str(
    'relaxedQueryChars',
    undefined,
    'Characters accepted unencoded in the query string although RFC 3986 forbids them; any of `"`, `<`, `>`, `[`, `\\`, `]`, `^`, backtick, `{`, `|`, `}`.',
    { protocol: 'http11' },
  ),
  connector.enum(
    'continueResponseTiming',
    ['immediately', 'onRead'],
    'immediately',
    "When `100 Continue` answers `Expect: 100-continue`: as soon as the request passed the connector's checks, or when the application first reads the body (no read: no 100, and the connection closes after the response).",
    { protocol: 'http11' },
  ),
  connector.bool(
    'disableUploadTimeout',
    true,
    'Whether request bodies are read under connectionTimeout (true) or under connectionUploadTimeout (false).',
    { protocol: 'http11' },
  ),
  connector.int('connectionUploadTimeout', 300000, 'Body read timeout when disableUploadTimeout is false; -1 waits forever.', {
    ...ms,
    protocol: 'http11',
    unlimited: -1,
  }),
  connector.bool('rejectIllegalHeader', true, 'Whether a request with an illegal header is rejected.', strict),
  connector.bool('allowHostHeaderMismatch', false, 'Whether a Host header may differ from the host in the request line.', strict),
  connector.int('asyncTimeout', 30000, 'Default timeout of asynchronous requests.', { ...absent, ...ms }),
  connector.int('processorCache', 200, 'Number of protocol processors kept for reuse.', jvm),
  connector.bool('bindOnInit', true, 'Whether the port is bound at init rather than at start.', strict),
  connector.bool('discardFacades', true, 'Whether request facades are recreated for each request.', jvm),
  connector.bool('useKeepAliveResponseHeader', true, 'Whether a `Keep-Alive` response header announces the timeout.', absent),
  connector.bool('useVirtualThreads', false, 'Whether the connector pool uses virtual threads.', jvm),
  connector.int('executorTerminationTimeoutMillis', 5000, 'How long the pool is given to stop.', { ...jvm, ...ms }),
  connector.str(
    'defaultSSLHostConfigName',
    '_default_',
    'hostName of the SSLHostConfig used when the client sends no SNI name or one no SSLHostConfig matches.',
    {
      protocol: 'http11',
    },
  ),
  connector.int('sniParseLimit', 65536, 'Bytes of the ClientHello read to find the SNI name; OpenSSL parses the ClientHello itself here.', {
    ...tuning,
    ...bytes,
  }),
  connector.bool(
    'strictSni',
    true,
    'Whether a TLS request whose Host header selects another SSLHostConfig than the SNI name of its connection is refused with 421 Misdirected Request (and the connection closed).',
    {
      protocol: 'http11',
    },
  ),
  connector.int('connectionLinger', -1, 'SO_LINGER in seconds; -1 disables it.', { ...tuning, min: -1, unit: 's' }),
  connector.int('selectorTimeout', 1000, 'Poller select timeout.', { ...jvm, ...ms }),
  connector.int('pollerThreadPriority', 5, 'Priority of the poller thread.', jvm),
  connector.bool('useInheritedChannel', false, 'Whether to use a socket inherited from the process.', absent),
  connector.path('unixDomainSocketPath', undefined, 'Unix domain socket to listen on instead of TCP.', udsRefused),
  connector.int('maxQueueSize', INT_MAX, 'Maximum tasks queued for the internal pool.', tuning),
  connector.int('threadPriority', 5, 'Priority of the internal pool threads.', jvm),
  connector.bool(
    'useIPVHosts',
    false,
    'Whether the Host is chosen by the local IP address the request arrived on instead of the Host header.',
    {
      tomcatOnly: true,
      ignoredBecause: 'Serval chooses the Host by the Host header, which with a single Host is the same Host (with several, it is refused)',
    },
  ),
  connector.str(
    'parseBodyMethods',
    'POST',
    'Comma-separated HTTP methods whose form-encoded bodies become request parameters; Serval parses them for POST only.',
    absent,
  ),
  connector.bool(
    'throwOnFailure',
    false,
    'Whether a failure to initialise or start the connector stops the server (Serval always does).',
    strict,
  ),
  connector.bool(
    'enforceEncodingInGetWriter',
    true,
    'Whether getWriter() uses ISO-8859-1 when no character encoding was set (Servlet spec); false lets the writer guess.',
    strict,
  ),
  connector.int('acceptorThreadPriority', 5, 'Priority of the acceptor thread.', jvm),
  connector.str('clientCertProvider', undefined, 'JCE provider that decodes client certificates.', jvm),
  connector.bool('noCompressionStrongETag', true, 'Whether responses with a strong ETag are never compressed.', absent),
  connector.str('noCompressionEncodings', undefined, 'Content encodings that are never compressed again.', tuning),
  connector.bool(
    'serverRemoveAppProvidedValues',
    false,
    'Whether a `Server` header set by the application is removed when `server` is not set.',
    absent,
  ),
  connector.bool('useAsyncIO', true, 'Whether NIO2 asynchronous I/O is used for async writes.', jvm),
  connector.str('sslImplementationName', undefined, 'Java class of the TLS implementation (JSSE or OpenSSL).', javaClass),
  connector.str('unixDomainSocketPathPermissions', undefined, 'POSIX permissions of the Unix domain socket.', udsRefused),
  connector.bool('ipv6v6only', false, 'Whether an IPv6 listener accepts IPv6 only.', tuning),
  connector.str('jvmRoute', undefined, 'Deprecated route of the connector (use the Engine).', absent),
  connector.str(
    'socket.',
    undefined,
    'Java socket options and NIO buffers (`socket.soKeepAlive`, `socket.rxBufSize`, `socket.soLingerOn`, `socket.directBuffer`, `socket.appReadBufSize`…).',
    { ...tuning, prefix: true },
  ),

  sslHostConfig.str(
    'hostName',
    '_default_',
    'SNI host name this configuration serves (case-insensitive; `*.example.com` matches one label), or `_default_`.',
  ),
  sslHostConfig.str(
    'protocols',
    'all',
    'TLS versions, e.g. `TLSv1.2+TLSv1.3` or `all-TLSv1.2`; `all` is every version node allows by default (TLSv1.2 and TLSv1.3).',
  ),
  sslHostConfig.str(
    'ciphers',
    'HIGH:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!kRSA',
    'Cipher suites for TLS 1.2 and below: an OpenSSL cipher string or a comma-separated list of OpenSSL or IANA names; TLS 1.3 suites stay enabled unless listed.',
  ),
  sslHostConfig.bool('honorCipherOrder', false, "Whether the server's cipher order wins over the client's."),
  sslHostConfig.enum(
    'certificateVerification',
    ['none', 'optional', 'optionalNoCA', 'required'],
    'none',
    'Client certificates: not asked for, verified if sent, accepted unverified if sent, or required and verified.',
  ),
  sslHostConfig.path(
    'caCertificateFile',
    undefined,
    "PEM file of the CAs that client certificates must chain to; unset uses node's bundled roots.",
  ),
  sslHostConfig.path(
    'certificateRevocationListFile',
    undefined,
    'PEM file of certificate revocation lists checked for client certificates.',
  ),
  sslHostConfig.int('sessionTimeout', 86400, 'How long a TLS session may be resumed.', { unit: 's', min: 1 }),
  sslHostConfig.str('truststoreFile', undefined, 'Not supported: Serval reads PEM only; convert the truststore and use caCertificateFile.'),
  sslHostConfig.str('truststorePassword', undefined, 'Not supported: see truststoreFile.'),
  sslHostConfig.str('truststoreType', undefined, 'Not supported: see truststoreFile.'),
  sslHostConfig.str('truststoreProvider', undefined, 'Not supported: see truststoreFile.'),
  sslHostConfig.int('certificateVerificationDepth', 10, 'Maximum length of a client certificate chain.', certRefused),
  sslHostConfig.path('caCertificatePath', undefined, 'Directory of hashed CA files.', certRefused),
  sslHostConfig.int('sessionCacheSize', -1, 'Number of TLS sessions cached.', { ...tuning, min: -1 }),
  sslHostConfig.str('sslProtocol', 'TLS', 'JSSE SSLContext algorithm.', jvm),
  sslHostConfig.bool('disableSessionTickets', false, 'Whether TLS session tickets are disabled.', tuning),
  sslHostConfig.bool('insecureRenegotiation', false, 'Whether legacy renegotiation is allowed.', strict),
  sslHostConfig.bool('revocationEnabled', false, 'Whether revocation is checked (JSSE).', certRefused),
  sslHostConfig.str('keyManagerAlgorithm', undefined, 'JSSE key manager algorithm.', jvm),
  sslHostConfig.str('trustManagerClassName', undefined, 'JSSE trust manager class.', certRefused),
  sslHostConfig.path('certificateRevocationListPath', undefined, 'Directory of hashed certificate revocation lists.', certRefused),
  sslHostConfig.bool('disableCompression', true, 'Whether TLS compression is disabled (OpenSSL never enables it).', strict),
  sslHostConfig.str('truststoreAlgorithm', undefined, 'Not supported: see truststoreFile.'),
  sslHostConfig.bool('ocspEnabled', false, 'Whether client certificates are checked through OCSP.', certRefused),
  sslHostConfig.str('ocspSoftFail', undefined, 'Whether an OCSP responder that cannot be reached lets the certificate through.', absent),
  sslHostConfig.int('ocspTimeout', undefined, 'How long an OCSP check may take.', { ...absent, ...ms }),
  sslHostConfig.int('ocspVerifyFlags', undefined, 'OpenSSL flags of the OCSP verification.', absent),
  sslHostConfig.str('groups', undefined, 'Key exchange groups offered in the handshake.', tuning),

  certificate.path('certificateFile', undefined, 'PEM file of the server certificate (it may also hold the chain and the key).', {
    required: true,
  }),
  // Tomcat reads the key from the certificate file when no key file is named.
  certificate.path('certificateKeyFile', undefined, 'PEM file of the private key.', { inherits: 'certificateFile' }),
  certificate.str('certificateKeyPassword', undefined, 'Password of an encrypted private key.'),
  certificate.path('certificateKeyPasswordFile', undefined, 'File whose first line is the password of the private key.'),
  certificate.path('certificateChainFile', undefined, 'PEM file of the intermediate certificates sent after the server certificate.'),
  certificate.enum(
    'type',
    ['UNDEFINED', 'RSA', 'EC', 'DSA'],
    'UNDEFINED',
    'Key type; needed only to tell several certificates of one SSLHostConfig apart.',
  ),
  certificate.str(
    'certificateKeystoreFile',
    undefined,
    'Not supported: Serval reads PEM only; convert the keystore and use certificateFile and certificateKeyFile.',
  ),
  certificate.str('certificateKeystorePassword', undefined, 'Not supported: see certificateKeystoreFile.'),
  certificate.str('certificateKeystoreType', undefined, 'Not supported: see certificateKeystoreFile.'),
  certificate.str('certificateKeystoreProvider', undefined, 'Not supported: see certificateKeystoreFile.'),
  certificate.str('certificateKeyAlias', undefined, 'Not supported: see certificateKeystoreFile.'),
  certificate.str('certificateKeystorePasswordFile', undefined, 'Not supported: see certificateKeystoreFile.'),

  engine.str('name', undefined, 'Name of the Engine, used in logs and as the `conf/<engine>` directory.', { required: true }),
  engine.str('defaultHost', undefined, 'Host (or Alias) that handles requests whose Host header names no configured Host.', {
    required: true,
  }),
  engine.str('jvmRoute', undefined, 'Suffix appended to session IDs for sticky load balancing.'),
  engine.int('backgroundProcessorDelay', 10, 'Interval of the background thread (deployment checks, session expiry); <= 0 disables it.', {
    unit: 's',
    min: -1,
  }),
  engine.str('className', 'org.apache.catalina.core.StandardEngine', 'Java implementation class of the Engine.', javaClass),
  engine.int('startStopThreads', 1, 'Threads used to start and stop Hosts in parallel.', jvm),

  host.str('name', undefined, 'Virtual host name, matched case-insensitively against the Host header.', { required: true }),
  host.path('appBase', 'webapps', 'Directory of applications to deploy, relative to catalina.base.'),
  host.bool('autoDeploy', true, 'Whether new or changed applications are deployed while running.'),
  host.bool('deployOnStartup', true, 'Whether applications in appBase are deployed at start.'),
  host.bool('unpackWARs', true, 'Whether web archives are expanded into directories before running.'),
  host.bool('deployXML', true, "Whether an application's `META-INF/context.xml` is honoured."),
  host.bool('copyXML', false, "Whether an application's `META-INF/context.xml` is copied to `conf/<engine>/<host>`."),
  host.regex('deployIgnore', 'Files and directories in appBase whose whole name matches are not deployed.'),
  host.bool('createDirs', true, 'Whether appBase is created if missing.'),
  host.bool(
    'undeployOldVersions',
    false,
    'Whether an older version (`app##1`) is undeployed, and its files in appBase and conf/<engine>/<host> deleted, once a newer version of the same path is running and the old one has no sessions left. Checked by each autoDeploy pass.',
  ),
  // Bundle unpacking limits (zip-bomb protection); bundle-unpacker's DEFAULT_UNPACK_LIMITS are these defaults.
  host.int(
    'maxUnpackEntries',
    20_000,
    'Most entries a .war/.zip bundle may hold; a bigger bundle is refused (SV_ERR_DEPLOY_BUNDLE_LIMIT) and nothing is unpacked. -1 means no limit.',
    { min: 1, unlimited: -1 },
  ),
  host.int(
    'maxUnpackedBytes',
    1024 * 1024 * 1024,
    'Most bytes all entries of a bundle may unpack to together (the sizes the archive declares, verified while unpacking). -1 means no limit.',
    { ...bytes, min: 1, unlimited: -1 },
  ),
  host.int(
    'maxUnpackCompressionRatio',
    100,
    'Largest uncompressed/compressed size ratio of one bundle entry of 64 KiB or more (zip bombs reach thousands). -1 means no limit.',
    { min: 1, unlimited: -1 },
  ),
  host.int('backgroundProcessorDelay', -1, "Interval of a Host background thread; -1 uses the Engine's.", { unit: 's', min: -1 }),
  host.str(
    'errorReportValveClass',
    'org.apache.catalina.valves.ErrorReportValve',
    'Valve that renders error pages when the application has none, added unless the Host configures one: ErrorReportValve, JsonErrorReportValve or ProxyErrorReportValve (another class, or none, is refused rather than replaced by the full report).',
  ),
  host.str('className', 'org.apache.catalina.core.StandardHost', 'Java implementation class of the Host.', javaClass),
  host.path('xmlBase', undefined, 'Directory of context descriptors; defaults to `conf/<engine>/<host>`.', descriptorsRefused),
  host.int('startStopThreads', 1, 'Threads used to start and stop Contexts in parallel.', jvm),
  host.bool('failCtxIfServletStartFails', false, 'Whether a servlet load-on-startup failure fails the Context.', absent),
  host.path('workDir', undefined, 'Scratch directory of the Host.', tuning),
  host.path('legacyAppBase', 'webapps-javaee', 'Directory of javax applications migrated to jakarta on deploy.', absent),
  host.str('contextClass', 'org.apache.catalina.core.StandardContext', 'Java class of the Contexts the Host deploys.', javaClass),
  host.str('configClass', 'org.apache.catalina.startup.ContextConfig', 'Java class that configures deployed Contexts.', javaClass),

  context.str('path', undefined, 'Context path (`""` for ROOT); only server.xml sets it, descriptors take it from the file name.'),
  context.path('docBase', undefined, 'Application directory or archive, absolute or relative to the Host appBase.'),
  context.bool('reloadable', false, 'Whether changes to WEB-INF/classes and WEB-INF/lib reload the application.'),
  context.bool('crossContext', false, 'Whether `getContext()` may return other applications of the Host.'),
  context.bool('cookies', true, 'Whether session IDs travel in cookies.'),
  context.bool('useHttpOnly', true, 'Whether the session cookie is HttpOnly.'),
  context.str('sessionCookieName', 'JSESSIONID', 'Name of the session cookie.'),
  context.str('sessionCookiePath', undefined, 'Path of the session cookie; defaults to the context path.'),
  context.bool('mapperContextRootRedirectEnabled', true, 'Whether `/app` is redirected to `/app/` by the mapper.'),
  context.bool('useRelativeRedirects', true, 'Whether `sendRedirect()` sends relative Location headers.'),
  context.int('backgroundProcessorDelay', -1, "Interval of a Context background thread; -1 uses the parent's.", { unit: 's', min: -1 }),
  context.str('className', 'org.apache.catalina.core.StandardContext', 'Java implementation class of the Context.', javaClass),
  context.str('sessionCookieDomain', undefined, 'Domain of the session cookie.', strict),
  context.bool('sessionCookiePathUsesTrailingSlash', false, 'Whether the session cookie path ends in `/`.', absent),
  context.bool('usePartitioned', false, 'Whether the session cookie is Partitioned.', absent),
  context.bool('privileged', false, 'Whether the application may use container servlets.', absent),
  context.bool('mapperDirectoryRedirectEnabled', false, 'Whether the mapper (not the default servlet) redirects directories.', absent),
  context.bool('allowMultipleLeadingForwardSlashInPath', false, 'Whether `getContextPath()` may start with `//`.', strict),
  context.bool('validateClientProvidedNewSessionId', true, 'Whether a client session ID is checked before reuse.', strict),
  context.bool(
    'allowCasualMultipartParsing',
    false,
    "Whether multipart/form-data bodies are parsed for servlets without a multipart config (@MultipartConfig or `<multipart-config>`), with no size limits but the Connector's.",
  ),
  context.bool('swallowAbortedUploads', true, 'Whether the rest of an over-size upload is read and discarded.', tuning),
  context.bool('sendRedirectBody', false, 'Whether redirects carry a short body.', absent),
  context.bool('xmlBlockExternal', true, 'Whether external entities in descriptors are blocked.', strict),
  context.bool('xmlValidation', false, 'Whether descriptors are validated against their schema.', absent),
  context.bool('xmlNamespaceAware', false, 'Whether descriptors are parsed namespace-aware.', absent),
  context.bool('antiResourceLocking', false, 'Whether the application runs from a temporary copy.', jvm),
  context.int('unloadDelay', 2000, 'How long stop waits for requests to finish.', { ...tuning, ...ms }),
  context.bool('clearReferencesStopThreads', false, 'Whether threads left by the application are stopped.', jvm),
  context.bool('useNaming', true, 'Whether a JNDI naming context is created.', absent),
  context.bool('override', false, 'Whether this Context ignores the defaults of conf/context.xml.', absent),
  context.bool('swallowOutput', false, 'Whether System.out of the application goes to the log.', logOnly),
  context.path('workDir', undefined, 'Scratch directory of the application.', tuning),
  context.str('altDDName', undefined, 'Alternate deployment descriptor path.', ddRefused),
  context.bool('logEffectiveWebXml', false, 'Whether the merged web.xml is logged on start.', logOnly),
  context.bool('parallelAnnotationScanning', false, 'Whether annotations are scanned in parallel.', tuning),
  context.str('containerSciFilter', undefined, 'Container initialisers to skip.', absent),
  context.enum(
    'encodedSolidusHandling',
    ['reject', 'decode', 'passthrough'],
    'decode',
    'How `%2F` is handled in dispatcher paths.',
    absent,
  ),
  context.bool('dispatchersUseEncodedPaths', true, 'Whether dispatcher paths are treated as encoded.', absent),
  context.bool('failCtxIfServletStartFails', false, 'Whether a servlet load-on-startup failure fails the Context.', absent),
  context.str('requestCharacterEncoding', undefined, 'Default request character encoding.', absent),
  context.str('responseCharacterEncoding', undefined, 'Default response character encoding.', absent),
  context.str(
    'resourceOnlyServlets',
    'jsp',
    'Servlets (comma-separated names) that need a resource to exist for a welcome file to map to them.',
    absent,
  ),
  context.bool('addWebinfClassesResources', false, 'Whether `/WEB-INF/classes/META-INF/resources` is served as static content.', absent),
  context.bool('alwaysAccessSession', false, 'Whether every request updates the last access time of its session.', absent),
  context.str('charsetMapperClass', 'org.apache.catalina.util.CharsetMapper', 'Java class that maps locales to character sets.', javaClass),
  context.bool(
    'clearReferencesHttpClientKeepAliveThread',
    true,
    "Whether the JDK's HTTP keep-alive thread is moved away from the application's class loader.",
    jvm,
  ),
  context.bool('clearReferencesObjectStreamClassCaches', true, 'Whether Java serialization caches are cleared on stop.', jvm),
  context.bool('clearReferencesRmiTargets', true, 'Whether RMI targets of the application are cleared on stop.', jvm),
  context.bool('clearReferencesStopTimerThreads', false, 'Whether java.util.Timer threads of the application are stopped.', jvm),
  context.bool('clearReferencesThreadLocals', true, 'Whether thread-locals of the application are cleared on stop.', jvm),
  context.bool('copyXML', false, "Whether the application's `META-INF/context.xml` is copied to the Host's configuration.", absent),
  context.bool('createUploadTargets', false, 'Whether a missing multipart upload directory is created.', absent),
  context.bool('delegate', false, 'Whether classes load parent-first (the container before WEB-INF).', jvm),
  context.bool('dispatcherWrapsSameObject', false, 'Whether a dispatch checks that the request and response wrap the originals.', absent),
  context.bool('fireRequestListenersOnForwards', false, 'Whether request listeners also fire on forwards.', absent),
  context.bool('ignoreAnnotations', false, 'Whether annotations in application classes are ignored.', absent),
  context.bool('jndiExceptionOnFailedWrite', true, 'Whether writing to the read-only JNDI context throws.', absent),
  context.bool(
    'preemptiveAuthentication',
    false,
    'Whether credentials sent with a request for an unprotected resource are processed.',
    absent,
  ),
  context.bool('renewThreadsWhenStoppingContext', true, 'Whether pool threads are renewed when the Context stops.', jvm),
  context.bool('skipMemoryLeakChecksOnJvmShutdown', false, 'Whether leak checks are skipped when the JVM shuts down.', jvm),
  context.bool('suspendWrappedResponseAfterForward', false, 'Whether a wrapped response is suspended after a forward.', absent),
  context.bool('tldValidation', false, 'Whether JSP tag library descriptors are validated.', absent),
  context.bool('unpackWAR', true, "Whether this application's archive is unpacked (the Host's unpackWARs decides here).", absent),
  context.str('webappVersion', '', 'Version of the application for parallel deployment (taken from the `##` file name here).', absent),
  context.str('wrapperClass', 'org.apache.catalina.core.StandardWrapper', 'Java class of the servlet wrappers.', javaClass),
  context.path('configFile', undefined, 'Context descriptor of this Context (set by the deployer).', descriptorsRefused),
  context.bool('useBloomFilterForArchives', false, 'Whether JAR lookups use a bloom filter.', tuning),
  context.bool('denyUncoveredHttpMethods', false, 'Whether HTTP methods a security constraint does not cover are denied.', absent),
  context.int('notFoundClassResourceCacheSize', 1000, 'How many class lookups that found nothing are remembered.', jvm),
  context.bool('contextGetResourceRequiresSlash', false, 'Whether ServletContext.getResource() paths must start with `/`.', absent),
  context.bool('distributable', false, 'Whether sessions may be replicated across a cluster (web.xml `<distributable/>`).', absent),
  context.enum(
    'encodedReverseSolidusHandling',
    ['reject', 'decode', 'passthrough'],
    'decode',
    'How `%5C` is handled in dispatcher paths.',
    absent,
  ),

  resources.bool('cachingAllowed', true, 'Whether static resources (lookups and small files) are kept in memory.'),
  resources.int('cacheMaxSize', 10240, 'Upper bound of the memory the resource cache uses.', { unit: 'KiB', min: 1 }),
  resources.int('cacheObjectMaxSize', 512, 'Largest file kept in memory; at most cacheMaxSize / 20.', { unit: 'KiB', min: 1 }),
  resources.int(
    'cacheTtl',
    5000,
    'How long a cached lookup is trusted before the file is checked again for changes; from 2000 up timed to the second, so between cacheTtl less 2 s and cacheTtl.',
    ms,
  ),
  resources.bool('allowLinking', false, 'Whether symbolic links may point outside the application directory.'),
  resources.str('className', 'org.apache.catalina.webresources.StandardRoot', 'Java implementation class of the resources.', javaClass),
  resources.bool('readOnly', false, 'Whether the resources refuse writes.', absent),
  resources.bool('trackLockedFiles', false, 'Whether open resource streams are tracked.', jvm),
  resources.str('archiveIndexStrategy', 'simple', 'How archive entries are indexed.', tuning),

  valve.str('className', undefined, 'The valve implementation: a Tomcat class name or a module path (`./x.js`).', { required: true }),
  valve.bool('asyncSupported', false, 'Whether the valve supports asynchronous requests.', absent),

  ...accessLogAttributes(accessLog, 'common'),

  ...errorReportAttributes(errorReport, 'file'),

  stuckThread.int('threshold', 600, 'A request running longer than this is logged as stuck (once); 0 disables the valve.', { unit: 's' }),
  stuckThread.int(
    'interruptThreadThreshold',
    -1,
    'A request running longer than this on a blocking-style connector has its worker thread terminated and replaced (500, or the connection closed); 0 or -1 never.',
    {
      min: -1,
      unit: 's',
    },
  ),

  // Elements Serval does not implement (element-schema.ts notImplementedElements): their attributes are only
  // checked for spelling, the element itself gets the one warning.
  loader.str('className', 'org.apache.catalina.loader.WebappLoader', 'Java class of the loader.', javaClass),
  loader.bool('delegate', false, 'Whether classes load parent-first.', jvm),
  loader.bool('reloadable', false, 'Whether changed classes reload the application (the Context attribute does here).', absent),
  loader.str('loaderClass', 'org.apache.catalina.loader.ParallelWebappClassLoader', 'Java class of the class loader.', jvm),
  // <Manager> of a Context: StandardManager (src/session/standard-manager.ts).
  manager.str('className', 'org.apache.catalina.session.StandardManager', 'Java class of the session manager.', javaClass),
  manager.int(
    'maxActiveSessions',
    -1,
    'Most sessions at once; one more is refused (getSession(true) throws SV_ERR_SESSION_TOO_MANY_ACTIVE, as Tomcat); -1 means no limit.',
    { min: 0, unlimited: -1 },
  ),
  manager.bool('notifyAttributeListenerOnUnchangedValue', true, 'Whether replacing an attribute by itself notifies listeners.', absent),
  manager.bool(
    'notifyBindingListenerOnUnchangedValue',
    false,
    'Whether replacing an attribute by itself notifies its binding listener.',
    absent,
  ),
  manager.str(
    'pathname',
    'SESSIONS.ser',
    "File the sessions are saved to when the application stops and read back when it starts, so users keep their sessions across a restart (Serval's format, docs/session-format.md); relative to the application's work directory; empty: sessions do not outlive a restart (a reload keeps them either way).",
  ),
  manager.bool(
    'persistAuthentication',
    false,
    'Whether the logged-in user is saved with the session; false: after a restart the user logs in again.',
  ),
  manager.int('processExpiresFrequency', 6, 'Background runs between session expiry checks.', { min: 1 }),
  manager.str('secureRandomAlgorithm', undefined, 'SecureRandom algorithm of session IDs.', jvm),
  manager.str('secureRandomClass', undefined, 'SecureRandom class of session IDs.', jvm),
  manager.str('secureRandomProvider', undefined, 'SecureRandom provider of session IDs.', jvm),
  manager.bool('sessionActivityCheck', false, 'Whether session access is tracked for concurrent requests.', absent),
  manager.regex(
    'sessionAttributeNameFilter',
    'Only attributes whose whole name matches are saved (restart, reload); unset: every attribute.',
  ),
  manager.regex(
    'sessionAttributeValueClassNameFilter',
    'Only values whose constructor names (every object inside them: Object, Array, Map, Date, a SessionType class…) all match are saved; unset: every storable value.',
  ),
  manager.bool('sessionLastAccessAtStart', false, 'Whether the last access time is the start of the request.', absent),
  manager.bool(
    'warnOnSessionAttributeFilterFailure',
    false,
    'Whether an attribute left out by a filter or because it cannot be stored is logged as a warning (else at debug level).',
  ),
  manager.int('maxIdleBackup', -1, 'PersistentManager: idle seconds before a session is backed up.', { ...absent, min: -1 }),
  manager.int('maxIdleSwap', -1, 'PersistentManager: idle seconds before a session is swapped out.', { ...absent, min: -1 }),
  manager.int('minIdleSwap', -1, 'PersistentManager: idle seconds before a session may be swapped out.', { ...absent, min: -1 }),
  manager.bool('saveOnRestart', true, 'PersistentManager: whether sessions are saved across restarts.', absent),
  jarScanner.str('className', 'org.apache.tomcat.util.scan.StandardJarScanner', 'Java class of the JAR scanner.', javaClass),
  jarScanner.bool('scanAllDirectories', true, 'Whether directories on the class path are scanned too.', jvm),
  jarScanner.bool('scanAllFiles', false, 'Whether every file on the class path is scanned.', jvm),
  jarScanner.bool('scanBootstrapClassPath', false, 'Whether the bootstrap class path is scanned.', jvm),
  jarScanner.bool('scanClassPath', true, 'Whether the class path is scanned.', jvm),
  jarScanner.bool('scanManifest', true, 'Whether JAR manifests add to the class path.', jvm),
  cookieProcessor.str('className', 'org.apache.tomcat.util.http.Rfc6265CookieProcessor', 'Java class of the cookie processor.', javaClass),
  cookieProcessor.str('sameSiteCookies', 'unset', 'SameSite attribute of cookies the container sets.', absent),
  cookieProcessor.str('partitioned', 'false', 'Whether cookies the container sets are Partitioned.', absent),

  // Authenticator valves (a Context's login method and its settings, issue #20): AuthenticatorBase's attributes on each.
  ...authenticatorAttributes(basicAuthenticator),
  basicAuthenticator.str('charset', 'UTF-8', 'Charset of user names and passwords, announced in the challenge (RFC 7617 §2.1).'),
  basicAuthenticator.bool('trimCredentials', false, 'Whether blanks around the decoded user name and password are removed.', strict),
  ...authenticatorAttributes(formAuthenticator),
  formAuthenticator.str(
    'landingPage',
    undefined,
    'Where a login with no saved request goes (a path inside the application); unset answers 400.',
  ),
  formAuthenticator.int('authenticationSessionTimeout', 120, 'How long the session of an unfinished login lasts.', { unit: 's', min: 1 }),
  formAuthenticator.str(
    'characterEncoding',
    undefined,
    'Charset of the login form; the request-character-encoding applies otherwise.',
    absent,
  ),
  ...authenticatorAttributes(digestAuthenticator),
  digestAuthenticator.int('nonceValidity', 300000, 'How long a nonce stays valid.', { ...ms, min: 1 }),
  digestAuthenticator.int('nonceCountWindowSize', 100, 'How far out of order a nonce count may arrive before it is refused as a replay.', {
    min: 1,
  }),
  digestAuthenticator.int('nonceCacheSize', 1000, 'Nonces remembered for replay protection.', { min: 1 }),
  digestAuthenticator.bool('validateUri', true, "Whether the digest's uri must be the request's URI."),
  digestAuthenticator.str('algorithms', 'SHA-256,MD5', 'The algorithms offered (RFC 7616), in order of preference.'),
  digestAuthenticator.str('key', undefined, 'Secret mixed into nonces; unset: a random one per start.'),
  digestAuthenticator.str('opaque', undefined, 'Opaque value of the challenge; unset: a random one per start.'),
  ...authenticatorAttributes(sslAuthenticator),
  ...authenticatorAttributes(nonLoginAuthenticator),

  singleSignOn.str('cookieName', 'JSESSIONIDSSO', 'Name of the cookie that carries the single sign-on.'),
  singleSignOn.str('cookieDomain', undefined, 'Domain of that cookie, to share the sign-on with sibling hosts; unset: this host only.'),
  singleSignOn.bool(
    'requireReauthentication',
    false,
    'Whether each application still checks the user with its own realm instead of trusting the login of another.',
  ),

  // Realms (issue #20): who the users are. Tomcat's common Realm attributes, then each class's own.
  realm.str('className', undefined, 'The realm implementation: a Tomcat Realm class name or a module path (`./x.js`).', {
    required: true,
  }),
  realm.enum(
    'allRolesMode',
    ['strict', 'authOnly', 'strictAuthOnly'],
    'strict',
    'What the role name `*` of an `<auth-constraint>` requires: `strict`, a role the application declares; `authOnly`, any authenticated user; `strictAuthOnly`, any authenticated user when the application declares no role.',
  ),
  realm.int(
    'transportGuaranteeRedirectStatus',
    302,
    'Status of the redirect to the secure port when a `<user-data-constraint>` asks for CONFIDENTIAL or INTEGRAL: 301, 302, 303, 307 or 308.',
    { min: 301, max: 308 },
  ),
  realm.str(
    'X509UsernameRetrieverClassName',
    undefined,
    "CLIENT-CERT: how a certificate becomes a user name; unset, the certificate's subject DN.",
  ),
  realm.bool('stripRealmForGss', true, 'SPNEGO: whether the Kerberos realm is removed from user names.', absent),
  realm.str('realmPath', undefined, 'Where the realm sits in the tree, for its JMX name.', jvm),
  memoryRealm.path('pathname', 'conf/tomcat-users.xml', 'The users file, relative to catalina.base; read once at start.'),
  userDatabaseRealm.str('resourceName', undefined, 'Name of the global `UserDatabase` resource (`<GlobalNamingResources>`).', {
    required: true,
  }),
  userDatabaseRealm.bool(
    'useStaticPrincipal',
    false,
    'Whether a logged-in user keeps the roles of the login; false looks them up in the users file at each check, so an edit applies at once.',
  ),
  userDatabaseRealm.bool(
    'localJndiResource',
    false,
    "Whether resourceName names the application's own JNDI resource instead of a global one.",
    {
      tomcatOnly: true,
      refusedBecause:
        'Serval has no per-application JNDI resources, so the realm would read another user database than the configuration names',
    },
  ),
  lockOutRealm.int('failureCount', 5, 'Failed logins in a row that lock a user.', { min: 1 }),
  lockOutRealm.int('lockOutTime', 300, 'How long a locked user stays locked after the last failure.', { unit: 's', min: 1 }),
  lockOutRealm.int('cacheSize', 1000, 'Users whose failures are remembered (least recently failed forgotten first).', { min: 1 }),
  lockOutRealm.int(
    'cacheRemovalWarningTime',
    3600,
    'A user forgotten while their last failure is younger than this is logged (an attack spread over many names).',
    { unit: 's' },
  ),
  lockOutRealm.bool('caseSensitive', false, 'Whether `Admin` and `admin` count as different users for the lock.'),

  credentialHandler.str(
    'className',
    undefined,
    'The handler: a Tomcat CredentialHandler class name or `serval.realm.ScryptCredentialHandler`.',
    {
      required: true,
    },
  ),
  digestHandler.str(
    'algorithm',
    undefined,
    'Java MessageDigest name (`SHA-256`, `SHA-512`, `MD5`…); unset stores passwords in clear text.',
  ),
  digestHandler.str('encoding', 'UTF-8', 'Character set that turns a password into bytes.'),
  digestHandler.int('iterations', 1, 'Times the digest is applied.', { min: 1 }),
  digestHandler.int('saltLength', 32, 'Bytes of random salt in a new stored credential.'),
  digestHandler.bool('digestInRfc3112Order', false, 'Whether the password comes before the salt (RFC 3112) in the digest.'),
  secretKeyHandler.str('algorithm', 'PBKDF2WithHmacSHA1', 'PBKDF2 with an HMAC (`PBKDF2WithHmacSHA256`, `PBKDF2WithHmacSHA512`…).'),
  secretKeyHandler.int('keyLength', 160, 'Bits of derived key.', { min: 8 }),
  secretKeyHandler.int('iterations', 20000, 'PBKDF2 iterations.', { min: 1 }),
  secretKeyHandler.int('saltLength', 32, 'Bytes of random salt in a new stored credential.'),
  scryptHandler.int('cost', 32768, 'scrypt N, the CPU and memory cost: a power of two.', { min: 2 }),
  scryptHandler.int('blockSize', 8, 'scrypt r.', { min: 1 }),
  scryptHandler.int('parallelization', 3, 'scrypt p.', { min: 1 }),
  scryptHandler.int('keyLength', 256, 'Bits of derived key.', { min: 128 }),
  scryptHandler.int('saltLength', 16, 'Bytes of random salt in a new stored credential (RFC 7914 asks for 16 or more).', { min: 16 }),

  // <GlobalNamingResources><Resource>: the resources realms name (a minimal naming layer, not JNDI).
  namingResource.str('name', undefined, 'The name realms and applications look the resource up by.', { required: true }),
  namingResource.str('type', undefined, 'What the resource is: `org.apache.catalina.UserDatabase` or `javax.sql.DataSource`.', {
    required: true,
  }),
  namingResource.str('auth', 'Container', 'Who signs on to the resource: `Container` or `Application`.'),
  namingResource.str('description', undefined, 'Free text.'),
  namingResource.str('factory', undefined, 'The Java factory class; the type decides what Serval builds.'),
  namingResource.bool('singleton', true, 'Whether one instance is shared by every lookup.', jvm),
  namingResource.str('closeMethod', undefined, 'Method that releases the resource at shutdown.', jvm),
  namingResource.str('scope', 'Shareable', 'Whether the resource may be shared (`Shareable`, `Unshareable`).', jvm),
  userDatabaseResource.path('pathname', 'conf/tomcat-users.xml', 'The users file, relative to catalina.base.'),
  userDatabaseResource.bool('readonly', true, 'Whether the database may be written back (Serval never writes the file).'),
  userDatabaseResource.bool(
    'watchSource',
    true,
    'Whether a change to the file is loaded without a restart (checked on the background tick).',
  ),

  parameter.str('name', undefined, 'Name of the context initialisation parameter.', { required: true }),
  parameter.str('value', undefined, 'Value returned by `getInitParameter()`.', { required: true }),
  parameter.bool('override', true, 'Whether a `<context-param>` of the same name in web.xml may replace it.'),
  parameter.str('description', undefined, 'Free text.'),

  environment.str('name', undefined, 'JNDI name of the entry, relative to `java:comp/env`.', { required: true }),
  environment.str('type', undefined, 'Java type of the value, e.g. `java.lang.String`.', { required: true }),
  environment.str('value', undefined, 'The value.', { required: true }),
  environment.bool('override', true, 'Whether an `<env-entry>` of the same name in web.xml may replace it.'),
  environment.str('description', undefined, 'Free text.'),

  // DataSourceRealm and the javax.sql.DataSource Resource it reads (issue #20). src/naming/pg-settings.ts maps
  // these (DATA_SOURCE_ATTRIBUTES) and test/unit/naming checks the two agree; docs/security.md has the mapping.
  dataSourceRealm.str(
    'dataSourceName',
    undefined,
    'Name of the `javax.sql.DataSource` Resource of GlobalNamingResources that holds the users.',
    {
      required: true,
    },
  ),
  dataSourceRealm.bool(
    'localDataSource',
    false,
    "Whether dataSourceName names a Resource of the realm's own Context instead of a global one.",
    {
      tomcatOnly: true,
      refusedBecause:
        'Serval has no per-application JNDI resources, so the realm would read another user database than the configuration names',
    },
  ),
  dataSourceRealm.str(
    'userTable',
    undefined,
    'Table of users, with the userNameCol and userCredCol columns; `schema.table` and `"Quoted"` names are accepted.',
    {
      required: true,
    },
  ),
  dataSourceRealm.str('userNameCol', undefined, 'Column of user names, in the users table and in userRoleTable.', { required: true }),
  dataSourceRealm.str(
    'userCredCol',
    undefined,
    "Column of stored credentials, in the CredentialHandler's format (clear text without one).",
    {
      required: true,
    },
  ),
  dataSourceRealm.str(
    'userRoleTable',
    undefined,
    'Table of (user, role) rows, with the userNameCol and roleNameCol columns; optional only when allRolesMode is authOnly or strictAuthOnly.',
  ),
  dataSourceRealm.str('roleNameCol', undefined, 'Column of role names in userRoleTable.'),

  dataSource.str(
    'url',
    undefined,
    'PostgreSQL JDBC URL, `jdbc:postgresql://host:port/database?parameters` (one host; see docs/security.md for the parameters).',
    {
      required: true,
    },
  ),
  dataSource.str('username', undefined, 'Database user; defaults to the name of the operating-system user running Serval.'),
  dataSource.str('password', undefined, "Database user's password."),
  dataSource.str('driverClassName', undefined, 'JDBC driver class: only `org.postgresql.Driver` (Serval connects through pg).'),
  dataSource.str('connectionProperties', undefined, 'Driver properties, `name=value;name=value`: the same names as the url parameters.'),
  dataSource.int('maxTotal', 8, 'Most connections open at once (pg Pool `max`); -1 means no limit.', {
    min: 1,
    unlimited: -1,
    formerNames: ['maxActive'],
  }),
  dataSource.int('minIdle', 0, 'Idle connections kept open rather than closed after the idle time (pg Pool `min`).'),
  dataSource.int('initialSize', 0, 'Connections opened when the DataSource is created (a failure is logged; they open on first use then).'),
  dataSource.int('maxWaitMillis', -1, 'Longest wait for a free connection, or to open a new one; -1 waits forever.', {
    ...ms,
    min: 1,
    unlimited: -1,
    formerNames: ['maxWait'],
  }),
  dataSource.str('validationQuery', undefined, 'Statement that checks a connection before use; without one an empty query is sent.'),
  dataSource.int('validationQueryTimeout', -1, 'Longest run of the validation statement; 0 or less means no limit.', {
    unit: 's',
    min: -1,
  }),
  dataSource.bool(
    'testOnBorrow',
    true,
    'Whether a pooled connection is validated before each use (a dead one is dropped and another taken).',
  ),
  dataSource.bool('testOnCreate', false, 'Whether a new connection is validated before its first use.'),
  dataSource.str('connectionInitSqls', undefined, 'Statements, separated by `;`, run once on every new connection.'),
  dataSource.int(
    'timeBetweenEvictionRunsMillis',
    -1,
    'When positive, idle connections above minIdle close after minEvictableIdleTimeMillis; otherwise they stay open.',
    { ...ms, min: -1 },
  ),
  dataSource.int(
    'minEvictableIdleTimeMillis',
    1_800_000,
    'Idle time after which a connection above minIdle is closed (with timeBetweenEvictionRunsMillis).',
    {
      ...ms,
      min: 1,
    },
  ),
  dataSource.int(
    'maxConnLifetimeMillis',
    -1,
    'Age at which a connection is closed once idle (rounded up to whole seconds); 0 or less means no limit.',
    {
      ...ms,
      min: -1,
    },
  ),
  dataSource.enum(
    'defaultAutoCommit',
    ['true'],
    undefined,
    'Auto-commit of connections: pg always commits each statement, so only `true` is accepted.',
  ),
  dataSource.enum(
    'defaultReadOnly',
    ['true', 'false'],
    undefined,
    "Whether connections start read-only (`default_transaction_read_only`); default: the server's.",
  ),
  dataSource.enum(
    'defaultTransactionIsolation',
    ['READ_UNCOMMITTED', 'READ_COMMITTED', 'REPEATABLE_READ', 'SERIALIZABLE'],
    undefined,
    "Isolation level of connections (`default_transaction_isolation`); PostgreSQL has no NONE. Default: the server's.",
  ),
  dataSource.str('defaultSchema', undefined, 'Schema search path of connections (`search_path`), as the url parameter currentSchema.'),
  dataSource.int(
    'defaultQueryTimeout',
    undefined,
    'Longest run of a statement (`statement_timeout`, and a client-side limit); none by default.',
    {
      unit: 's',
    },
  ),
  dataSource.int('maxIdle', 8, 'Most idle connections kept.', tuning),
  dataSource.bool('testOnReturn', false, 'Whether a connection is validated when returned.', tuning),
  dataSource.bool('testWhileIdle', false, 'Whether idle connections are validated by the evictor.', tuning),
  dataSource.int('numTestsPerEvictionRun', 3, 'Connections examined per evictor run.', tuning),
  dataSource.int('softMinEvictableIdleTimeMillis', -1, 'Idle time after which a connection above minIdle may be evicted.', {
    ...tuning,
    ...ms,
    min: -1,
  }),
  dataSource.bool('lifo', true, 'Whether the most recently used idle connection is reused first.', tuning),
  dataSource.bool('poolPreparedStatements', false, 'Whether prepared statements are pooled.', tuning),
  dataSource.int('maxOpenPreparedStatements', -1, 'Most pooled prepared statements.', { ...tuning, min: -1 }),
  dataSource.bool('clearStatementPoolOnReturn', false, 'Whether pooled statements are cleared when a connection is returned.', tuning),
  dataSource.bool('fastFailValidation', false, 'Whether connections that raised fatal SQL states fail validation at once.', tuning),
  dataSource.str('disconnectionSqlCodes', undefined, 'SQL states that mark a connection as dead.', tuning),
  dataSource.bool('cacheState', true, 'Whether auto-commit and read-only states are cached.', tuning),
  dataSource.str('defaultCatalog', undefined, 'Default catalog of connections (pgjdbc ignores it too).', absent),
  dataSource.bool('enableAutoCommitOnReturn', true, 'Whether auto-commit is restored when a connection is returned.', absent),
  dataSource.bool('autoCommitOnReturn', true, 'Former name of enableAutoCommitOnReturn.', absent),
  dataSource.bool('rollbackOnReturn', true, 'Whether an open transaction is rolled back when a connection is returned.', absent),
  dataSource.bool(
    'accessToUnderlyingConnectionAllowed',
    false,
    'Whether code may reach the driver connection under the pooled one.',
    absent,
  ),
  dataSource.bool('removeAbandonedOnBorrow', false, 'Whether connections an application forgot are reclaimed on borrow.', {
    ...absent,
    formerNames: ['removeAbandoned'],
  }),
  dataSource.bool('removeAbandonedOnMaintenance', false, 'Whether forgotten connections are reclaimed by the evictor.', absent),
  dataSource.int('removeAbandonedTimeout', 300, 'Seconds after which a borrowed connection counts as forgotten.', { ...absent, unit: 's' }),
  dataSource.bool('abandonedUsageTracking', false, 'Whether stack traces of connection use are recorded.', absent),
  dataSource.bool('logAbandoned', false, 'Whether reclaimed connections are logged with where they were borrowed.', logOnly),
  dataSource.bool('logExpiredConnections', true, 'Whether connections closed for their age are logged.', logOnly),
  dataSource.str('jmxName', undefined, 'JMX name of the pool.', jvm),
  dataSource.bool('registerConnectionMBean', true, 'Whether each connection is registered with JMX.', jvm),
  dataSource.str('evictionPolicyClassName', undefined, 'Java class deciding which idle connections the evictor closes.', javaClass),
  dataSource.str('connectionFactoryClassName', undefined, 'Java class that opens connections.', javaClass),
  // JNDIRealm (src/realm/jndi-realm.ts): Tomcat 10.1's names, defaults and units; docs/security.md has the modes.
  jndiRealm.str(
    'connectionURL',
    undefined,
    'Directory URL, `ldap://host:389` or `ldaps://host:636`, without a DN; several separated by spaces are tried in order.',
    { required: true },
  ),
  jndiRealm.str('alternateURL', undefined, 'Directory URL tried when no connectionURL can be reached.'),
  jndiRealm.str('connectionName', undefined, 'DN the realm binds as to search the directory; unset binds anonymously.'),
  jndiRealm.str('connectionPassword', undefined, 'Password of connectionName; required (non-empty) when connectionName is set.'),
  jndiRealm.enum(
    'authentication',
    ['simple', 'none'],
    undefined,
    'How the realm binds: `simple` (connectionName and connectionPassword) or `none` (anonymous); SASL and Kerberos are not implemented.',
  ),
  jndiRealm.int('connectionTimeout', 5000, 'How long opening a connection to the directory may take; 0 means no limit.', ms),
  jndiRealm.int('readTimeout', 5000, 'How long one directory operation may wait for its answer; 0 means no limit.', ms),
  jndiRealm.int(
    'connectionPoolSize',
    1,
    'Most connections to the directory open at once, each bound as connectionName; further logins wait for one.',
    { min: 1 },
  ),
  jndiRealm.bool('useStartTls', false, 'Whether each connection starts TLS (StartTLS, RFC 4513) before anything else is sent.'),
  jndiRealm.path(
    'caCertificateFile',
    undefined,
    "Serval's own: PEM file (relative to catalina.base) of the CAs the directory's certificate must chain to (StartTLS, ldaps); unset uses node's bundled roots.",
  ),
  jndiRealm.str(
    'userPattern',
    undefined,
    'DN of a user, `{0}` standing for the user name (escaped per RFC 4514); several as `(p1)(p2)` are tried in order.',
  ),
  jndiRealm.str(
    'userSearch',
    undefined,
    'Filter finding a user under userBase when there is no userPattern, `{0}` standing for the user name (escaped per RFC 4515).',
  ),
  jndiRealm.str('userBase', '', 'Base DN of the userSearch.'),
  jndiRealm.bool('userSubtree', false, 'Whether userSearch looks at the whole subtree under userBase, not just one level.'),
  jndiRealm.bool('userSearchAsUser', false, 'Whether userSearch runs bound as the user (with the name as typed and the password).'),
  jndiRealm.str(
    'userPassword',
    undefined,
    'Attribute holding the stored credential: set, it is read and checked by the CredentialHandler (compare mode); unset, the user binds (bind mode).',
  ),
  jndiRealm.str('userRoleName', undefined, "Attribute of the user's entry whose values are role names."),
  jndiRealm.str('userRoleAttribute', undefined, "Attribute of the user's entry whose value is `{2}` in roleSearch."),
  jndiRealm.str('roleBase', '', 'Base DN of the roleSearch.'),
  jndiRealm.str('roleName', undefined, 'Attribute of the entries roleSearch finds that holds the role name.'),
  jndiRealm.str(
    'roleSearch',
    undefined,
    "Filter finding a user's roles under roleBase: `{0}` the user's DN, `{1}` the user name, `{2}` the userRoleAttribute value (each escaped per RFC 4515).",
  ),
  jndiRealm.bool('roleSubtree', false, 'Whether roleSearch looks at the whole subtree under roleBase, not just one level.'),
  jndiRealm.bool('roleNested', false, 'Whether roles found are searched again as members (groups of groups), to any depth.'),
  jndiRealm.bool('roleSearchAsUser', false, 'Whether roleSearch runs bound as the user.'),
  jndiRealm.str('commonRole', undefined, 'A role every authenticated user has.'),
  jndiRealm.enum(
    'derefAliases',
    ['always', 'never', 'finding', 'searching'],
    'always',
    'Whether searches dereference alias entries: always, never, when finding the base, or when searching under it.',
  ),
  jndiRealm.enum(
    'referrals',
    ['ignore'],
    undefined,
    "What searches do with referrals: only `ignore` (JNDI's default); Serval does not follow them.",
  ),
  jndiRealm.bool(
    'adCompat',
    false,
    "Whether partial results (Active Directory's referrals) are ignored; Serval never fails a search on them.",
  ),
  jndiRealm.int('sizeLimit', 0, "Most entries one search may return; 0 means the directory's own limit."),
  jndiRealm.int('timeLimit', 0, 'How long the directory may spend on one search (sent in whole seconds); 0 means its own limit.', ms),
  jndiRealm.str('contextFactory', 'com.sun.jndi.ldap.LdapCtxFactory', 'Java class of the JNDI LDAP provider.', javaClass),
  jndiRealm.bool('useContextClassLoader', true, 'Whether the JNDI provider is loaded by the context class loader.', jvm),
  jndiRealm.bool('useDelegatedCredential', true, "Whether SPNEGO's delegated credential is used to bind.", absent),
  jndiRealm.str('spnegoDelegationQop', 'auth-conf', 'SASL quality of protection with a delegated SPNEGO credential.', absent),
  jndiRealm.str('protocol', undefined, 'JNDI security protocol (`ssl`); use an ldaps:// URL instead.', directoryRefused),
  jndiRealm.str('sslProtocol', undefined, 'TLS protocol of the StartTLS connection.', directoryRefused),
  jndiRealm.str('cipherSuites', undefined, 'TLS cipher suites allowed on the StartTLS connection.', directoryRefused),
  jndiRealm.str('sslSocketFactory', undefined, 'Java SSLSocketFactory of the StartTLS connection.', directoryRefused),
  jndiRealm.str('hostnameVerifierClassName', undefined, "Java class checking the directory's host name on StartTLS.", directoryRefused),
  jndiRealm.bool('forceDnHexEscape', false, 'Whether DNs put into filters have their escapes rewritten as hex.', directoryRefused),

  // --- Request filtering and load valves (RemoteAddrValve, RemoteCIDRValve, RemoteHostValve, HealthCheckValve, SemaphoreValve, ParameterLimitValve, CrawlerSessionManagerValve) ---
  remoteAddrValve.regex('allow', 'Regular expression the whole client address must match to pass.'),
  remoteAddrValve.regex('deny', 'Regular expression of client addresses refused (checked before allow).'),
  ...requestFilterValveAttributes(remoteAddrValve),
  remoteHostValve.regex(
    'allow',
    'Regular expression the whole client host name must match to pass; without reverse lookups (enableLookups) the host name is the address.',
  ),
  remoteHostValve.regex('deny', 'Regular expression of client host names refused (checked before allow).'),
  ...requestFilterValveAttributes(remoteHostValve),
  remoteCidrValve.str('allow', undefined, 'Comma separated IPv4/IPv6 addresses or CIDR blocks (`127.0.0.0/8, ::1`) allowed to pass.'),
  remoteCidrValve.str('deny', undefined, 'Comma separated IPv4/IPv6 addresses or CIDR blocks refused (checked before allow).'),
  ...requestFilterValveAttributes(remoteCidrValve),

  healthCheckValve.str(
    'path',
    '/health',
    'Path answered by the valve (within the Context for a Context valve, else the decoded request URI).',
  ),
  healthCheckValve.bool(
    'checkContainersAvailable',
    true,
    'Whether the answer is 503 `DOWN` when the container or one of its children (Hosts, Contexts) is not available.',
  ),

  semaphoreValve.int('concurrency', 10, 'Requests allowed through the valve at once.', { min: 1 }),
  semaphoreValve.bool('fairness', false, 'Whether waiting requests get permits in arrival order; Serval always serves waiters in order.'),
  semaphoreValve.bool('block', true, 'Whether a request waits for a permit (true) or is refused at once when none is free (false).'),
  semaphoreValve.bool(
    'interruptible',
    false,
    'Java-only (a waiting thread can be interrupted): a request waiting in Serval stops waiting when its client goes away, whatever this says.',
  ),
  semaphoreValve.int('highConcurrencyStatus', -1, 'Status sent when no permit is given; -1 or 0 sends nothing (an empty 200, as Tomcat).', {
    min: -1,
    max: 599,
  }),

  parameterLimitValve.str(
    'urlPatternLimits',
    undefined,
    'Lines of `url-regex=maxParameterCount`: a request whose path matches the first such pattern may carry at most that many parameters (400 beyond).',
  ),
  parameterLimitValve.str(
    'resourcePath',
    'parameter_limit.config',
    "File with more such lines: in the webapp's WEB-INF/ for a Context valve, else in conf/<Engine>/<Host>/ (conf/<Engine>/ for an Engine valve).",
  ),

  crawlerValve.str(
    'crawlerUserAgents',
    '.*[bB]ot.*|.*Yahoo! Slurp.*|.*Feedfetcher-Google.*',
    'Regular expression of the User-Agents of crawlers (whole header); checked as a configuration pattern when the valve is built.',
  ),
  crawlerValve.regex('crawlerIps', 'Regular expression of the addresses of crawlers (whole address), in addition to crawlerUserAgents.'),
  crawlerValve.int('sessionInactiveInterval', 60, 'Inactive interval of the sessions made for crawlers.', { unit: 's', min: 1 }),
  crawlerValve.bool('contextAware', true, 'Whether a crawler gets one session per Context rather than one per Host.'),
  crawlerValve.bool('hostAware', true, 'Whether a crawler gets one session per Host rather than one across Hosts.'),

  // --- Proxy valves (RemoteIpValve, SSLValve, LoadBalancerDrainingValve) ---
  remoteIp.regex(
    'internalProxies',
    'Addresses of the proxies in front of the server (a Java regular expression on the whole address): their headers are trusted and they never appear in proxiesHeader. Empty trusts none.',
    { default: DEFAULT_INTERNAL_PROXIES },
  ),
  remoteIp.regex(
    'trustedProxies',
    'Addresses of further proxies whose headers are trusted; they are listed in proxiesHeader. Unset trusts none.',
  ),
  remoteIp.str('remoteIpHeader', 'X-Forwarded-For', 'Header holding the client address and the proxies it went through, left to right.'),
  remoteIp.str(
    'proxiesHeader',
    'X-Forwarded-By',
    'Header set to the trusted proxies the request went through (removed when there is none).',
  ),
  remoteIp.str(
    'protocolHeader',
    'X-Forwarded-Proto',
    "Header holding the client's scheme: when every value is protocolHeaderHttpsValue the request is secure; empty never changes scheme, secure flag or port.",
  ),
  remoteIp.str('protocolHeaderHttpsValue', 'https', 'Value of protocolHeader that means https (compared ignoring case).'),
  remoteIp.str(
    'hostHeader',
    undefined,
    'Header holding the host name the client asked for, which getServerName() then reports (a port in it is ignored).',
  ),
  remoteIp.str(
    'portHeader',
    undefined,
    'Header holding the port the client connected to; without it (or unparsable) the port is httpServerPort or httpsServerPort.',
  ),
  remoteIp.int('httpServerPort', 80, 'getServerPort() when protocolHeader says http and portHeader gives none.', port),
  remoteIp.int('httpsServerPort', 443, 'getServerPort() when protocolHeader says https and portHeader gives none.', port),
  remoteIp.bool('changeLocalName', false, 'Whether getLocalName() also reports the hostHeader value.'),
  remoteIp.bool('changeLocalPort', false, 'Whether getLocalPort() also reports the forwarded port.'),
  remoteIp.bool(
    'requestAttributesEnabled',
    true,
    'Whether the client address, host, protocol, server name and port are set as the `org.apache.catalina.AccessLog.*` request attributes, which an AccessLogValve with requestAttributesEnabled logs.',
  ),
  sslValve.str('sslClientCertHeader', 'ssl_client_cert', "Header holding the client certificate in PEM (httpd's `%{SSL_CLIENT_CERT}s`)."),
  sslValve.str(
    'sslClientEscapedCertHeader',
    'ssl_client_escaped_cert',
    "Header holding the client certificate in URL-encoded PEM (nginx's `$ssl_client_escaped_cert`); it wins over sslClientCertHeader.",
  ),
  sslValve.str('sslCipherHeader', 'ssl_cipher', 'Header holding the cipher suite, set as `jakarta.servlet.request.cipher_suite`.'),
  sslValve.str(
    'sslSessionIdHeader',
    'ssl_session_id',
    'Header holding the TLS session id, set as `jakarta.servlet.request.ssl_session_id`.',
  ),
  sslValve.str(
    'sslCipherUserKeySizeHeader',
    'ssl_cipher_usekeysize',
    'Header holding the key size in bits, set as `jakarta.servlet.request.key_size`.',
  ),
  draining.int(
    'redirectStatusCode',
    307,
    'Status of the redirect that sends a request without a valid session away from a node the load balancer disabled.',
    { min: 300, max: 399 },
  ),
  draining.str(
    'ignoreCookieName',
    undefined,
    'Name of a cookie which, with ignoreCookieValue, lets a request through to a disabled node (for testing it).',
  ),
  draining.str('ignoreCookieValue', undefined, 'Value ignoreCookieName must have to let the request through.'),

  // --- RewriteValve ---
  rewrite.bool('enabled', true, 'Whether the valve applies its rules; when false every request passes through unchanged.'),
  rewrite.str(
    'configuration',
    undefined,
    'The rules themselves, in rewrite.config syntax (one directive per line), used when the valve finds no rewrite.config: `WEB-INF/rewrite.config` of its webapp, or `conf/<Engine>/<Host>/rewrite.config` for a Host. Tomcat sets it through JMX.',
  ),
  rewrite.int(
    'maxPasses',
    100,
    'Serval: how many times one request may run the rules (the N flag restarts them); one more is answered 500 and logged (SV_ERR_REWRITE_TOO_MANY_PASSES), so looping rules cannot hang a request.',
    { min: 1, max: 100000 },
  ),

  // --- Error report and access log valves (ErrorReportValve, JsonErrorReportValve, ProxyErrorReportValve, ExtendedAccessLogValve, JsonAccessLogValve) ---
  ...errorReportAttributes(jsonErrorReport, 'file'),
  ...errorReportAttributes(proxyErrorReport, 'url'),
  proxyErrorReport.bool(
    'useRedirect',
    false,
    'Whether the client is redirected (302) to the error service URL; otherwise Serval fetches that URL (5 s, 1 MiB at most) and relays its body with the error status.',
  ),
  proxyErrorReport.bool(
    'usePropertiesFile',
    false,
    'Whether the error service URLs come from `lib/ProxyErrorReportValve.properties` under catalina.base (keys: a status code, or `0` for any) instead of the `errorCode.*` and `exceptionType.*` attributes.',
  ),
  ...accessLogAttributes(extendedAccessLog, ''),
  ...accessLogAttributes(jsonAccessLog, 'common'),
] as const;

type Entry = (typeof table)[number];

/** `Connector`, `Host`, `Valve:AccessLogValve`…: the owners the table declares. */
export type AttributeOwner = Entry['owner'];

/**
 * The typed, defaulted attributes of one element (of a Connector speaking P): one readonly field per
 * attribute Serval implements, `| undefined` only when it has no default (TypedValues).
 */
export type ElementAttributes<O extends AttributeOwner, P extends ConnectorProtocol = never> = TypedValues<Entry, O, P>;

/** What the table alone gives an element: every attribute except the required ones. */
export type ElementDefaults<O extends AttributeOwner, P extends ConnectorProtocol = never> = Omit<
  ElementAttributes<O, P>,
  RequiredNames<Entry, O>
>;

export const attributeTable: readonly AttributeSpec[] = Object.freeze(table.map((spec: AttributeSpec) => Object.freeze(spec)));

const byOwner = new Map<string, AttributeSpec[]>();
for (const spec of attributeTable) {
  const list = byOwner.get(spec.owner) ?? [];
  list.push(spec);
  byOwner.set(spec.owner, list);
}

/** The attributes of one owner, in table order. */
export function attributesOf(owner: string): readonly AttributeSpec[] {
  return byOwner.get(owner) ?? [];
}

/** Owners in table order. */
export function attributeOwners(): readonly string[] {
  return [...byOwner.keys()];
}
