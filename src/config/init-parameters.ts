/**
 * The init parameters of the built-in servlets (`<init-param>` in conf/web.xml or a webapp's web.xml), declared
 * once like server.xml's attributes: the servlet reads them typed through initParametersOf, and
 * docs/configuration.md lists them. Defaults follow Tomcat 10.1's DefaultServlet.
 */
import { builder, INT_MAX, type AttributeSpec, type TypedValues } from './attribute-spec.js';
import { convertAttribute, defaultOf } from './attribute-values.js';
import { DEFAULT_INTERNAL_PROXIES } from './attributes.js';

const defaultServlet = builder('DefaultServlet');
// --- proxy filter (issue #21) ---
const remoteIpFilter = builder('Filter:RemoteIpFilter');

// CsrfPreventionFilter, RestCsrfPreventionFilter, RateLimitFilter, ExpiresFilter (issue #21)
const csrfFilter = builder('Filter:CsrfPreventionFilter');
const restCsrfFilter = builder('Filter:RestCsrfPreventionFilter');
const rateLimitFilter = builder('Filter:RateLimitFilter');
const expiresFilter = builder('Filter:ExpiresFilter');
const STATUS = { min: 100, max: 599 } as const;
const RANDOM_CLASS_DOC =
  "Tomcat's java.util.Random subclass for nonces. Accepted for compatibility and not used: Serval's nonces always come from node:crypto's CSPRNG, so no value can make them weaker.";
// CorsFilter, HttpHeaderSecurityFilter and the small filters (issue #21): Tomcat 10.1's init-params and defaults.
const corsFilter = builder('Filter:CorsFilter');
const headerSecurityFilter = builder('Filter:HttpHeaderSecurityFilter');
const setCharacterEncodingFilter = builder('Filter:SetCharacterEncodingFilter');
const addDefaultCharsetFilter = builder('Filter:AddDefaultCharsetFilter');

// Request filtering filters (RemoteAddrFilter, RemoteCIDRFilter, RemoteHostFilter).
const remoteAddrFilter = builder('Filter:RemoteAddrFilter');
const remoteHostFilter = builder('Filter:RemoteHostFilter');
const remoteCidrFilter = builder('Filter:RemoteCIDRFilter');
const denyStatusDoc = 'Status sent to a refused request.';

