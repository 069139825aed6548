/**
 * The error catalogue: every coded error the container can raise, with its message template,
 * the HTTP status it maps to (if any) and what happens to the connection.
 * Placeholders are `{name}`; values are rendered inside [brackets] by the template itself. The compiler
 * reads each template's placeholders: `new ContainerError(code, params)` and `formatMessage(code, params)`
 * take exactly those names. Two names are special:
 * - `{detail}` is free text from outside Serval (a parser's reason, the operating system's or OpenSSL's
 *   message, the message of an error webapp code threw). A code may use it only when its spec says where
 *   the text comes from (`detail`); everything Serval detects itself has a code with named parameters.
 * - `{reason}` takes one of the fixed phrases the spec lists (`reasons`), for a code whose cases differ
 *   only in that phrase; the compiler refuses any other string.
 * Codes are never reused once retired (see docs/errors.md).
 * Long by nature: one entry per code, grouped by area.
 */

/** What a protocol-level error does to the connection (after Tomcat's ErrorState). */
export type CloseMode = 'keep' | 'close-clean' | 'close-now';

export interface CodeSpec {
  readonly message: string;
  readonly status?: number;
  readonly close?: CloseMode;
  /** Where the free text of `{detail}` comes from; required by a template that has `{detail}`. */
  readonly detail?: string;
  /** Every value `{reason}` can take; required by a template that has `{reason}`. */
  readonly reasons?: readonly string[];
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
  SV_ERR_CONFIG_XML_SYNTAX: {
    message: 'XML syntax error: {detail}',
    detail: 'the reason the XML parser (saxes) gives',
  },
  SV_ERR_CONFIG_FILE_NOT_FOUND: {
    message: 'Configuration file [{file}] cannot be read: {detail}',
    detail: "the operating system's message",
  },
  SV_ERR_CONFIG_UNKNOWN_ELEMENT: { message: 'Unknown element [{element}]{hint}' },
  SV_ERR_CONFIG_UNKNOWN_ATTRIBUTE: { message: 'Unknown attribute [{attribute}] on element [{element}]{hint}' },
  SV_ERR_CONFIG_MISSING_ATTRIBUTE: { message: 'Required attribute [{attribute}] is missing on element [{element}]' },
  SV_ERR_CONFIG_INVALID_VALUE: {
    message: 'Attribute [{attribute}] on element [{element}] has invalid value [{value}]; allowed: {allowed}',
  },
  SV_ERR_CONFIG_UNDEFINED_PROPERTY: { message: 'Property [{property}] used in attribute [{attribute}] is not defined' },
  SV_ERR_CONFIG_VALUE_MISSING: {
    message: 'Element [{element}] must contain a value',
  },
  SV_ERR_CONFIG_CHILD_MISSING: {
    message: 'Element [{element}] must contain at least one [{child}]',
  },
  SV_ERR_CONFIG_EMPTY_SHUTDOWN: {
    message:
      'Server shutdown is empty while the shutdown port [{port}] is open: any local connection could stop the server; set a command or port="-1"',
  },
  SV_ERR_CONFIG_CHILD_COUNT: {
    message: 'Element [{element}] must contain exactly one [{child}]; found [{count}]',
  },
  SV_ERR_CONFIG_UNKNOWN_REFERENCE: {
    message: '{element} {attribute} [{value}] names no {target} of this {owner}; known: [{known}]',
  },
  SV_ERR_CONFIG_DUPLICATE_NAME: {
    message: '{what} [{name}] is used twice in {owner} [{ownerName}]',
  },
  SV_ERR_CONFIG_ADDRESS_IN_USE: {
    message: 'Connector listens on [{address}], already used by the {other} at [{otherPath}]; change its port or address',
  },
  SV_ERR_CONFIG_CONTEXT_PATH_ROOT: {
    message: 'Context path [/] means ROOT; write path="" instead',
  },
  SV_ERR_CONFIG_LISTENER_PLACEMENT: {
    message: 'Listener [{className}] inside [{parent}] is not supported; nest it in Server, Engine, Host or Context',
  },
  SV_ERR_CONFIG_CLASS_NO_EXPORT: {
    message: 'Module [{className}] for element [{element}] exports no class; export the component class as its default or a named export',
  },
  SV_ERR_CONFIG_VALVE_NO_INVOKE: {
    message: 'Class [{className}] for element [{element}] has no invoke(request, response) method: extend ValveBase from serval',
  },
  SV_ERR_CONFIG_AUTHENTICATOR_PLACEMENT: {
    message:
      'Authenticator valve [{className}] at [{element}] belongs in a Context (its context.xml), where it sets how users of that application log in; an Engine or Host has no login',
  },
  SV_ERR_CONFIG_NOT_A_REALM: {
    message:
      'Class [{className}] for element [{element}] has no {method}() method: a Realm implements the Realm contract of serval (extend RealmBase), a CredentialHandler matches() and mutate()',
  },
  SV_ERR_CONFIG_SSL_NOT_ENABLED: {
    message: 'SSLHostConfig is ignored because its Connector does not have SSLEnabled="true"',
  },
  SV_ERR_CONFIG_SSL_MISSING: {
    message:
      'Connector has SSLEnabled="true" but no <SSLHostConfig>; add one with a <Certificate certificateFile="…" certificateKeyFile="…"/>',
  },
  SV_ERR_CONFIG_SSL_PER_HOST_SETTING: {
    message:
      "SSLHostConfig [{hostName}] {attribute} differs from the default SSLHostConfig [{defaultHostName}]; with node:tls the default one's {attribute} apply to every connection",
  },
  SV_ERR_CONFIG_SSL_OBSOLETE_PROTOCOL: {
    message:
      'SSLHostConfig [{hostName}]: protocol [{protocol}] is obsolete (RFC 8996) and OpenSSL may refuse it at its default security level',
  },
  SV_ERR_CONFIG_SSL_NO_CERTIFICATE: {
    message: 'SSLHostConfig [{hostName}] has no <Certificate>; add <Certificate certificateFile="…" certificateKeyFile="…"/>',
  },
  SV_ERR_CONFIG_SSL_CERTIFICATE_TYPES: {
    message: 'SSLHostConfig [{hostName}] has several <Certificate> elements: give each a different type (RSA, EC, DSA)',
  },
  SV_ERR_CONFIG_SSL_STORE: {
    message: '[{attributes}] on <{element}>: Serval reads PEM files only; convert the store (for example `{convert}`) and use {use}',
  },
  SV_ERR_CONFIG_CLASS_NOT_FOUND: {
    message: 'Class [{className}] for element [{element}] cannot be loaded: {detail}',
    detail: 'the message of the error require() threw while loading the module',
  },
  SV_ERR_CONFIG_ELEMENT_NOT_IMPLEMENTED: {
    message: 'Tomcat element [{element}] is not implemented yet; it and its content are ignored',
  },
  SV_ERR_CONFIG_RESOURCE_TYPE_NOT_IMPLEMENTED: {
    message:
      'A global Resource of type [{type}] is not built (Serval builds [{known}]); it is ignored, and a realm that names it fails to start',
  },

