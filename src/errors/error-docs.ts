/**
 * What each catalogued error code means and how to fix it, and the renderer of docs/errors.md from them. Long by
 * nature: one entry per code, in the order of codes.ts.
 */
import { codes, type CloseMode, type ErrorCode } from './codes.js';

export interface ErrorDoc {
  /** When the error is raised, in one or two sentences. */
  readonly meaning: string;
  /** What the operator or webapp developer changes to make it go away. */
  readonly fix: string;
}

/**
 * Codes that existed once and were removed. A retired code is never given a new meaning: logs, alerts and
 * search results written against the old meaning would silently point at the wrong problem.
 */
export const retiredCodes: readonly string[] = Object.freeze([
  'SV_ERR_CONFIG_REALM_NOT_IMPLEMENTED',
  'SV_ERR_CONFIG_RULE',
  'SV_ERR_DEPLOY_SECURITY_NOT_ENFORCED',
  'SV_ERR_DISPATCH_FAILED',
  'SV_ERR_WORKER_CALL_FAILED',
  'SV_MSG_DEPLOY_SECURITY_NOT_ENFORCED',
]);

/** What became of each retired code, for docs/errors.md. */
const retiredBecause: Readonly<Record<string, string>> = {
  SV_ERR_CONFIG_REALM_NOT_IMPLEMENTED:
    'Realms are implemented (issue #20): a `<Realm>` is built and enforced; one Serval cannot build (JAASRealm, a misspelt class) refuses the file.',
  SV_ERR_CONFIG_RULE:
    'its free-text message was split into codes with named parameters (SV_ERR_CONFIG_VALUE_MISSING, _CHILD_MISSING, _CHILD_COUNT, _UNKNOWN_REFERENCE, _DUPLICATE_NAME, _ADDRESS_IN_USE, _CONTEXT_PATH_ROOT, _LISTENER_PLACEMENT, _SSL_*; SV_ERR_AJP_SECRET_REQUIRED and SV_ERR_CONFIG_INVALID_VALUE where they fit).',
  SV_ERR_DEPLOY_SECURITY_NOT_ENFORCED:
    'security constraints and login configurations are enforced (issue #20): an application declaring them is deployed with its authenticator; what cannot be enforced has a code of its own (SV_ERR_DEPLOY_AUTH_METHOD, SV_ERR_DEPLOY_FORM_LOGIN_PAGE).',
  SV_ERR_DISPATCH_FAILED: 'no code raised it.',
  SV_MSG_DEPLOY_SECURITY_NOT_ENFORCED:
    'the warning let an application with security constraints be served unprotected; such an application now refuses to deploy (SV_ERR_DEPLOY_SECURITY_NOT_ENFORCED).',
  SV_ERR_WORKER_CALL_FAILED:
    'its free-text message was split into SV_ERR_WORKER_CALL_TIMEOUT and SV_ERR_WORKER_SESSION_OWNER_MISSING; an error the main thread answers a call with reaches the worker with its own code.',
};

/** One place in src/ that constructs an error without a catalogue code. */
export interface UncodedError {
  /** The file, relative to the repository root. */
  readonly file: string;
  /** What it constructs: `new TypeError(…)` is `TypeError`. */
  readonly constructs: 'Error' | 'TypeError' | 'RangeError' | 'AggregateError' | 'ServletException';
  /** How many such constructions the file holds; one more anywhere fails test/unit/errors/uncoded-errors.test.ts. */
  readonly count: number;
  readonly reason: string;
}

/**
 * Every error src/ constructs without a code, and why it has none. Three kinds are allowed: programmer errors
 * (an argument of the wrong type or value, a call in the wrong state, raised to the caller that made it);
 * errors that must keep the shape Node gives them, because webapp code or node:http's classification tests
 * their `code`; and errors that only carry something else (causes, an error rebuilt from another thread).
 */
export const uncodedErrors: readonly UncodedError[] = Object.freeze([
  {
    file: 'src/config/config-pattern.ts',
    constructs: 'Error',
    count: 1,
    reason:
      'Programmer error: configPattern() was given a pattern the configuration did not validate first (validation reports a refused pattern as a configuration error naming file, line, element and attribute).',
  },
  {
    file: 'src/servlet/cookie.ts',
    constructs: 'TypeError',
    count: 3,
    reason:
      'Programmer error: `new Cookie(name, value)` or `setAttribute()` was given a name or value RFC 6265 does not allow (Jakarta throws IllegalArgumentException). src/servlet/ is the API webapps import and cannot import the container, so it has no access to the catalogue.',
  },
  {
    file: 'src/servlet/servlet.ts',
    constructs: 'Error',
    count: 1,
    reason:
      "Programmer error: GenericServlet's getServletConfig()/getServletContext() was called before init() (Jakarta's IllegalStateException). src/servlet/ cannot import the container.",
  },
  {
    file: 'src/servlet/http-servlet.ts',
    constructs: 'ServletException',
    count: 1,
    reason: "The Servlet API's own exception: HttpServlet.service() given a non-HTTP request, as Jakarta's HttpServlet does.",
  },
  {
    file: 'src/servlet/generic-filter.ts',
    constructs: 'ServletException',
    count: 2,
    reason:
      "The Servlet API's own exception: HttpFilter given a non-HTTP request, and GenericFilter's config read before init() (Jakarta's IllegalStateException). src/servlet/ cannot import the container.",
  },
  {
    file: 'src/servlet/servlet-request-wrapper.ts',
    constructs: 'TypeError',
    count: 1,
    reason:
      "Programmer error: a request or response wrapper was constructed around null or undefined (Jakarta's IllegalArgumentException). src/servlet/ cannot import the container.",
  },
  {
    file: 'src/deploy/webapp-loader.ts',
    constructs: 'TypeError',
    count: 1,
    reason:
      "Programmer error: webapp code called require() with something other than a non-empty string, as Node's own require() refuses it.",
  },
  {
    file: 'src/deploy/webapp-loader.ts',
    constructs: 'Error',
    count: 1,
    reason:
      'Programmer error: the loader asked its process proxy for a scheduling function it does not wrap (only nextTick is); never reachable from webapp input.',
  },
  {
    file: 'src/startup/process-guard.ts',
    constructs: 'Error',
    count: 1,
    reason: 'Programmer error: the process guard installed twice in one process (Catalina installs it once, before start).',
  },
  {
    file: 'src/core/faults.ts',
    constructs: 'Error',
    count: 1,
    reason:
      "Never raised: made only to read the caller's stack, so that a call to exit() can be charged to the webapp whose frame is in it.",
  },
  {
    file: 'src/net/node-internals/llhttp-binding.ts',
    constructs: 'Error',
    count: 4,
    reason:
      "Never reach a caller: the startup check of node's parser binding throws them, the internals module catches them, logs SV_MSG_NODE_INTERNAL_FALLBACK with the message and uses node:http's public parser instead.",
  },
  {
    file: 'src/net/tls-context.ts',
    constructs: 'Error',
    count: 2,
    reason:
      "One is a programmer error (the TLS contexts used before load(), which every connector start calls first); the other stands in for the verification error node's TLS handle would report (code and message as OpenSSL gives them), read by peerProblem() and logged as SV_ERR_TLS_CLIENT_CERT_REJECTED, never raised.",
  },
  {
    file: 'src/connector/content-type.ts',
    constructs: 'RangeError',
    count: 1,
    reason:
      'Programmer error: encode() was called on a charset whose canEncode is false (a multi-byte decoder-only charset); the response checks canEncode first and falls back to UTF-8.',
  },
  {
    file: 'src/deploy/webapp-module-resolver.ts',
    constructs: 'Error',
    count: 3,
    reason:
      "Node's contract for webapp code: require() of a missing module fails with code MODULE_NOT_FOUND, and of a subpath a package does not export with ERR_PACKAGE_PATH_NOT_EXPORTED, so optional-dependency probes (`try { require('x') } catch (e) { if (e.code !== 'MODULE_NOT_FOUND') throw e }`) work. One that escapes to the container becomes SV_ERR_DEPLOY_MODULE_LOAD.",
  },
  {
    file: 'src/resources/webapp-resources.ts',
    constructs: 'Error',
    count: 1,
    reason:
      "Node's contract for webapp code: a missing resource fails with code ENOENT, as node:fs does, whether the webapp is a directory or a bundle.",
  },
  {
    file: 'src/protocol/http11/message-reader.ts',
    constructs: 'Error',
    count: 1,
    reason:
      "A stand-in for a node:http parser error (code HPE_NO_PROGRESS): it goes through classifyClientError() like llhttp's own errors and becomes SV_ERR_HTTP_BAD_REQUEST; it is never raised to a caller.",
  },
  {
    file: 'src/protocol/http11/http11-processor.ts',
    constructs: 'Error',
    count: 1,
    reason:
      "A stand-in for node:http's header timeout (code ERR_HTTP_REQUEST_TIMEOUT): it goes through classifyClientError() and becomes SV_ERR_HTTP_HEADER_TIMEOUT; it is never raised to a caller.",
  },
  {
    file: 'src/blocking/pool/error-data.ts',
    constructs: 'Error',
    count: 1,
    reason:
      'An error without a code (thrown by webapp code, or by Node) rebuilt on the other side of a worker-thread boundary with its own message; coded errors are rebuilt with their code.',
  },
  {
    file: 'src/core/container-base.ts',
    constructs: 'AggregateError',
    count: 1,
    reason: 'Only the cause of SV_ERR_LIFECYCLE_CHILD_FAILED, holding the failure of each child; never raised by itself.',
  },
]);