const table = [
  defaultServlet.bool('listings', false, 'Whether a directory without a welcome file answers with an HTML listing instead of 404.'),
  defaultServlet.bool('readonly', true, 'Whether PUT and DELETE are refused with 405; `false` allows them (PUT 201/204, DELETE 204/404).'),
  defaultServlet.bool(
    'allowPartialPut',
    true,
    'With readonly=false, whether a PUT with Content-Range patches the file (through a randomly named temporary file outside the webapp).',
  ),
  defaultServlet.str(
    'fileEncoding',
    'UTF-8',
    'Character set of text files: named in the Content-Type of `text/*` types and of those containing `xml` or `javascript`, and used when an including servlet already took the Writer.',
  ),
  defaultServlet.int(
    'sendfileSize',
    48,
    'Files at least this large that are not in the resource cache are streamed from disk with back-pressure; smaller ones are read whole; a negative value streams every uncached file.',
    { unit: 'KiB', min: -INT_MAX, max: 1024 * 1024 * 1024 },
  ),
  defaultServlet.bool('useAcceptRanges', true, 'Whether responses carry `Accept-Ranges: bytes` (ranges are honoured either way).'),
  defaultServlet.bool('showServerInfo', true, 'Whether listings name the server in their footer.'),
  defaultServlet.bool('sortListings', false, 'Whether the client may sort listings (`?C=N|S|M;O=A|D`).'),
  defaultServlet.bool('sortDirectoriesFirst', false, 'Whether listings show directories before files.'),
  defaultServlet.str(
    'precompressed',
    'false',
    "`true` serves `foo.br` / `foo.gz` siblings of `foo` to clients that accept br / gzip; or an explicit list such as `br=.br,gzip=.gz` (the server's order of preference).",
  ),
  defaultServlet.enum(
    'directoryRedirectStatusCode',
    ['301', '302', '303', '307', '308'],
    '302',
    'Status of the `/dir` → `/dir/` redirect.',
  ),
  defaultServlet.bool('allowPostAsGet', true, 'Whether a POST to a static file is answered like a GET.'),
  defaultServlet.bool(
    'useStrongETags',
    false,
    '`true` uses the SHA-256 of the content as a strong ETag instead of `W/"length-lastModified"`.',
  ),
  // --- Request filtering filters (RemoteAddrFilter, RemoteCIDRFilter, RemoteHostFilter) ---
  remoteAddrFilter.regex('allow', 'Regular expression the whole client address (getRemoteAddr()) must match to pass.'),
  remoteAddrFilter.regex('deny', 'Regular expression of client addresses refused (checked before allow).'),
  remoteAddrFilter.int('denyStatus', 403, denyStatusDoc, { min: 100, max: 599 }),
  remoteHostFilter.regex(
    'allow',
    'Regular expression the whole client host name must match to pass; without reverse lookups (enableLookups) the host name is the address.',
  ),
  remoteHostFilter.regex('deny', 'Regular expression of client host names refused (checked before allow).'),
  remoteHostFilter.int('denyStatus', 403, denyStatusDoc, { min: 100, max: 599 }),
  remoteCidrFilter.str('allow', undefined, 'Comma separated IPv4/IPv6 addresses or CIDR blocks (`127.0.0.0/8, ::1`) allowed to pass.'),
  remoteCidrFilter.str(
    'deny',
    undefined,
    'Comma separated IPv4/IPv6 addresses or CIDR blocks refused (checked before allow); refused with 403.',
  ),

  // --- Proxy filter (RemoteIpFilter) ---
  remoteIpFilter.regex(
    'internalProxies',
    'Addresses of the proxies in front of the server (a Java regular expression on the whole address): their headers are trusted and they never appear in proxiesHeader.',
    { default: DEFAULT_INTERNAL_PROXIES },
  ),
  remoteIpFilter.regex('trustedProxies', 'Addresses of further proxies whose headers are trusted; they are listed in proxiesHeader.'),
  remoteIpFilter.str(
    'remoteIpHeader',
    'X-Forwarded-For',
    'Header holding the client address and the proxies it went through, left to right.',
  ),
  remoteIpFilter.str('proxiesHeader', 'X-Forwarded-By', 'Header the application sees set to the trusted proxies the request went through.'),
  remoteIpFilter.str(
    'protocolHeader',
    'X-Forwarded-Proto',
    "Header holding the client's scheme: when every value is protocolHeaderHttpsValue the request is secure.",
  ),
  remoteIpFilter.str('protocolHeaderHttpsValue', 'https', 'Value of protocolHeader that means https (compared ignoring case).'),
  remoteIpFilter.str('hostHeader', undefined, 'Header holding the host name the client asked for, which getServerName() then reports.'),
  remoteIpFilter.str('portHeader', undefined, 'Header holding the port the client connected to.'),
  remoteIpFilter.int('httpServerPort', 80, 'getServerPort() when protocolHeader says http and portHeader gives none.', { max: 65535 }),
  remoteIpFilter.int('httpsServerPort', 443, 'getServerPort() when protocolHeader says https and portHeader gives none.', { max: 65535 }),
  remoteIpFilter.bool('changeLocalName', false, 'Whether getLocalName() also reports the hostHeader value.'),
  remoteIpFilter.bool('changeLocalPort', false, 'Whether getLocalPort() also reports the forwarded port.'),
  remoteIpFilter.bool(
    'requestAttributesEnabled',
    true,
    'Whether the client address, host, protocol, server name and port are set as the `org.apache.catalina.AccessLog.*` request attributes for the access log.',
  ),

  // --- CorsFilter, HttpHeaderSecurityFilter and the small filters (SetCharacterEncodingFilter, AddDefaultCharsetFilter, RequestDumperFilter, FailedRequestFilter, SessionInitializerFilter) ---
  corsFilter.str(
    'cors.allowed.origins',
    '',
    'Comma-separated origins (`https://app.example.com`) allowed to make cross-origin requests, compared case-sensitively; `*` allows any origin. Empty (the default since Tomcat 9): no cross-origin request is allowed.',
  ),
  corsFilter.str(
    'cors.allowed.methods',
    'GET,POST,HEAD,OPTIONS',
    'Comma-separated methods a cross-origin request may use (case-sensitive), listed in `Access-Control-Allow-Methods` of a pre-flight response.',
  ),
  corsFilter.str(
    'cors.allowed.headers',
    'Origin,Accept,X-Requested-With,Content-Type,Access-Control-Request-Method,Access-Control-Request-Headers',
    'Comma-separated request headers a pre-flight may announce in `Access-Control-Request-Headers` (case-insensitive), listed in `Access-Control-Allow-Headers`.',
  ),
  corsFilter.str(
    'cors.exposed.headers',
    '',
    'Comma-separated response headers the browser may let the script read, sent as `Access-Control-Expose-Headers`.',
  ),
  corsFilter.bool(
    'cors.support.credentials',
    false,
    'Whether cross-origin requests may carry credentials (cookies, authentication): sends `Access-Control-Allow-Credentials: true`. Refused with `cors.allowed.origins` `*`.',
  ),
  corsFilter.int(
    'cors.preflight.maxage',
    1800,
    'How long a browser may cache a pre-flight response (`Access-Control-Max-Age`); zero or negative sends no such header.',
    { unit: 's', min: -INT_MAX },
  ),
  corsFilter.bool(
    'cors.request.decorate',
    true,
    'Whether the request gets the attributes `cors.isCorsRequest`, `cors.request.origin`, `cors.request.type` and `cors.request.headers`.',
  ),
  headerSecurityFilter.bool(
    'hstsEnabled',
    true,
    'Whether secure (HTTPS) responses carry `Strict-Transport-Security` (never sent over plain HTTP, RFC 6797 §7.2).',
  ),
  headerSecurityFilter.int('hstsMaxAgeSeconds', 0, 'The HSTS `max-age`; a negative value counts as 0.', { unit: 's', min: -INT_MAX }),
  headerSecurityFilter.bool('hstsIncludeSubDomains', false, 'Whether the HSTS header adds `;includeSubDomains`.'),
  headerSecurityFilter.bool('hstsPreload', false, 'Whether the HSTS header adds `;preload`.'),
  headerSecurityFilter.bool('antiClickJackingEnabled', true, 'Whether responses carry `X-Frame-Options`.'),
  headerSecurityFilter.enum(
    'antiClickJackingOption',
    ['DENY', 'SAMEORIGIN', 'ALLOW-FROM'],
    'DENY',
    'The `X-Frame-Options` value; `ALLOW-FROM` needs antiClickJackingUri.',
  ),
  headerSecurityFilter.str('antiClickJackingUri', undefined, 'The URI after `ALLOW-FROM` (required with that option).'),
  headerSecurityFilter.bool('blockContentTypeSniffingEnabled', true, 'Whether responses carry `X-Content-Type-Options: nosniff`.'),
  headerSecurityFilter.bool(
    'xssProtectionEnabled',
    false,
    'Whether responses carry `X-XSS-Protection: 1; mode=block` (off by default, as in Tomcat 10.1: browsers have removed the feature).',
  ),
  setCharacterEncodingFilter.str(
    'encoding',
    undefined,
    'The character encoding given to requests (request.setCharacterEncoding) before their parameters or body are read; unset: the filter does nothing.',
  ),
  setCharacterEncodingFilter.bool(
    'ignore',
    false,
    "Whether the encoding replaces one the request already has: declared in its Content-Type, or the context's `<request-character-encoding>` (UTF-8 in the shipped conf/web.xml, as in Tomcat 10.1's); by default only requests without one get it.",
  ),
  addDefaultCharsetFilter.str(
    'encoding',
    'ISO-8859-1',
    'The charset added to a `text/*` Content-Type that names none; `system` means the platform default (UTF-8 on Node.js).',
  ),

  // --- CsrfPreventionFilter, RestCsrfPreventionFilter, RateLimitFilter, ExpiresFilter ---
  csrfFilter.int('denyStatus', 403, 'Status sent (with sendError) when a request lacks a valid nonce.', STATUS),
  csrfFilter.str(
    'entryPoints',
    '',
    'Comma-separated paths (servlet path + path info, e.g. `/home`) a GET may reach without a nonce: where a user enters the application.',
  ),
  csrfFilter.int(
    'nonceCacheSize',
    5,
    'How many of the latest nonces of a session stay valid (first in, first out), for parallel requests, back and refresh.',
    { min: 1, max: 1000 },
  ),
  csrfFilter.str(
    'nonceRequestParameterName',
    'org.apache.catalina.filters.CSRF_NONCE',
    'Name of the request parameter that carries the nonce; also published as the context attribute `org.apache.catalina.filters.CSRF_NONCE_PARAM_NAME`.',
  ),
  csrfFilter.bool(
    'enforce',
    true,
    '`false` does not refuse: requests without a valid nonce are served (Tomcat only logs them at debug level). Nonces are still issued.',
  ),
  csrfFilter.str(
    'noNonceURLPatterns',
    '*.css, *.js, *.gif, *.png, *.jpg, *.svg, *.ico, *.jpeg, *.mjs',
    'Comma-separated patterns of URLs that encodeURL() leaves without a nonce and GETs reach without one: `*suffix`, `prefix*`, `/regex/` (whole match), `mime:` + one of those (matched on the MIME type of the URL); the whole value between slashes is one regex.',
  ),
  csrfFilter.str('randomClass', 'java.security.SecureRandom', RANDOM_CLASS_DOC),
  restCsrfFilter.int('denyStatus', 403, "Status sent (with sendError) when a modifying request lacks the session's token.", STATUS),
  restCsrfFilter.str(
    'pathsAcceptingParams',
    '',
    'Comma-separated paths (servlet path + path info) where the token may also come as an `X-CSRF-Token` request parameter when the header is absent.',
  ),
  restCsrfFilter.str('randomClass', 'java.security.SecureRandom', RANDOM_CLASS_DOC),
  rateLimitFilter.int('bucketDuration', 60, 'Length of a time bucket; each address may make bucketRequests requests per bucket.', {
    unit: 's',
    min: 1,
    max: 86_400,
  }),
  rateLimitFilter.int('bucketRequests', 300, 'Requests one address may make in a bucket; the next ones are refused (or only counted).', {
    min: 1,
  }),
  rateLimitFilter.bool(
    'enforce',
    true,
    '`false` counts without refusing: the application reads the count from the request attribute `org.apache.catalina.filters.RateLimitFilter.Count`.',
  ),
  rateLimitFilter.int('statusCode', 429, 'Status sent (with sendError) to a request over the limit.', STATUS),
  rateLimitFilter.str('statusMessage', 'Too many requests', 'Message passed to sendError with statusCode.'),
  rateLimitFilter.bool(
    'exposeHeaders',
    false,
    'Send the `RateLimit-Policy` header (and, when enforcing, `RateLimit`) of the IETF RateLimit header fields draft.',
  ),
  rateLimitFilter.str('policyName', undefined, 'Policy name in the exposed headers; by default `fast-<n>` or `exact-<n>` as in Tomcat.'),
  rateLimitFilter.enum(
    'rateLimitClassName',
    ['org.apache.catalina.util.FastRateLimiter', 'org.apache.catalina.util.ExactRateLimiter'],
    'org.apache.catalina.util.FastRateLimiter',
    "FastRateLimiter rounds the bucket up to a power of two milliseconds (60 s → 65.536 s) and scales bucketRequests by the same ratio (300 → 328), as Tomcat's; ExactRateLimiter keeps both as written.",
  ),
  expiresFilter.str(
    'ExpiresDefault',
    undefined,
    'Expiration for responses no ExpiresByType matches, in mod_expires syntax: `access plus 1 month 2 days`, `modification plus 1 hour`, or `A<seconds>` / `M<seconds>`.',
  ),
  expiresFilter.str(
    'ExpiresByType ',
    undefined,
    'One parameter per content type, named `ExpiresByType text/css` (or a major type, `ExpiresByType image`), its value in the syntax of ExpiresDefault. The full content type is tried first, then without parameters, then the major type.',
    { prefix: true },
  ),
  expiresFilter.str(
    'ExpiresExcludedResponseStatusCodes',
    '304',
    'Comma-separated statuses whose responses get no Expires or Cache-Control max-age.',
  ),
  expiresFilter.str(
    'ExpiresActive',
    'On',
    "mod_expires' switch (`On`/`Off`, or `true`/`false`): `Off` makes the filter pass responses through untouched. Tomcat 10.1 ignores this parameter with a warning (always on).",
  ),
] as const;

