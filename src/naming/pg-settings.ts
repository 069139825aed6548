/**
 * Tomcat's form of a PostgreSQL DataSource (a DBCP2 BasicDataSource over pgjdbc: `url`, `username`,
 * `password`, `driverClassName` and the pool attributes) → the settings of a pg Pool. Pure: no connection is
 * made and no file is read here, so every refusal is found when the configuration is read.
 *
 * Rules: what pg can do is mapped; what only tunes a Java pool, or configures something this DataSource never
 * does (lend out a connection), is accepted and has no effect (the attribute table says why, and the loader
 * warns); anything whose meaning pg cannot honour, or that Serval does not know, is refused with a coded error
 * naming the resource, file, line, attribute and what is allowed. The decisions are documented in
 * docs/security.md ("DataSourceRealm and DataSource resources").
 */
import type { PoolConfig } from 'pg';
import { ConfigError } from '../errors/container-error.js';
import type { ResourceConfig } from './resource-config.js';

export const DATA_SOURCE_TYPE = 'javax.sql.DataSource';
/** pgjdbc's driver class; `driverClassName` may name it or be left out. */
export const PG_DRIVER_CLASS = 'org.postgresql.Driver';
/** Tomcat's default factory for a DataSource Resource (its repackaged DBCP2). */
export const DBCP_FACTORY = 'org.apache.tomcat.dbcp.dbcp2.BasicDataSourceFactory';

/**
 * Why an accepted DBCP attribute has no effect here: the key of the attribute table's reason for it
 * (attributes.ts: `tuning`, `absent`, `logOnly`, `jvm`, `javaClass`).
 */
export type IgnoredBecause = 'tuning' | 'absent' | 'logOnly' | 'jvm' | 'javaClass';

/**
 * Every DBCP2 BasicDataSource attribute Serval accepts: `mapped` ones change the pg Pool, the others are
 * accepted without effect for the reason given. Any other attribute (DBCP 1's maxActive/maxWait among them)
 * is refused. test/unit/naming checks that the attribute table declares exactly these.
 */
export const DATA_SOURCE_ATTRIBUTES: Readonly<Record<string, 'mapped' | IgnoredBecause>> = {
  url: 'mapped',
  username: 'mapped',
  password: 'mapped',
  driverClassName: 'mapped',
  connectionProperties: 'mapped',
  maxTotal: 'mapped',
  minIdle: 'mapped',
  initialSize: 'mapped',
  maxWaitMillis: 'mapped',
  validationQuery: 'mapped',
  validationQueryTimeout: 'mapped',
  testOnBorrow: 'mapped',
  testOnCreate: 'mapped',
  connectionInitSqls: 'mapped',
  timeBetweenEvictionRunsMillis: 'mapped',
  minEvictableIdleTimeMillis: 'mapped',
  maxConnLifetimeMillis: 'mapped',
  defaultAutoCommit: 'mapped',
  defaultReadOnly: 'mapped',
  defaultTransactionIsolation: 'mapped',
  defaultSchema: 'mapped',
  defaultQueryTimeout: 'mapped',
  maxIdle: 'tuning',
  testOnReturn: 'tuning',
  testWhileIdle: 'tuning',
  numTestsPerEvictionRun: 'tuning',
  softMinEvictableIdleTimeMillis: 'tuning',
  lifo: 'tuning',
  poolPreparedStatements: 'tuning',
  maxOpenPreparedStatements: 'tuning',
  clearStatementPoolOnReturn: 'tuning',
  fastFailValidation: 'tuning',
  disconnectionSqlCodes: 'tuning',
  cacheState: 'tuning',
  defaultCatalog: 'absent',
  enableAutoCommitOnReturn: 'absent',
  autoCommitOnReturn: 'absent',
  rollbackOnReturn: 'absent',
  accessToUnderlyingConnectionAllowed: 'absent',
  removeAbandonedOnBorrow: 'absent',
  removeAbandonedOnMaintenance: 'absent',
  removeAbandonedTimeout: 'absent',
  abandonedUsageTracking: 'absent',
  logAbandoned: 'logOnly',
  logExpiredConnections: 'logOnly',
  jmxName: 'jvm',
  registerConnectionMBean: 'jvm',
  evictionPolicyClassName: 'javaClass',
  connectionFactoryClassName: 'javaClass',
};