// `satisfies Record<ErrorCode, ErrorDoc>` makes a code without an entry (or an entry without a code) a compile error.
const docs = {
  // --- lifecycle ---
  SV_ERR_LIFECYCLE_INVALID_TRANSITION: {
    meaning:
      'A component was asked to init, start, stop or destroy from a state that does not allow it (for example start() after destroy()).',
    fix: 'A programming error in the caller or an embedding application: follow the order init → start → stop → destroy and do not reuse a destroyed component.',
  },
  SV_ERR_LIFECYCLE_FAILED: {
    meaning: 'A component threw while changing state; the component is now FAILED. The cause holds the original error.',
    fix: 'Read the cause below the message (often a bind, file or class-loading problem) and fix that; then restart.',
  },
  SV_ERR_LIFECYCLE_CHILD_FAILED: {
    meaning:
      'One or more children of a container (Engine, Host, Context, Wrapper) failed to start; all failures are collected in the cause (an AggregateError) and the parent goes to FAILED.',
    fix: 'Look at each error inside the cause and fix the failing child; a failing web application alone does not stop its Host.',
  },
  SV_ERR_CONTAINER_DUPLICATE_CHILD: {
    meaning:
      'A Host, Context or Wrapper was added to a parent that already has a child of that name (two Hosts with one name, a servlet name used twice); Tomcat reports the same as "Child name is not unique".',
    fix: 'Rename one of the two: Host name, Context path or servlet-name must be unique within their parent.',
  },
  SV_ERR_PIPELINE_NO_BASIC_VALVE: {
    meaning:
      'A request reached a pipeline that has no basic valve, the valve that hands the request to the next container or the servlet. Every built-in container sets one; this only happens with a custom container that does not.',
    fix: 'In a custom container, call pipeline.setBasic() in its constructor, before it is started.',
  },

  // --- config ---
  SV_ERR_CONFIG_INVALID: {
    meaning:
      'conf/server.xml (or another configuration file) has errors; the message lists every problem found, errors first, each with file:line and element path.',
    fix: 'Fix each listed problem; the code at the end of each line points to its own entry in this table.',
  },
  SV_ERR_CONFIG_XML_SYNTAX: {
    meaning: 'The configuration file is not well-formed XML (unclosed tag, bad entity, text after the root element…).',
    fix: 'Correct the XML at the reported line; an XML-aware editor or `xmllint --noout` shows the exact spot.',
  },
  SV_ERR_CONFIG_FILE_NOT_FOUND: {
    meaning: 'The configuration file does not exist or cannot be read by the server process.',
    fix: 'Check CATALINA_BASE and the `-config` option, and the file permissions for the user running Serval.',
  },
  SV_ERR_CONFIG_UNKNOWN_ELEMENT: {
    meaning:
      'An element is not allowed at this place of the configuration (a typo, a wrong nesting, or the wrong root element); a "did you mean" hint is added when a close name exists.',
    fix: 'Rename or move the element as the hint suggests; see docs/configuration.md for what each element may contain.',
  },
  SV_ERR_CONFIG_UNKNOWN_ATTRIBUTE: {
    meaning:
      'An attribute is not known for this element. Unlike Tomcat, which ignores it with a warning, Serval refuses to start so a typo cannot silently keep a default.',
    fix: 'Correct the name (see the "did you mean" hint and docs/configuration.md) or remove the attribute.',
  },
  SV_ERR_CONFIG_MISSING_ATTRIBUTE: {
    meaning:
      'A required attribute is absent, for example Server `port`/`shutdown`, a Context `docBase`, or the `className` of a Valve or Listener.',
    fix: 'Add the attribute to the element named in the message.',
  },
  SV_ERR_CONFIG_INVALID_VALUE: {
    meaning:
      'An attribute value has the wrong type or is out of range (not a number, outside min/max, not one of the allowed enum values, a malformed pattern).',
    fix: 'Use one of the allowed values listed in the message; docs/configuration.md gives the type, range and unit of each attribute.',
  },
  SV_ERR_CONFIG_UNDEFINED_PROPERTY: {
    meaning:
      'An attribute uses `${name}` but no such property is defined (catalina.properties, a system property given at start, or `env.NAME`).',
    fix: 'Define the property, or give a default with `${name:-default}`.',
  },
  SV_ERR_CONFIG_VALUE_MISSING: {
    meaning: 'An element whose text is its value (for example WatchedResource) is empty.',
    fix: 'Write the value between the tags, or remove the element.',
  },
  SV_ERR_CONFIG_CHILD_MISSING: {
    meaning: 'A Server without a Service, or an Engine without a Host, can serve nothing.',
    fix: 'Add the missing child element (see conf/server.xml of the distribution for a complete example).',
  },
  SV_ERR_CONFIG_EMPTY_SHUTDOWN: {
    meaning:
      "The Server's shutdown port compares what a connection sends with the shutdown command; an empty command would match any connection, so any local process could stop the server (Tomcat's StandardServer.await).",
    fix: 'Set `shutdown` to a command nobody can guess, or disable the port with `port="-1"` and stop the server with a signal.',
  },
  SV_ERR_CONFIG_CHILD_COUNT: {
    meaning: 'A Service pairs its Connectors with exactly one Engine, as in Tomcat.',
    fix: 'Keep one Engine per Service; put a second Engine in a Service of its own.',
  },
  SV_ERR_CONFIG_UNKNOWN_REFERENCE: {
    meaning:
      'An attribute refers to another component by name and none has that name: an Engine defaultHost that is no Host or Alias, a Connector executor that is no Executor of the Service, a defaultSSLHostConfigName that is no SSLHostConfig of the Connector.',
    fix: 'Use one of the known names the message lists, or add the component the attribute names.',
  },
  SV_ERR_CONFIG_DUPLICATE_NAME: {
    meaning:
      'Two components that must be told apart by name have the same one: Executor names in a Service, Host names and aliases in an Engine, Context paths in a Host, SSLHostConfig hostName values on a Connector.',
    fix: 'Rename or remove one of the two.',
  },
  SV_ERR_CONFIG_ADDRESS_IN_USE: {
    meaning:
      'Two listeners of the configuration would bind the same port (an unset address binds every address, so it clashes with any address on that port); the second would fail at start.',
    fix: 'Give the Connector (or the Server shutdown port) another port, or distinct addresses.',
  },
  SV_ERR_CONFIG_CONTEXT_PATH_ROOT: {
    meaning: 'Warning: Servlet 6.0 §3.5 writes the root context path as the empty string; "/" is accepted as ROOT, as Tomcat does.',
    fix: 'Write path="" for the ROOT web application.',
  },
  SV_ERR_CONFIG_LISTENER_PLACEMENT: {
    meaning: 'Warning: a Listener is nested in an element that takes none; it is ignored.',
    fix: 'Move the Listener into the Server, Engine, Host or Context whose lifecycle it should follow.',
  },
  SV_ERR_CONFIG_CLASS_NO_EXPORT: {
    meaning: 'The module a className names was loaded, but none of its exports is a class (a function) to instantiate.',
    fix: 'Export the class from the module (`module.exports = MyValve`, or `exports.MyValve = MyValve`).',
  },
  SV_ERR_CONFIG_VALVE_NO_INVOKE: {
    meaning: 'A Valve element names a class that is not a valve: it has no invoke(request, response) method.',
    fix: 'Extend ValveBase (import it from "serval") and implement invoke().',
  },
  SV_ERR_CONFIG_AUTHENTICATOR_PLACEMENT: {
    meaning:
      "One of Tomcat's authenticator valves (BasicAuthenticator, FormAuthenticator…) is declared on an Engine or Host. Authenticators work per application; Tomcat refuses this too.",
    fix: "Move the valve into the application's META-INF/context.xml (or its <Context> element), or remove it: the application's <login-config> chooses the login method.",
  },
  SV_ERR_CONFIG_NOT_A_REALM: {
    meaning:
      'A Realm or CredentialHandler element names a module whose class lacks a method of the contract, so it could not check anyone.',
    fix: 'Implement the Realm contract (extend RealmBase from "serval") or, for a CredentialHandler, matches(input, stored) and mutate(input).',
  },
  SV_ERR_CONFIG_SSL_NOT_ENABLED: {
    meaning: 'Warning: a Connector carries SSLHostConfig elements but does not use TLS, so they have no effect.',
    fix: 'Set SSLEnabled="true" on the Connector to serve TLS, or remove the SSLHostConfig elements.',
  },
  SV_ERR_CONFIG_SSL_MISSING: {
    meaning: 'A TLS Connector needs at least one SSLHostConfig with a certificate to present.',
    fix: 'Add an SSLHostConfig with a Certificate, or remove SSLEnabled="true".',
  },
  SV_ERR_CONFIG_SSL_PER_HOST_SETTING: {
    meaning:
      'Warning: OpenSSL fixes the protocol range and the TLS 1.2 cipher list when a connection starts, before the server name (SNI) is known; only certificates and CAs follow the SNI name.',
    fix: 'Give every SSLHostConfig of the Connector the same protocols, ciphers and honorCipherOrder, or use separate Connectors.',
  },
  SV_ERR_CONFIG_SSL_OBSOLETE_PROTOCOL: {
    meaning: 'Warning: protocols enables TLS 1.0 or 1.1, which RFC 8996 deprecates; clients and OpenSSL may refuse them.',
    fix: 'Remove TLSv1 and TLSv1.1 from protocols unless an old client truly needs them.',
  },
  SV_ERR_CONFIG_SSL_NO_CERTIFICATE: {
    meaning: 'An SSLHostConfig has nothing to present to clients.',
    fix: 'Add a Certificate element naming the PEM certificate and key files.',
  },
  SV_ERR_CONFIG_SSL_CERTIFICATE_TYPES: {
    meaning: 'Several certificates per host are allowed only when each has its own key type, so the TLS handshake can choose between them.',
    fix: 'Set type="RSA", "EC" or "DSA" on each Certificate, one of each type at most.',
  },
  SV_ERR_CONFIG_SSL_STORE: {
    meaning: 'The configuration names a Java keystore or truststore (JKS or PKCS12); node:tls reads PEM files.',
    fix: 'Convert the store with the openssl command the message gives and name the PEM files instead.',
  },
  SV_ERR_CONFIG_CLASS_NOT_FOUND: {
    meaning:
      'The `className` of a Listener, Valve or other component names a module that cannot be loaded; the detail is the message of the error require() threw.',
    fix: 'Check the module path (relative to CATALINA_BASE) and that the module loads on its own (`node -e "require(\'./lib/my-valve.js\')"`).',
  },
  SV_ERR_CONFIG_ELEMENT_NOT_IMPLEMENTED: {
    meaning:
      'Warning: the element exists in Tomcat (for example Cluster or Manager) but Serval does not implement it yet; it and everything inside it are ignored. Its attribute names are still checked where the table lists them.',
    fix: 'Nothing is required; remove the element to silence the warning, and do not rely on its effect.',
  },

  // --- config: fail closed on Tomcat classes and attributes Serval does not implement ---
  SV_ERR_CONFIG_CLASS_UNKNOWN: {
    meaning:
      'A className is neither a Tomcat 10.1 class Serval knows (implemented or not) nor a path to a module of your own: most often a misspelling, which would otherwise silently drop a component. The message suggests the nearest known name.',
    fix: "Check the spelling against Tomcat's documentation, or write the path of your module (`./lib/my-valve.js`, relative to CATALINA_BASE).",
  },
  SV_ERR_CONFIG_CLASS_NOT_IMPLEMENTED: {
    meaning:
      'Warning: the `className` is a Tomcat Listener or Valve that Serval does not implement, on the list of those whose absence changes nothing about who may reach what (docs/configuration.md); the component is skipped and the message says why that is safe.',
    fix: 'Nothing is required; remove the element to silence the warning.',
  },
  SV_ERR_CONFIG_CLASS_REFUSED: {
    meaning:
      'The `className` is a Tomcat Listener or Valve that Serval does not implement, and skipping it could let through requests the configuration means to stop (an address filter, an authenticator, a proxy-header valve, a limit) or change what is shown. Serval refuses to start rather than run without it (architecture decision 11); in META-INF/context.xml the application is not deployed.',
    fix: 'Remove the element and protect the resources another way (a front end, a module of your own as className), or wait until Serval implements the class.',
  },
  SV_ERR_CONFIG_ATTRIBUTE_NOT_IMPLEMENTED: {
    meaning:
      'Warning: the attribute exists in Tomcat 10.1 but Serval does not implement it; the message says what Tomcat does with it and why ignoring it is safe (Java runtime tuning, a feature Serval does not offer, Serval always behaving as the stricter default…).',
    fix: 'Nothing is required; remove the attribute to silence the warning, and do not rely on its effect.',
  },
  SV_ERR_CONFIG_ATTRIBUTE_REFUSED: {
    meaning:
      'The attribute exists in Tomcat 10.1, Serval does not implement it, and ignoring it could let through what the configuration means to stop (a Unix domain socket instead of a TCP port, a restriction on client certificates, another deployment descriptor).',
    fix: 'Remove the attribute, and get the protection another way (for example caCertificateFile instead of caCertificatePath).',
  },

  // --- http ---
  SV_ERR_HTTP_BAD_REQUEST: {
    meaning:
      "node:http's parser refused the request (bad request line, invalid header, conflicting Content-Length, bad chunking); the detail is its reason. The status is 400, or 413 for oversized chunk extensions; the response is minimal and the connection is closed. Checks of Serval's own (Host, request target, Transfer-Encoding) have codes of their own.",
    fix: 'A client problem: fix the client that sent it. Rejections are logged at debug level, rate-limited; the access log shows them.',
  },
  SV_ERR_HTTP_HOST_COUNT: {
    meaning:
      'An HTTP/1.1 request has no Host header, or a request has several; the server cannot tell which virtual host it is for. Answered 400 and the connection is closed.',
    fix: 'A client problem: fix the client that sent it. Rejections are logged at debug level, rate-limited; the access log shows them.',
  },
  SV_ERR_HTTP_INVALID_HOST: {
    meaning:
      'The Host header is not a host name, IPv4 or bracketed IPv6 address with an optional port (RFC 3986 §3.2.2), for example it holds a space, a path, userinfo or a port above 65535.',
    fix: 'A client problem: fix the client that sent it. Rejections are logged at debug level, rate-limited; the access log shows them.',
  },
  SV_ERR_HTTP_HOST_MISMATCH: {
    meaning:
      'An absolute-form request target (`GET http://a.example/ HTTP/1.1`) names another host than the Host header; Serval refuses the ambiguity rather than pick one.',
    fix: 'A client problem: fix the client that sent it. Rejections are logged at debug level, rate-limited; the access log shows them.',
  },
  SV_ERR_HTTP_TARGET_USERINFO: {
    meaning: 'An absolute-form request target holds `user@` before the host; RFC 9110 forbids userinfo in http(s) URIs sent in requests.',
    fix: 'A client problem: fix the client that sent it. Rejections are logged at debug level, rate-limited; the access log shows them.',
  },
  SV_ERR_HTTP_ASTERISK_FORM: {
    meaning: 'A request used `*` as its target with a method other than OPTIONS.',
    fix: 'A client problem: fix the client that sent it. Rejections are logged at debug level, rate-limited; the access log shows them.',
  },
  SV_ERR_HTTP_TRANSFER_ENCODING_HTTP10: {
    meaning:
      'An HTTP/1.0 request carries Transfer-Encoding; RFC 9112 §6.1 says to treat its framing as faulty and close the connection after answering.',
    fix: 'A client problem: fix the client that sent it. Rejections are logged at debug level, rate-limited; the access log shows them.',
  },
  SV_ERR_HTTP_CONTENT_LENGTH_DUPLICATE: {
    meaning:
      'A request forwarded over AJP carries Content-Length twice; the body length is ambiguous (request smuggling), so it is refused. (HTTP/1.1 requests are refused by the parser with SV_ERR_HTTP_BAD_REQUEST.)',
    fix: 'Fix the web server or client that sent it.',
  },
  SV_ERR_HTTP_CONTENT_LENGTH_INVALID: {
    meaning: 'A request forwarded over AJP carries a Content-Length that is not a plain decimal number; it is refused rather than guessed.',
    fix: 'Fix the web server or client that sent it.',
  },
  SV_ERR_HTTP_HEADER_TOO_LARGE: {
    meaning: 'The request line plus headers exceed the Connector `maxHttpHeaderSize`.',
    fix: 'Raise `maxHttpHeaderSize` on the Connector if such requests are legitimate (large cookies or tokens), or make the client send less.',
  },
  SV_ERR_HTTP_TOO_MANY_HEADERS: {
    meaning: 'The request has more header fields than the Connector `maxHeaderCount` allows.',
    fix: 'Raise `maxHeaderCount` on the Connector (-1 removes the limit) if such requests are legitimate.',
  },
  SV_ERR_HTTP_HEADER_TIMEOUT: {
    meaning:
      'A client started a request but did not finish sending its headers within the Connector `connectionTimeout`. A connection that sent nothing at all is closed silently instead.',
    fix: 'Usually a slow or stalled client (or a slowloris attack); raise `connectionTimeout` only if legitimate clients are that slow.',
  },
  SV_ERR_HTTP_BODY_TIMEOUT: {
    meaning:
      'The request body stopped arriving for longer than the Connector `connectionTimeout` while the application was reading it; the read fails and the connection is closed.',
    fix: 'Usually a stalled client; raise `connectionTimeout` if uploads from slow networks are expected.',
  },
  SV_ERR_HTTP_POST_TOO_LARGE: {
    meaning:
      'A form body (application/x-www-form-urlencoded) is larger than the Connector `maxPostSize`, so it is not parsed into request parameters.',
    fix: 'Raise `maxPostSize` on the Connector (-1 removes the limit), or have the client send large data as a stream the servlet reads itself.',
  },
  SV_ERR_HTTP_TOO_MANY_PARAMETERS: {
    meaning:
      'The query string plus form body hold more parameters than the Connector `maxParameterCount` (a protection against hash-collision attacks).',
    fix: 'Raise `maxParameterCount` on the Connector if such requests are legitimate.',
  },
  SV_ERR_HTTP_METHOD_NOT_IMPLEMENTED: {
    meaning: 'The request uses a method the container does not handle at protocol level (CONNECT: Serval is not a proxy).',
    fix: 'Send the request to a proxy, not to Serval.',
  },
  SV_ERR_HTTP_EXPECTATION_FAILED: {
    meaning: 'The request has an `Expect` header other than `100-continue` (RFC 9110 §10.1.1).',
    fix: 'Fix the client: `100-continue` is the only expectation HTTP defines.',
  },
  SV_ERR_HTTP_SERVICE_FAILED: {
    meaning:
      'The connector adapter threw while processing a request (a container bug, not an application exception); a 500 is sent if nothing was committed, otherwise the connection is aborted.',
    fix: 'Report it with the logged stack trace; application exceptions are reported as SV_ERR_SERVLET_EXCEPTION instead.',
  },
  SV_ERR_HTTP_CONNECTION_REFUSED: {
    meaning:
      'A new connection was refused because `maxConnections` connections are open and `acceptCount` more are already waiting; the socket is closed at once. Logged at debug level, one line per 1000 refusals.',
    fix: 'Raise `maxConnections` or `acceptCount` on the Connector, add capacity, or find what keeps connections open (slow requests, long keep-alive).',
  },
  SV_ERR_HTTP_INVALID_HEADER_VALUE: {
    meaning:
      'An application set a response header whose value contains CR, LF or NUL, which would allow response splitting (RFC 9110 §5.5).',
    fix: 'Remove or encode the control characters in the header value before setting it.',
  },
  SV_ERR_HTTP_INVALID_HEADER_NAME: {
    meaning:
      'An application set a response header whose name is not an HTTP token (RFC 9110 §5.1): it is empty or contains spaces, separators or control characters.',
    fix: 'Use a valid header name.',
  },
  SV_ERR_HTTP_TOO_MANY_COOKIES: {
    meaning: 'The request carries more cookies than the Connector `maxCookieCount`; the request is answered with 400.',
    fix: 'Raise `maxCookieCount` on the Connector (-1 removes the limit), or clear cookies set for the domain.',
  },
  SV_ERR_HTTP_INVALID_COOKIE: {
    meaning:
      'An application added a cookie whose name, value, path or domain contains characters RFC 6265 §4.1.1 does not allow (spaces, commas, semicolons, control characters…).',
    fix: 'Encode the value (for example with encodeURIComponent or Base64url) and use a token as the name.',
  },
  SV_ERR_HTTP_VERSION_NOT_SUPPORTED: {
    meaning:
      'The request line names an HTTP version other than 1.0 or 1.1 (HTTP/0.9, 1.2, 2.0 …); the answer is 505 and the connection is closed. HTTP/0.9 is refused too: it has no headers, so no Host and no framing.',
    fix: 'A client problem: the client must speak HTTP/1.1 (or 1.0) on this port.',
  },
  SV_ERR_HTTP_TRANSFER_ENCODING_NOT_IMPLEMENTED: {
    meaning:
      'The request uses a transfer coding other than chunked (identity, gzip, an unknown token …). The body length cannot be trusted, so the answer is 501 and the connection is closed (request smuggling defence).',
    fix: 'A client problem: send the body with Content-Length or `Transfer-Encoding: chunked` only.',
  },
  SV_ERR_HTTP_INVALID_REQUEST_TARGET: {
    meaning:
      'The request target holds a character RFC 3986 does not allow unencoded (`<`, `>`, `{`, `"`, `#`, non-ASCII …); the answer is 400 and the connection is closed (CVE-2016-6816 class).',
    fix: 'Make the client percent-encode the character, or list it in the Connector `relaxedPathChars` / `relaxedQueryChars` for legacy clients.',
  },
  SV_ERR_HTTP_METHOD_NOT_ALLOWED: {
    meaning:
      'A TRACE request reached a connector with `allowTrace=false`; it is answered 405 with an `Allow` header and never reaches an application.',
    fix: 'Leave it: TRACE reflects request headers (cookies, credentials) back. Set `allowTrace="true"` only for debugging.',
  },
  SV_ERR_HTTP_WRITE_TIMEOUT: {
    meaning:
      'The response could not be written because the client stopped reading it for longer than `connectionTimeout`; the connection is closed and the response aborted. Logged at debug level.',
    fix: 'Usually a stalled client or an attack; raise `connectionTimeout` only if legitimate clients read that slowly.',
  },
  SV_ERR_HTTP_CLIENT_ABORT: {
    meaning:
      "The connection ended while the request body was still being read, so the application reading it sees this error (Tomcat's ClientAbortException). It is logged at debug level only: it means the client went away.",
    fix: 'Nothing on the server side; a client that gives up (a closed browser tab, a timeout in a proxy) causes it.',
  },
  SV_ERR_HTTP_TRAILER_TOO_LARGE: {
    meaning:
      'The trailer fields after a chunked request body are larger than the Connector `maxTrailerSize`; the answer is 400 and the connection is closed.',
    fix: 'Raise `maxTrailerSize` on the Connector if such trailers are legitimate.',
  },
  SV_ERR_HTTP_MULTIPART_TOO_MANY_PARTS: {
    meaning:
      'A multipart/form-data body has more parts than the Connector `maxPartCount` (a protection against part-flooding, CVE-2023-24998); parsing stops at the first part over the limit, the answer is 400 and the connection is closed.',
    fix: 'Raise `maxPartCount` on the Connector (-1 removes the limit) if forms with that many fields and files are legitimate.',
  },
  SV_ERR_HTTP_MULTIPART_HEADER_TOO_LARGE: {
    meaning:
      'The header section of one part of a multipart/form-data body (Content-Disposition, Content-Type … up to the blank line) is larger than the Connector `maxPartHeaderSize`; the answer is 400 and the connection is closed.',
    fix: 'Raise `maxPartHeaderSize` on the Connector (-1 removes the limit) if clients legitimately send long part headers (for example very long file names).',
  },
  SV_ERR_HTTP_MULTIPART_FILE_TOO_LARGE: {
    meaning:
      "One part of a multipart/form-data body is larger than the `maxFileSize` of the servlet's multipart config; the answer is 413 and the connection is closed.",
    fix: 'Raise `maxFileSize` in @MultipartConfig or `<max-file-size>` of `<multipart-config>` (-1 = no limit).',
  },
  SV_ERR_HTTP_MULTIPART_REQUEST_TOO_LARGE: {
    meaning:
      "A multipart/form-data body (by Content-Length, or while it is read) is larger than the `maxRequestSize` of the servlet's multipart config; the answer is 413 and the connection is closed.",
    fix: 'Raise `maxRequestSize` in @MultipartConfig or `<max-request-size>` of `<multipart-config>` (-1 = no limit).',
  },
  SV_ERR_HTTP_MULTIPART_MALFORMED: {
    meaning:
      'A multipart/form-data body breaks RFC 7578 in a way Serval checks itself: no boundary parameter, a boundary line not followed by CRLF or `--`, a part header line without a name, or the body ended before the closing boundary. The answer is 400 and the connection is closed.',
    fix: 'Fix the client: the body must follow RFC 7578 (each part a header section and content between `--boundary` lines, ended by `--boundary--`).',
  },
  SV_ERR_HTTP_MULTIPART_PARSER: {
    meaning:
      'The multipart parser refused the body (a malformed part header, an unsupported Content-Type parameter); the detail is its own reason. Answered 400.',
    fix: 'A client problem: fix the client that sent the form.',
  },
  SV_ERR_HTTP_MISDIRECTED_REQUEST: {
    meaning:
      "On a TLS connector with strictSni (the default), the Host header of a request selects another SSLHostConfig than the SNI name the client sent in the TLS handshake. Serving it could bypass that SSLHostConfig's settings (such as required client certificates), so the answer is 421 Misdirected Request (RFC 9110 §15.5.20) and the connection is closed; the client may retry on a new connection.",
    fix: 'Have the client send the same host name in SNI and in Host, or set strictSni="false" on the Connector if the SSLHostConfigs may be mixed.',
  },

  // --- ajp ---
  SV_ERR_AJP_SECRET_REQUIRED: {
    meaning:
      'An AJP/1.3 Connector was started without a secret while secretRequired is true (the default since Ghostcat, CVE-2020-1938); it refuses to start.',
    fix: 'Set secret="…" on the Connector and the same value in the web server (mod_proxy_ajp `secret=`, mod_jk `worker.<name>.secret`), or set secretRequired="false" only when the port is reachable from trusted hosts alone.',
  },
  SV_ERR_AJP_BAD_MAGIC: {
    meaning:
      'Bytes arrived on the AJP port that do not start with the AJP packet magic 0x1234: usually an HTTP client or a port scanner talking to the AJP port. The connection is closed.',
    fix: 'Point HTTP clients at the HTTP connector; let only the web server (mod_proxy_ajp, mod_jk) connect to the AJP port.',
  },
  SV_ERR_AJP_PACKET_TOO_LARGE: {
    meaning: 'An AJP packet declared a length beyond the connector packetSize; the connection is closed.',
    fix: 'Use the same packet size on both sides: packetSize on the Connector, `max_packet_size` (mod_jk) or ProxyIOBufferSize (mod_proxy_ajp).',
  },
  SV_ERR_AJP_MALFORMED: {
    meaning:
      'An AJP packet could not be decoded (a string without its NUL, an unknown method, header or attribute code, an unexpected message type, a packet out of place); the connection is closed and the server keeps serving others.',
    fix: 'Usually a web server module bug or a non-AJP client; capture the traffic on the AJP port if it persists.',
  },
  SV_ERR_AJP_TRUNCATED: {
    meaning: 'An AJP message ends inside one of its fields; the connection is closed and the server keeps serving others.',
    fix: 'Usually a web server module bug or a non-AJP client; capture the traffic on the AJP port if it persists.',
  },
  SV_ERR_AJP_BODY_LENGTH_MISMATCH: {
    meaning: 'A request body packet from the web server says it holds more bytes than it does; the connection is closed.',
    fix: 'Usually a web server module bug or a non-AJP client; capture the traffic on the AJP port if it persists.',
  },
  SV_ERR_AJP_BODY_TOO_LONG: {
    meaning:
      "The web server sent more request body than the request's Content-Length announced; the connection is closed rather than let the extra bytes be read as another message.",
    fix: 'Usually a web server module bug or a non-AJP client; capture the traffic on the AJP port if it persists.',
  },
  SV_ERR_AJP_READER_FAILED: {
    meaning:
      'Bytes arrived on an AJP connection whose stream was already found malformed; the stream cannot be resynchronised, so the connection is closed.',
    fix: 'See the error logged for the first bad packet of that connection.',
  },
  SV_ERR_AJP_RESPONSE_STATE: {
    meaning:
      'The container asked to write response body data or END_RESPONSE before the headers or after the end; this is a bug in Serval, and the connection is closed.',
    fix: 'Report it with the log lines around it.',
  },
  SV_ERR_AJP_SECRET_MISMATCH: {
    meaning: 'An AJP request had no secret attribute or a wrong one; it is answered 403 and the connection is closed.',
    fix: 'Configure the same secret in the web server as on the Connector; if the request did not come from your web server, someone else can reach the AJP port: firewall it.',
  },
  SV_ERR_AJP_ATTRIBUTE_NOT_ALLOWED: {
    meaning:
      'An AJP request carried a request attribute the connector does not know and allowedRequestAttributesPattern does not match (or one in a namespace the container reserves); it is answered 403 and the connection is closed.',
    fix: 'Extend allowedRequestAttributesPattern to match the attributes your web server sends on purpose (JkEnvVar / SetEnv AJP_*); container-reserved names (jakarta.servlet.include.* …) can never be set.',
  },

  // --- tls ---
  SV_ERR_TLS_CERTIFICATE: {
    meaning:
      'A TLS Connector could not read or parse a PEM file of one of its Certificate or SSLHostConfig elements (missing or unreadable file, a certificate or key OpenSSL cannot parse); the connector does not start, or a reload keeps the previous certificates. Files that are not PEM, wrong key passwords and keys that do not match have codes of their own.',
    fix: 'Check the named file and attribute: certificateFile, certificateKeyFile (and certificateKeyPassword), certificateChainFile, caCertificateFile or certificateRevocationListFile. `openssl x509 -in cert.pem -noout -text` and `openssl pkey -in key.pem -noout` show whether a file is valid PEM; convert JKS or PKCS12 keystores to PEM first.',
  },
  SV_ERR_TLS_NOT_PEM: {
    meaning: 'A certificate, key, chain, CA or revocation list file has no PEM block ("-----BEGIN …"); node:tls reads PEM only.',
    fix: 'Convert the file to PEM with the openssl command the message gives, and name the PEM file instead.',
  },
  SV_ERR_TLS_NO_PEM_CERTIFICATE: {
    meaning:
      'A certificate chain or CA file is PEM but holds no "-----BEGIN CERTIFICATE-----" block (a key, or a request, instead of certificates).',
    fix: 'Name the file that holds the certificates (the chain from your CA, or the CA certificates clients are verified against).',
  },
  SV_ERR_TLS_KEY_PASSWORD: {
    meaning:
      'The private key is protected by a password, and the Certificate gives none (certificateKeyPassword or certificateKeyPasswordFile) or a wrong one.',
    fix: "Set certificateKeyPassword (or certificateKeyPasswordFile) on the Certificate to the key's password.",
  },
  SV_ERR_TLS_KEY_MISMATCH: {
    meaning: 'The key and the certificate of a Certificate element are not a pair; no client could complete a handshake.',
    fix: 'Name the key the certificate was issued for (compare `openssl x509 -noout -pubkey` with `openssl pkey -pubout`).',
  },
  SV_ERR_TLS_CONFIG: {
    meaning:
      "OpenSSL refused the protocols and ciphers of an SSLHostConfig as a whole, for example a ciphers value that matches no cipher suite, or a protocol range with no usable suite; the detail is OpenSSL's message.",
    fix: "Correct the protocols or ciphers attribute named in the message; `openssl ciphers -v '<value>'` lists what a cipher string selects.",
  },
  SV_ERR_TLS_INVALID_SETTING: {
    meaning:
      'The protocols or ciphers of an SSLHostConfig cannot be turned into a node:tls setting (server.xml is checked when it is read; this guards values set by code or a reload).',
    fix: 'Use a value the message allows; docs/configuration.md lists the syntax of protocols and ciphers.',
  },
  SV_ERR_TLS_UNKNOWN_HOST_CONFIG: {
    meaning: 'reloadSslHostConfigs() was asked to reload a host name the Connector has no SSLHostConfig for.',
    fix: 'Pass one of the known hostName values, or nothing to reload them all.',
  },
  SV_ERR_TLS_NO_DEFAULT_HOST_CONFIG: {
    meaning: 'The SSLHostConfig used for clients that send no (or an unknown) server name does not exist.',
    fix: 'Set defaultSSLHostConfigName on the Connector to the hostName of one of its SSLHostConfig elements.',
  },
  SV_ERR_TLS_HANDSHAKE: {
    meaning:
      'A client connected to a TLS Connector but the handshake failed (plain HTTP sent to the TLS port, no common protocol or cipher, client certificate missing while required, timeout). Logged at debug level; the connection is closed.',
    fix: 'Usually nothing to do on the server. If legitimate clients fail, compare their TLS versions and suites with the protocols and ciphers of the SSLHostConfig.',
  },
  SV_ERR_TLS_HANDSHAKE_TIMEOUT: {
    meaning:
      'A client opened a TLS connection and did not finish the handshake in time (a slow or idle client, or a scan); the connection is closed. Logged at debug level.',
    fix: 'Nothing for a scan; raise connectionTimeout if real clients are that slow.',
  },
  SV_ERR_TLS_CLIENT_CERT_REJECTED: {
    meaning:
      'With certificateVerification="optional" a client presented a certificate that does not verify against caCertificateFile; the connection is closed after the handshake.',
    fix: 'Issue the client a certificate signed by a CA in caCertificateFile, add its CA there, or use certificateVerification="optionalNoCA" to accept any certificate.',
  },
  SV_ERR_TLS_NOT_LOADED: {
    meaning:
      'A TLS connection was accepted before the Connector had read its certificates. The Connector loads them before it binds, so this is a bug.',
    fix: 'Report it with the log lines around it.',
  },

  // --- uri / mapper ---
  SV_ERR_URI_INVALID: {
    meaning:
      'The request path cannot be canonicalised safely: bad %-escape, invalid bytes for URIEncoding, `..` above the root, an encoded `/`, a backslash, NUL or a suspicious segment. Answered with 400; the connection stays open.',
    fix: 'A client problem. If such URIs are legitimate, see the Connector attribute the reason names (`encodedSolidusHandling`, `allowBackslash`, `rejectSuspiciousURIs`, `URIEncoding`).',
  },

  // --- servlet / request processing ---
  SV_ERR_SERVLET_EXCEPTION: {
    meaning:
      'A servlet or filter threw from service()/doFilter(); the request gets a 500 (or the matching error page) and the exception is logged with its stack trace. If the response was already committed, the connection is aborted.',
    fix: 'Fix the application; declare an `<error-page>` in web.xml for a friendlier response.',
  },
  SV_ERR_SERVLET_UNAVAILABLE: {
    meaning:
      'The servlet threw UnavailableException, permanently or for a period; requests to it get 503 until it becomes available again.',
    fix: 'Look at why the servlet marked itself unavailable (usually in its log output or init()).',
  },
  SV_ERR_SERVLET_INIT_FAILED: {
    meaning:
      'A servlet failed in init() (during load-on-startup or its first request). As in Tomcat, the web application keeps running and the servlet is retried on its next request.',
    fix: 'Fix the exception logged with the code (often a missing init-param or resource).',
  },
  SV_ERR_SERVLET_FILTER_CHAIN_REUSED: {
    meaning:
      'A filter called chain.doFilter() twice for the same request (for example once in a try block and again in a catch). The second call is refused, as Tomcat does, because the servlet would run twice on one response.',
    fix: 'Call chain.doFilter() exactly once per request in the filter named in the message; to retry, dispatch the request again instead.',
  },
  SV_ERR_CONTEXT_ALREADY_INITIALISED: {
    meaning:
      'A webapp called a ServletContext method that is only allowed during initialisation (Servlet spec §4.4: setInitParameter and the other configuration methods) after the context had finished starting.',
    fix: 'Move the call into a ServletContainerInitializer or a ServletContextListener.contextInitialized().',
  },
  SV_ERR_SERVLET_NOT_FOUND: {
    meaning:
      'A servlet, filter or listener class named in web.xml or an annotation has no module at `WEB-INF/classes/<a>/<b>.js` (or `.cjs`), or the class name is malformed.',
    fix: 'Check the spelling of the class name and that the compiled module is deployed under WEB-INF/classes.',
  },
  SV_ERR_STATIC_RESOURCE_NOT_FOUND: {
    meaning: 'The default servlet found no file for the path (or the path points into WEB-INF or META-INF); answered with 404.',
    fix: 'Check the URL, or add the file to the web application.',
  },
  SV_ERR_STATIC_INIT_PARAM: {
    meaning: 'An init-param of the default servlet (in conf/web.xml or the webapp web.xml) has a value it does not accept.',
    fix: 'Use one of the allowed values shown in the message.',
  },
  SV_ERR_RESPONSE_COMMITTED: {
    meaning:
      'The application tried to reset the response, change its buffer, sendError(), sendRedirect() or forward after the status and headers were already sent (Servlet spec §5.3).',
    fix: 'Decide on errors and redirects before writing body content, or enlarge the buffer with setBufferSize() so less is committed early.',
  },
  SV_ERR_DISPATCH_FOREIGN_REQUEST: {
    meaning:
      'RequestDispatcher.forward() or include() was given a request object the container did not make and that does not wrap one (Servlet spec §6.2.2 allows only the original request or a ServletRequestWrapper/HttpServletRequestWrapper around it).',
    fix: 'Extend HttpServletRequestWrapper (from serval/servlet) instead of writing a request object from scratch, or pass the request the servlet received.',
  },
  SV_ERR_RESPONSE_WRITER_AND_STREAM: {
    meaning: 'The application called getWriter() after getOutputStream() on the same response, or the other way round (Servlet spec §5.5).',
    fix: 'Use only one of the two per response, including across filters and included servlets.',
  },
  SV_ERR_RESPONSE_BUFFER_SIZE: {
    meaning: 'setBufferSize() was called after body content had been written (Servlet spec §5.1).',
    fix: 'Call setBufferSize() before writing anything to the response.',
  },
  SV_ERR_REQUEST_READER_AND_STREAM: {
    meaning: 'The application called getReader() after getInputStream() on the same request, or the other way round (Servlet spec §3.1).',
    fix: 'Use only one of the two per request; note that reading parameters of a form POST also consumes the body.',
  },
  SV_ERR_REQUEST_BLOCKING_READ_UNSUPPORTED: {
    meaning:
      'A servlet called a synchronous body read (`readAllBytesSync()`, `readSync()`) on a request served by an event-loop connector, where blocking would stop every other request.',
    fix: 'Use `await request.getInputStream().readAllBytes()`, or serve the webapp through a blocking-style connector (`protocol="HTTP/1.1-blocking"` or `org.apache.coyote.http11.Http11Protocol`).',
  },
  SV_ERR_REQUEST_UNSUPPORTED_ENCODING: {
    meaning: 'The request character encoding (from setCharacterEncoding() or the Content-Type charset) is not one Node.js can decode.',
    fix: 'Use a supported charset such as UTF-8 or ISO-8859-1, in the client or in setCharacterEncoding().',
  },
  SV_ERR_REQUEST_HEADER_FORMAT: {
    meaning: 'getDateHeader() or getIntHeader() was called for a header whose value is not a valid HTTP date or integer.',
    fix: 'Catch the error in the application, or read the header with getHeader() and parse it leniently.',
  },
  SV_ERR_REQUEST_NOT_MAPPED: {
    meaning:
      'A request that was not mapped to any Context was asked for something only a mapped request has (a ServletContext, a session).',
    fix: 'A container or valve bug: only touch context-dependent parts of a request after mapping succeeded.',
  },
  SV_ERR_REQUEST_NO_SESSION: {
    meaning: 'An operation that needs a session (such as changeSessionId()) was called on a request that has none.',
    fix: 'Call getSession(true) first, or check getSession(false) for null.',
  },
  SV_ERR_REQUEST_NOT_MULTIPART: {
    meaning:
      'getParts() or getPart() was called on a request whose Content-Type is not multipart/form-data (Servlet spec §3.2: a ServletException).',
    fix: 'Check getContentType() before asking for parts, or send the form with enctype="multipart/form-data".',
  },
  SV_ERR_REQUEST_NO_MULTIPART_CONFIG: {
    meaning:
      'getParts() or getPart() was called in a servlet that declares no multipart config, so the body was not parsed as multipart (Servlet spec §3.2: an IllegalStateException).',
    fix: 'Add @MultipartConfig (or the multipartConfig option of @WebServlet) to the servlet, or `<multipart-config>` to its `<servlet>` in web.xml; or set allowCasualMultipartParsing="true" on the Context.',
  },

  // --- deploy ---
  SV_ERR_DEPLOY_FAILED: {
    meaning:
      'A web application could not be deployed or did not start; the log line carries the error that made it fail (`err`), and the other applications of the Host keep running.',
    fix: 'Read the error logged with it (its own code says what to change), fix it, and touch the webapp to deploy it again.',
  },
  SV_ERR_DEPLOY_CONTEXT_PATH_INVALID: {
    meaning:
      'A web application was registered with a context path the Servlet specification does not allow (configuration paths are checked when server.xml is read; this guards paths made by code).',
    fix: 'Use "" for ROOT or a path like /shop; the webapp directory name ROOT, shop or shop#v2 gives one.',
  },
  SV_ERR_MAPPER_UNKNOWN_HOST: {
    meaning:
      'A web application was added to, or removed from, a Host the request mapper does not know. Hosts are registered as they start, so this is a bug.',
    fix: 'Report it with the log lines around it.',
  },
  SV_ERR_MAPPER_UNKNOWN_CONTEXT: {
    meaning:
      'The mapper was asked to change (pause, resume, add a wrapper to) a web application it has no entry for. Web applications are registered as they start, so this is a bug.',
    fix: 'Report it with the log lines around it.',
  },
  SV_ERR_DEPLOY_TOMCAT_CLASS_NOT_IMPLEMENTED: {
    meaning:
      "A web.xml servlet, filter or listener names a class in Tomcat's own packages (org.apache.catalina, org.apache.jasper, org.apache.tomcat…) that Serval does not implement. Such a class never comes from WEB-INF/classes (Tomcat does not load its own packages from an application), so the application is not deployed.",
    fix: 'Remove the declaration, or replace it with a class of your own in WEB-INF/classes that provides the behaviour.',
  },
  SV_ERR_DEPLOY_WEBXML_INVALID: {
    meaning:
      'WEB-INF/web.xml (or conf/web.xml) is not well-formed or does not follow the deployment descriptor rules; every problem found is listed.',
    fix: 'Correct the descriptor at the reported line and element.',
  },
  SV_ERR_DEPLOY_DUPLICATE_MAPPING: {
    meaning:
      'Two different servlets are mapped to the same url-pattern (in web.xml, annotations or both), which Servlet spec §12.2 forbids.',
    fix: 'Remove one of the mappings; web.xml mappings override the annotation of the same servlet, not of another one.',
  },
  SV_ERR_DEPLOY_SERVLET_SECURITY: {
    meaning:
      'A servlet class declares security in code (@ServletSecurity, @HttpConstraint, @HttpMethodConstraint, @RolesAllowed, @PermitAll, @DenyAll) that cannot be turned into security constraints as written: a contradiction (DENY with roles, two constraints for one method, two of @RolesAllowed/@PermitAll/@DenyAll on one target), a value outside the allowed ones, or a method-level annotation on a method that serves no HTTP method. Deploying while ignoring it would leave the servlet less protected than its author meant.',
    fix: 'Correct the declaration the message names in the class file it names; see docs/webapps.md, "Security declared in code".',
  },
  SV_ERR_DEPLOY_URL_PATTERN_INVALID: {
    meaning:
      'A url-pattern is not one of the forms of Servlet spec §12.2: exact `/a/b`, path prefix `/a/*`, extension `*.ext`, `/` or the empty string.',
    fix: 'Rewrite the pattern in one of those forms; a `*` is only allowed as `/*` at the end or as `*.` at the start.',
  },
  SV_ERR_DEPLOY_MODULE_LOAD: {
    meaning:
      'A module of the web application threw while it was loaded (or Node refused it); the detail is the message of that error, and the cause holds it with its stack.',
    fix: 'Fix the error in the cause; a webapp module may only require files inside its docBase, packages from node_modules folders or WEB-INF/lib inside it, Node builtins and `serval/servlet`.',
  },
  SV_ERR_DEPLOY_LOADER_CLOSED: {
    meaning: 'Code of a stopped (undeployed or reloaded) web application called require() from a timer or callback that outlived it.',
    fix: 'Stop timers and callbacks in contextDestroyed() or Servlet.destroy().',
  },
  SV_ERR_DEPLOY_MODULE_OUTSIDE_DOCBASE: {
    meaning:
      'A require() in the web application, followed through symbolic links, leads out of the webapp; the per-webapp loader loads only files inside it, so one webapp cannot reach another or the container.',
    fix: 'Copy the module into the webapp (WEB-INF/lib or node_modules) instead of linking to it.',
  },
  SV_ERR_DEPLOY_ES_MODULE: {
    meaning:
      'The per-webapp loader runs CommonJS only (architecture decision 3: ES modules cannot be unloaded on redeploy in Node 20). The file is a .mjs file.',
    fix: 'Compile the webapp to CommonJS ("module": "commonjs" in tsconfig.json), rename .mjs files to .js, and remove "type": "module" from the package.json named in the message.',
  },
  SV_ERR_DEPLOY_ES_MODULE_SCOPE: {
    meaning:
      'A .js file of the web application lies in a package whose nearest package.json declares "type": "module", so Node would run it as an ES module; the per-webapp loader runs CommonJS only (architecture decision 3).',
    fix: 'Remove "type": "module" from the package.json named in the message (compile to CommonJS), or name the CommonJS files .cjs.',
  },
  SV_ERR_DEPLOY_PACKAGE_JSON_INVALID: {
    meaning:
      'A require() in the web application needed a package.json (to find "main", "exports" or "type") and that file cannot be parsed; the detail is the JSON parser\'s own reason.',
    fix: 'Fix the JSON syntax at the place the detail names, or reinstall the package that ships the file.',
  },
  SV_ERR_DEPLOY_CLASS_NOT_EXPORTED: {
    meaning:
      'The module for a class was found but exports no class under the expected name (the file name or the `#export` part), nor a default export.',
    fix: 'Export the class under the simple name, as the default export, or name the export explicitly with `module.path#ExportName`.',
  },
  SV_ERR_DEPLOY_BUNDLE_UNSAFE_ENTRY: {
    meaning:
      'A .war/.zip bundle holds an entry that would be written outside its target directory (absolute path, `..` segment, backslash, drive letter), is a symbolic link or a device, or appears twice; the whole bundle is refused before anything is written (zip-slip protection).',
    fix: 'Rebuild the bundle from a plain directory, for example with `bin/catalina bundle <dir>`, which stores relative paths and no links.',
  },
  SV_ERR_DEPLOY_BUNDLE_LIMIT: {
    meaning:
      'A bundle exceeds an unpacking limit: entry count, total uncompressed size, or compression ratio of an entry (zip-bomb protection); nothing is written.',
    fix: 'Make the bundle smaller, deploy the application as a directory, or raise the Host attribute the message names (`maxUnpackEntries`, `maxUnpackedBytes`, `maxUnpackCompressionRatio`) if the bundle is trusted and really that large.',
  },
  SV_ERR_DEPLOY_BUNDLE_CORRUPT: {
    meaning:
      'A bundle cannot be opened as a zip archive (truncated or still being copied, a bad central directory, not a zip at all); the detail is the reason the zip reader or the file system gives. It is not deployed; the Host tries again when the file changes.',
    fix: 'Copy the bundle again (write it beside appBase and rename it into place so it appears whole), or rebuild it.',
  },
  SV_ERR_DEPLOY_BUNDLE_ENTRY_CORRUPT: {
    meaning:
      'One entry of a bundle cannot be read or inflated; the detail is the reason the zip reader, zlib or the file system gave. The bundle is not deployed; the Host tries again when the file changes.',
    fix: 'Copy the bundle again (write it beside appBase and rename it into place so it appears whole), or rebuild it.',
  },
  SV_ERR_DEPLOY_BUNDLE_ENTRY_SIZE: {
    meaning:
      'The data of an entry does not have the size the zip central directory declares (more bytes when inflated, or fewer). Such an entry is refused rather than served: the declared size bounds how much is ever inflated.',
    fix: 'Rebuild the bundle with a standard zip tool or `catalina bundle`, and copy it again.',
  },
  SV_ERR_DEPLOY_BUNDLE_ENTRY_CRC: {
    meaning:
      'The data of an entry does not match its checksum: the bundle was damaged in transit or on disk. The entry is neither unpacked nor served.',
    fix: 'Copy the bundle again from its source, or rebuild it.',
  },
  SV_ERR_DEPLOY_BUNDLE_TRUNCATED: {
    meaning: 'The data of an entry runs past the end of the file: the bundle is incomplete.',
    fix: 'Wait for the copy to finish, or write the bundle beside appBase and rename it into place so it appears whole.',
  },
  SV_ERR_DEPLOY_BUNDLE_NO_LOCAL_HEADER: {
    meaning:
      'The central directory of the bundle points at a place where no entry starts (APPNOTE §4.3.7): the archive was damaged or assembled wrongly.',
    fix: 'Rebuild the bundle with a standard zip tool or `catalina bundle`, and copy it again.',
  },
  SV_ERR_DEPLOY_BUNDLE_ENCRYPTED: {
    meaning: 'The bundle was made with zip encryption; the server holds no password and refuses the bundle.',
    fix: 'Rebuild the bundle without encryption; protect it with file permissions instead.',
  },
  SV_ERR_DEPLOY_BUNDLE_COMPRESSION: {
    meaning:
      'The bundle was made with a compression method other than store or deflate (for example bzip2, LZMA or zstd), which the zip reader cannot inflate.',
    fix: 'Rebuild the bundle with deflate (the default of `zip`, `jar` and `catalina bundle`).',
  },
  SV_ERR_DEPLOY_NATIVE_ADDON: {
    meaning:
      'A web application required a native addon (`.node` file). Webapps cannot load native addons: a shared library can never be unloaded, so every redeploy would leak it.',
    fix: 'Use a pure JavaScript or WebAssembly package instead.',
  },
  SV_ERR_DEPLOY_NATIVE_ADDON_IN_BUNDLE: {
    meaning:
      'Webapp code required a .node file from a web application served straight from its bundle; webapps cannot load native addons at all (one could never be unloaded on undeploy or reload).',
    fix: 'Use a pure JavaScript alternative, or move the native code out of the webapp (a separate service the webapp talks to).',
  },
  SV_ERR_DEPLOY_ARCHIVE_CLOSED: {
    meaning:
      'Code of a web application served from its bundle (`unpackWARs="false"`) read a file after the application was stopped or undeployed; the archive is closed at stop (and reopened by a reload or redeploy).',
    fix: "Do not keep reading the webapp's files from timers or callbacks that outlive it: stop them in `contextDestroyed`.",
  },
  SV_ERR_DEPLOY_BUNDLE_ZIP_LIMIT: {
    meaning:
      '`catalina bundle` was asked to pack a webapp that does not fit a plain zip archive: more than 65535 entries, or a file or archive offset past 4 GiB.',
    fix: 'Move large files (media, data sets) out of the webapp and serve them from elsewhere, or deploy the directory itself instead of a bundle.',
  },
  SV_ERR_DEPLOY_BUNDLE_NOT_DIRECTORY: {
    meaning: '`catalina bundle` packs a webapp directory into a .war; the path given does not exist or is a file.',
    fix: 'Pass the directory that holds the webapp (the one with WEB-INF), not a file inside it or an existing bundle.',
  },
  SV_ERR_DEPLOY_BUNDLE_SOURCE_SYMLINK: {
    meaning:
      '`catalina bundle` found a symbolic link in the webapp directory; a bundle with one would be refused when deployed (SV_ERR_DEPLOY_BUNDLE_UNSAFE_ENTRY), so none is written.',
    fix: 'Replace the link by a copy of the file or directory it points to.',
  },
  SV_ERR_DEPLOY_RELOAD_FAILED: {
    meaning:
      'The main thread reloaded a web application and asked each worker thread of a blocking-style connector to do the same; on this worker the new generation did not start. The detail is the innermost error of the failed start.',
    fix: 'Fix the error the detail names (it is logged in full just before), then touch the webapp again to reload it.',
  },

  // --- session ---
  SV_ERR_SESSION_INVALIDATED: {
    meaning: 'A method was called on an HttpSession after invalidate() or expiry (Servlet spec §7.3, IllegalStateException).',
    fix: 'Do not keep session references across requests; call request.getSession() again.',
  },
  SV_ERR_SESSION_TOO_MANY_ACTIVE: {
    meaning: 'A new session was refused because the Context Manager already holds `maxActiveSessions` active sessions.',
    fix: 'Raise `maxActiveSessions` on the Manager, shorten the session timeout, or avoid creating sessions for anonymous traffic.',
  },
  SV_ERR_SESSION_ID_GENERATION: {
    meaning:
      'The session id generator produced only ids that are already in use, several times in a row; practically impossible unless the id length is tiny.',
    fix: 'Increase `sessionIdLength` of the Manager.',
  },
  SV_ERR_SESSION_LISTENER_FAILED: {
    meaning: 'An HttpSessionListener or HttpSessionAttributeListener threw; the error is logged and the session operation continues.',
    fix: 'Fix the listener named in the message.',
  },
  SV_ERR_SESSION_ATTRIBUTE_NOT_CLONEABLE: {
    meaning:
      'On a blocking-style connector sessions are owned by the main thread and shared by every worker thread; setAttribute() was given a value the structured clone algorithm cannot copy (a function, a socket, an object holding one).',
    fix: 'Store plain data (objects, arrays, strings, numbers, Maps, Dates, Buffers) in the session; class instances arrive as plain objects in the other threads.',
  },
  SV_ERR_CONTEXT_NOT_STARTED: {
    meaning:
      'Something asked a Context for a part that exists only while it is started (its authenticator), between a stop and the next start.',
    fix: 'A bug in Serval or in a component that kept a stopped Context: report it with the stack trace.',
  },
  SV_ERR_SESSION_MANAGER_UNAVAILABLE: {
    meaning:
      'Code asked a web application for its session manager while the application was not started (before start, after stop, or while a reload swapped it).',
    fix: 'Do not use sessions from timers or callbacks that outlive the web application; stop them in contextDestroyed().',
  },
  SV_ERR_SESSION_FORMAT_NOT_JSON: {
    meaning: 'A stored session (a file, a row, a key) is not JSON: it was truncated, edited, or written by something else.',
    fix: 'Nothing to do for the server, which goes on without that session (the user logs in again); look for what else writes there.',
  },
  SV_ERR_SESSION_FORMAT_VERSION: {
    meaning:
      'A stored session names another format or a version this Serval does not read (written by a newer Serval, or not a Serval session at all).',
    fix: 'Run the same or a newer Serval on every instance that shares the store; a newer Serval reads every older version.',
  },
  SV_ERR_SESSION_VALUE_NOT_STORABLE: {
    meaning:
      'A session attribute holds something a stored session cannot carry: a function, a symbol, a value that contains itself, or an instance of a class the application did not register with a SessionType (stored sessions carry data, never code).',
    fix: 'Store plain data (objects, arrays, Dates, Maps, Sets, Buffers, typed arrays), or register the class with sessionType() from serval/servlet so it can be rebuilt.',
  },
  SV_ERR_SESSION_TYPE_NOT_REGISTERED: {
    meaning:
      'A stored session holds an instance of a SessionType by a name the application no longer registers (it was renamed or removed).',
    fix: 'Keep the SessionType name stable across versions of the application, or accept that the attribute is dropped.',
  },
  SV_ERR_SESSION_FORMAT_MALFORMED: {
    meaning:
      'A stored session is JSON of the right format but a value in it has the wrong shape, an unknown tag, or nests too deep: it was edited by hand or crafted. It is refused whole, never read in part, and never runs code.',
    fix: 'Nothing to do for the server; find out who can write to the session store.',
  },

  // --- startup / cli ---
  SV_ERR_REALM_USERS_FILE: {
    meaning:
      "A MemoryRealm or UserDatabase could not read its users file (tomcat-users.xml) when it started. The detail is the operating system's message.",
    fix: 'Check the `pathname` attribute (relative paths resolve against CATALINA_BASE) and that the user running Serval may read the file.',
  },
  SV_ERR_REALM_USERS_ROOT: {
    meaning: 'The users file is well-formed XML but its root element is not `<tomcat-users>`, so it is not a users file.',
    fix: 'Point `pathname` at a tomcat-users.xml, or wrap the users in `<tomcat-users>`.',
  },
  SV_ERR_REALM_USERS_MISSING_ATTRIBUTE: {
    meaning:
      "A `<user>` without `username` (or Tomcat's older `name`), a `<role>` without `rolename` or a `<group>` without `groupname` names nobody.",
    fix: 'Add the attribute at the reported line, or remove the element.',
  },
  SV_ERR_REALM_USERS_DUPLICATE: {
    meaning:
      'A user, role or group is declared twice in the users file. Tomcat silently keeps the last one; Serval refuses, because two passwords or role lists for one name are a mistake whose outcome nobody chose.',
    fix: 'Keep one declaration of the name and merge the roles into it.',
  },
  SV_ERR_REALM_USERS_RELOAD_FAILED: {
    meaning:
      'A UserDatabase saw its users file change (on the background check) and could not load the new content; the cause says why (syntax, a missing attribute, a duplicate). The users loaded before stay in effect; the file is read again once it changes again.',
    fix: 'Fix the file as the cause says; the next background check after the change (Engine backgroundProcessorDelay) picks it up without a restart.',
  },
  SV_ERR_REALM_CREDENTIAL_ALGORITHM: {
    meaning:
      'A CredentialHandler was given an algorithm it cannot compute: a digest node:crypto does not offer for MessageDigestCredentialHandler, or a PBKDF2 variant other than PBKDF2WithHmacSHA1/SHA224/SHA256/SHA384/SHA512 for SecretKeyCredentialHandler.',
    fix: "Use one of the algorithms the message lists (Tomcat's Java names such as SHA-256 or PBKDF2WithHmacSHA512 are accepted as written).",
  },
  SV_ERR_REALM_CREDENTIAL_ATTRIBUTE: {
    meaning:
      'A CredentialHandler attribute is out of range: iterations below 1, a negative saltLength, a keyLength that is not a positive multiple of 8, an encoding Node cannot convert with, a PBKDF2 or scrypt handler without salt, or scrypt cost parameters beyond what can be computed.',
    fix: 'Use a value within the range the message gives; the defaults (docs/security.md) are sound.',
  },
  SV_ERR_REALM_CREDENTIAL_HANDLER_UNKNOWN: {
    meaning: 'A CredentialHandler class name (`catalina digest -h`, or a CredentialHandler className) names no handler Serval has.',
    fix: "Use one of the names the message lists; Tomcat's full class names and the short names both work.",
  },
  SV_ERR_REALM_NESTED_HANDLER_EMPTY: {
    meaning:
      'A NestedCredentialHandler was asked to create a stored credential, which it delegates to its first nested handler, but it has none (Tomcat returns null here).',
    fix: 'Nest at least one CredentialHandler inside the NestedCredentialHandler; the first one creates new credentials.',
  },
  SV_ERR_DEPLOY_AUTH_METHOD: {
    meaning:
      "The application's `<login-config>` names an auth-method Serval does not enforce. Serving it anyway would leave the resources its constraints protect without a way to log in, so it is not deployed.",
    fix: 'Use BASIC, FORM, DIGEST or CLIENT-CERT (Servlet 6.0 §13.6), as the message lists for this version.',
  },
  SV_ERR_DEPLOY_FORM_LOGIN_PAGE: {
    meaning: 'A FORM `<login-config>` lacks its `<form-login-page>` or `<form-error-page>`, or one does not start with "/".',
    fix: 'Give both pages as paths inside the application, e.g. `/login.html` and `/login-failed.html`.',
  },
  SV_ERR_DEPLOY_DIGEST_UNSUPPORTED: {
    meaning:
      'The application asks for DIGEST login, but its realm cannot check a digest: DIGEST needs the clear-text password or a stored H(user:realm:password), and a salted or iterated credential (SecretKeyCredentialHandler, scrypt, a salted MessageDigest) is neither. Deployed, nobody could log in.',
    fix: 'Use FORM or BASIC over TLS with hashed credentials (recommended), or give the realm a MessageDigestCredentialHandler with saltLength="0" iterations="1" whose stored values are H(user:realm:password).',
  },
  SV_ERR_DEPLOY_X509_RETRIEVER: {
    meaning:
      "The realm's X509UsernameRetrieverClassName names a class Serval does not know, so client certificates could not be turned into user names.",
    fix: "Use one of the classes the message lists (Tomcat's X509SubjectDnRetriever is the default).",
  },
  SV_ERR_AUTH_ALREADY_LOGGED_IN: {
    meaning: 'An application called request.login() for a request that already has a user (ServletException in Java).',
    fix: 'Call request.logout() first, or check request.getUserPrincipal() before logging in.',
  },
  SV_ERR_AUTH_LOGIN_FAILED: {
    meaning:
      'request.login() was given a user name and password the realm does not accept. It does not say whether the user exists, so it cannot be used to find user names.',
    fix: 'Show the user a login failure; check the realm (tomcat-users.xml, the database) when a known user cannot log in.',
  },
  SV_ERR_NAMING_RESOURCE_NOT_FOUND: {
    meaning:
      'A realm (`resourceName`, `dataSourceName`) names a resource that `<GlobalNamingResources>` in server.xml does not declare, or declares with another type. The realm cannot start; the container it belongs to does not start.',
    fix: 'Declare the resource in `<GlobalNamingResources>` with that name and type, or correct the name in the realm.',
  },
  SV_ERR_REALM_UNAVAILABLE: {
    meaning:
      'The realm could not ask its backend (a PostgreSQL server, an LDAP directory) whether the credentials are right: the server is down, refused the connection or did not answer in time. Nobody is authenticated through the realm meanwhile; the request is answered 503.',
    fix: "Bring the backend back or fix the realm's connection settings; authentication works again at the next request, without a restart.",
  },
  SV_ERR_CONFIG_RESOURCE_TYPE_NOT_IMPLEMENTED: {
    meaning:
      '`<GlobalNamingResources>` declares a `<Resource>` of a type Serval does not build (a mail session, a JavaBean…). Serval has a minimal naming layer for the resources realms use, not full JNDI, so the resource is skipped; it grants nothing by itself.',
    fix: 'Nothing is required when nothing uses it; remove the Resource to silence the warning.',
  },
  SV_ERR_SECURITY_DIGEST_ATTRIBUTE: {
    meaning:
      'A DIGEST authenticator attribute that bounds its nonces (nonceValidity, nonceCountWindowSize, nonceCacheSize) is not a whole number of at least 1, or its key is empty.',
    fix: 'Give the attribute a positive whole number (milliseconds for nonceValidity), or leave it out for the default; leave key out for a random one.',
  },
  SV_ERR_NAMING_INVALID_VALUE: {
    meaning:
      'An attribute of a `<Resource type="javax.sql.DataSource">` (or a parameter of its url) has a value Serval cannot honour with the pg driver: not a number, out of range, or a setting PostgreSQL has no equivalent of. The server does not start.',
    fix: 'Use one of the allowed values the message lists; docs/security.md maps every DBCP attribute and url parameter.',
  },
  SV_ERR_NAMING_UNKNOWN_ATTRIBUTE: {
    meaning:
      'A DataSource Resource has an attribute that is neither a DBCP 2 BasicDataSource attribute nor a common Resource attribute. DBCP 1 names (maxActive, maxWait) are refused with their new name, since ignoring them would silently change the pool.',
    fix: 'Rename or remove the attribute.',
  },
  SV_ERR_NAMING_URL_SYNTAX: {
    meaning: 'The url of a DataSource Resource is not a single-host PostgreSQL JDBC URL in pgjdbc syntax.',
    fix: 'Write it as jdbc:postgresql://host:port/database?parameters, with one host.',
  },
  SV_ERR_NAMING_URL_PARAMETER: {
    meaning:
      'The url (or connectionProperties) of a DataSource Resource has a pgjdbc parameter Serval does not map to pg, so what it asks for would not happen.',
    fix: 'Remove it, or use one of the supported parameters the message lists.',
  },
  SV_ERR_NAMING_CONFLICT: {
    meaning:
      'Two settings of a DataSource Resource say different things about the same matter, so honouring one would silently drop the other.',
    fix: 'Keep one of them, as the message says.',
  },
  SV_ERR_NAMING_TYPE: {
    meaning: 'A Resource was handed to the DataSource factory with another type.',
    fix: 'Give the Resource type="javax.sql.DataSource", or use the factory for its type.',
  },
  SV_ERR_NAMING_SSL_FILE: {
    meaning:
      'The CA certificate file named by the sslrootcert url parameter of a DataSource Resource cannot be read, so the server certificate could not be verified.',
    fix: 'Point sslrootcert at a readable PEM file.',
  },
  SV_ERR_REALM_SQL_IDENTIFIER: {
    meaning:
      "A table or column name of a DataSourceRealm is not a plain SQL name. Names are quoted into the realm's queries, so only names that cannot change the statement are accepted (Tomcat pastes them in as written).",
    fix: 'Use the table or column name itself, optionally schema-qualified; write "MixedCase" in double quotes to keep its case.',
  },
  SV_ERR_REALM_DATASOURCE_ATTRIBUTE_MISSING: {
    meaning: 'A DataSourceRealm lacks an attribute it needs to build its queries.',
    fix: 'Add the attribute the message names.',
  },
  SV_ERR_REALM_JNDI_ATTRIBUTE: {
    meaning:
      'A JNDIRealm attribute has a value Serval cannot use: a URL that is not ldap:// or ldaps:// (or carries a DN), a userPattern whose parentheses do not balance, an authentication other than simple or none, referrals other than ignore, a connectionName without a password, a negative limit. The realm is not created.',
    fix: 'Set the attribute to one of the allowed values the message lists (docs/security.md, JNDIRealm).',
  },
  SV_ERR_REALM_JNDI_CONNECTION_LOST: {
    meaning:
      'A pooled connection to the directory closed during an authentication. Serval does not let the LDAP client reopen it in place, since the new socket would have neither StartTLS nor the bind; the connection is dropped and the work retried once on a new one.',
    fix: 'Nothing when it is rare (a directory restart); otherwise check the network and the directory, or its idle timeout.',
  },
  SV_ERR_REALM_JNDI_POOL_CLOSED: {
    meaning: 'An authentication reached a JNDIRealm that was being stopped; its connections are closed.',
    fix: 'Nothing: the request is refused while the realm stops.',
  },
  SV_ERR_REALM_JNDI_NO_USER_LOOKUP: {
    meaning: 'A JNDIRealm has neither userPattern nor userSearch, so it has no way to find a user; the realm is not created.',
    fix: 'Set userPattern (e.g. `uid={0},ou=people,dc=example,dc=com`) or userSearch with userBase (e.g. `(uid={0})`).',
  },
  SV_ERR_STARTUP_BIND: {
    meaning: 'A Connector could not listen on its address and port (already in use, not permitted, address not local).',
    fix: 'Stop the other process on that port, or change the `port`/`address` of the Connector (or `portOffset`); ports below 1024 need privileges.',
  },
  SV_ERR_STARTUP_SHUTDOWN_PORT: {
    meaning: '`catalina stop` could not deliver the shutdown command: the port is disabled or nothing is listening there.',
    fix: 'Check that the server is running and that Server `port`/`address` match; with the port disabled, stop the process with a signal (CATALINA_PID).',
  },
  SV_ERR_STARTUP_SHUTDOWN_BIND: {
    meaning:
      "The Server's shutdown port is taken (often by another Serval or Tomcat) or the address is not local, so the server cannot start.",
    fix: 'Stop the other server, or give Server another port (port="-1" disables the shutdown port).',
  },
  SV_ERR_STARTUP_NEW_APP: {
    meaning:
      '`catalina new-app <name>` refused to write the template: the name is not a valid webapp base name (letters, digits, `.`, `_`, `-`, `#` for `/`, `##` before a version; not starting with `.`).',
    fix: 'Pick another name; `--dir` creates the app in another directory.',
  },
  SV_ERR_STARTUP_NEW_APP_EXISTS: {
    meaning: '`catalina new-app` does not overwrite: the directory it would write is already there.',
    fix: 'Choose another name, or remove the directory first.',
  },
  SV_ERR_STARTUP_NOT_LOADED: {
    meaning: 'An embedding program used the server or logger of a Catalina object before loading its configuration.',
    fix: 'Call load() (or start(), which loads) before using Catalina.server or Catalina.logger.',
  },
  SV_ERR_STARTUP_PACKAGE_JSON_MISSING: {
    meaning: 'Serval reads its own name and version from its package.json at startup and did not find it where the installation puts it.',
    fix: 'Reinstall Serval (npm install), or run it from its package directory rather than from copied files.',
  },
  SV_ERR_STARTUP_PID_FILE_EXISTS: {
    meaning: '`catalina start` found a PID file (CATALINA_PID) naming a process that is still alive.',
    fix: 'Stop the running server first; if that process is not Serval, remove the stale file.',
  },
  SV_ERR_STARTUP_PID_FILE_IO: {
    meaning: 'The PID file named by CATALINA_PID could not be read, written or removed.',
    fix: 'Check that its directory exists and is writable by the user running Serval.',
  },
  SV_ERR_STARTUP_START_FAILED: {
    meaning:
      '`catalina start` launched the server in the background but it exited during startup; the message shows how it ended and the last lines it wrote.',
    fix: 'Read the output shown in the message (the end of catalina.out); it holds the real startup error.',
  },
  SV_ERR_STARTUP_SPAWN_FAILED: {
    meaning: '`catalina start` could not create the background server process (node not found, no permission, out of processes).',
    fix: 'Fix what the message names; `catalina run` starts the server in the foreground and shows the same error directly.',
  },
  SV_ERR_WORKER_START_FAILED: {
    meaning:
      'A worker thread of a blocking-style connector could not build its container tree; the detail is the error it failed with. A connector whose first workers fail does not start.',
    fix: "Read the cause in the message and the worker's log lines before it; it usually is a webapp or configuration error that the main thread logs too.",
  },
  SV_ERR_WORKER_START_TIMEOUT: {
    meaning:
      'A worker thread of a blocking-style connector did not finish building its container tree in time (a webapp whose startup blocks, or an overloaded machine).',
    fix: 'Look at what the webapps do at startup (contextInitialized, load-on-startup servlets); the main thread logs their errors too.',
  },
  SV_ERR_WORKER_EXITED_AT_START: {
    meaning:
      'A worker thread of a blocking-style connector ended while building its container tree, without reporting an error (process.exit() in webapp code, or a fatal error).',
    fix: 'Run the server with the event-loop connector to see the webapp start on the main thread, or look for process.exit() in webapp code.',
  },
  SV_ERR_WORKER_CRASHED: {
    meaning:
      'A worker thread ended with an uncaught error while it served requests; those requests got a 500, or their connection was closed if the response had started. A new worker replaces it; other connections are not affected.',
    fix: 'Find the application code that exits or throws outside a request (timers, event handlers) in the stack trace logged with the error.',
  },
  SV_ERR_WORKER_EXITED: {
    meaning:
      'A worker thread of a blocking-style connector ended without an error of its own (webapp code called process.exit(), or the thread was terminated). The requests it held get a 500, or their connection is closed if the response had started.',
    fix: 'Look for process.exit() in webapp code; StuckThreadDetectionValve logs SV_ERR_WORKER_INTERRUPTED when it is the one that terminated the thread.',
  },
  SV_ERR_WORKER_POOL_STOPPED: {
    meaning: 'A connection asked for a worker thread while the pool was stopping, or after every worker failed to start.',
    fix: 'Expected during shutdown; otherwise see the SV_ERR_WORKER_START_FAILED error before it.',
  },
  SV_ERR_WORKER_CALL_TIMEOUT: {
    meaning:
      'A worker thread of a blocking-style connector asked the main thread (for a session, say) and waited in vain: the main thread is blocked or overloaded.',
    fix: 'Look for what blocks the main thread (a long synchronous task in an event-loop webapp); the request that waited fails with this error.',
  },
  SV_ERR_WORKER_SESSION_OWNER_MISSING: {
    meaning:
      'Sessions of blocking-style connectors live on the main thread; a worker asked for those of a web application the main thread has no longer (it was undeployed meanwhile).',
    fix: 'Nothing if it happens during an undeploy; otherwise report it with the log lines around it.',
  },
  // --- blocking style: realms and session notes shared with worker threads ---
  SV_ERR_WORKER_REALM_OWNER_MISSING: {
    meaning:
      'Realms of blocking-style connectors live on the main thread, one per container; a worker asked the realm of a Host or web application the main thread has no longer (it was undeployed meanwhile).',
    fix: 'Nothing if it happens during an undeploy (the request gets a 500); otherwise report it with the log lines around it.',
  },
  SV_ERR_WORKER_SIGN_ON_OWNER_MISSING: {
    meaning:
      "The table of single sign-ons of blocking-style connectors is the main thread's SingleSignOn valve; a worker asked the valve of a Host or Engine the main thread does not have.",
    fix: 'Report it with the log lines around it: worker threads build their Hosts and valves from the same server.xml as the main thread.',
  },
  SV_ERR_SESSION_NOTE_NOT_CLONEABLE: {
    meaning:
      "On a blocking-style connector a session's notes (what the container keeps with it: the logged-in user, a FORM login's saved request) cross between threads like its attributes; a note was given a value the structured clone algorithm cannot copy.",
    fix: 'A custom authenticator or valve must keep plain data in session notes; report it if a built-in one did.',
  },
  SV_ERR_WATCHDOG_LOOP_BLOCKED: {
    meaning:
      "The watchdog thread saw no heartbeat from the event loop for longer than the Server's loopBlockedThresholdMs; the named application's servlet, filter or callback (for that request) was running when the loop last ran, so it is what holds the loop. No other request is served meanwhile. Logged once per stall.",
    fix: 'Find the synchronous loop or long computation in that code (an endless loop never ends: `catalina stop` ends the process after stopTimeoutMs); move CPU-bound work to a blocking-style connector or a worker thread.',
  },
  SV_ERR_WATCHDOG_LOOP_BLOCKED_UNKNOWN: {
    meaning:
      'As SV_ERR_WATCHDOG_LOOP_BLOCKED, but no application code was known to be running: the container itself, a module being loaded, or application code reached some other way (an event emitter callback) holds the loop.',
    fix: 'Take a CPU profile or a core dump (`kill -ABRT`) of the process to see what runs; report it if it is the container.',
  },
  SV_ERR_WATCHDOG_STOP_TIMEOUT: {
    meaning:
      "A stop began (the shutdown command, SIGTERM or SIGINT) but the process was still running after the Server's stopTimeoutMs: the event loop is blocked or something keeps the stop from finishing. The watchdog thread ends the process with SIGKILL (exit status 137).",
    fix: 'Look for an SV_ERR_WATCHDOG_LOOP_BLOCKED line before it; raise stopTimeoutMs if a graceful stop needs longer to drain requests.',
  },
  SV_ERR_WATCHDOG_FAILED: {
    meaning:
      'The watchdog thread exited or threw: the server keeps serving, without blocked-loop reports, the stop bound or the shutdown port.',
    fix: 'Restart the server when convenient; report the message, which is a bug in Serval.',
  },
  SV_ERR_WATCHDOG_SCRIPT_MISSING: {
    meaning:
      'The watchdog thread runs the compiled `dist/startup/watchdog-thread.js`, which is missing (running from sources without a build).',
    fix: 'Run `npm run build`.',
  },
  SV_ERR_STARTUP_SECURITY_INACTIVE: {
    meaning:
      '`catalina run -security` was started as `node bin/catalina …`: Node cannot turn its permission model on for a running process, so the flags must be on the node command line.',
    fix: 'Run `bin/catalina run -security` (the shell script), or `catalina start -security`, which start node with the flags.',
  },
  SV_ERR_STARTUP_SECURITY_CHECK: {
    meaning:
      "At startup under -security the server checks that Node's permission model grants exactly what the flags asked for (CATALINA_BASE readable, /etc/passwd not, workers allowed, child processes not). This Node reads the flags differently (their syntax changed within Node 20), so the server refuses to run with permissions it cannot vouch for.",
    fix: 'Use Node 20.19 or later (20.20 is tested); see the README section on -security.',
  },
  SV_ERR_WORKER_SCRIPT_MISSING: {
    meaning:
      'Worker threads run the compiled entry script `dist/startup/worker-main.js`, which is missing (running from sources without a build).',
    fix: 'Run `npm run build`.',
  },
  SV_ERR_WORKER_NOT_A_THREAD: {
    meaning:
      "The worker entry script was started with `node` directly (or imported) instead of by a blocking-style connector's worker pool.",
    fix: 'Start Serval with `bin/catalina run`; the worker pool starts this script itself.',
  },
  SV_ERR_WORKER_TREE_NOT_STARTED: {
    meaning:
      'A worker thread of a blocking-style connector built its own Engine tree from the configuration and that tree did not start; the errors that made it fail are logged before this one.',
    fix: 'Fix the errors logged before this one (usually the same failure the main thread reported for that component).',
  },
  SV_ERR_WORKER_UNKNOWN_HOST: {
    meaning:
      "The main thread asked the worker threads to deploy, undeploy or reload a web application of a Host the worker's own tree does not have. The trees are built from the same configuration, so this is a bug.",
    fix: "Report it with the log lines around it; restarting the server rebuilds every worker's tree.",
  },
  SV_ERR_WORKER_DEPLOYMENT_TIMEOUT: {
    meaning:
      'A worker thread of a blocking-style connector did not confirm a deployment step in time, typically because a request on it is stuck in a busy loop.',
    fix: 'Look for stuck requests on that worker (StuckThreadDetectionValve reports them); the worker is replaced if it crashes, and its replacement builds the tree from the files as they are.',
  },
  SV_ERR_WORKER_REQUEST_WITHOUT_CONNECTION: {
    meaning:
      'The first request a worker thread receives on a connection must carry that connection; this one did not. It is a bug in the worker protocol; the worker ends and is replaced.',
    fix: 'Report it with the log lines around it; the worker pool replaces the worker by itself.',
  },
  SV_ERR_WORKER_RESPONSE_ABORTED: {
    meaning:
      'Code on a worker thread aborted the response it was writing (an error after the response started, or an explicit abort); the detail is the message of the error that did it.',
    fix: 'Look at the servlet error logged by the worker thread for that request and fix it.',
  },
  SV_ERR_WORKER_INTERRUPTED: {
    meaning:
      'A request on a blocking-style connector ran longer than the interruptThreadThreshold of a StuckThreadDetectionValve; as a thread cannot be interrupted in Node, its worker was terminated and is replaced.',
    fix: 'Find out why the request ran so long (an endless loop, a blocking call without timeout), or raise interruptThreadThreshold.',
  },
  SV_ERR_WORKER_EXITED_MID_RESPONSE: {
    meaning:
      'The worker thread serving a request ended after the response had started, so no error page can be sent; the client sees a truncated response.',
    fix: 'See SV_ERR_WORKER_CRASHED, logged just before, for why the worker ended.',
  },
  SV_MSG_REALM_LOCKED_USER: {
    meaning:
      'Warning: LockOutRealm refused a login for a user who failed failureCount times within lockOutTime seconds. The client gets the same answer as for a wrong password; this line is the only place the lock shows.',
    fix: 'Nothing if it was an attack. A legitimate user waits lockOutTime seconds after the last failure (each failed attempt restarts the wait), or an administrator calls unlock().',
  },
  SV_MSG_REALM_LOCKOUT_CACHE_EVICTION: {
    meaning:
      'Warning: LockOutRealm remembers at most cacheSize users with failed logins; to record a new one it forgot the least recently used one, whose failures were more recent than cacheRemovalWarningTime seconds. Many distinct user names failing is typical of an attack spread over names.',
    fix: 'Raise cacheSize (each entry is small) so that locks are kept for as long as lockOutTime.',
  },
  SV_MSG_SESSIONS_RESTORED: {
    meaning: 'An application started with the sessions it had when it stopped (a reload, or a restart with the Manager pathname).',
    fix: 'Nothing; set `<Manager pathname=""/>` to start without the sessions of the previous run.',
  },
  SV_MSG_SESSION_FILE_UNREADABLE: {
    meaning:
      'The Manager pathname file was truncated, edited or crafted: no session of it is restored (never part of one) and the application starts with none.',
    fix: 'Users log in again. Look at the moved file and at who can write to the work directory.',
  },
  SV_MSG_SESSION_FILE_NOT_WRITTEN: {
    meaning: 'At stop, the sessions could not be written to the Manager pathname file (a full disk, permissions).',
    fix: 'Make the application\'s work directory writable, or set `<Manager pathname=""/>` if sessions need not outlive a restart.',
  },
  SV_MSG_SESSION_ATTRIBUTE_NOT_SAVED: {
    meaning:
      'A session was saved (a reload, a restart) without one of its attributes: a filter of the Manager left it out, or it cannot be stored (docs/session-format.md).',
    fix: 'Store plain data or register the class with a SessionType; adjust sessionAttributeNameFilter / sessionAttributeValueClassNameFilter.',
  },
  SV_MSG_REALM_USERS_RELOADED: {
    meaning: 'A UserDatabase saw its users file change on the background check and now serves the new users, roles and groups.',
    fix: 'Nothing: informational.',
  },
  SV_MSG_NAMING_CONNECTION_DROPPED: {
    meaning:
      'A pooled PostgreSQL connection of a DataSource failed while idle (the server restarted or the network dropped it). It is removed from the pool; the server keeps running.',
    fix: 'Nothing if the database was restarted on purpose; otherwise look at the database server and the network.',
  },
  SV_MSG_NAMING_WARM_UP_FAILED: {
    meaning:
      'A DataSource with initialSize could not open its first connections when it was created. Nothing fails: connections are opened when first needed.',
    fix: 'Check that the database is up and the url, username and password are right.',
  },
  SV_MSG_REALM_JNDI_USER_NOT_UNIQUE: {
    meaning:
      "A JNDIRealm's userSearch matched several entries for one user name, so the realm cannot tell which one is meant and authenticates none (as Tomcat does).",
    fix: 'Make the userSearch filter or userBase select one entry per user name.',
  },
  SV_MSG_STUCK_REQUEST_DETECTED: {
    meaning:
      "Warning from StuckThreadDetectionValve: a request has been running longer than the valve's threshold. It is logged once per request; on a blocking-style connector the main thread watches the worker threads, on the event-loop connector the check only runs when the event loop gets a turn.",
    fix: 'Find why the servlet at that URI takes so long (a loop, a blocking call without a timeout, a slow backend); raise threshold if such requests are expected.',
  },
  SV_MSG_STUCK_REQUEST_COMPLETED: {
    meaning: 'Information from StuckThreadDetectionValve: a request reported as stuck has finished after all.',
    fix: 'Nothing to do; see the SV_MSG_STUCK_REQUEST_DETECTED warning before it for the slow request.',
  },
  SV_MSG_STUCK_REQUEST_INTERRUPTED: {
    meaning:
      'Warning from StuckThreadDetectionValve: a request ran longer than interruptThreadThreshold on a worker thread, so that thread was terminated (it stops even a busy loop). The request got a 500, or its connection was closed if its response had started; a new worker replaces the thread and other connections are not affected.',
    fix: 'Fix the servlet that never finishes at that URI. Anything else that the terminated thread held in memory (application-scope attributes) is lost.',
  },
  // --- messages ---
  SV_MSG_STARTUP_STARTED: {
    meaning:
      'Information: the server started; the message is the startup summary (components, connectors and their addresses, deployed webapps, time taken).',
    fix: 'Nothing to do.',
  },
  SV_MSG_STARTUP_STOPPED: {
    meaning: 'Information: the server stopped after draining connectors and stopping every webapp.',
    fix: 'Nothing to do.',
  },
  SV_MSG_STARTUP_SIGNAL: {
    meaning: 'Information: SIGTERM or SIGINT arrived and the server is stopping gracefully.',
    fix: 'Nothing to do; `catalina stop` or the shutdown port stop it the same way.',
  },
  SV_MSG_WATCHDOG_LOOP_RESUMED: {
    meaning: 'Information: the event loop reported by SV_ERR_WATCHDOG_LOOP_BLOCKED runs again; the message gives how long it was held.',
    fix: 'See SV_ERR_WATCHDOG_LOOP_BLOCKED.',
  },
  SV_MSG_WATCHDOG_MAIN_STACK: {
    meaning:
      'Information, after SV_ERR_WATCHDOG_LOOP_BLOCKED: the watchdog thread paused the main thread through the inspector (Session.connectToMainThread, Debugger.pause), read where it was and let it go on. The `stack` field holds the frames.',
    fix: 'Look at the innermost frames of the webapp named in SV_ERR_WATCHDOG_LOOP_BLOCKED: that is the code holding the loop.',
  },
  SV_MSG_WATCHDOG_STACK_UNAVAILABLE: {
    meaning:
      "Information, after SV_ERR_WATCHDOG_LOOP_BLOCKED: the main thread's stack could not be read, for the reason given (under -security Node's permission model turns the inspector off; or the inspector did not answer).",
    fix: 'Nothing to do; the blocked-loop line still names the webapp and the request.',
  },
  SV_MSG_WATCHDOG_SHUTDOWN_COMMAND: {
    meaning:
      'Information: the watchdog thread, which serves the shutdown port, received the shutdown command and asked the server to stop. It is logged even when the event loop is blocked.',
    fix: 'Nothing to do.',
  },
  SV_MSG_CONFIG_WARNING: {
    meaning:
      'Warning: a configuration problem that does not stop the server, such as a Tomcat element or attribute that is accepted but not implemented. The message is the formatted problem with file:line and element path.',
    fix: 'Remove or correct the element or attribute it names; nothing else is affected.',
  },
  SV_MSG_DEPLOY_NO_DEFAULT_WEB_XML: {
    meaning:
      'Warning: neither CATALINA_BASE nor CATALINA_HOME has a conf/web.xml, so webapps inherit no DefaultServlet, welcome files or MIME mappings.',
    fix: 'Copy conf/web.xml from the Serval installation into $CATALINA_BASE/conf/.',
  },
  SV_MSG_DEPLOY_LEAK_CLEARED: {
    meaning:
      'Warning: when the webapp stopped, it had left a timer, interval or process listener running; the container cleared it so the old generation can be garbage collected.',
    fix: "Clear what the message names in the webapp's contextDestroyed() or Servlet.destroy().",
  },
  SV_MSG_NODE_INTERNAL_FALLBACK: {
    meaning:
      "Logged once per process when the first connector starts, for each Node internal Serval could not use on this Node (it is missing or failed its startup check, or SERVAL_PUBLIC_HTTP_PARSER=1 asked for the public HTTP parser). The feature named runs on public Node APIs instead: the same behaviour, at some CPU cost (bench/RESULTS.md gives the HTTP parser's).",
    fix: 'Nothing is required. On a Node release Serval supports (package.json engines) it should not appear unless asked for; if it does, report it with the Node version and the reason given.',
  },
  // --- fault containment ---
  SV_ERR_WEBAPP_FAULT: {
    meaning:
      "An error escaped the web application's code outside the servlet call that would have caught it: a throw in a timer, an immediate, a microtask, a nextTick callback or an event handler, or a promise rejection nobody handled. It is charged to the application (by the loader's timer functions, or by the application's file in the stack) and logged with the stack; when it can be told which request scheduled the work and that request is still running, the request ends with a 500 (error pages apply), or its connection is closed if the response was committed. The server and every other application keep serving; an interval whose callback threw is cleared.",
    fix: 'Find the callback in the stack trace and handle its error there (try/catch in the callback, .catch() on the promise, an error listener on the emitter).',
  },
  SV_ERR_WEBAPP_EXIT_REFUSED: {
    meaning:
      'Web application code called process.exit(), process.reallyExit(), process.abort() or process.kill() of the server process itself (through its own `process` or globalThis.process). The call was refused: it throws into the calling code, so a request it served ends with a 500. The server keeps running.',
    fix: 'Remove the call; a webapp ends its own work by returning, and the operator stops the server with `catalina stop` or SIGTERM.',
  },
  SV_ERR_CONTAINER_FAULT: {
    meaning:
      "An uncaught exception, an unhandled rejection or a call that would end the process could not be charged to any web application: no application frame is in its stack (a string or an fs error thrown from a callback has none) and no application code was running. It is logged as the container's own fault and the server keeps serving.",
    fix: 'Read the stack: a container frame points at a bug in Serval (please report it); no stack at all usually means application code threw something that is not an Error.',
  },

  // --- RewriteValve (issue #21) ---
  SV_ERR_REWRITE_CONFIG_READ: {
    meaning:
      "A RewriteValve's rewrite.config (WEB-INF/rewrite.config of its webapp, or conf/<Engine>/<Host>/rewrite.config for a Host) exists but could not be read. The webapp (or the server) does not start.",
    fix: 'Check the permissions of the file, or remove it if the valve should have no rules.',
  },
  SV_ERR_REWRITE_UNKNOWN_DIRECTIVE: {
    meaning: 'A line of rewrite.config starts with a word that is not RewriteCond, RewriteRule or RewriteMap and is not a # comment.',
    fix: 'Correct the directive name (case matters) or comment the line out with #.',
  },
  SV_ERR_REWRITE_ARGUMENTS: {
    meaning:
      'A rewrite directive has too few or too many words: RewriteCond takes a test string, a pattern and optional [flags]; RewriteRule a pattern, a substitution and optional [flags]; RewriteMap a name and a source. Tomcat ignores extra words; Serval refuses them so that a flag list split by a space is not silently lost.',
    fix: 'Quote a word that contains spaces ("a b"), write the flags as one word ([L,R=301]), and give each directive its arguments.',
  },
  SV_ERR_REWRITE_DANGLING_CONDITION: {
    meaning: 'The file ends with RewriteCond lines that no RewriteRule follows; Tomcat drops them silently.',
    fix: 'Add the RewriteRule those conditions were meant for, or remove them.',
  },
  SV_ERR_REWRITE_UNKNOWN_FLAG: {
    meaning:
      "A RewriteRule or RewriteCond flag is not one Tomcat's RewriteValve knows (flags are case-sensitive, as in Tomcat). Tomcat matches flags by their first letters, so it would read a typo as another flag; Serval refuses it.",
    fix: 'Use one of the flags the message lists; see docs/valves-and-filters.md for what each does.',
  },
  SV_ERR_REWRITE_FLAG_VALUE: {
    meaning: 'A flag that takes a value (R=, S=, T=, E=, CO=) has a missing or invalid one, for example R=200 or S=x.',
    fix: 'Give the value the message describes.',
  },
  SV_ERR_REWRITE_PROXY_REFUSED: {
    meaning:
      'A RewriteRule has the P (proxy) flag. Tomcat does not implement it either: there is no proxy to send the request through, so the rule cannot do what it says, and ignoring the flag would serve the request locally instead.',
    fix: 'Proxy in the front end (httpd, nginx) instead, or redirect with R.',
  },
  SV_ERR_REWRITE_PATTERN: {
    meaning:
      "A RewriteRule or RewriteCond pattern is not a valid regular expression, or cannot be matched in linear time (backreferences, lookaround, large counted repetitions): every configuration pattern runs in V8's linear-time engine so that no request can make matching take exponential time.",
    fix: 'Rewrite the pattern without the construct the message names.',
  },
  SV_ERR_REWRITE_SUBSTITUTION: {
    meaning:
      'A substitution, test string, E= or CO= value has a `$`, `%` or `\\` that does not start a back-reference, variable or map lookup.',
    fix: 'Write a literal $ or % as \\$ or \\%, and close every ${…} and %{…}.',
  },
  SV_ERR_REWRITE_UNKNOWN_MAP: {
    meaning: 'A `${name:key}` lookup names a map that no RewriteMap line of the same file declares.',
    fix: 'Declare the map with `RewriteMap name type:source`, or correct its name.',
  },
  SV_ERR_REWRITE_VARIABLE_TYPE: {
    meaning: 'A `%{TYPE:name}` variable has a type other than HTTP (a header), ENV (a request attribute) or SSL (a TLS property).',
    fix: 'Use one of those types, or a plain `%{NAME}` server variable.',
  },
  SV_ERR_REWRITE_MAP_REFUSED: {
    meaning:
      "A RewriteMap is of a type Tomcat's RewriteValve does not implement (prg:, dbm:, dbd:); a rule using it could not be applied as written.",
    fix: 'Use a txt: or rnd: map file, an int: map, or a map module (a CommonJS class with lookup(key)).',
  },
  SV_ERR_REWRITE_INTERNAL_MAP: {
    meaning: 'A RewriteMap names an int: map other than toupper, tolower, escape or unescape.',
    fix: 'Use one of those four.',
  },
  SV_ERR_REWRITE_MAP_FILE: {
    meaning: 'The file of a txt: or rnd: RewriteMap (relative to catalina.base) could not be read when the valve started.',
    fix: 'Correct the path or the permissions of the file.',
  },
  SV_ERR_REWRITE_MAP_FILE_LINE: {
    meaning: 'A line of a txt: or rnd: map file has no space between its key and its value.',
    fix: 'Write each entry as `key value` (rnd: values separated by |), or start the line with # to make it a comment.',
  },
  SV_ERR_REWRITE_MAP_MODULE: {
    meaning: 'The module a RewriteMap names could not be loaded (require() failed) or its class could not be constructed.',
    fix: 'Check the path (relative to catalina.base) and the module itself.',
  },
  SV_ERR_REWRITE_MAP_NO_LOOKUP: {
    meaning: 'The module a RewriteMap names loads, but exports no class whose instances have a lookup(key) method.',
    fix: 'Export a class with lookup(key) returning a string (or null for no value) and, optionally, setParameters(parameters).',
  },
  SV_MSG_REWRITE_UNKNOWN_VARIABLE: {
    meaning:
      "A `%{NAME}` server variable is not one Tomcat's RewriteValve resolves (mod_rewrite has more); it always expands to an empty string. Logged when the valve starts.",
    fix: 'Use a known variable, %{HTTP:header} for a request header, or %{ENV:attribute} for a request attribute.',
  },
  SV_ERR_REWRITE_TOO_MANY_PASSES: {
    meaning:
      "Rules with the N (next) flag restarted the rule set for one request more than the valve's maxPasses allows: they loop. The request is answered 500 and the line is logged once per such request; the loop never runs further.",
    fix: 'Give the looping rule a pattern or condition that stops matching once it has rewritten the URL, or raise maxPasses if the rules really need more passes.',
  },
  SV_ERR_REWRITE_FAILED: {
    meaning:
      'Applying the rules to a request failed: a map module threw, or the redirect the rules built cannot be sent (a Location with a control character after the NE flag decoded it). The request is answered 500.',
    fix: 'Fix the map module, or the rule whose substitution produced the invalid value.',
  },
  // --- CsrfPreventionFilter, RestCsrfPreventionFilter, RateLimitFilter, ExpiresFilter (issue #21) ---
  SV_ERR_CSRF_FILTER_INIT_PARAM: {
    meaning:
      "An init-param of a CsrfPreventionFilter or RestCsrfPreventionFilter (web.xml), or the same option given to its constructor, has a value it does not accept (a status that is not a number, a nonceCacheSize below 1, a noNonceURLPatterns entry that is not `*suffix`, `prefix*`, `/regex/` or `mime:…`, a regex that cannot run in linear time). The filter's init fails, so the application does not start.",
    fix: 'Use one of the allowed values shown in the message (docs/valves-and-filters/filters-csrf-rate-expires.md describes each parameter).',
  },
  SV_ERR_CSRF_FILTER_UNKNOWN_INIT_PARAM: {
    meaning:
      "A CsrfPreventionFilter or RestCsrfPreventionFilter was given an init-param it does not have. As in Tomcat (whose CSRF filters treat a configuration problem as fatal), the filter's init fails and the application does not start, so a misspelt protection setting is never silently ignored.",
    fix: "Correct the parameter name (the message lists the filter's parameters and suggests the nearest one) or remove it.",
  },
  SV_ERR_RATE_LIMIT_FILTER_INIT_PARAM: {
    meaning:
      "An init-param of a RateLimitFilter (web.xml), or the same option given to its constructor, has a value it does not accept (bucketDuration or bucketRequests below 1, a statusCode outside 100-599, a rateLimitClassName other than the FastRateLimiter and ExactRateLimiter Serval implements). The filter's init fails, so the application does not start.",
    fix: 'Use one of the allowed values shown in the message.',
  },
  SV_ERR_RATE_LIMIT_FILTER_UNKNOWN_INIT_PARAM: {
    meaning:
      "A RateLimitFilter was given an init-param it does not have. As in Tomcat (RateLimitFilter treats a configuration problem as fatal), the filter's init fails and the application does not start.",
    fix: "Correct the parameter name (the message lists the filter's parameters and suggests the nearest one) or remove it.",
  },
  SV_ERR_EXPIRES_FILTER_INIT_PARAM: {
    meaning:
      "An ExpiresFilter init-param (`ExpiresDefault`, `ExpiresByType <type>`, `ExpiresExcludedResponseStatusCodes`, `ExpiresActive`) cannot be parsed: the mod_expires syntax is `<access|now|modification> [plus] <n> <unit> [<n> <unit>…]` or the short `A<seconds>` / `M<seconds>`, and the status codes are a comma-separated list of integers. The message says which token is wrong. The filter's init fails, so the application does not start (Tomcat fails the same way).",
    fix: 'Correct the value, for example `access plus 1 month 2 days` or `A3600`.',
  },
  // --- error report and access log valves (issue #21) ---
  SV_ERR_ERROR_REPORT_PAGE_UNREADABLE: {
    meaning:
      'An ErrorReportValve (or JsonErrorReportValve) has an errorCode.* or exceptionType.* file for this error, but the file could not be read when the error happened. The client got the standard report instead, as Tomcat does.',
    fix: 'Check the path (relative paths are resolved against catalina.base) and that the server may read the file. The warning is logged again only after the file has been read once.',
  },
  SV_ERR_ERROR_REPORT_PROXY_FAILED: {
    meaning:
      'ProxyErrorReportValve fetches its error page from an error service, and the fetch failed: the service did not answer, answered other than 2xx, took longer than 5 s or sent more than 1 MiB. The client got the standard report instead.',
    fix: 'Check that the error service is up and answers that URL quickly with a small 2xx page. The warning is logged again only after a fetch has succeeded.',
  },
  SV_ERR_ERROR_REPORT_PROPERTIES: {
    meaning:
      'A ProxyErrorReportValve with usePropertiesFile="true" reads its error service URLs from lib/ProxyErrorReportValve.properties under catalina.base, and that file cannot be read. The server does not start.',
    fix: 'Create the file (keys: a status code, or 0 for any status; values: URLs), or set usePropertiesFile="false" and use errorCode.* attributes.',
  },
  SV_ERR_ERROR_REPORT_URL: {
    meaning:
      'In its proxy mode (useRedirect="false") ProxyErrorReportValve fetches the error page itself, so every target must be an absolute http: or https: URL. The server does not start.',
    fix: 'Write the full URL (http://errors.example.com/404), or set useRedirect="true" to send the client to a relative URL instead.',
  },
  // --- CorsFilter, HttpHeaderSecurityFilter and the small filters (issue #21) ---
  SV_ERR_FILTER_INIT_PARAM: {
    meaning:
      "An init-param of one of Tomcat's built-in filters (org.apache.catalina.filters.*, in web.xml or given as an option in code) has a value the filter does not accept; the filter's init() fails, so the web application does not start.",
    fix: 'Use one of the allowed values shown in the message; docs/configuration.md lists every init-param of the built-in filters.',
  },
  SV_ERR_FILTER_CORS_CREDENTIALS_ANY_ORIGIN: {
    meaning:
      'A CorsFilter allows any origin (`*`) and credentials together. A browser refuses a credentialed response whose Access-Control-Allow-Origin is `*`, and reflecting every origin instead would let any site read authenticated responses, so Tomcat and Serval refuse the combination and the web application does not start.',
    fix: 'List the origins allowed to send credentials in cors.allowed.origins, or set cors.support.credentials to false.',
  },
  SV_ERR_FILTER_HEADERS_COMMITTED: {
    meaning:
      'HttpHeaderSecurityFilter ran on a response that was already committed (an earlier filter or a dispatch sent it), so its security headers could not be added; the request fails as in Tomcat rather than answering without them.',
    fix: 'Map HttpHeaderSecurityFilter first in web.xml, before any filter that writes or flushes the response.',
  },
  // --- proxy valves and RemoteIpFilter (issue #21) ---
  SV_ERR_REMOTE_IP_FILTER_INIT_PARAM: {
    meaning:
      'An init-param of a RemoteIpFilter (web.xml) has a value it does not accept, for example an internalProxies pattern that is not a valid regular expression or cannot be matched in linear time; the application does not start.',
    fix: 'Correct the init-param to one of the allowed values shown in the message (Java regular expressions without backreferences or lookaround).',
  },
  SV_ERR_SSL_VALVE_CERTIFICATE: {
    meaning:
      'A request carried a client-certificate header that is not a PEM certificate; the SSLValve logs it (as Tomcat does) and the request goes on without a client certificate.',
    fix: 'Make the front end send the certificate as httpd `%{SSL_CLIENT_CERT}s` or nginx `$ssl_client_escaped_cert`, and make it remove the header from what clients send.',
  },
  // --- request filtering and load valves and filters (issue #21) ---
  SV_ERR_REQUEST_FILTER_INIT_PARAM: {
    meaning:
      "A RemoteAddrFilter, RemoteHostFilter or RemoteCIDRFilter (web.xml, or built from code with options) was given a value it cannot use: a regular expression that is invalid or cannot be matched in linear time, a CIDR block that is not an IPv4 or IPv6 address with a prefix length, or a denyStatus that is not a status. The filter's init() fails, so the web application does not start: it never serves without the protection it asked for.",
    fix: 'Correct the init-param named in the message (the allowed values follow it); docs/valves-and-filters.md shows the syntax.',
  },
  SV_ERR_PARAMETER_LIMIT_CONFIG: {
    meaning:
      "A line of a ParameterLimitValve's parameter_limit.config file (WEB-INF/ of the webapp, or conf/<Engine>/<Host>/) is not `url-regex=maxParameterCount`: no `=`, a limit that is not a number, per-pattern multipart limits (Tomcat's three-number form, which Serval refuses rather than ignore), or a pattern that cannot be used. The container the valve belongs to does not start.",
    fix: 'Correct the line named in the message; put multipart limits on the Connector (maxPartCount, maxPartHeaderSize).',
  },
} satisfies Record<ErrorCode, ErrorDoc>;

