/**
 * pgjdbc's connection URL, as a DBCP `url` attribute gives it, read into what pg needs: host and port (or a
 * unix-socket directory), database and the parameters Serval maps. Parameters it does not map are refused,
 * so nothing written in the URL is silently dropped; a few that only tune the Java driver are accepted.
 */
import { ConfigError } from '../errors/container-error.js';
import { boolAttribute, intAttribute, redactPasswords, type Problems } from './resource-problems.js';

/**
 * pgjdbc URL parameters (and `connectionProperties` keys) Serval accepts without effect: they tune the Java
 * driver's protocol use (statement caching, fetch sizes, buffers) or its logging.
 */
export const IGNORED_URL_PARAMETERS: readonly string[] = [
  'prepareThreshold',
  'preparedStatementCacheQueries',
  'preparedStatementCacheSizeMiB',
  'defaultRowFetchSize',
  'binaryTransfer',
  'receiveBufferSize',
  'sendBufferSize',
  'reWriteBatchedInserts',
  'assumeMinServerVersion',
  'loggerLevel',
  'loggerFile',
  'logUnclosedConnections',
];
export const MAPPED_URL_PARAMETERS: readonly string[] = [
  'user',
  'password',
  'ssl',
  'sslmode',
  'sslrootcert',
  'connectTimeout',
  'loginTimeout',
  'socketTimeout',
  'ApplicationName',
  'currentSchema',
  'options',
  'tcpKeepAlive',
  'readOnly',
  'host',
  'socketFactory',
  'socketFactoryArg',
];
/** junixsocket's factory, the usual way to reach a unix-domain socket from pgjdbc. */
const JUNIXSOCKET_FACTORY = 'org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg';
const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;

/** How TLS is used: pg's `ssl` plus, when given, the file of the CA certificates to trust (read by the factory). */
export type SslMode = (typeof SSL_MODES)[number];

export type Params = Record<string, string>;

/** The pieces of a pgjdbc URL: `jdbc:postgresql:[//host[:port]]/[database][?k=v&…]`. */
export interface ParsedUrl {
  readonly host: string;
  readonly port: number;
  /** null = pgjdbc's default, the user name (pg's default too). */
  readonly database: string | null;
  readonly parameters: Params;
}

/**
 * pgjdbc's URL syntax (org.postgresql.Driver.parseURL): `jdbc:postgresql:database`, `jdbc:postgresql:/`,
 * `jdbc:postgresql://host/database`, `jdbc:postgresql://host:port/`, `jdbc:postgresql://[::1]:5740/db`, each with
 * `?name=value&…`; host localhost and port 5432 by default. A failover list (`//h1:p1,h2:p2/db`) is refused.
 * A unix-domain socket is reached with libpq's `host=/directory` parameter (the socket is
 * `/directory/.s.PGSQL.<port>`) or junixsocket's `socketFactory=…AFUNIXSocketFactory$FactoryArg&socketFactoryArg=/directory/.s.PGSQL.<port>`.
 */
export function parseJdbcUrl(url: string, problems: Problems): ParsedUrl {
  const syntax = (reason: string): never => {
    throw new ConfigError('SV_ERR_NAMING_URL_SYNTAX', { ...problems.where, value: redactPasswords(url), reason: reason as never });
  };
  const prefix = 'jdbc:postgresql:';
  if (!url.startsWith(prefix))
    syntax('a PostgreSQL JDBC URL starts with jdbc:postgresql: (pgjdbc syntax: jdbc:postgresql://host:port/database?parameters)');
  const rest = url.slice(prefix.length);
  const q = rest.indexOf('?');
  const base = q === -1 ? rest : rest.slice(0, q);
  const query = q === -1 ? '' : rest.slice(q + 1);
  const decode = (text: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      return syntax('it contains a malformed percent-encoding');
    }
  };

  let host = 'localhost';
  let port = 5432;
  let databasePart: string;
  if (base.startsWith('//')) {
    const slash = base.indexOf('/', 2);
    const authority = slash === -1 ? base.slice(2) : base.slice(2, slash);
    databasePart = slash === -1 ? '' : base.slice(slash + 1);
    if (authority.includes(','))
      syntax('it names several hosts (a pgjdbc failover list); Serval connects to one server, so name exactly one host');
    if (authority !== '') {
      const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9._-]+))(?::(\d{1,5}))?$/.exec(authority);
      const portText = m?.[3];
      if (m === null || (portText !== undefined && (Number(portText) < 1 || Number(portText) > 65535))) {
        return syntax(
          'its host part is not a host name, an IPv4 address or a bracketed IPv6 address followed by an optional :port (1 to 65535)',
        );
      }
      host = (m[1] ?? m[2]) as string;
      if (portText !== undefined) port = Number(portText);
    }
  } else {
    databasePart = base.startsWith('/') ? base.slice(1) : base;
  }
  const database = databasePart === '' ? null : decode(databasePart);

  const parameters: Params = {};
  for (const pair of query === '' ? [] : query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = decode(eq === -1 ? '' : pair.slice(eq + 1));
    if (Object.hasOwn(parameters, key)) syntax('a query parameter is given twice, so which one counts would be a guess');
    checkParameter(problems, key);
    parameters[key] = value;
  }

  const socketDir = unixSocket(problems, parameters);
  if (socketDir !== null) return { host: socketDir.directory, port: socketDir.port ?? port, database, parameters };
  return { host, port, database, parameters };
}