type Entry = (typeof table)[number];

/** `DefaultServlet`, `Filter:<SimpleClassName>`: the servlets and filters whose init parameters the table declares. */
export type InitParameterOwner = Entry['owner'];

/** The typed init parameters of one servlet, every one defaulted. */
export type InitParameters<O extends InitParameterOwner> = TypedValues<Entry, O>;

export const initParameterTable: readonly AttributeSpec[] = Object.freeze(table.map((spec: AttributeSpec) => Object.freeze(spec)));

/** Servlets in table order. */
export function initParameterOwners(): readonly string[] {
  return [...new Set(initParameterTable.map((spec) => spec.owner))];
}

/** The init parameters of one servlet, in table order. */
export function initParametersOf(owner: string): readonly AttributeSpec[] {
  return initParameterTable.filter((spec) => spec.owner === owner);
}

/**
 * Reads a servlet's init parameters through `read` (its getInitParameter): a value is trimmed (web.xml
 * indents them), an absent or blank one takes the table's default, and one the table refuses is thrown as
 * `invalid(name, value, allowed)`.
 */
export function readInitParameters<O extends InitParameterOwner>(
  owner: O,
  read: (name: string) => string | null,
  invalid: (name: string, value: string, allowed: string) => Error,
): InitParameters<O> {
  const values: Record<string, unknown> = {};
  for (const spec of initParametersOf(owner)) {
    const raw = read(spec.name);
    if (raw === null || raw.trim() === '') {
      values[spec.name] = defaultOf(spec);
      continue;
    }
    const converted = convertAttribute(spec, raw.trim());
    if (!converted.ok) throw invalid(spec.name, raw, converted.allowed);
    values[spec.name] = converted.value;
  }
  return values as InitParameters<O>;
}
