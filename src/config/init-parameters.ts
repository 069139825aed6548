/**
 * The init parameters of the built-in servlets (`<init-param>` in conf/web.xml or a webapp's web.xml), declared
 * once like server.xml's attributes: the servlet reads them typed through initParametersOf, and
 * docs/configuration.md lists them. Defaults follow Tomcat 10.1's DefaultServlet.
 */
import { builder, INT_MAX, type AttributeSpec, type TypedValues } from './attribute-spec.js';
import { convertAttribute, defaultOf } from './attribute-values.js';

const defaultServlet = builder('DefaultServlet');

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