function checkParameter(problems: Problems, key: string): void {
  if (MAPPED_URL_PARAMETERS.includes(key) || IGNORED_URL_PARAMETERS.includes(key)) return;
  throw new ConfigError('SV_ERR_NAMING_URL_PARAMETER', {
    ...problems.where,
    parameter: key,
    known: [...MAPPED_URL_PARAMETERS, ...IGNORED_URL_PARAMETERS].join(', '),
  });
}

/** `connectionProperties="k=v;k=v"` (DBCP): driver properties, the same names as URL parameters; the URL's win nowhere, a clash is refused. */
export function mergeConnectionProperties(fromUrl: Params, properties: string | undefined, problems: Problems): Params {
  if (properties === undefined) return fromUrl;
  const merged: Params = { ...fromUrl };
  for (const pair of properties.split(';')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    const key = (eq === -1 ? pair : pair.slice(0, eq)).trim();
    const value = eq === -1 ? '' : pair.slice(eq + 1).trim();
    checkParameter(problems, key);
    if (Object.hasOwn(merged, key) && merged[key] !== value) {
      problems.invalid('connectionProperties', properties, `properties not already set differently in the url (${key} is)`);
    }
    merged[key] = value;
  }
  return merged;
}

function unixSocket(problems: Problems, p: Params): { directory: string; port: number | null } | null {
  if (p.host !== undefined && p.socketFactory !== undefined) {
    throw new ConfigError('SV_ERR_NAMING_CONFLICT', {
      ...problems.where,
      first: 'url host',
      second: 'url socketFactory',
      reason: 'both say how to reach a unix-domain socket; use one',
    });
  }
  if (p.host !== undefined) {
    if (!p.host.startsWith('/'))
      problems.invalid('url host', p.host, 'an absolute directory holding the server socket (libpq syntax), e.g. /var/run/postgresql');
    return { directory: p.host, port: null };
  }
  if (p.socketFactory !== undefined) {
    if (p.socketFactory !== JUNIXSOCKET_FACTORY) problems.invalid('url socketFactory', p.socketFactory, JUNIXSOCKET_FACTORY);
    const arg = p.socketFactoryArg ?? '';
    const m = /^(\/.*)\/\.s\.PGSQL\.(\d{1,5})$/.exec(arg);
    if (m === null)
      return problems.invalid('url socketFactoryArg', arg, 'the absolute path of the server socket, /directory/.s.PGSQL.<port>');
    return { directory: m[1] as string, port: Number(m[2]) };
  }
  if (p.socketFactoryArg !== undefined)
    problems.invalid('url socketFactoryArg', p.socketFactoryArg, `only with socketFactory=${JUNIXSOCKET_FACTORY}`);
  return null;
}

/**
 * pgjdbc: `ssl=true` alone means verify-full; `sslmode` wins when given. No parameter: pgjdbc's `prefer`
 * (try TLS, fall back to plain) guarantees nothing against an active attacker and pg cannot fall back, so the
 * connection is plain, as `disable`. An explicit `allow` or `prefer` is refused: it asks for TLS Serval
 * could not promise.
 */
export function sslModeOf(problems: Problems, p: Params): SslMode {
  const ssl = p.ssl === undefined ? undefined : urlBool(problems, 'ssl', p.ssl);
  if (p.sslmode !== undefined) {
    const mode = SSL_MODES.find((m) => m === p.sslmode);
    if (mode === undefined)
      problems.invalid(
        'url sslmode',
        p.sslmode,
        `one of [${SSL_MODES.join(', ')}] (allow and prefer may fall back to plain text silently)`,
      );
    if (ssl === false && mode !== 'disable')
      problems.invalid('url ssl', p.ssl as string, `true, or no ssl parameter, with sslmode=${mode}`);
    return mode;
  }
  if (p.sslrootcert !== undefined && ssl !== true)
    problems.invalid('url sslrootcert', p.sslrootcert, 'only with ssl=true or sslmode=verify-ca/verify-full');
  return ssl === true ? 'verify-full' : 'disable';
}

export function urlBool(problems: Problems, parameter: string, value: string): boolean {
  return boolAttribute(problems, `url ${parameter}`, value, false);
}

export function urlSeconds(problems: Problems, parameter: string, value: string | undefined, fallback: number): number {
  return intAttribute(problems, `url ${parameter}`, value, fallback, { min: 0 });
}
