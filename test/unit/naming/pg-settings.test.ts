/**
 * The pure mapping of a `<Resource type="javax.sql.DataSource">` (pgjdbc URL, DBCP2 attributes) to pg Pool
 * settings: every mapped attribute and parameter, every refusal, and its agreement with the attribute table.
 * (test/e2e/realm checks against a real server that the settings do what they say.)
 */
import { describe, expect, it } from 'vitest';
import { attributesOf } from '../../../src/config/attributes.js';
import { ConfigError } from '../../../src/errors/container-error.js';
import { IGNORED_URL_PARAMETERS } from '../../../src/naming/jdbc-url.js';
import { DATA_SOURCE_ATTRIBUTES, dataSourceSettings, type DataSourceSettings } from '../../../src/naming/pg-settings.js';
import type { ResourceConfig } from '../../../src/naming/resource-config.js';

const URL = 'jdbc:postgresql://db.example:5433/app';

function resource(attributes: Record<string, string>, type = 'javax.sql.DataSource'): ResourceConfig {
  return {
    name: 'jdbc/users',
    type,
    attributes: { name: 'jdbc/users', type, auth: 'Container', ...attributes },
    location: { file: '/srv/conf/server.xml', line: 12, path: 'Server/GlobalNamingResources/Resource[0]' },
  };
}

function settings(attributes: Record<string, string>): DataSourceSettings {
  return dataSourceSettings(resource({ url: URL, ...attributes }));
}

function refusal(attributes: Record<string, string>, type?: string): ConfigError {
  try {
    dataSourceSettings(resource(attributes, type));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    // Every refusal says where: the file, the line and the resource.
    if (e.code !== 'SV_ERR_NAMING_SSL_FILE') expect(e.message).toContain('/srv/conf/server.xml:12: Resource [jdbc/users]');
    return e;
  }
  throw new Error(`expected ${JSON.stringify(attributes)} to be refused`);
}

describe('dataSourceSettings: defaults', () => {
  it("gives Tomcat's DBCP2 and pgjdbc defaults when only url is set", () => {
    const s = settings({});
    expect(s.pool).toEqual({
      host: 'db.example',
      port: 5433,
      database: 'app',
      ssl: false,
      keepAlive: false,
      max: 8,
      min: 0,
      connectionTimeoutMillis: 0,
      idleTimeoutMillis: 0,
      maxLifetimeSeconds: 0,
    });
    expect(s).toMatchObject({
      name: 'jdbc/users',
      sslMode: 'disable',
      sslRootCertFile: null,
      connectTimeoutMillis: 10_000,
      initialSize: 0,
      testOnBorrow: true,
      testOnCreate: false,
      validationQuery: null,
      validationQueryTimeoutMillis: 0,
      connectionInitSqls: [],
    });
  });

  it('agrees with the attribute table: the same attributes, ignored ones marked Tomcat-only, and each table default means what leaving it out means', () => {
    const table = attributesOf('Resource:DataSource');
    expect(table.map((spec) => spec.name).sort()).toEqual(Object.keys(DATA_SOURCE_ATTRIBUTES).sort());
    const reasons = new Map<string, Set<string | undefined>>();
    for (const spec of table) {
      const decision = DATA_SOURCE_ATTRIBUTES[spec.name];
      expect(spec.tomcatOnly === true, spec.name).toBe(decision !== 'mapped');
      if (decision !== 'mapped') reasons.set(decision as string, (reasons.get(decision as string) ?? new Set()).add(spec.ignoredBecause));
    }
    // One phrase per kind of reason, and the phrase is that kind's.
    for (const phrases of reasons.values()) expect(phrases.size).toBe(1);
    expect([...(reasons.get('tuning') ?? [])][0]).toMatch(/tunes performance/);
    expect([...(reasons.get('absent') ?? [])][0]).toMatch(/not offered/);
    expect([...(reasons.get('logOnly') ?? [])][0]).toMatch(/logged/);
    expect([...(reasons.get('jvm') ?? [])][0]).toMatch(/Java runtime/);
    expect([...(reasons.get('javaClass') ?? [])][0]).toMatch(/Java implementation class/);

    const plain = settings({});
    for (const spec of table) {
      if (spec.default === undefined) continue;
      expect(settings({ [spec.name]: String(spec.default) }), spec.name).toEqual(plain);
    }
  });

  it('accepts every attribute it ignores, with no effect on the pool', () => {
    const plain = settings({});
    const ignored = Object.entries(DATA_SOURCE_ATTRIBUTES).filter(([, decision]) => decision !== 'mapped');
    expect(ignored.length).toBeGreaterThan(20);
    for (const [name] of ignored) expect(settings({ [name]: '42' }), name).toEqual(plain);
    for (const parameter of IGNORED_URL_PARAMETERS)
      expect(dataSourceSettings(resource({ url: `${URL}?${parameter}=1` })).pool, parameter).toEqual(plain.pool);
  });
});

