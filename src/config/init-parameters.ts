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

  // --- CsrfPreventionFilter, RestCsrfPreventionFilter, RateLimitFilter, ExpiresFilter ---
] as const;

type Entry = (typeof table)[number];

/** `DefaultServlet`: the servlets whose init parameters the table declares. */
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