  // --- config: fail closed on Tomcat classes and attributes Serval does not implement (architecture decision 11) ---
  SV_ERR_CONFIG_CLASS_UNKNOWN: {
    message:
      'Class [{className}] for element [{element}] is neither a Tomcat 10.1 class Serval knows nor a module path{hint}; start a module path with ./ or / or end it with .js',
  },
  SV_ERR_CONFIG_CLASS_NOT_IMPLEMENTED: {
    message: 'Tomcat class [{className}] on element [{element}] is not implemented; it is ignored, which is safe because {reason}',
    reasons: [
      'it only logs version and platform information at startup',
      "it only loads Tomcat's native APR or OpenSSL library; Serval's TLS is Node's own OpenSSL",
      'it only works around memory leaks of the Java runtime, which Node does not have',
      'it only renews Java worker threads after an application stops, so thread-local values do not leak',
      'it only publishes the global JNDI resources as JMX MBeans for monitoring',
      'it only builds JNDI naming contexts, which Serval does not offer; it allows or refuses no request',
      'it only loads native libraries for applications through JNI, which Node applications do not use',
      'it only reloads TLS certificates before they expire; Serval reads them when it starts',
      'it only saves the running configuration back to server.xml when asked through JMX',
      "it only deploys users' home directories as additional applications; without it they are not served at all",
      'it only writes an access log in another format; it never refuses, redirects or changes a request',
      'it only answers its own health-check path; without it that path reaches the applications like any other',
    ],
  },
  SV_ERR_CONFIG_CLASS_REFUSED: {
    message:
      'Tomcat class [{className}] on element [{element}] is not implemented, and it cannot be ignored: {reason}; the file is refused. Remove the element, or put a module of your own (className="./my-component.js") in its place',
    reasons: [
      'it decides from the client address or host name which requests are allowed, so without it requests it is meant to refuse would be served',
      'it authenticates users, so without it the resources it protects would be served to anyone',
      'it carries authenticated users between the nodes of a cluster, which Serval does not form; without it a user would silently have to log in again on another node',
      'it replaces the client address, scheme and secure flag with what a trusted proxy reports; without it every check of those values would see the proxy instead of the client',
      'it takes the client certificate and the secure flag from headers the front end sets; without it applications would see other values than the configuration intends',
      'it limits what requests may use (parameters, concurrent requests, sessions of crawlers), a protection the configuration asks for',
      'it rewrites, redirects or refuses requests by rules, so without it requests would reach resources the rules keep them from',
      'it replaces the error pages, so without it the default error report (with exception details) would be shown instead',
      'it refuses to run the server as a privileged user or with a permissive umask, a protection the configuration asks for',
      "it maps the application's roles to the Realm's roles, which decides who is authorised",
      'a Valve sees every request before the application and may refuse, redirect or change it; Serval cannot tell what skipping it would let through',
      'a Listener can change how components start and what they allow; Serval cannot tell what skipping it would change',
      'it authenticates through Java login modules (JAAS), which Node cannot load; the users it would accept could not log in, and no other realm stands in for it',
    ],
  },
  SV_ERR_CONFIG_ATTRIBUTE_NOT_IMPLEMENTED: {
    message:
      'Tomcat attribute [{attribute}] on element [{element}] is not implemented: in Tomcat it sets: {doc} Serval ignores it, which is safe because {reason}',
    reasons: [
      'it tunes the Java runtime (threads, class loading, JMX, daemon flags), which Node has no equivalent of',
      'it only tunes performance or resource use; every request is answered the same way',
      'the feature it configures is not offered by Serval, so there is nothing for it to change',
      'it only changes what is logged',
      'it selects a Java implementation class; Serval has its own implementation of the element',
      "Serval always behaves as with Tomcat's default, which is the stricter setting",
      'Serval chooses the Host by the Host header, which with a single Host is the same Host (with several, it is refused)',
    ],
  },
  SV_ERR_CONFIG_ATTRIBUTE_REFUSED: {
    message:
      'Tomcat attribute [{attribute}] on element [{element}] is not implemented, and it cannot be ignored: {reason}; the file is refused. Remove the attribute',
    reasons: [
      'Tomcat would listen on that Unix domain socket instead of the TCP port, so ignoring it would open a TCP port the configuration keeps closed',
      'it restricts which client certificates are accepted, so ignoring it would accept certificates the configuration refuses',
      'it names another deployment descriptor, whose declarations (security constraints among them) would be lost',
      'Tomcat would choose the Host by the local address a request arrives on, and Serval chooses it by the Host header, so with several Hosts a client could reach a Host the configuration keeps from that address',
      'Tomcat reads context descriptors (and the Valves they declare) from there, and Serval would deploy the applications without them',
      'Serval has no per-application JNDI resources, so the realm would read another user database than the configuration names',
      'it changes how the connection to the directory is secured or which entries are found there, so ignoring it could expose passwords or authenticate users the configuration does not mean to',
    ],
  },