describe('dataSourceSettings: the pgjdbc URL', () => {
  const url = (u: string): DataSourceSettings['pool'] => dataSourceSettings(resource({ url: u })).pool;

  it('reads every form pgjdbc accepts: database only, host, port, IPv6, percent-encoding', () => {
    expect(url('jdbc:postgresql:app')).toMatchObject({ host: 'localhost', port: 5432, database: 'app' });
    expect(url('jdbc:postgresql:/')).toMatchObject({ host: 'localhost', port: 5432 });
    expect(url('jdbc:postgresql:/').database).toBeUndefined();
    expect(url('jdbc:postgresql://db/')).toMatchObject({ host: 'db', port: 5432 });
    expect(url('jdbc:postgresql://db').database).toBeUndefined();
    expect(url('jdbc:postgresql://10.0.0.7:6543/x')).toMatchObject({ host: '10.0.0.7', port: 6543, database: 'x' });
    expect(url('jdbc:postgresql://[::1]:5740/accounting')).toMatchObject({ host: '::1', port: 5740, database: 'accounting' });
    expect(url('jdbc:postgresql://db/my%20db?ApplicationName=a%26b')).toMatchObject({ database: 'my db', application_name: 'a&b' });
  });

  it.each([
    ['jdbc:mysql://db/app', 'starts with jdbc:postgresql:'],
    ['postgres://db/app', 'starts with jdbc:postgresql:'],
    ['jdbc:postgresql://db1:5432,db2:5432/app', 'several hosts'],
    ['jdbc:postgresql://db:0/app', 'host part'],
    ['jdbc:postgresql://db:70000/app', 'host part'],
    ['jdbc:postgresql://db:port/app', 'host part'],
    ['jdbc:postgresql://user@db/app', 'host part'],
    ['jdbc:postgresql://db/app%zz', 'percent-encoding'],
    ['jdbc:postgresql://db/app?ssl=true&ssl=false', 'given twice'],
  ])('refuses %s', (u, reason) => {
    const error = refusal({ url: u });
    expect(error.code).toBe('SV_ERR_NAMING_URL_SYNTAX');
    expect(error.message).toContain(reason);
  });

  it('refuses a missing url and parameters it does not map, listing the supported ones', () => {
    expect(refusal({}).code).toBe('SV_ERR_NAMING_INVALID_VALUE');
    for (const parameter of ['sslcert', 'sslkey', 'targetServerType', 'loadBalanceHosts', 'stringtype']) {
      const error = refusal({ url: `${URL}?${parameter}=x` });
      expect(error.code).toBe('SV_ERR_NAMING_URL_PARAMETER');
      expect(error.message).toMatch(/supported: \[user, password, ssl, sslmode/);
    }
  });

  it('never repeats a password in a message', () => {
    const error = refusal({ url: 'jdbc:postgresql://db1,db2/app?user=u&password=hunter2' });
    expect(error.message).not.toContain('hunter2');
    expect(error.message).toContain('password=***');
    const props = refusal({ url: URL, connectionProperties: 'password=hunter2;sslmode=prefer' });
    expect(props.message).not.toContain('hunter2');
  });

  it('maps ssl and sslmode to pg TLS, refusing the modes that may fall back to plain text', () => {
    const tls = (q: string): Pick<DataSourceSettings, 'sslMode' | 'sslRootCertFile'> & { ssl: unknown } => {
      const s = dataSourceSettings(resource({ url: `${URL}?${q}` }));
      return { sslMode: s.sslMode, sslRootCertFile: s.sslRootCertFile, ssl: s.pool.ssl };
    };
    expect(tls('ssl=true')).toEqual({ sslMode: 'verify-full', sslRootCertFile: null, ssl: { rejectUnauthorized: true } });
    expect(tls('ssl=false')).toEqual({ sslMode: 'disable', sslRootCertFile: null, ssl: false });
    expect(tls('sslmode=disable').ssl).toBe(false);
    expect(tls('sslmode=require')).toMatchObject({ sslMode: 'require', ssl: { rejectUnauthorized: false } });
    expect(tls('sslmode=verify-ca')).toMatchObject({ sslMode: 'verify-ca', ssl: { rejectUnauthorized: true } });
    expect(tls('ssl=true&sslmode=verify-full&sslrootcert=/etc/ca.pem')).toEqual({
      sslMode: 'verify-full',
      sslRootCertFile: '/etc/ca.pem',
      ssl: { rejectUnauthorized: true },
    });
    for (const q of [
      'sslmode=prefer',
      'sslmode=allow',
      'sslmode=VERIFY-FULL',
      'ssl=false&sslmode=require',
      'ssl=yes',
      'sslrootcert=/etc/ca.pem',
    ]) {
      expect(refusal({ url: `${URL}?${q}` }).code, q).toBe('SV_ERR_NAMING_INVALID_VALUE');
    }
  });

  it('maps the timeouts, application name, schema, options, keep-alive and read-only parameters', () => {
    const s = dataSourceSettings(
      resource({
        url: `${URL}?connectTimeout=5&loginTimeout=3&socketTimeout=7&ApplicationName=shop&currentSchema=auth,public&options=-c%20work_mem%3D8MB&tcpKeepAlive=true&readOnly=true`,
      }),
    );
    expect(s.connectTimeoutMillis).toBe(3000);
    expect(s.pool).toMatchObject({ query_timeout: 7000, application_name: 'shop', keepAlive: true });
    expect(s.pool.options).toBe('-c work_mem=8MB -c default_transaction_read_only=on -c search_path=auth,public');
    expect(dataSourceSettings(resource({ url: `${URL}?connectTimeout=0` })).connectTimeoutMillis).toBe(0);
    expect(dataSourceSettings(resource({ url: `${URL}?connectTimeout=0&loginTimeout=4` })).connectTimeoutMillis).toBe(4000);
    for (const q of ['connectTimeout=-1', 'socketTimeout=x', 'tcpKeepAlive=1', 'currentSchema=a;drop', 'currentSchema=a b']) {
      expect(refusal({ url: `${URL}?${q}` }).code, q).toBe('SV_ERR_NAMING_INVALID_VALUE');
    }
  });

  it('reaches a unix-domain socket through libpq host=/dir or junixsocket, and refuses what cannot work there', () => {
    expect(url('jdbc:postgresql://localhost:5433/app?host=/var/run/postgresql')).toMatchObject({
      host: '/var/run/postgresql',
      port: 5433,
      database: 'app',
      ssl: false,
    });
    expect(
      url(
        'jdbc:postgresql:///app?socketFactory=org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg&socketFactoryArg=/run/pg/.s.PGSQL.5434',
      ),
    ).toMatchObject({ host: '/run/pg', port: 5434, database: 'app' });
    for (const q of [
      'host=var/run',
      'socketFactory=com.example.Factory&socketFactoryArg=/run/pg/.s.PGSQL.5432',
      'socketFactory=org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg&socketFactoryArg=/run/pg/socket',
      'socketFactoryArg=/run/pg/.s.PGSQL.5432',
      'host=/run/pg&ssl=true',
    ]) {
      expect(refusal({ url: `${URL}?${q}` }).code, q).toBe('SV_ERR_NAMING_INVALID_VALUE');
    }
    const both = refusal({
      url: `${URL}?host=/a&socketFactory=org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg&socketFactoryArg=/a/.s.PGSQL.1`,
    });
    expect(both.code).toBe('SV_ERR_NAMING_CONFLICT');
  });

  it('takes user and password from the attributes or the URL, refusing two different ones', () => {
    expect(settings({ username: 'app', password: 'pw' }).pool).toMatchObject({ user: 'app', password: 'pw' });
    expect(url(`${URL}?user=app&password=pw`)).toMatchObject({ user: 'app', password: 'pw' });
    expect(dataSourceSettings(resource({ url: `${URL}?user=app`, username: 'app' })).pool.user).toBe('app');
    expect(refusal({ url: `${URL}?user=other`, username: 'app' }).code).toBe('SV_ERR_NAMING_CONFLICT');
    expect(refusal({ url: `${URL}?password=a`, password: 'b' }).code).toBe('SV_ERR_NAMING_CONFLICT');
  });

  it('reads connectionProperties as URL parameters, refusing unknown names and clashes with the URL', () => {
    const s = settings({ connectionProperties: 'ApplicationName=shop; tcpKeepAlive=true;;' });
    expect(s.pool).toMatchObject({ application_name: 'shop', keepAlive: true });
    expect(refusal({ url: URL, connectionProperties: 'sslcert=/x' }).code).toBe('SV_ERR_NAMING_URL_PARAMETER');
    expect(refusal({ url: `${URL}?ApplicationName=a`, connectionProperties: 'ApplicationName=b' }).code).toBe(
      'SV_ERR_NAMING_INVALID_VALUE',
    );
  });
});

describe('dataSourceSettings: DBCP2 attributes', () => {
  it('checks the resource type, the driver and the factory', () => {
    expect(refusal({ url: URL }, 'javax.sql.XADataSource').code).toBe('SV_ERR_NAMING_TYPE');
    expect(
      settings({ driverClassName: 'org.postgresql.Driver', factory: 'org.apache.tomcat.dbcp.dbcp2.BasicDataSourceFactory' }).pool.host,
    ).toBe('db.example');
    expect(refusal({ url: URL, driverClassName: 'com.mysql.cj.jdbc.Driver' }).message).toContain('allowed: org.postgresql.Driver');
    expect(refusal({ url: URL, factory: 'org.apache.tomcat.jdbc.pool.DataSourceFactory' }).code).toBe('SV_ERR_NAMING_INVALID_VALUE');
  });

  it('refuses unknown attributes, pointing DBCP 1 names at their DBCP 2 names', () => {
    const error = refusal({ url: URL, maxActive: '100' });
    expect(error.code).toBe('SV_ERR_NAMING_UNKNOWN_ATTRIBUTE');
    expect(error.message).toContain('[maxActive]');
    expect(error.message).toContain('did you mean maxTotal?');
    expect(refusal({ url: URL, maxWait: '100' }).message).toContain('did you mean maxWaitMillis?');
    expect(refusal({ url: URL, colour: 'blue' }).message).not.toContain('did you mean');
  });

  it('maps the pool sizes and waits', () => {
    expect(settings({ maxTotal: '20', minIdle: '2', initialSize: '3', maxWaitMillis: '5000' })).toMatchObject({
      pool: { max: 20, min: 2, connectionTimeoutMillis: 5000 },
      initialSize: 3,
    });
    expect(settings({ maxTotal: '-1' }).pool.max).toBe(Infinity);
    expect(settings({ timeBetweenEvictionRunsMillis: '60000', minEvictableIdleTimeMillis: '120000' }).pool.idleTimeoutMillis).toBe(120_000);
    expect(settings({ minEvictableIdleTimeMillis: '120000' }).pool.idleTimeoutMillis).toBe(0);
    expect(settings({ maxConnLifetimeMillis: '1500' }).pool.maxLifetimeSeconds).toBe(2);
    expect(settings({ maxConnLifetimeMillis: '0' }).pool.maxLifetimeSeconds).toBe(0);
    for (const [name, value] of [
      ['maxTotal', '0'],
      ['maxTotal', '-2'],
      ['maxTotal', 'eight'],
      ['minIdle', '-1'],
      ['initialSize', '1.5'],
      ['maxWaitMillis', '0'],
      ['minEvictableIdleTimeMillis', '0'],
      ['validationQueryTimeout', '-5'],
    ] as const) {
      const error = refusal({ url: URL, [name]: value });
      expect(error.code, `${name}=${value}`).toBe('SV_ERR_NAMING_INVALID_VALUE');
      expect(error.message).toContain(`attribute [${name}] has invalid value [${value}]; allowed: `);
    }
    expect(refusal({ url: URL, maxTotal: '4', minIdle: '5' }).code).toBe('SV_ERR_NAMING_CONFLICT');
    expect(refusal({ url: URL, maxTotal: '4', initialSize: '5' }).code).toBe('SV_ERR_NAMING_CONFLICT');
  });

  it('maps validation and the statements run on new connections', () => {
    expect(
      settings({
        validationQuery: 'SELECT 1',
        validationQueryTimeout: '3',
        testOnBorrow: 'false',
        testOnCreate: 'TRUE',
        connectionInitSqls: 'SET a = 1; ;SET b = 2;',
      }),
    ).toMatchObject({
      validationQuery: 'SELECT 1',
      validationQueryTimeoutMillis: 3000,
      testOnBorrow: false,
      testOnCreate: true,
      connectionInitSqls: ['SET a = 1', 'SET b = 2'],
    });
    expect(settings({ validationQuery: '  ' }).validationQuery).toBeNull();
    expect(refusal({ url: URL, testOnBorrow: 'yes' }).message).toContain('allowed: true or false');
  });

  it('maps the connection defaults to PostgreSQL session settings, refusing what PostgreSQL cannot do', () => {
    const s = settings({
      defaultReadOnly: 'true',
      defaultTransactionIsolation: 'read_committed',
      defaultSchema: 'Shop,"Mixed"',
      defaultQueryTimeout: '4',
    });
    expect(s.pool.options).toBe(
      '-c default_transaction_read_only=on -c default_transaction_isolation=read\\ committed -c search_path=Shop,"Mixed" -c statement_timeout=4000',
    );
    expect(s.pool.query_timeout).toBe(4000);
    expect(settings({ defaultReadOnly: 'false' }).pool.options).toBe('-c default_transaction_read_only=off');
    expect(settings({ defaultAutoCommit: 'true' }).pool.options).toBeUndefined();
    expect(refusal({ url: URL, defaultAutoCommit: 'false' }).code).toBe('SV_ERR_NAMING_INVALID_VALUE');
    expect(refusal({ url: URL, defaultTransactionIsolation: 'NONE' }).message).toContain('PostgreSQL has no NONE');
    expect(refusal({ url: URL, defaultSchema: 'a; DROP TABLE users' }).code).toBe('SV_ERR_NAMING_INVALID_VALUE');
    expect(refusal({ url: `${URL}?currentSchema=a`, defaultSchema: 'b' }).code).toBe('SV_ERR_NAMING_CONFLICT');
  });
});