export const errorDocs: Readonly<Record<ErrorCode, ErrorDoc>> = docs;

const connectionText: Record<CloseMode, string> = {
  keep: 'kept open',
  'close-clean': 'closed after the response',
  'close-now': 'closed at once',
};

/** A Markdown table cell: `|` would end the cell and a newline the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The full text of docs/errors.md, one table row per code in catalogue order. */
export function renderErrorDocs(): string {
  const lines = [
    '# Error and message codes',
    '',
    'Generated from `src/errors/codes.ts` and `src/errors/error-docs.ts` by `renderErrorDocs()`; do not edit by hand',
    '(run the errors tests with `SERVAL_UPDATE_DOCS=1` to refresh it).',
    '',
    'Every error Serval raises or logs carries one of these codes (the `code` of a `ContainerError`, and the',
    '`code` field of the log line). *Status* is the HTTP status the error is answered with when it happens',
    'during a request; *Connection* says what happens to the client connection after a protocol error.',
    'A code is never reused for another meaning once retired. `SV_MSG_*` codes mark log lines that are not',
    'errors (startup summary, configuration warnings, leak warnings): they come from the same catalogue.',
    'Messages name the offending value in [brackets]. Where a message ends in a *detail*, that text comes',
    'from outside Serval (a parser, the operating system, OpenSSL, webapp code), and the row says from where;',
    'where a code has several *reasons*, the row lists each.',
    '',
    '| Code | Status | Connection | Meaning | How to fix |',
    '|---|---|---|---|---|',
  ];
  for (const code of Object.keys(codes) as ErrorCode[]) {
    const spec = codes[code];
    const doc = errorDocs[code];
    const status = spec.status === undefined ? '—' : String(spec.status);
    const connection = spec.close === undefined ? '—' : connectionText[spec.close];
    const detail = spec.detail === undefined ? '' : ` The detail is ${spec.detail}.`;
    const reasons = spec.reasons === undefined ? '' : ` Reasons: ${spec.reasons.map((reason) => `“${reason}”`).join('; ')}.`;
    lines.push(`| \`${code}\` | ${status} | ${connection} | ${cell(doc.meaning + detail + reasons)} | ${cell(doc.fix)} |`);
  }
  lines.push(
    '',
    '## Errors without a code',
    '',
    'A few places construct an error without a code, each for the reason given (programmer errors raised to',
    'the caller that made them, errors that keep the shape Node gives them, and errors that only carry',
    'another). A test fails when any other place in src/ constructs a plain `Error`, `TypeError` or `RangeError`.',
    '',
    '| File | Constructs | Why it has no code |',
    '|---|---|---|',
  );
  for (const site of uncodedErrors) {
    lines.push(`| \`${site.file}\` | ${site.count} × \`${site.constructs}\` | ${cell(site.reason)} |`);
  }
  lines.push('', '## Retired codes', '');
  if (retiredCodes.length === 0) lines.push('None yet.');
  else for (const code of retiredCodes) lines.push(`- \`${code}\`${retiredBecause[code] === undefined ? '' : `: ${retiredBecause[code]}`}`);
  lines.push('');
  return lines.join('\n');
}