/** The attributes every `<Resource>` has (Tomcat's ResourceBase); the Resource owner of the table declares them. */
export const RESOURCE_COMMON_ATTRIBUTES: readonly string[] = [
  'name',
  'type',
  'auth',
  'description',
  'factory',
  'singleton',
  'closeMethod',
  'scope',
];

/** DBCP 1 names Tomcat 10.1's DBCP2 no longer reads (it logs and ignores them): refused with the new name. */
const FORMER_NAMES: Readonly<Record<string, string>> = {
  maxActive: 'maxTotal',
  maxWait: 'maxWaitMillis',
  removeAbandoned: 'removeAbandonedOnBorrow',
  user: 'username',
};

/**
 * pgjdbc URL parameters (and `connectionProperties` keys) Serval accepts without effect: they tune the Java
 * driver's protocol use (statement caching, fetch sizes, buffers) or its logging.
 */
const IGNORED_URL_PARAMETERS: readonly string[] = [
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
const MAPPED_URL_PARAMETERS: readonly string[] = [
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
const ISOLATION: Readonly<Record<string, string>> = {
  READ_UNCOMMITTED: 'read uncommitted',
  READ_COMMITTED: 'read committed',
  REPEATABLE_READ: 'repeatable read',
  SERIALIZABLE: 'serializable',
};

/** How TLS is used: pg's `ssl` plus, when given, the file of the CA certificates to trust (read by the factory). */
export type SslMode = (typeof SSL_MODES)[number];

export interface DataSourceSettings {
  /** The resource name, for messages. */
  readonly name: string;
  /** What new pg.Pool() takes: connection parameters, pool sizes and timeouts. `ssl` is set without the CA file. */
  readonly pool: PoolConfig;
  /** TLS as asked for: none (`disable`) or one of pgjdbc's verifying levels. */
  readonly sslMode: SslMode;
  /** `sslrootcert`: PEM file of the CAs to trust instead of Node's store; null = Node's store. */
  readonly sslRootCertFile: string | null;
  /** Time allowed to open one connection and log in (pgjdbc connectTimeout/loginTimeout); 0 = no limit. */
  readonly connectTimeoutMillis: number;
  /** DBCP initialSize: connections opened when the DataSource is created. */
  readonly initialSize: number;
  /** DBCP testOnBorrow / testOnCreate: whether a connection is validated before use. */
  readonly testOnBorrow: boolean;
  readonly testOnCreate: boolean;
  /** The validation statement; null = an empty query (what pgjdbc's Connection.isValid sends). */
  readonly validationQuery: string | null;
  /** 0 = no limit. */
  readonly validationQueryTimeoutMillis: number;
  /** Run once on every new connection, in order (DBCP connectionInitSqls). */
  readonly connectionInitSqls: readonly string[];
}

type Params = Record<string, string>;

/** The pieces of a pgjdbc URL: `jdbc:postgresql:[//host[:port]]/[database][?k=v&…]`. */
interface ParsedUrl {
  readonly host: string;
  readonly port: number;
  /** null = pgjdbc's default, the user name (pg's default too). */
  readonly database: string | null;
  readonly parameters: Params;
}

class Problems {
  constructor(readonly resource: ResourceConfig) {}

  get where(): { file: string; line: number; resource: string } {
    return { file: this.resource.location.file, line: this.resource.location.line, resource: this.resource.name };
  }

  invalid(attribute: string, value: string, allowed: string): never {
    throw new ConfigError('SV_ERR_NAMING_INVALID_VALUE', { ...this.where, attribute, value: redactPasswords(value), allowed });
  }
}

/** Maps a `<Resource type="javax.sql.DataSource">` to pg Pool settings, or throws the first problem as a ConfigError. */
export function dataSourceSettings(resource: ResourceConfig): DataSourceSettings {
  const problems: Problems = new Problems(resource);
  const { where } = problems;
  if (resource.type !== DATA_SOURCE_TYPE) {
    throw new ConfigError('SV_ERR_NAMING_TYPE', { ...where, type: resource.type, expected: DATA_SOURCE_TYPE });
  }
  const a = resource.attributes;
  for (const attribute of Object.keys(a)) {
    if (Object.hasOwn(DATA_SOURCE_ATTRIBUTES, attribute) || RESOURCE_COMMON_ATTRIBUTES.includes(attribute)) continue;
    const newer = FORMER_NAMES[attribute];
    throw new ConfigError('SV_ERR_NAMING_UNKNOWN_ATTRIBUTE', {
      ...where,
      attribute,
      hint: newer === undefined ? '' : ` (DBCP 2 renamed it ${newer})`,
      known: Object.keys(DATA_SOURCE_ATTRIBUTES).join(', '),
    });
  }
  const factory = a.factory;
  if (factory !== undefined && factory !== DBCP_FACTORY) problems.invalid('factory', factory, `${DBCP_FACTORY} (or leave it out)`);
  const driver = a.driverClassName;
  if (driver !== undefined && driver !== PG_DRIVER_CLASS)
    problems.invalid('driverClassName', driver, `${PG_DRIVER_CLASS} (or leave it out)`);
  const url = a.url;
  if (url === undefined || url === '') problems.invalid('url', url ?? '', 'a PostgreSQL JDBC URL: jdbc:postgresql://host:port/database');
  const parsed = parseJdbcUrl(url, problems);
  const parameters = mergeConnectionProperties(parsed.parameters, a.connectionProperties, problems);

  const pick = (
    first: string,
    firstValue: string | undefined,
    second: string,
    secondValue: string | undefined,
    reason: string,
  ): string | undefined => {
    if (firstValue !== undefined && secondValue !== undefined && firstValue !== secondValue) {
      throw new ConfigError('SV_ERR_NAMING_CONFLICT', { ...where, first, second, reason: reason as never });
    }
    return firstValue ?? secondValue;
  };
  const user = pick(
    'username',
    a.username,
    'url user',
    parameters.user,
    'both name the database user; give it once, in the username attribute',
  );
  const password = pick(
    'password',
    a.password,
    'url password',
    parameters.password,
    'both give the password; give it once, in the password attribute',
  );

  // Pool sizes (DBCP2 defaults: maxTotal 8, minIdle 0, initialSize 0, maxWaitMillis -1 = wait forever).
  const maxTotal = intAttribute(problems, 'maxTotal', a.maxTotal, 8, { min: 1, unlimited: true });
  const minIdle = intAttribute(problems, 'minIdle', a.minIdle, 0, { min: 0 });
  const initialSize = intAttribute(problems, 'initialSize', a.initialSize, 0, { min: 0 });
  if (minIdle > maxTotal)
    throw new ConfigError('SV_ERR_NAMING_CONFLICT', {
      ...where,
      first: 'minIdle',
      second: 'maxTotal',
      reason: 'minIdle cannot be above maxTotal',
    });
  if (initialSize > maxTotal) {
    throw new ConfigError('SV_ERR_NAMING_CONFLICT', {
      ...where,
      first: 'initialSize',
      second: 'maxTotal',
      reason: 'initialSize cannot be above maxTotal',
    });
  }
  // DBCP's 0 means "do not wait", which pg cannot express (its 0 waits forever): the smallest wait is 1 ms.
  const maxWaitMillis = intAttribute(problems, 'maxWaitMillis', a.maxWaitMillis, -1, { min: 1, unlimited: true });
  // DBCP's evictor runs only when timeBetweenEvictionRunsMillis > 0; without it idle connections are kept.
  const evictionRuns = intAttribute(problems, 'timeBetweenEvictionRunsMillis', a.timeBetweenEvictionRunsMillis, -1, { min: -1 });
  const minEvictableIdle = intAttribute(problems, 'minEvictableIdleTimeMillis', a.minEvictableIdleTimeMillis, 1_800_000, { min: 1 });
  const maxLifetime = intAttribute(problems, 'maxConnLifetimeMillis', a.maxConnLifetimeMillis, -1, { min: -1 });
  const validationQueryTimeout = intAttribute(problems, 'validationQueryTimeout', a.validationQueryTimeout, -1, { min: -1 });
  const defaultQueryTimeout =
    a.defaultQueryTimeout === undefined ? 0 : intAttribute(problems, 'defaultQueryTimeout', a.defaultQueryTimeout, 0, { min: 0 });

  const testOnBorrow = boolAttribute(problems, 'testOnBorrow', a.testOnBorrow, true);
  const testOnCreate = boolAttribute(problems, 'testOnCreate', a.testOnCreate, false);
  // pg runs every statement in autocommit unless it is inside BEGIN; a pool that starts transactions cannot be had.
  if (a.defaultAutoCommit !== undefined && boolAttribute(problems, 'defaultAutoCommit', a.defaultAutoCommit, true) !== true) {
    problems.invalid('defaultAutoCommit', a.defaultAutoCommit, 'true (every statement commits on its own; leave it out for the same)');
  }

  // Session settings travel in the startup packet's `options` (postgres command-line syntax: -c name=value).
  const settings: string[] = [];
  const readOnly = a.defaultReadOnly ?? undefined;
  if (readOnly !== undefined)
    settings.push(`default_transaction_read_only=${boolAttribute(problems, 'defaultReadOnly', readOnly, false) ? 'on' : 'off'}`);
  if (parameters.readOnly !== undefined && urlBool(problems, 'readOnly', parameters.readOnly))
    settings.push('default_transaction_read_only=on');
  if (a.defaultTransactionIsolation !== undefined) {
    const level = ISOLATION[a.defaultTransactionIsolation];
    if (level === undefined) {
      problems.invalid(
        'defaultTransactionIsolation',
        a.defaultTransactionIsolation,
        `one of [${Object.keys(ISOLATION).join(', ')}] (PostgreSQL has no NONE)`,
      );
    }
    settings.push(`default_transaction_isolation=${level.replace(/ /g, '\\ ')}`);
  }
  const schema = a.defaultSchema ?? parameters.currentSchema;
  if (a.defaultSchema !== undefined && parameters.currentSchema !== undefined && a.defaultSchema !== parameters.currentSchema) {
    throw new ConfigError('SV_ERR_NAMING_CONFLICT', {
      ...where,
      first: 'defaultSchema',
      second: 'url currentSchema',
      reason: 'both set the schema search path; keep one',
    });
  }
  if (schema !== undefined)
    settings.push(`search_path=${searchPath(problems, a.defaultSchema !== undefined ? 'defaultSchema' : 'url currentSchema', schema)}`);
  if (defaultQueryTimeout > 0) settings.push(`statement_timeout=${defaultQueryTimeout * 1000}`);
  const options = [parameters.options, ...settings.map((s) => `-c ${s}`)].filter((o) => o !== undefined && o !== '').join(' ');

  const sslMode = sslModeOf(problems, parameters);
  const connectTimeout = Math.min(
    ...[
      urlSeconds(problems, 'connectTimeout', parameters.connectTimeout, 10),
      urlSeconds(problems, 'loginTimeout', parameters.loginTimeout, 0),
    ].filter((s) => s > 0),
    Infinity,
  );
  const socketTimeout = urlSeconds(problems, 'socketTimeout', parameters.socketTimeout, 0);
  const queryTimeout = [socketTimeout * 1000, defaultQueryTimeout * 1000].filter((ms) => ms > 0);

  const pool: PoolConfig = {
    host: parsed.host,
    port: parsed.port,
    ...(parsed.database === null ? {} : { database: parsed.database }),
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { password }),
    // Explicit, so that pg does not fall back to PGSSLMODE from the environment.
    ssl: sslMode === 'disable' ? false : { rejectUnauthorized: sslMode !== 'require' },
    ...(parameters.ApplicationName === undefined ? {} : { application_name: parameters.ApplicationName }),
    ...(options === '' ? {} : { options }),
    keepAlive: parameters.tcpKeepAlive === undefined ? false : urlBool(problems, 'tcpKeepAlive', parameters.tcpKeepAlive),
    ...(queryTimeout.length === 0 ? {} : { query_timeout: Math.min(...queryTimeout) }),
    max: maxTotal,
    min: minIdle,
    // pg: 0 = wait forever for a free connection, as DBCP's -1.
    connectionTimeoutMillis: maxWaitMillis === Infinity ? 0 : maxWaitMillis,
    // pg: 0 = never close idle connections, as DBCP without an evictor.
    idleTimeoutMillis: evictionRuns > 0 ? minEvictableIdle : 0,
    // pg counts whole seconds; rounding a lifetime up changes no result.
    maxLifetimeSeconds: maxLifetime > 0 ? Math.ceil(maxLifetime / 1000) : 0,
  };
  if (parsed.host.startsWith('/') && pool.ssl !== false) {
    problems.invalid('url', url, 'sslmode=disable (or no ssl parameter) with a unix-domain socket: PostgreSQL offers no TLS over it');
  }
  return {
    name: resource.name,
    pool,
    sslMode,
    sslRootCertFile: parameters.sslrootcert ?? null,
    connectTimeoutMillis: connectTimeout === Infinity ? 0 : connectTimeout * 1000,
    initialSize,
    testOnBorrow,
    testOnCreate,
    validationQuery: a.validationQuery === undefined || a.validationQuery.trim() === '' ? null : a.validationQuery,
    validationQueryTimeoutMillis: validationQueryTimeout > 0 ? validationQueryTimeout * 1000 : 0,
    // DBCP's BasicDataSourceFactory splits the attribute at semicolons.
    connectionInitSqls: (a.connectionInitSqls ?? '')
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  };
}

/**
 * pgjdbc's URL syntax (org.postgresql.Driver.parseURL): `jdbc:postgresql:database`, `jdbc:postgresql:/`,
 * `jdbc:postgresql://host/database`, `jdbc:postgresql://host:port/`, `jdbc:postgresql://[::1]:5740/db`, each with
 * `?name=value&…`; host localhost and port 5432 by default. A failover list (`//h1:p1,h2:p2/db`) is refused.
 * A unix-domain socket is reached with libpq's `host=/directory` parameter (the socket is
 * `/directory/.s.PGSQL.<port>`) or junixsocket's `socketFactory=…AFUNIXSocketFactory$FactoryArg&socketFactoryArg=/directory/.s.PGSQL.<port>`.
 */
function parseJdbcUrl(url: string, problems: Problems): ParsedUrl {
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
function mergeConnectionProperties(fromUrl: Params, properties: string | undefined, problems: Problems): Params {
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
function sslModeOf(problems: Problems, p: Params): SslMode {
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

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** A schema list for search_path: plain names (folded to lower case, as PostgreSQL does) or "quoted" ones. */
function searchPath(problems: Problems, attribute: string, value: string): string {
  const names = value.split(',').map((s) => s.trim());
  const ok = names.every((n) => IDENTIFIER.test(n) || /^"[^"\s\\]+"$/.test(n));
  if (!ok || names.length === 0)
    problems.invalid(attribute, value, 'schema names (letters, digits, _ or $; or "quoted" without spaces), separated by commas');
  return names.join(',');
}

function intAttribute(
  problems: Problems,
  attribute: string,
  value: string | undefined,
  fallback: number,
  limits: { readonly min: number; readonly unlimited?: true },
): number {
  if (value === undefined) return fallback === -1 && limits.unlimited === true ? Infinity : fallback;
  const trimmed = value.trim();
  if (/^[+-]?\d{1,15}$/.test(trimmed)) {
    const n = Number(trimmed);
    if (limits.unlimited === true && n === -1) return Infinity;
    if (n >= limits.min) return n;
  }
  const range = `an integer from ${limits.min}`;
  return problems.invalid(attribute, value, limits.unlimited === true ? `-1 (no limit) or ${range}` : range);
}

function boolAttribute(problems: Problems, attribute: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const lower = value.trim().toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  return problems.invalid(attribute, value, 'true or false');
}

function urlBool(problems: Problems, parameter: string, value: string): boolean {
  return boolAttribute(problems, `url ${parameter}`, value, false);
}

function urlSeconds(problems: Problems, parameter: string, value: string | undefined, fallback: number): number {
  return intAttribute(problems, `url ${parameter}`, value, fallback, { min: 0 });
}

/** A url or connectionProperties value as it may appear in a message: a password given in it is replaced. */
export function redactPasswords(text: string): string {
  return text.replace(/(^|[?&;])(\s*password\s*=)[^&;]*/g, '$1$2***');
}
