/**
 * The error catalogue: every coded error the container can raise, with its message template,
 * the HTTP status it maps to (if any) and what happens to the connection.
 * Placeholders are `{name}`; values are rendered inside [brackets] by the template itself.
 * Codes are never reused once retired (see docs/errors.md).
 */

/** What a protocol-level error does to the connection (after Tomcat's ErrorState). */
export type CloseMode = 'keep' | 'close-clean' | 'close-now';

export interface CodeSpec {
  readonly message: string;
  readonly status?: number;
  readonly close?: CloseMode;
}

const catalogue = {
  // --- lifecycle ---
  SV_ERR_LIFECYCLE_INVALID_TRANSITION: {
    message: 'An invalid Lifecycle transition was attempted [{action}] for component [{component}] in state [{state}]',
  },
  SV_ERR_LIFECYCLE_FAILED: { message: 'Failed to {action} component [{component}]' },
  SV_ERR_LIFECYCLE_CHILD_FAILED: { message: 'A child container failed during {action} of [{component}]' },
  SV_ERR_CONTAINER_DUPLICATE_CHILD: {
    message: 'Container [{parent}] already has a child named [{child}]; give each child a unique name',
  },
  SV_ERR_PIPELINE_NO_BASIC_VALVE: {
    message: 'The pipeline of [{container}] has no basic valve; a container sets its basic valve before it starts',
  },

  // --- config ---
  SV_ERR_CONFIG_INVALID: { message: 'Configuration file [{file}] has {count} problem(s)' },
  SV_ERR_CONFIG_XML_SYNTAX: { message: 'XML syntax error: {detail}' },
  SV_ERR_CONFIG_FILE_NOT_FOUND: { message: 'Configuration file [{file}] cannot be read: {detail}' },
  SV_ERR_CONFIG_UNKNOWN_ELEMENT: { message: 'Unknown element [{element}]{hint}' },
  SV_ERR_CONFIG_UNKNOWN_ATTRIBUTE: { message: 'Unknown attribute [{attribute}] on element [{element}]{hint}' },
  SV_ERR_CONFIG_MISSING_ATTRIBUTE: { message: 'Required attribute [{attribute}] is missing on element [{element}]' },
  SV_ERR_CONFIG_INVALID_VALUE: {
    message: 'Attribute [{attribute}] on element [{element}] has invalid value [{value}]; allowed: {allowed}',
  },
  SV_ERR_CONFIG_UNDEFINED_PROPERTY: { message: 'Property [{property}] used in attribute [{attribute}] is not defined' },
  SV_ERR_CONFIG_RULE: { message: '{detail}' },
  SV_ERR_CONFIG_CLASS_NOT_FOUND: { message: 'Class [{className}] for element [{element}] cannot be loaded: {detail}' },
  SV_ERR_CONFIG_ATTRIBUTE_NOT_IMPLEMENTED: {
    message: 'Tomcat attribute [{attribute}] on element [{element}] is not implemented yet; it is ignored',
  },
  SV_ERR_CONFIG_ELEMENT_NOT_IMPLEMENTED: {
    message: 'Tomcat element [{element}] is not implemented yet; it and its content are ignored',
  },
  SV_ERR_CONFIG_CLASS_NOT_IMPLEMENTED: {
    message: 'Tomcat class [{className}] on element [{element}] is not implemented yet; it is ignored',
  },

  // --- http ---
  SV_ERR_HTTP_BAD_REQUEST: { message: 'The request could not be parsed: {detail}', status: 400, close: 'close-clean' },
  SV_ERR_HTTP_HEADER_TOO_LARGE: {
    message: 'Request header section exceeds maxHttpHeaderSize [{limit}]',
    status: 431,
    close: 'close-clean',
  },
  SV_ERR_HTTP_TOO_MANY_HEADERS: {
    message: 'Request has [{count}] headers, more than maxHeaderCount [{limit}]',
    status: 400,
    close: 'close-clean',
  },
  SV_ERR_HTTP_HEADER_TIMEOUT: {
    message: 'Request headers were not received within connectionTimeout [{limit}] ms',
    status: 408,
    close: 'close-now',
  },
  SV_ERR_HTTP_BODY_TIMEOUT: {
    message: 'Request body was not received within connectionTimeout [{limit}] ms',
    status: 408,
    close: 'close-now',
  },
  SV_ERR_HTTP_POST_TOO_LARGE: {
    message: 'Form body of [{size}] bytes exceeds maxPostSize [{limit}]',
    status: 413,
    close: 'close-clean',
  },
  SV_ERR_HTTP_TOO_MANY_PARAMETERS: {
    message: 'Request has more than maxParameterCount [{limit}] parameters',
    status: 400,
    close: 'keep',
  },
  SV_ERR_HTTP_METHOD_NOT_IMPLEMENTED: { message: 'Request method [{method}] is not implemented', status: 501, close: 'close-clean' },
  SV_ERR_HTTP_EXPECTATION_FAILED: { message: 'Expectation [{expect}] is not supported (RFC 9110 §10.1.1)', status: 417, close: 'keep' },
  SV_ERR_HTTP_SERVICE_FAILED: { message: 'The adapter failed on request [{method} {target}] of connection [{connectionId}]', status: 500 },
  SV_ERR_HTTP_CONNECTION_REFUSED: {
    message:
      'Connection from [{remote}] refused: maxConnections [{maxConnections}] reached and the accept queue is full at acceptCount [{acceptCount}]',
  },
  SV_ERR_HTTP_INVALID_HEADER_VALUE: { message: 'Invalid value for response header [{name}]: CR, LF or NUL is not allowed' },
  SV_ERR_HTTP_INVALID_HEADER_NAME: { message: 'Invalid response header name [{name}]' },
  SV_ERR_HTTP_TOO_MANY_COOKIES: {
    message: 'Request has [{count}] cookies, more than maxCookieCount [{limit}]',
    status: 400,
    close: 'keep',
  },
  SV_ERR_HTTP_INVALID_COOKIE: { message: 'Cookie [{name}] has an invalid {part} [{value}] (RFC 6265 §4.1.1)' },
  SV_ERR_HTTP_VERSION_NOT_SUPPORTED: {
    message: 'HTTP version [{version}] is not supported; only HTTP/1.0 and HTTP/1.1 are (RFC 9110 §15.6.6)',
    status: 505,
    close: 'close-clean',
  },
  SV_ERR_HTTP_TRANSFER_ENCODING_NOT_IMPLEMENTED: {
    message: 'Transfer-Encoding [{value}] is not implemented; only chunked is (RFC 9112 §6.1)',
    status: 501,
    close: 'close-clean',
  },
  SV_ERR_HTTP_INVALID_REQUEST_TARGET: {
    message:
      'Request target [{target}] contains the character [{char}] that RFC 3986 does not allow there; list it in {attribute} to accept it',
    status: 400,
    close: 'close-clean',
  },
  SV_ERR_HTTP_METHOD_NOT_ALLOWED: {
    message: 'Request method [{method}] is not allowed on this connector; set {attribute}="true" to allow it',
    status: 405,
    close: 'keep',
  },
  SV_ERR_HTTP_WRITE_TIMEOUT: {
    message: 'The client read nothing of the response for connectionTimeout [{limit}] ms; the connection is closed',
    close: 'close-now',
  },
  SV_ERR_HTTP_CLIENT_ABORT: {
    message: 'The client closed {protocol} connection [{connectionId}] before the request body was complete',
  },
  SV_ERR_HTTP_TRAILER_TOO_LARGE: {
    message: 'Request trailer section of [{size}] bytes exceeds maxTrailerSize [{limit}]',
    status: 400,
    close: 'close-clean',
  },
  SV_ERR_HTTP_MULTIPART_TOO_MANY_PARTS: {
    message: 'Multipart request has more than maxPartCount [{limit}] parts',
    status: 400,
    close: 'close-clean',
  },
  SV_ERR_HTTP_MULTIPART_HEADER_TOO_LARGE: {
    message: 'Header section of multipart part [{index}] exceeds maxPartHeaderSize [{limit}]',
    status: 400,
    close: 'close-clean',
  },
  SV_ERR_HTTP_MULTIPART_FILE_TOO_LARGE: {
    message: 'Multipart part [{name}] is larger than the maxFileSize [{limit}] of servlet [{servlet}]',
    status: 413,
    close: 'close-clean',
  },
  SV_ERR_HTTP_MULTIPART_REQUEST_TOO_LARGE: {
    message: 'Multipart body of [{size}] bytes exceeds the maxRequestSize [{limit}] of servlet [{servlet}]',
    status: 413,
    close: 'close-clean',
  },
  SV_ERR_HTTP_MULTIPART_MALFORMED: {
    message: 'The multipart/form-data body cannot be parsed (RFC 7578): {detail}',
    status: 400,
    close: 'close-clean',
  },
  SV_ERR_HTTP_MISDIRECTED_REQUEST: {
    message:
      'Host [{host}] selects SSLHostConfig [{hostConfig}] but the TLS connection was set up for SNI name [{serverName}] with SSLHostConfig [{sniConfig}] (strictSni)',
    status: 421,
    close: 'close-clean',
  },

  // --- ajp ---
  SV_ERR_AJP_SECRET_REQUIRED: {
    message:
      'AJP Connector on [{address}:{port}] has secretRequired [true] but no secret; set the secret attribute (or secretRequired="false" on a trusted network)',
  },
  SV_ERR_AJP_BAD_MAGIC: { message: 'AJP packet starts with [{magic}] instead of [0x1234]', close: 'close-now' },
  SV_ERR_AJP_PACKET_TOO_LARGE: { message: 'AJP packet of [{length}] bytes exceeds packetSize [{limit}]', close: 'close-now' },
  SV_ERR_AJP_MALFORMED: { message: 'Malformed AJP {what}: {detail}', close: 'close-now' },
  SV_ERR_AJP_SECRET_MISMATCH: {
    message: 'AJP request from [{remote}] carried {problem}; it must carry the connector secret',
    status: 403,
    close: 'close-clean',
  },
  SV_ERR_AJP_ATTRIBUTE_NOT_ALLOWED: {
    message: 'AJP request attribute [{name}] is not allowed (allowedRequestAttributesPattern [{pattern}])',
    status: 403,
    close: 'close-clean',
  },

  // --- tls ---
  SV_ERR_TLS_CERTIFICATE: {
    message: 'Cannot load the {what} [{file}] of SSLHostConfig [{hostName}] ({location}): {detail}',
  },
  SV_ERR_TLS_CONFIG: { message: 'SSLHostConfig [{hostName}] ({location}) cannot be used: {detail}' },
  SV_ERR_TLS_HANDSHAKE: { message: 'TLS handshake with [{remote}] failed: {detail}' },
  SV_ERR_TLS_CLIENT_CERT_REJECTED: {
    message: 'Client certificate of [{remote}] rejected by SSLHostConfig [{hostName}] with certificateVerification [{mode}]: {detail}',
  },
  SV_ERR_TLS_NOT_LOADED: {
    message: 'The TLS contexts of SSLHostConfig [{hostName}] were used before they were loaded',
  },

  // --- uri / mapper ---
  SV_ERR_URI_INVALID: { message: 'The request URI [{uri}] is invalid: {detail}', status: 400, close: 'keep' },

  // --- servlet / request processing ---
  SV_ERR_SERVLET_EXCEPTION: { message: 'Servlet.service() for servlet [{servlet}] in context [{context}] threw an exception', status: 500 },
  SV_ERR_SERVLET_UNAVAILABLE: { message: 'Servlet [{servlet}] is currently unavailable', status: 503 },
  SV_ERR_SERVLET_INIT_FAILED: { message: 'Servlet [{servlet}] in context [{context}] failed to initialize' },
  SV_ERR_SERVLET_FILTER_CHAIN_REUSED: {
    message: 'FilterChain.doFilter() was called more than once by filter [{filter}]; a filter passes a request down the chain once',
  },
  SV_ERR_CONTEXT_ALREADY_INITIALISED: {
    message:
      'ServletContext.{method}() cannot be called: context [{context}] is already initialised; call it from a ServletContainerInitializer or ServletContextListener.contextInitialized()',
  },
  SV_ERR_SERVLET_NOT_FOUND: { message: 'Servlet class [{className}] was not found at [{file}]' },
  SV_ERR_STATIC_RESOURCE_NOT_FOUND: { message: 'The requested resource [{path}] is not available', status: 404 },
  SV_ERR_STATIC_INIT_PARAM: {
    message: 'Init parameter [{name}] of servlet [{servlet}] has invalid value [{value}]; allowed: {allowed}',
  },
  SV_ERR_RESPONSE_COMMITTED: { message: 'Cannot {action} after the response has been committed' },
  SV_ERR_RESPONSE_WRITER_AND_STREAM: { message: '{called}() cannot be called: {other}() has already been called for this response' },
  SV_ERR_RESPONSE_BUFFER_SIZE: { message: 'Cannot change the buffer size to [{size}] after [{written}] bytes of content were written' },
  SV_ERR_REQUEST_READER_AND_STREAM: { message: '{called}() cannot be called: {other}() has already been called for this request' },
  SV_ERR_REQUEST_BLOCKING_READ_UNSUPPORTED: {
    message:
      '{method}() blocks the thread: it is only available on a blocking-style connector (e.g. protocol [HTTP/1.1-blocking]), not on the event-loop connector that received this request; use await readAllBytes()',
  },
  SV_ERR_REQUEST_UNSUPPORTED_ENCODING: { message: 'Character encoding [{encoding}] is not supported' },
  SV_ERR_REQUEST_HEADER_FORMAT: { message: 'Request header [{name}] value [{value}] is not a valid {kind}' },
  SV_ERR_REQUEST_NOT_MAPPED: { message: 'Request [{uri}] is not mapped to a Context, so it has no {what}' },
  SV_ERR_REQUEST_NO_SESSION: { message: '{method}: the request has no session' },
  SV_ERR_REQUEST_NOT_MULTIPART: { message: '{method}: the request Content-Type [{contentType}] is not multipart/form-data' },
  SV_ERR_REQUEST_NO_MULTIPART_CONFIG: {
    message:
      '{method}: servlet [{servlet}] has no multipart config (@MultipartConfig or <multipart-config>) and the Context does not set allowCasualMultipartParsing',
  },
  SV_ERR_SESSION_MANAGER_UNAVAILABLE: {
    message: 'Context [{context}] has no session manager in state [{state}]; sessions exist only while the context is started',
  },
  SV_ERR_DISPATCH_FAILED: { message: 'Dispatch to [{path}] failed: {detail}' },

  // --- deploy ---
  SV_ERR_DEPLOY_FAILED: { message: 'Deployment of web application [{name}] failed: {detail}' },
  SV_ERR_DEPLOY_WEBXML_INVALID: { message: 'Deployment descriptor [{file}] is invalid: element [{element}]: {problem}{more}' },
  SV_ERR_DEPLOY_DUPLICATE_MAPPING: {
    message: 'The servlets named [{first}] and [{second}] are both mapped to the url-pattern [{pattern}] which is not permitted',
  },
  SV_ERR_DEPLOY_URL_PATTERN_INVALID: { message: 'The url-pattern [{pattern}] is invalid: {detail} (Servlet spec §12.2)' },
  SV_ERR_DEPLOY_MODULE_LOAD: { message: 'Module [{module}] of web application [{name}] failed to load: {detail}' },
  SV_ERR_DEPLOY_ES_MODULE: {
    message:
      'Module [{file}] of web application [{name}] is an ES module (.mjs); webapp code must be CommonJS: compile it with "module": "commonjs" into a .js or .cjs file',
  },
  SV_ERR_DEPLOY_ES_MODULE_SCOPE: {
    message:
      '[{packageJson}] declares "type": "module", which would make module [{file}] of web application [{name}] an ES module; webapp code must be CommonJS: remove "type": "module" or name the file .cjs',
  },
  SV_ERR_DEPLOY_PACKAGE_JSON_INVALID: {
    message: 'Package file [{file}] of web application [{name}] is not valid JSON: {detail}',
  },
  SV_ERR_DEPLOY_CLASS_NOT_EXPORTED: {
    message: 'Class [{className}]: module [{file}] exports no class named [{exportName}]; its exports are [{exports}]',
  },
  SV_ERR_DEPLOY_BUNDLE_UNSAFE_ENTRY: {
    message: 'Bundle [{file}] is refused: entry [{entry}] {detail}; nothing was unpacked',
  },
  SV_ERR_DEPLOY_BUNDLE_LIMIT: {
    message: 'Bundle [{file}] is refused: {what} [{value}] exceeds the limit [{limit}] (Host attribute {attribute}); nothing was unpacked',
  },
  SV_ERR_DEPLOY_BUNDLE_CORRUPT: { message: 'Bundle [{file}] cannot be read: {detail}' },
  SV_ERR_DEPLOY_BUNDLE_ENTRY_CORRUPT: {
    message: 'Entry [{entry}] of bundle [{file}] cannot be read: {detail}',
  },
  SV_ERR_DEPLOY_BUNDLE_ENTRY_SIZE: {
    message:
      'Entry [{entry}] of bundle [{file}] holds [{size}] bytes where the central directory declares [{declared}]; the bundle is corrupt',
  },
  SV_ERR_DEPLOY_BUNDLE_ENTRY_CRC: {
    message:
      'Entry [{entry}] of bundle [{file}] has CRC-32 [{actual}] where the central directory declares [{expected}]; the bundle is corrupt',
  },
  SV_ERR_DEPLOY_BUNDLE_TRUNCATED: {
    message: 'Bundle [{file}] ends at offset [{offset}] inside entry [{entry}]; it is truncated or still being copied',
  },
  SV_ERR_DEPLOY_BUNDLE_NO_LOCAL_HEADER: {
    message: 'Entry [{entry}] of bundle [{file}] has no local file header at offset [{offset}]; the bundle is corrupt',
  },
  SV_ERR_DEPLOY_BUNDLE_ENCRYPTED: {
    message: 'Entry [{entry}] of bundle [{file}] is encrypted; Serval reads only unencrypted bundles',
  },
  SV_ERR_DEPLOY_BUNDLE_COMPRESSION: {
    message: 'Entry [{entry}] of bundle [{file}] uses compression method [{method}]; Serval reads only stored [0] and deflated [8] entries',
  },
  SV_ERR_DEPLOY_NATIVE_ADDON: { message: 'Native addon [{file}] of web application [{name}] cannot be loaded: {detail}' },
  SV_ERR_DEPLOY_ARCHIVE_CLOSED: {
    message: 'Entry [{entry}] of bundle [{file}] was read after the web application was stopped and its archive closed',
  },
  SV_ERR_DEPLOY_BUNDLE_ZIP_LIMIT: {
    message: 'Bundle [{file}] cannot be written: {what} [{value}] exceeds the zip format limit [{limit}] (Serval writes no zip64)',
  },
  SV_ERR_DEPLOY_BUNDLE_NOT_DIRECTORY: {
    message: 'Cannot bundle [{dir}]: it is not a directory; give `catalina bundle` the webapp directory',
  },
  SV_ERR_DEPLOY_RELOAD_FAILED: {
    message: 'Reloading web application [{name}] left it [{state}] on a worker thread: {detail}',
  },

  // --- session ---
  SV_ERR_SESSION_INVALIDATED: { message: '{method}: Session already invalidated' },
  SV_ERR_SESSION_TOO_MANY_ACTIVE: {
    message: 'Cannot create a session: [{count}] active sessions reached maxActiveSessions [{limit}] of context [{context}]',
  },
  SV_ERR_SESSION_ID_GENERATION: {
    message: 'Could not generate a unique session id after [{attempts}] attempts',
  },
  SV_ERR_SESSION_LISTENER_FAILED: { message: 'Session listener [{listener}] threw an exception in [{event}]' },
  SV_ERR_SESSION_ATTRIBUTE_NOT_CLONEABLE: {
    message: 'Session attribute [{name}] cannot be shared between worker threads (not structured-cloneable): {detail}',
  },

  // --- startup / cli ---
  SV_ERR_STARTUP_BIND: { message: 'Failed to bind [{address}:{port}]: {detail}' },
  SV_ERR_STARTUP_SHUTDOWN_PORT: { message: 'Cannot reach the shutdown port [{address}:{port}]: {detail}' },
  SV_ERR_STARTUP_PID_FILE_EXISTS: {
    message:
      'Existing PID file found during start: [{file}] names the running process [{pid}]; stop it first, or remove the file if that process is not Serval (CATALINA_PID)',
  },
  SV_ERR_STARTUP_PID_FILE_IO: { message: 'Cannot {action} the PID file [{file}] (CATALINA_PID): {detail}' },
  SV_ERR_STARTUP_START_FAILED: { message: 'The server process [{pid}] exited during startup ({detail}); see [{out}]' },
  SV_ERR_STARTUP_NEW_APP: { message: 'Cannot create web application [{name}] in [{dir}]: {detail}' },
  SV_ERR_STARTUP_NOT_LOADED: {
    message: 'Catalina.{member} is not available before Catalina.load()',
  },
  SV_ERR_STARTUP_PACKAGE_JSON_MISSING: {
    message:
      'No package.json with a name and version was found within [{depth}] directories above [{dir}]; the Serval installation is incomplete',
  },

  // --- messages: log lines that are not errors (SV_MSG_*) ---
  SV_MSG_STARTUP_STARTED: { message: '{summary}' },
  SV_MSG_STARTUP_STOPPED: { message: '{serverInfo} stopped in [{ms}] ms' },
  SV_MSG_STARTUP_SIGNAL: { message: 'Received {signal}: stopping' },
  SV_MSG_CONFIG_WARNING: { message: '{problem}' },
  SV_MSG_DEPLOY_NO_DEFAULT_WEB_XML: {
    message: 'No conf/web.xml found in CATALINA_BASE or CATALINA_HOME: webapps get no default servlet',
  },
  SV_MSG_DEPLOY_SECURITY_NOT_ENFORCED: {
    message:
      'Web application [{name}] declares security-constraint or login-config, which are not enforced yet; the declared constraints are ignored',
  },
  SV_MSG_DEPLOY_LEAK_CLEARED: {
    message: 'The web application [{name}] left {leak} behind; it has been cleared to prevent a memory leak',
  },

  // --- worker pool (blocking-style endpoint) ---
  SV_ERR_WORKER_START_FAILED: { message: 'Worker thread [{worker}] of pool [{pool}] failed to start: {detail}' },
  SV_ERR_WORKER_CRASHED: {
    message:
      'Worker thread [{worker}] of pool [{pool}] exited with code [{exitCode}] while serving [{requests}] request(s): {detail}; it is replaced',
    status: 500,
  },
  SV_ERR_WORKER_POOL_STOPPED: { message: 'Worker pool [{pool}] is stopped: no worker can take the connection' },
  SV_ERR_WORKER_CALL_FAILED: { message: 'A {call} call from a worker thread to the main thread failed: {detail}' },
  SV_ERR_WORKER_SCRIPT_MISSING: { message: 'The worker entry script [{file}] does not exist: run `npm run build`' },
  SV_ERR_WORKER_NOT_A_THREAD: {
    message: '[{file}] runs only as a worker thread of a blocking-style connector, not as a main program',
  },
  SV_ERR_WORKER_TREE_NOT_STARTED: {
    message: 'The container tree of worker thread [{worker}] is [{state}] after start(); it cannot serve requests',
  },
  SV_ERR_WORKER_UNKNOWN_HOST: {
    message: 'The worker thread has no Host [{host}] to apply [{event}] of web application [{name}] to',
  },
  SV_ERR_WORKER_DEPLOYMENT_TIMEOUT: {
    message:
      'Worker thread [{worker}] did not apply [{event}] of web application [{name}] within [{limit}] ms; it keeps serving what it had',
  },
  SV_ERR_WORKER_REQUEST_WITHOUT_CONNECTION: {
    message: 'Request [{id}] reached worker thread [{worker}] without its connection',
  },
  SV_ERR_WORKER_RESPONSE_ABORTED: {
    message: 'The response to request [{uri}] on worker thread [{worker}] was aborted: {detail}; the connection is closed',
  },
  SV_ERR_WORKER_INTERRUPTED: {
    message:
      'Worker thread [{worker}] was terminated by StuckThreadDetectionValve: request [{uri}] ran past interruptThreadThreshold [{threshold}] s',
  },
  SV_ERR_WORKER_EXITED_MID_RESPONSE: {
    message: 'Worker thread [{worker}] exited while sending the response to request [{uri}]; the connection is closed',
  },
  SV_MSG_STUCK_REQUEST_DETECTED: {
    message:
      'Request [{uri}] on connection [{connection}] has been running on [{thread}] for [{seconds}] s (threshold [{threshold}] s): it may be stuck; [{stuck}] request(s) stuck now',
  },
  SV_MSG_STUCK_REQUEST_COMPLETED: {
    message:
      'Request [{uri}] on connection [{connection}] previously reported stuck completed after [{seconds}] s; [{stuck}] request(s) stuck now',
  },
  SV_MSG_STUCK_REQUEST_INTERRUPTED: {
    message:
      'Request [{uri}] on connection [{connection}] has been running on [{thread}] for [{seconds}] s (interruptThreadThreshold [{interrupt}] s): the worker thread is terminated and replaced',
  },
} as const satisfies Record<string, CodeSpec>;

