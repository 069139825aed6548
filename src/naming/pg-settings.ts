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
import { mergeConnectionProperties, parseJdbcUrl, sslModeOf, urlBool, urlSeconds, type SslMode } from './jdbc-url.js';
import type { ResourceConfig } from './resource-config.js';
import { boolAttribute, intAttribute, Problems } from './resource-problems.js';

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

/**
 * DBCP 1 names Tomcat 10.1's DBCP2 no longer reads (it logs and ignores them, so the pool silently gets the
 * defaults), and `user` for username: refused with the name that works.
 */
const FORMER_NAMES: Readonly<Record<string, string>> = {
  maxActive: 'maxTotal',
  maxWait: 'maxWaitMillis',
  removeAbandoned: 'removeAbandonedOnBorrow',
  user: 'username',
};

const ISOLATION: Readonly<Record<string, string>> = {
  READ_UNCOMMITTED: 'read uncommitted',
  READ_COMMITTED: 'read committed',
  REPEATABLE_READ: 'repeatable read',
  SERIALIZABLE: 'serializable',
};

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
      hint: newer === undefined ? '' : ` (did you mean ${newer}?)`,
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
    // DBCP's BasicDataSourceFactory reads the level names case-insensitively.
    const level = ISOLATION[a.defaultTransactionIsolation.toUpperCase()];
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

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** A schema list for search_path: plain names (folded to lower case, as PostgreSQL does) or "quoted" ones. */
function searchPath(problems: Problems, attribute: string, value: string): string {
  const names = value.split(',').map((s) => s.trim());
  const ok = names.every((n) => IDENTIFIER.test(n) || /^"[^"\s\\]+"$/.test(n));
  if (!ok || names.length === 0)
    problems.invalid(attribute, value, 'schema names (letters, digits, _ or $; or "quoted" without spaces), separated by commas');
  return names.join(',');
}