  // --- http ---
  SV_ERR_HTTP_BAD_REQUEST: {
    message: 'The request could not be parsed: {detail}',
    status: 400,
    close: 'close-clean',
    detail: "the reason node:http's parser (llhttp) gives",
  },
  SV_ERR_HTTP_HOST_COUNT: {
    message: 'Request has [{count}] Host headers; HTTP/1.1 requires exactly one, HTTP/1.0 at most one (RFC 9112 §3.2)',
    status: 400,
    close: 'close-clean',
  },
  SV_ERR_HTTP_INVALID_HOST: {
    message: 'The Host header [{host}] is not a valid host and port (RFC 9112 §3.2)',
    status: 400,
    close: 'close-clean',
  },
  SV_ERR_HTTP_HOST_MISMATCH: {
    message: 'The Host header [{host}] does not match the request target authority [{authority}] (RFC 9112 §3.2.2)',
    status: 400,
    close: 'close-clean',
  },
  SV_ERR_HTTP_TARGET_USERINFO: {
    message: 'The request target [{target}] carries userinfo, which is not allowed (RFC 9110 §4.2.4)',
    status: 400,
    close: 'close-clean',
  },
  SV_ERR_HTTP_ASTERISK_FORM: {
    message: 'The asterisk-form target [*] is only allowed with OPTIONS, not [{method}] (RFC 9112 §3.2.4)',
    status: 400,
    close: 'close-clean',
  },
  SV_ERR_HTTP_TRANSFER_ENCODING_HTTP10: {
    message:
      'Transfer-Encoding in an HTTP/1.0 request: HTTP/1.0 has no chunked framing, so the body length cannot be known (RFC 9112 §6.1)',
    status: 400,
    close: 'close-clean',
  },
  SV_ERR_HTTP_CONTENT_LENGTH_DUPLICATE: {
    message: 'Request has more than one Content-Length header (RFC 9112 §6.3)',
    status: 400,
    close: 'close-clean',
  },
  SV_ERR_HTTP_CONTENT_LENGTH_INVALID: {
    message: 'Content-Length [{value}] is not a decimal number of at most 15 digits (RFC 9110 §8.6)',
    status: 400,
    close: 'close-clean',
  },
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
    message: 'The multipart/form-data body cannot be parsed (RFC 7578): {reason}',
    status: 400,
    close: 'close-clean',
    reasons: [
      'the Content-Type has no boundary parameter',
      'the body ended before the closing boundary',
      'a boundary line is not followed by CRLF or "--"',
      'a part header line has no field name',
    ],
  },
  SV_ERR_HTTP_MULTIPART_PARSER: {
    message: 'The multipart/form-data body cannot be parsed (RFC 7578): {detail}',
    status: 400,
    close: 'close-clean',
    detail: 'the reason the multipart parser (busboy) gives',
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
  SV_ERR_AJP_MALFORMED: {
    message: 'Malformed AJP {what}: {reason} [{value}]',
    close: 'close-now',
    reasons: [
      'a string is not NUL-terminated in field',
      'a required string is null in field',
      'the message type is not FORWARD_REQUEST but',
      'unknown method code',
      'unknown header code',
      'unknown attribute code',
      'extra bytes after the attribute terminator',
      'method code 0xFF needs a stored_method token, got',
      'a packet arrived unasked while a request is in progress, of bytes',
      'unexpected message type',
      'a body packet is too short for its length field, of bytes',
      'a decoder failed with',
    ],
  },
  SV_ERR_AJP_TRUNCATED: {
    message: 'Malformed AJP {what}: truncated at [{field}], which needs [{count}] bytes at offset [{offset}] of [{length}]',
    close: 'close-now',
  },
  SV_ERR_AJP_BODY_LENGTH_MISMATCH: {
    message: 'Malformed AJP body packet: it declares [{declared}] bytes but carries [{carried}]',
    close: 'close-now',
  },
  SV_ERR_AJP_BODY_TOO_LONG: {
    message: 'Malformed AJP body: [{received}] body bytes exceed Content-Length [{contentLength}]',
    close: 'close-now',
  },
  SV_ERR_AJP_READER_FAILED: {
    message: 'The AJP packet reader of this connection already failed; nothing after the first bad packet is read',
    close: 'close-now',
  },
  SV_ERR_AJP_RESPONSE_STATE: {
    message: 'The AJP {step} cannot be written in response state [{state}]',
    close: 'close-now',
  },
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
    detail: "the file system's or OpenSSL's message",
  },
  SV_ERR_TLS_NOT_PEM: {
    message:
      'The {what} [{file}] of SSLHostConfig [{hostName}] ({location}) is not PEM; convert a DER, JKS or PKCS12 file first, e.g. `openssl pkcs12 -in store.p12 -out all.pem -nodes`',
  },
  SV_ERR_TLS_NO_PEM_CERTIFICATE: {
    message: 'The {what} [{file}] of SSLHostConfig [{hostName}] ({location}) contains no PEM certificate',
  },
  SV_ERR_TLS_KEY_PASSWORD: {
    message:
      'The certificateKeyFile [{file}] of SSLHostConfig [{hostName}] ({location}) is encrypted and certificateKeyPassword is missing or wrong: {detail}',
    detail: "OpenSSL's message",
  },
  SV_ERR_TLS_KEY_MISMATCH: {
    message:
      'The private key in certificateKeyFile [{file}] of SSLHostConfig [{hostName}] ({location}) does not belong to the certificate in [{certificateFile}]',
  },
  SV_ERR_TLS_CONFIG: {
    message:
      'SSLHostConfig [{hostName}] ({location}) cannot be used: OpenSSL refused its protocols [{protocols}] and ciphers [{ciphers}]: {detail}',
    detail: "OpenSSL's message",
  },
  SV_ERR_TLS_INVALID_SETTING: {
    message: 'SSLHostConfig [{hostName}] ({location}) cannot be used: {attribute} [{value}] is invalid; {allowed}',
  },
  SV_ERR_TLS_UNKNOWN_HOST_CONFIG: {
    message: 'The connector has no SSLHostConfig with this hostName [{hostName}] to reload; known: [{known}]',
  },
  SV_ERR_TLS_NO_DEFAULT_HOST_CONFIG: {
    message: 'defaultSSLHostConfigName [{hostName}] names no SSLHostConfig of the connector ({location})',
  },
  SV_ERR_TLS_HANDSHAKE: {
    message: 'TLS handshake with [{remote}] failed: {detail}',
    detail: "OpenSSL's message",
  },
  SV_ERR_TLS_HANDSHAKE_TIMEOUT: {
    message: 'TLS handshake with [{remote}] not completed within connectionTimeout [{limit}] ms',
  },
  SV_ERR_TLS_CLIENT_CERT_REJECTED: {
    message: 'Client certificate of [{remote}] rejected by SSLHostConfig [{hostName}] with certificateVerification [{mode}]: {detail}',
    detail: "OpenSSL's verification error, or [verification result unavailable] when Node gives none",
  },
  SV_ERR_TLS_NOT_LOADED: {
    message: 'The TLS contexts of SSLHostConfig [{hostName}] were used before they were loaded',
  },

  // --- uri / mapper ---
  SV_ERR_URI_INVALID: {
    message: 'The request URI [{uri}] is invalid: {reason} [{value}]',
    status: 400,
    close: 'keep',
    reasons: [
      'a request-target may not hold a fragment, found',
      'the path must start with "/", not with',
      'a character that is not a byte',
      'an invalid %-escape',
      'an encoded "/" is not allowed (see encodedSolidusHandling)',
      'the bytes are not valid in URIEncoding',
      'the path goes above the root with',
      'a suspicious segment, a dot or empty segment with parameters (rejectSuspiciousURIs)',
      'a suspicious segment, an encoded dot segment (rejectSuspiciousURIs)',
      'a NUL character is not allowed',
      'a control character is not allowed (rejectSuspiciousURIs)',
      'a backslash is not allowed (see allowBackslash)',
    ],
  },

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
  SV_ERR_DISPATCH_FOREIGN_REQUEST: {
    message: 'Cannot {action} a request of type [{type}]: pass the request the servlet was given, or a ServletRequestWrapper around it',
  },
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

  // --- deploy ---
  SV_ERR_DEPLOY_FAILED: {
    message: 'Deployment of web application [{name}] failed',
  },
  SV_ERR_DEPLOY_CONTEXT_PATH_INVALID: {
    message: 'Context path [{path}] is invalid: it must be "" (ROOT), or start with "/" and not end with "/" (Servlet spec §3.5)',
  },
  SV_ERR_MAPPER_UNKNOWN_HOST: {
    message: 'Host [{host}] is not registered with the Mapper, so web application [{name}] cannot be mapped there',
  },
  SV_ERR_MAPPER_UNKNOWN_CONTEXT: {
    message: 'No web application [{name}] is registered at path [{path}] on Host [{host}]',
  },
  // Fail closed (architecture decision 11): a declaration Serval cannot honour refuses the deployment.
  SV_ERR_DEPLOY_TOMCAT_CLASS_NOT_IMPLEMENTED: {
    message:
      '{kind} class [{className}] declared at [{source}] is a Tomcat class that Serval does not implement; the application is not deployed. Remove the declaration, or declare a class of your own in WEB-INF/classes',
  },
  SV_ERR_DEPLOY_WEBXML_INVALID: { message: 'Deployment descriptor [{file}] is invalid: element [{element}]: {problem}{more}' },
  SV_ERR_DEPLOY_DUPLICATE_MAPPING: {
    message: 'The servlets named [{first}] and [{second}] are both mapped to the url-pattern [{pattern}] which is not permitted',
  },
  // Security declared in code (@ServletSecurity, @RolesAllowed…, Servlet 6.0 §13.4): refused rather than dropped.
  SV_ERR_DEPLOY_SERVLET_SECURITY: {
    message: '{source}: {annotation} on servlet class [{className}] cannot be honoured: {reason}',
    reasons: [
      'EmptyRoleSemantic DENY cannot be combined with rolesAllowed, whose roles would never be consulted',
      'the emptyRoleSemantic must be PERMIT or DENY',
      'the transportGuarantee must be NONE or CONFIDENTIAL',
      'rolesAllowed must be a list of non-empty role names',
      'the HTTP method name must be a token (RFC 9110 §5.6.2)',
      'the same HTTP method has more than one @HttpMethodConstraint',
      '@RolesAllowed, @PermitAll and @DenyAll exclude one another on the same class or method',
      'it must decorate one of doGet, doHead, doPost, doPut, doDelete, doOptions, doTrace or doPatch, whose HTTP method it protects',
      'a class with @ServletSecurity cannot also carry @RolesAllowed, @PermitAll or @DenyAll: which one applies would be ambiguous',
    ],
  },
  SV_ERR_DEPLOY_URL_PATTERN_INVALID: {
    message: 'The url-pattern [{pattern}] is invalid: {reason} (Servlet spec §12.2)',
    reasons: [
      'it contains a CR or LF character',
      'the extension after [*.] is empty',
      'an extension pattern must not contain [/]',
      'an extension pattern must contain only one [*]',
      'a pattern starting with [*] must be an extension [*.ext]',
      'a path-prefix pattern must contain [*] only in its final [/*]',
      '[*] is allowed only as a trailing [/*] or a leading [*.]',
    ],
  },
  SV_ERR_DEPLOY_MODULE_LOAD: {
    message: 'Module [{module}] of web application [{name}] failed to load: {detail}',
    detail: 'the message of the error the module (or Node) threw while it was loaded',
  },
  SV_ERR_DEPLOY_LOADER_CLOSED: {
    message: 'Module [{module}] of web application [{name}] cannot be loaded: the web application has been stopped and its loader closed',
  },
  SV_ERR_DEPLOY_MODULE_OUTSIDE_DOCBASE: {
    message: "Module [{module}] of web application [{name}] resolves to [{target}], outside the web application's docBase [{docBase}]",
  },
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
    detail: 'the reason JSON.parse() gives',
  },
  SV_ERR_DEPLOY_CLASS_NOT_EXPORTED: {
    message: 'Class [{className}]: module [{file}] exports no class named [{exportName}]; its exports are [{exports}]',
  },
  SV_ERR_DEPLOY_BUNDLE_UNSAFE_ENTRY: {
    message: 'Bundle [{file}] is refused: entry [{entry}] {reason}; nothing was unpacked',
    reasons: [
      'contains a NUL character',
      'contains a backslash (a Windows path separator)',
      'is an absolute path',
      'starts with a drive letter',
      'contains a [..] segment and would be written outside the target directory',
      'contains an empty or [.] segment',
      'resolves outside the target directory',
      'is a symbolic link',
      'is not a regular file or directory',
      'appears more than once',
      'is both a file and a directory',
    ],
  },
  SV_ERR_DEPLOY_BUNDLE_LIMIT: {
    message: 'Bundle [{file}] is refused: {what} [{value}] exceeds the limit [{limit}] (Host attribute {attribute}); nothing was unpacked',
  },
  SV_ERR_DEPLOY_BUNDLE_CORRUPT: {
    message: 'Bundle [{file}] cannot be read: {detail}',
    detail: 'the reason the zip reader (yauzl) or the file system gives',
  },
  SV_ERR_DEPLOY_BUNDLE_ENTRY_CORRUPT: {
    message: 'Entry [{entry}] of bundle [{file}] cannot be read: {detail}',
    detail: 'the reason the zip reader (yauzl), zlib or the file system gives',
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
  SV_ERR_DEPLOY_NATIVE_ADDON: {
    message:
      'Native addon [{file}] of web application [{name}] cannot be loaded: webapps cannot load native addons, since a shared library could never be unloaded on undeploy or reload',
  },
  SV_ERR_DEPLOY_NATIVE_ADDON_IN_BUNDLE: {
    message:
      'Native addon [{file}] of web application [{name}] cannot be loaded: it is inside the bundle [{bundle}], served without unpacking (unpackWARs="false"); a shared library loads only from a file on disk, and webapps cannot load native addons in any case',
  },
  SV_ERR_DEPLOY_ARCHIVE_CLOSED: {
    message: 'Entry [{entry}] of bundle [{file}] was read after the web application was stopped and its archive closed',
  },
  SV_ERR_DEPLOY_BUNDLE_ZIP_LIMIT: {
    message: 'Bundle [{file}] cannot be written: {what} [{value}] exceeds the zip format limit [{limit}] (Serval writes no zip64)',
  },
  SV_ERR_DEPLOY_BUNDLE_NOT_DIRECTORY: {
    message: 'Cannot bundle [{dir}]: it is not a directory; give `catalina bundle` the webapp directory',
  },
  SV_ERR_DEPLOY_BUNDLE_SOURCE_SYMLINK: {
    message: 'Cannot bundle [{dir}]: entry [{entry}] is a symbolic link; copy its target into the webapp instead',
  },
  SV_ERR_DEPLOY_RELOAD_FAILED: {
    message: 'Reloading web application [{name}] left it [{state}] on a worker thread: {detail}',
    detail: 'the message of the innermost error of the failed start, or a pointer to the errors logged before it when there is none',
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
    detail: "the structured clone algorithm's message (DataCloneError)",
  },
  SV_ERR_CONTEXT_NOT_STARTED: {
    message: 'Context [{context}] has no {what} while it is not started',
  },
  SV_ERR_SESSION_MANAGER_UNAVAILABLE: {
    message: 'Context [{context}] has no session manager in state [{state}]; sessions exist only while the context is started',
  },
  SV_ERR_SESSION_FORMAT_NOT_JSON: {
    message: 'Stored session [{source}] cannot be read: it is not JSON ({detail})',
    detail: "JSON.parse's message",
  },
  SV_ERR_SESSION_FORMAT_VERSION: {
    message: 'Stored session [{source}] has format [{format}] version [{version}]; this Serval reads format [serval-session] version [1]',
  },
  SV_ERR_SESSION_VALUE_NOT_STORABLE: {
    message: 'A value of class [{className}] cannot be stored with a session: {reason}',
    reasons: [
      'it is an instance of a class no SessionType registers',
      'it refers to itself',
      'it is a function',
      'it is a symbol',
      'it nests deeper than the limit',
      'its class is not allowed by sessionAttributeValueClassNameFilter',
    ],
  },
  SV_ERR_SESSION_TYPE_NOT_REGISTERED: {
    message:
      'Stored session [{source}] holds a value of SessionType [{type}], which the application does not register (any more); the attribute is left out',
  },
  SV_ERR_SESSION_FORMAT_MALFORMED: {
    message: 'Stored session [{source}] is malformed at [{path}]: {reason}',
    reasons: ['an unknown value tag', 'a value of the wrong shape', 'nesting deeper than the limit', 'a missing or invalid session field'],
  },

  // --- realm: users files, credential handlers, lock-out (src/realm) ---
  SV_ERR_REALM_USERS_FILE: {
    message: 'Cannot read the users file [{file}]: {detail}',
    detail: "the operating system's message",
  },
  SV_ERR_REALM_USERS_ROOT: {
    message: '{file}:{line}: the root element is [{element}]; a users file has a single <tomcat-users> root',
  },
  SV_ERR_REALM_USERS_MISSING_ATTRIBUTE: {
    message: '{file}:{line}: element [{element}] has no [{attribute}] attribute',
  },
  SV_ERR_REALM_USERS_DUPLICATE: {
    message: '{file}:{line}: {what} [{name}] is declared again (first at line [{firstLine}]); each name may appear once',
  },
  SV_ERR_REALM_USERS_RELOAD_FAILED: {
    message: 'Users file [{file}] changed but cannot be loaded; the users loaded before stay in effect until it is fixed',
  },
  SV_ERR_REALM_CREDENTIAL_ALGORITHM: {
    message: '{handler} does not support algorithm [{algorithm}]; supported: [{supported}]',
  },
  SV_ERR_REALM_CREDENTIAL_ATTRIBUTE: {
    message: '{handler} attribute [{attribute}] has invalid value [{value}]; allowed: {allowed}',
  },
  SV_ERR_REALM_CREDENTIAL_HANDLER_UNKNOWN: {
    message: 'Unknown CredentialHandler [{className}]; known: [{known}]',
  },
  SV_ERR_REALM_NESTED_HANDLER_EMPTY: {
    message: 'NestedCredentialHandler has no nested CredentialHandler to create a stored credential with; nest at least one',
  },
  // --- authentication (src/security) ---
  SV_ERR_DEPLOY_AUTH_METHOD: {
    message:
      'Web application [{name}] cannot be deployed: {file}:{line}: auth-method [{authMethod}] is not one Serval enforces ([{supported}])',
  },
  SV_ERR_DEPLOY_FORM_LOGIN_PAGE: {
    message:
      'Web application [{name}] cannot be deployed: {file}:{line}: a FORM login needs <{element}>, a path inside the application starting with "/"; found [{value}]',
  },
  SV_ERR_DEPLOY_DIGEST_UNSUPPORTED: {
    message: 'Web application [{name}] cannot be deployed: {file}:{line}: its DIGEST login cannot offer [{algorithm}]: {reason}',
    reasons: [
      'RFC 7616 names no such algorithm',
      'its realm stores salted or iterated credentials, from which no digest of the password can be computed',
    ],
  },
  SV_ERR_DEPLOY_X509_RETRIEVER: {
    message:
      'Web application [{name}] cannot be deployed: {file}:{line}: its CLIENT-CERT login names X509UsernameRetrieverClassName [{className}], which Serval does not know; known: [{known}]',
  },
  SV_ERR_AUTH_ALREADY_LOGGED_IN: {
    message: 'request.login() was called while user [{user}] is logged in; call logout() first',
  },
  SV_ERR_AUTH_LOGIN_FAILED: {
    message: 'Login failed: the user name and password do not match a user of the realm',
  },
  SV_ERR_NAMING_RESOURCE_NOT_FOUND: {
    message:
      '{user} names the global resource [{name}], but <GlobalNamingResources> has no Resource of type [{type}] by that name; known: [{known}]',
  },
  SV_ERR_REALM_UNAVAILABLE: {
    message: 'Realm [{realm}] cannot check credentials now, so nobody is authenticated through it: {detail}',
    status: 503,
    detail: "the message of the realm's backend client (pg, ldapts) or of the operating system",
  },

  // --- security: authenticator wire formats (src/security) ---
  SV_ERR_SECURITY_DIGEST_ATTRIBUTE: {
    message: 'DigestAuthenticator attribute [{attribute}] has invalid value [{value}]; allowed: {allowed}',
  },

  // --- naming: GlobalNamingResources <Resource type="javax.sql.DataSource"> over pg, and DataSourceRealm (src/naming, issue #20) ---
  SV_ERR_NAMING_INVALID_VALUE: {
    message: '{file}:{line}: Resource [{resource}] attribute [{attribute}] has invalid value [{value}]; allowed: {allowed}',
  },
  SV_ERR_NAMING_UNKNOWN_ATTRIBUTE: {
    message:
      '{file}:{line}: Resource [{resource}] has attribute [{attribute}], which a javax.sql.DataSource does not take{hint}; known: [{known}]',
  },
  SV_ERR_NAMING_URL_SYNTAX: {
    message: '{file}:{line}: Resource [{resource}] attribute [url] value [{value}] is refused: {reason}',
    reasons: [
      'a PostgreSQL JDBC URL starts with jdbc:postgresql: (pgjdbc syntax: jdbc:postgresql://host:port/database?parameters)',
      'it names several hosts (a pgjdbc failover list); Serval connects to one server, so name exactly one host',
      'its host part is not a host name, an IPv4 address or a bracketed IPv6 address followed by an optional :port (1 to 65535)',
      'it contains a malformed percent-encoding',
      'a query parameter is given twice, so which one counts would be a guess',
    ],
  },
  SV_ERR_NAMING_URL_PARAMETER: {
    message: '{file}:{line}: Resource [{resource}] url parameter [{parameter}] is not supported by Serval; supported: [{known}]',
  },
  SV_ERR_NAMING_CONFLICT: {
    message: '{file}:{line}: Resource [{resource}] sets [{first}] and [{second}], which contradict each other: {reason}',
    reasons: [
      'both name the database user; give it once, in the username attribute',
      'both give the password; give it once, in the password attribute',
      'minIdle cannot be above maxTotal',
      'initialSize cannot be above maxTotal',
      'both say how to reach a unix-domain socket; use one',
      'both set the schema search path; keep one',
    ],
  },
  SV_ERR_NAMING_TYPE: {
    message: '{file}:{line}: Resource [{resource}] has type [{type}]; this factory makes only [{expected}]',
  },
  SV_ERR_NAMING_SSL_FILE: {
    message: 'Resource [{resource}] url parameter [{parameter}] names file [{file}], which cannot be read: {detail}',
    detail: "the operating system's message",
  },
  SV_ERR_REALM_SQL_IDENTIFIER: {
    message:
      'DataSourceRealm attribute [{attribute}] has value [{value}], which is not an SQL name; allowed: [schema.]name, each part letters, digits, _ or $ not starting with a digit, or a "double-quoted" name without double quotes inside',
  },
  SV_ERR_REALM_DATASOURCE_ATTRIBUTE_MISSING: {
    message: 'DataSourceRealm needs attribute [{attribute}]{when}',
  },
  // --- realm: JNDIRealm over LDAP (src/realm/jndi-realm.ts) ---
  SV_ERR_REALM_JNDI_ATTRIBUTE: {
    message: 'JNDIRealm attribute [{attribute}] has invalid value [{value}]; allowed: {allowed}',
  },
  SV_ERR_REALM_JNDI_CONNECTION_LOST: {
    message:
      'The connection to directory [{url}] closed; it is not reopened in place, since a new socket would have neither StartTLS nor the bind',
  },
  SV_ERR_REALM_JNDI_POOL_CLOSED: { message: 'The connections to directory [{url}] are closed: the realm was stopped' },
  SV_ERR_REALM_JNDI_NO_USER_LOOKUP: {
    message: 'JNDIRealm has neither userPattern nor userSearch, so it cannot find any user; set one of them',
  },

  // --- startup / cli ---
  SV_ERR_STARTUP_BIND: {
    message: 'Failed to bind [{address}:{port}]: {detail}',
    detail: "the operating system's message",
  },
  SV_ERR_STARTUP_SHUTDOWN_PORT: {
    message: 'Cannot reach the shutdown port [{address}:{port}]: {detail}',
    detail: "the operating system's message",
  },
  SV_ERR_STARTUP_SHUTDOWN_BIND: {
    message: 'Failed to bind the shutdown port [{address}:{port}]: {detail}; change the port or address attribute of Server',
    detail: "the operating system's message (its error code, such as EADDRINUSE)",
  },
  SV_ERR_STARTUP_PID_FILE_EXISTS: {
    message:
      'Existing PID file found during start: [{file}] names the running process [{pid}]; stop it first, or remove the file if that process is not Serval (CATALINA_PID)',
  },
  SV_ERR_STARTUP_PID_FILE_IO: {
    message: 'Cannot {action} the PID file [{file}] (CATALINA_PID): {detail}',
    detail: "the operating system's message",
  },
  SV_ERR_STARTUP_START_FAILED: {
    message: 'The server process [{pid}] exited during startup with [{exit}]; see [{out}]. Its last output:\n{detail}',
    detail: 'the last lines the server process wrote to its output',
  },
  SV_ERR_STARTUP_SPAWN_FAILED: {
    message: 'Cannot start the server process (its output goes to [{out}]): {detail}',
    detail: "the operating system's message",
  },
  SV_ERR_STARTUP_NEW_APP: {
    message:
      'Cannot create web application [{name}] in [{dir}]: the name must be a webapp base name: letters, digits, [.], [_], [-], [#] for [/] and [##] before a version, not starting with [.]',
  },
  SV_ERR_STARTUP_NEW_APP_EXISTS: {
    message: 'Cannot create web application [{name}] in [{dir}]: [{path}] already exists; nothing was written',
  },
  SV_ERR_STARTUP_NOT_LOADED: {
    message: 'Catalina.{member} is not available before Catalina.load()',
  },
  SV_ERR_STARTUP_PACKAGE_JSON_MISSING: {
    message:
      'No package.json with a name and version was found within [{depth}] directories above [{dir}]; the Serval installation is incomplete',
  },

  // --- watchdog thread and -security (src/watchdog, src/startup) ---
  SV_ERR_WATCHDOG_LOOP_BLOCKED: {
    message:
      'The event loop has not run for [{ms}] ms (Server loopBlockedThresholdMs [{limit}]); it is held by web application [{webapp}], request [{request}]',
  },
  SV_ERR_WATCHDOG_LOOP_BLOCKED_UNKNOWN: {
    message:
      'The event loop has not run for [{ms}] ms (Server loopBlockedThresholdMs [{limit}]); what holds it cannot be told: no servlet, filter or callback of a web application was running',
  },
  SV_ERR_WATCHDOG_STOP_TIMEOUT: {
    message: 'The process did not exit within [{limit}] ms (Server stopTimeoutMs) after {trigger}; the watchdog ends it (SIGKILL)',
  },
  SV_ERR_WATCHDOG_FAILED: {
    message: 'The watchdog thread ended unexpectedly ({detail}); blocked-loop reports and the shutdown port are gone until a restart',
    detail: "the thread's exit code or the message of the error it threw",
  },
  SV_ERR_WATCHDOG_SCRIPT_MISSING: { message: 'The watchdog entry script [{file}] does not exist: run `npm run build`' },
  SV_ERR_STARTUP_SECURITY_INACTIVE: {
    message:
      "-security was given but Node's permission model is not on in this process; start the server with the bin/catalina shell script, which starts node with the permission flags",
  },
  SV_ERR_STARTUP_SECURITY_CHECK: {
    message:
      "-security: Node's permission model does not behave as the flags asked: {access} of [{path}] is {found}, expected {expected}; this Node ({version}) may want another flag syntax",
  },

  // --- messages: log lines that are not errors (SV_MSG_*) ---
  SV_MSG_STARTUP_STARTED: { message: '{summary}' },
  SV_MSG_STARTUP_STOPPED: { message: '{serverInfo} stopped in [{ms}] ms' },
  SV_MSG_STARTUP_SIGNAL: { message: 'Received {signal}: stopping' },
  SV_MSG_CONFIG_WARNING: { message: '{problem}' },
  SV_MSG_WATCHDOG_LOOP_RESUMED: { message: 'The event loop runs again after [{ms}] ms' },
  SV_MSG_WATCHDOG_MAIN_STACK: {
    message: 'The blocked event loop was paused for a moment to read its stack: {detail}',
    detail: 'the call frames the inspector (V8) reports, innermost first',
  },
  SV_MSG_WATCHDOG_STACK_UNAVAILABLE: {
    message: "The blocked event loop's stack cannot be taken: {reason}",
    reasons: [
      "Node's permission model (-security) turns the inspector off",
      'the inspector refused a session',
      'the inspector did not pause the main thread in time',
    ],
  },
  SV_MSG_WATCHDOG_SHUTDOWN_COMMAND: { message: 'Shutdown command received on the shutdown port [{address}:{port}]: stopping' },
  SV_MSG_DEPLOY_NO_DEFAULT_WEB_XML: {
    message: 'No conf/web.xml found in CATALINA_BASE or CATALINA_HOME: webapps get no default servlet',
  },
  SV_MSG_DEPLOY_LEAK_CLEARED: {
    message: 'The web application [{name}] left {leak} behind; it has been cleared to prevent a memory leak',
  },
  SV_MSG_NODE_INTERNAL_FALLBACK: {
    message: 'Node internal [{internal}] is not used on Node [{version}] ({detail}); instead {fallback}',
    detail: 'why the internal is not used: missing, failed its startup check, or switched off by an environment variable',
  },

  // --- worker pool (blocking-style endpoint) ---
  SV_ERR_WORKER_START_FAILED: {
    message: 'Worker thread [{worker}] of pool [{pool}] failed to start: {detail}',
    detail: 'the message of the error the worker thread failed with',
  },
  SV_ERR_WORKER_START_TIMEOUT: {
    message: 'Worker thread [{worker}] of pool [{pool}] was not ready after [{limit}] ms; it is terminated',
  },
  SV_ERR_WORKER_EXITED_AT_START: {
    message: 'Worker thread [{worker}] of pool [{pool}] exited with code [{exitCode}] before it was ready',
  },
  SV_ERR_WORKER_CRASHED: {
    message:
      'Worker thread [{worker}] of pool [{pool}] exited with code [{exitCode}] while serving [{requests}] request(s): {detail}; it is replaced',
    status: 500,
    detail: 'the message of the error the worker thread ended with',
  },
  SV_ERR_WORKER_EXITED: {
    message:
      'Worker thread [{worker}] of pool [{pool}] exited with code [{exitCode}] while serving [{requests}] request(s) (process.exit() or a fatal error); it is replaced',
    status: 500,
  },
  SV_ERR_WORKER_POOL_STOPPED: { message: 'Worker pool [{pool}] is stopped: no worker can take the connection' },
  SV_ERR_WORKER_CALL_TIMEOUT: {
    message: 'A {call} call from a worker thread to the main thread got no answer within [{limit}] ms',
  },
  SV_ERR_WORKER_SESSION_OWNER_MISSING: {
    message: 'A session call from a worker thread names web application [{context}] of Host [{host}], which the main thread does not have',
  },
  // --- blocking style: realms and session notes shared with worker threads ---
  SV_ERR_WORKER_REALM_OWNER_MISSING: {
    message: 'A realm call from a worker thread names the realm of [{container}], which the main thread does not have',
  },
  SV_ERR_WORKER_SIGN_ON_OWNER_MISSING: {
    message:
      'A single sign-on call from a worker thread names the SingleSignOn valve of [{container}], which the main thread does not have',
  },
  SV_ERR_SESSION_NOTE_NOT_CLONEABLE: {
    message: 'Session note [{name}] cannot be shared between worker threads (not structured-cloneable): {detail}',
    detail: "the structured clone algorithm's message (DataCloneError)",
  },

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
    detail: 'the message of the error the response was aborted with, or [no reason given]',
  },
  SV_ERR_WORKER_INTERRUPTED: {
    message:
      'Worker thread [{worker}] was terminated by StuckThreadDetectionValve: request [{uri}] ran past interruptThreadThreshold [{threshold}] s',
  },
  SV_ERR_WORKER_EXITED_MID_RESPONSE: {
    message: 'Worker thread [{worker}] exited while sending the response to request [{uri}]; the connection is closed',
  },
  SV_MSG_REALM_LOCKED_USER: { message: 'An attempt was made to authenticate the locked user [{username}]' },
  SV_MSG_REALM_LOCKOUT_CACHE_EVICTION: {
    message:
      'User [{username}] was removed from the failed users cache after [{seconds}] seconds to keep it within cacheSize [{cacheSize}]; raise cacheSize to keep such users locked',
  },
  SV_MSG_REALM_USERS_RELOADED: { message: 'Users file [{file}] changed: [{users}] user(s) loaded' },
  SV_MSG_SESSIONS_RESTORED: { message: '[{count}] session(s) restored from [{source}]' },
  SV_MSG_SESSION_FILE_UNREADABLE: {
    message: 'Stored sessions [{file}] could not be read and none of them are restored; the file was moved to [{movedTo}]',
  },
  SV_MSG_SESSION_FILE_NOT_WRITTEN: {
    message: 'Sessions could not be saved to [{file}]: they do not outlive this restart',
  },
  SV_MSG_SESSION_ATTRIBUTE_NOT_SAVED: {
    message: 'Attribute [{name}] (class [{className}]) of session [{id}] is not saved with it: {reason}',
    reasons: [
      'it is an instance of a class no SessionType registers',
      'it refers to itself',
      'it is a function',
      'it is a symbol',
      'it nests deeper than the limit',
      'its class is not allowed by sessionAttributeValueClassNameFilter',
      'its name does not match sessionAttributeNameFilter',
    ],
  },
  SV_MSG_NAMING_CONNECTION_DROPPED: {
    message:
      'DataSource [{resource}]: a pooled PostgreSQL connection failed while idle and was dropped; the next query opens a new one: {detail}',
    detail: 'the message of the pg client error',
  },
  SV_MSG_NAMING_WARM_UP_FAILED: {
    message:
      'DataSource [{resource}]: could not open the [{count}] connection(s) of initialSize at start; connections are opened on first use instead: {detail}',
    detail: 'the message of the pg client error',
  },
  SV_MSG_REALM_JNDI_USER_NOT_UNIQUE: {
    message:
      'JNDIRealm userSearch found more than one entry for user [{username}]; a user must be unique, so none of them is authenticated',
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

  // --- fault containment: what one webapp's code lets escape stays that webapp's (issue #18) ---
  SV_ERR_WEBAPP_FAULT: {
    message:
      'Web application [{name}] let an error escape its code ({kind}){during}; it is charged to that application and the server keeps serving',
    status: 500,
  },
  SV_ERR_WEBAPP_EXIT_REFUSED: {
    message: 'Web application [{name}] called [{call}]{during}; refused: a web application cannot end or signal the server process',
  },
  SV_ERR_CONTAINER_FAULT: {
    message: 'A fault that no web application can be charged with ({kind}); the server keeps serving',
  },
  // --- request filtering and load valves and filters (issue #21) ---
  SV_ERR_REQUEST_FILTER_INIT_PARAM: {
    message: 'Init parameter [{name}] of filter [{filter}] has invalid value [{value}]; allowed: {allowed}',
  },
  SV_ERR_PARAMETER_LIMIT_CONFIG: {
    message: 'ParameterLimitValve [{source}] line [{line}]: [{text}] is not `url-pattern=maxParameterCount`: {problem}',
  },

  // --- proxy valves and RemoteIpFilter (issue #21) ---
  SV_ERR_REMOTE_IP_FILTER_INIT_PARAM: {
    message: 'Init parameter [{name}] of filter [{filter}] has invalid value [{value}]; allowed: {allowed}',
  },
  SV_ERR_SSL_VALVE_CERTIFICATE: {
    message: 'SSLValve [{valve}] ignored the client certificate in header [{header}]: it is not a PEM certificate ({detail})',
    detail: "node:crypto's reason for refusing the certificate",
  },

  // --- RewriteValve (issue #21) ---
  SV_ERR_REWRITE_CONFIG_READ: {
    message: 'Rewrite configuration [{file}] cannot be read: {detail}',
    detail: "the operating system's message",
  },
  SV_ERR_REWRITE_UNKNOWN_DIRECTIVE: {
    message: '{file}:{line}: [{directive}] is not a rewrite directive; a line is RewriteCond, RewriteRule, RewriteMap or a # comment',
  },
  SV_ERR_REWRITE_ARGUMENTS: {
    message: '{file}:{line}: [{directive}] takes {expected}; found [{count}] argument(s)',
  },
  SV_ERR_REWRITE_DANGLING_CONDITION: {
    message:
      '{file}:{line}: this RewriteCond is followed by no RewriteRule, so it would apply to nothing; add the rule or remove the condition',
  },
  SV_ERR_REWRITE_UNKNOWN_FLAG: {
    message: '{file}:{line}: [{directive}] has unknown flag [{flag}]; known (case matters): [{known}]',
  },
  SV_ERR_REWRITE_FLAG_VALUE: {
    message: '{file}:{line}: flag [{flag}] has invalid value [{value}]; allowed: {allowed}',
  },
  SV_ERR_REWRITE_PROXY_REFUSED: {
    message:
      '{file}:{line}: flag [{flag}] (proxy) is refused: like Tomcat, Serval has no proxy to pass the request to, so the rule cannot do what it says',
  },
  SV_ERR_REWRITE_PATTERN: {
    message: '{file}:{line}: pattern [{pattern}] is refused: {detail}',
    detail: 'the reason src/config/config-pattern.ts gives, which may quote the JavaScript regular expression engine',
  },
  SV_ERR_REWRITE_SUBSTITUTION: {
    message: '{file}:{line}: [{text}] is not a valid substitution: {reason}',
    reasons: [
      'it ends with a lone backslash',
      'a $ is followed by a digit or {',
      'a % is followed by a digit or {',
      'a ${…} or %{…} is not closed',
      'a map lookup reads ${map:key} or ${map:key|default}',
    ],
  },
  SV_ERR_REWRITE_UNKNOWN_MAP: {
    message: '{file}:{line}: map [{map}] is not declared by any RewriteMap line of the file; declared: [{declared}]',
  },
  SV_ERR_REWRITE_VARIABLE_TYPE: {
    message: '{file}:{line}: variable type [{type}] is unknown; known: [HTTP, ENV, SSL]',
  },
  SV_ERR_REWRITE_MAP_REFUSED: {
    message: '{file}:{line}: RewriteMap [{map}] is refused: {reason}',
    reasons: [
      'a prg: map runs an external program, which Tomcat does not implement either; use a map module',
      'dbm: and dbd: maps read httpd databases, which Tomcat does not implement either; use a txt: map or a map module',
    ],
  },
  SV_ERR_REWRITE_INTERNAL_MAP: {
    message: '{file}:{line}: [int:{name}] is not an internal map; known: [int:toupper, int:tolower, int:escape, int:unescape]',
  },
  SV_ERR_REWRITE_MAP_FILE: {
    message: '{file}:{line}: map file [{mapFile}] cannot be read: {detail}',
    detail: "the operating system's message",
  },
  SV_ERR_REWRITE_MAP_FILE_LINE: {
    message: '{mapFile}:{mapLine}: a map line reads `key value` (a line starting with # is a comment); found [{text}]',
  },
  SV_ERR_REWRITE_MAP_MODULE: {
    message: '{file}:{line}: map module [{module}] cannot be loaded: {detail}',
    detail: "the message of the error require() or the module's constructor threw",
  },
  SV_ERR_REWRITE_MAP_NO_LOOKUP: {
    message: '{file}:{line}: map module [{module}] exports no class whose instances have lookup(key)',
  },
  SV_MSG_REWRITE_UNKNOWN_VARIABLE: {
    message:
      '{file}:{line}: server variable [{name}] is not one the RewriteValve knows, so it always expands to an empty string; known: [{known}]',
  },
  SV_ERR_REWRITE_TOO_MANY_PASSES: {
    message:
      'The RewriteValve of [{container}] ran its rules [{passes}] times for [{uri}] (maxPasses [{maxPasses}]): rules with the N flag keep restarting; the request is answered 500',
    status: 500,
  },
  SV_ERR_REWRITE_FAILED: {
    message: 'The RewriteValve of [{container}] could not apply its rules to [{uri}]; the request is answered 500: {detail}',
    status: 500,
    detail: 'the message of the error a map module threw, or of the check the rewritten response failed',
  },

  // --- error report and access log valves (issue #21) ---
  SV_ERR_ERROR_REPORT_PAGE_UNREADABLE: {
    message:
      '{valve} could not read the error page file [{file}] ({detail}); the standard report is sent instead (logged again only after the file was read once)',
    detail: 'the file system error code (ENOENT, EACCES, EISDIR…)',
  },
  SV_ERR_ERROR_REPORT_PROXY_FAILED: {
    message: 'ProxyErrorReportValve could not relay the error service [{url}] ({detail}); the standard report is sent instead',
    detail: 'why the fetch failed: the network error, the status the service answered, the timeout or the size limit',
  },
  SV_ERR_ERROR_REPORT_PROPERTIES: {
    message: 'ProxyErrorReportValve [{element}] has usePropertiesFile="true" but [{file}] cannot be read ({detail})',
    detail: 'the file system error code',
  },
  SV_ERR_ERROR_REPORT_URL: {
    message:
      'ProxyErrorReportValve [{element}]: the target [{url}] of [{key}] is not an absolute http: or https: URL, which the proxy mode (useRedirect="false") needs',
  },

  // --- CorsFilter, HttpHeaderSecurityFilter and the small filters (issue #21) ---
  SV_ERR_FILTER_INIT_PARAM: {
    message: 'Init parameter [{name}] of filter [{filter}] has invalid value [{value}]; allowed: {allowed}',
  },
  SV_ERR_FILTER_CORS_CREDENTIALS_ANY_ORIGIN: {
    message:
      'Filter [{filter}]: cors.support.credentials [true] cannot be combined with cors.allowed.origins [*] (the CORS protocol forbids credentials with a wildcard origin); list the allowed origins instead',
  },
  SV_ERR_FILTER_HEADERS_COMMITTED: {
    message: 'Filter [{filter}] cannot set its response headers: the response was committed before the filter ran',
  },

  // --- CsrfPreventionFilter, RestCsrfPreventionFilter, RateLimitFilter, ExpiresFilter (issue #21) ---
  SV_ERR_CSRF_FILTER_INIT_PARAM: {
    message: 'Init parameter [{name}] of filter [{filter}] ({filterClass}) has invalid value [{value}]; allowed: {allowed}',
  },
  SV_ERR_CSRF_FILTER_UNKNOWN_INIT_PARAM: {
    message: 'Filter [{filter}] ({filterClass}) has no init parameter [{name}]{hint}; its init parameters are [{known}]',
  },
  SV_ERR_RATE_LIMIT_FILTER_INIT_PARAM: {
    message: 'Init parameter [{name}] of filter [{filter}] (RateLimitFilter) has invalid value [{value}]; allowed: {allowed}',
  },
  SV_ERR_RATE_LIMIT_FILTER_UNKNOWN_INIT_PARAM: {
    message: 'Filter [{filter}] (RateLimitFilter) has no init parameter [{name}]{hint}; its init parameters are [{known}]',
  },
  SV_ERR_EXPIRES_FILTER_INIT_PARAM: {
    message: 'Init parameter [{name}] of filter [{filter}] (ExpiresFilter) has invalid value [{value}]: {problem}',
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

type Spec<C extends ErrorCode> = (typeof catalogue)[C];

/**
 * What one parameter takes: `{reason}` one of the code's `reasons`, `{detail}` text only where the spec
 * says where it comes from (never otherwise, so an undeclared `{detail}` cannot be filled), any other a value.
 */
type ParamType<C extends ErrorCode, K extends string> = K extends 'reason'
  ? Spec<C> extends { readonly reasons: readonly (infer R)[] }
    ? R
    : never
  : K extends 'detail'
    ? Spec<C> extends { readonly detail: string }
      ? string
      : never
    : ParamValue;

/**
 * The parameters of one code: exactly the placeholders of its template, each required. A code without
 * placeholders takes an empty object. Distributes over a union of codes, so a value of type `'A' | 'B'`
 * needs the parameters of one of them.
 */
export type ParamsOf<C extends ErrorCode> = C extends ErrorCode
  ? [ParamName<C>] extends [never]
    ? Readonly<Record<string, never>>
    : { readonly [K in ParamName<C>]: ParamType<C, K> }
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