export type ErrorCode = keyof typeof catalogue;
export const codes: Readonly<Record<ErrorCode, CodeSpec>> = catalogue;

/** A value a message shows; it is rendered with String(), so a missing value can never print as "undefined". */
export type ParamValue = string | number | boolean;

/** Any code's parameters, once their code is no longer known to the compiler (logged, sent to another thread). */
export type MessageParams = Readonly<Record<string, ParamValue>>;

/** The `{name}` placeholders of a template, as a union of names: `'a [{x}] b [{y}]'` gives `'x' | 'y'`. */
type Placeholders<M extends string> = M extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;

/** The parameter names of one code, read from its template by the compiler. */
export type ParamName<C extends ErrorCode> = Placeholders<(typeof catalogue)[C]['message']>;

/**
 * The parameters of one code: exactly the placeholders of its template, each required. A code without
 * placeholders takes an empty object. Distributes over a union of codes, so a value of type `'A' | 'B'`
 * needs the parameters of one of them.
 */
export type ParamsOf<C extends ErrorCode> = C extends ErrorCode
  ? [ParamName<C>] extends [never]
    ? Readonly<Record<string, never>>
    : { readonly [K in ParamName<C>]: ParamValue }
  : never;

/**
 * The arguments of formatMessage(): one tuple per code, so the compiler matches `params` to the
 * `{placeholders}` of that code's template. Params may be left out only for a code without placeholders.
 */
export type MessageArgs = {
  [C in ErrorCode]: [ParamName<C>] extends [never] ? [code: C, params?: ParamsOf<C>] : [code: C, params: ParamsOf<C>];
}[ErrorCode];

/** A code with its parameters, as data (for a log line): the compiler matches `params` to `code`. */
export type CodedMessage = {
  [C in ErrorCode]: [ParamName<C>] extends [never]
    ? { readonly code: C; readonly params?: ParamsOf<C> }
    : { readonly code: C; readonly params: ParamsOf<C> };
}[ErrorCode];

/** Fill a template's `{name}` placeholders; the compiler checks `params` against the template of `code`. */
export function formatMessage(...[code, params = {}]: MessageArgs): string {
  return formatUnchecked(code, params);
}

/**
 * formatMessage for parameters that crossed a boundary the compiler cannot see through (a worker thread's
 * message, a code chosen at runtime). An unknown placeholder is left visible so a blank shows.
 */
export function formatUnchecked(code: ErrorCode, params: MessageParams): string {
  return codes[code].message.replace(/\{(\w+)\}/g, (whole, key: string) => (Object.hasOwn(params, key) ? String(params[key]) : whole));
}
