/**
 * DataSourceRealm over a DataSource Resource against a real PostgreSQL server (test/helpers/postgres.ts):
 * Tomcat's users/user_roles schema, the credential handlers, hostile user names, an outage and its end, a
 * refused database login, and a unix-socket connection. One server for the file; tests that stop it run last.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerError } from '../../../src/errors/container-error.js';
import { createDataSource, type PgDataSource } from '../../../src/naming/pg-data-source.js';
import type { ResourceConfig } from '../../../src/naming/resource-config.js';
import { DataSourceRealm, type DataSourceRealmOptions } from '../../../src/realm/datasource-realm.js';
import { MessageDigestCredentialHandler } from '../../../src/realm/message-digest-credential-handler.js';
import { ScryptCredentialHandler } from '../../../src/realm/scrypt-credential-handler.js';
import { startPostgres, TOMCAT_USERS_SCHEMA, type PostgresServer } from '../../helpers/postgres.js';
import { CountingCredentialHandler } from '../../unit/realm/counting-credential-handler.js';

let server: PostgresServer;
const dataSources: PgDataSource[] = [];

const TOMCAT_TABLES: DataSourceRealmOptions = {
  userTable: 'users',
  userNameCol: 'user_name',
  userCredCol: 'user_pass',
  userRoleTable: 'user_roles',
  roleNameCol: 'role_name',
};

function resource(attributes: Record<string, string>, name = 'jdbc/users'): ResourceConfig {
  return {
    name,
    type: 'javax.sql.DataSource',
    attributes: { name, type: 'javax.sql.DataSource', auth: 'Container', ...attributes },
    location: { file: 'conf/server.xml', line: 7, path: 'Server/GlobalNamingResources/Resource[0]' },
  };
}

/** A DataSource over TCP with the superuser's password (or another one). */
function tcpDataSource(extra: Record<string, string> = {}, logger?: pino.Logger): PgDataSource {
  const ds = createDataSource(
    resource({ url: `jdbc:postgresql://127.0.0.1:${server.port}/postgres`, username: 'postgres', password: server.password, ...extra }),
    logger === undefined ? {} : { logger },
  );
  dataSources.push(ds);
  return ds;
}

async function startedRealm(ds: PgDataSource, options: Partial<DataSourceRealmOptions> = {}): Promise<DataSourceRealm> {
  const realm = new DataSourceRealm(ds, { ...TOMCAT_TABLES, ...options });
  await realm.start();
  return realm;
}

/** A pino logger whose records a test can wait for by code (no sleeps: the promise settles on the record). */
function recordingLogger(): { logger: pino.Logger; next: (code: string) => Promise<Record<string, unknown>> } {
  const records: Record<string, unknown>[] = [];
  const waiters: { code: string; resolve: (r: Record<string, unknown>) => void }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const record = JSON.parse(chunk.toString('utf8')) as Record<string, unknown>;
      records.push(record);
      for (const w of waiters.filter((x) => x.code === record.code)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(record);
      }
      callback();
    },
  });
  const logger = pino({ level: 'debug' }, stream);
  return {
    logger,
    next: (code) => {
      const seen = records.find((r) => r.code === code);
      return seen !== undefined ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ code, resolve }));
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<ContainerError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(ContainerError);
  return outcome.error as ContainerError;
}

beforeAll(async () => {
  server = await startPostgres();
  await server.sql(TOMCAT_USERS_SCHEMA);
  const digest = new MessageDigestCredentialHandler({ algorithm: 'SHA-256' });
  const scrypt = new ScryptCredentialHandler();
  const users: [string, string][] = [
    ['alice', 'alice-pw'],
    ['bob', await digest.mutate('bob-pw')],
    ['carol', await scrypt.mutate('carol-pw')],
    // A CHAR-padded credential, as Tomcat trims it.
    ['dave', 'dave-pw   '],
  ];
  for (const [name, pass] of users) await server.sql('INSERT INTO users VALUES ($1, $2)', [name, pass]);
  for (const [name, role] of [
    ['alice', 'manager'],
    ['alice', 'user'],
    ['bob', 'user'],
    ['carol', 'admin'],
  ]) {
    await server.sql('INSERT INTO user_roles VALUES ($1, $2)', [name, role]);
  }
});

afterAll(async () => {
  for (const ds of dataSources) await ds.end();
  await server?.destroy();
});

describe('DataSourceRealm on PostgreSQL', () => {
  it('authenticates a right password with the roles of user_roles; wrong password and unknown user are null, each checked once', async () => {
    const counting = new CountingCredentialHandler(new MessageDigestCredentialHandler());
    const realm = await startedRealm(tcpDataSource(), { credentialHandler: counting });
    const principal = await realm.authenticate('alice', 'alice-pw');
    expect(principal?.name).toBe('alice');
    expect(principal?.roles).toEqual(['manager', 'user']);
    expect(principal?.realmPath).toBe('/realm0');
    expect(await realm.authenticate('dave', 'dave-pw')).not.toBeNull();

    counting.checked.length = 0;
    expect(await realm.authenticate('alice', 'wrong')).toBeNull();
    expect(counting.checked).toEqual(['alice-pw']);
    // An unknown user is checked against the dummy credential: the same hashing work as a wrong password.
    expect(await realm.authenticate('nobody', 'alice-pw')).toBeNull();
    expect(counting.checked).toHaveLength(2);
    expect(counting.checked[1]).not.toBe('alice-pw');
    await realm.stop();
  });

  it('reads stored credentials through MessageDigestCredentialHandler and the scrypt handler', async () => {
    const ds = tcpDataSource();
    const digestRealm = await startedRealm(ds, { credentialHandler: new MessageDigestCredentialHandler({ algorithm: 'SHA-256' }) });
    expect((await digestRealm.authenticate('bob', 'bob-pw'))?.roles).toEqual(['user']);
    expect(await digestRealm.authenticate('bob', 'bob-pw ')).toBeNull();
    const scryptRealm = await startedRealm(ds, { credentialHandler: new ScryptCredentialHandler() });
    expect((await scryptRealm.authenticate('carol', 'carol-pw'))?.roles).toEqual(['admin']);
    expect(await scryptRealm.authenticate('carol', 'bob-pw')).toBeNull();
  });

  it('treats SQL-looking user names as unknown users, still doing the hashing work', async () => {
    const counting = new CountingCredentialHandler(new MessageDigestCredentialHandler());
    const realm = await startedRealm(tcpDataSource(), { credentialHandler: counting });
    const hostile = ["' OR 1=1 --", "alice' --", 'alice"; DROP TABLE users; --', "x' UNION SELECT 'alice-pw' --", 'alice\u0000'];
    for (const name of hostile) expect(await realm.authenticate(name, 'alice-pw'), name).toBeNull();
    expect(counting.checked).toHaveLength(hostile.length);
    expect((await server.sql('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(4);
  });

  it('sees a role change at the next login, and knows only listed users for authenticateVerified', async () => {
    const realm = await startedRealm(tcpDataSource());
    await server.sql("INSERT INTO user_roles VALUES ('alice', 'auditor')");
    expect((await realm.authenticate('alice', 'alice-pw'))?.roles).toEqual(['auditor', 'manager', 'user']);
    await server.sql("DELETE FROM user_roles WHERE role_name = 'auditor'");
    expect((await realm.authenticate('alice', 'alice-pw'))?.roles).toEqual(['manager', 'user']);
    expect((await realm.authenticateVerified('carol'))?.roles).toEqual(['admin']);
    expect(await realm.authenticateVerified('nobody')).toBeNull();
  });

  it('works with quoted, schema-qualified names and without a role table in authOnly mode', async () => {
    await server.sql(
      'CREATE SCHEMA auth; CREATE TABLE auth."People" ("Login" text, "Secret" text); INSERT INTO auth."People" VALUES (\'erin\', \'erin-pw\')',
    );
    const realm = await startedRealm(tcpDataSource(), {
      userTable: 'auth."People"',
      userNameCol: '"Login"',
      userCredCol: '"Secret"',
      userRoleTable: undefined,
      roleNameCol: undefined,
      allRolesMode: 'authOnly',
    });
    expect((await realm.authenticate('erin', 'erin-pw'))?.roles).toEqual([]);
    expect(await realm.authenticate('erin', 'nope')).toBeNull();
  });

  it('connects over the unix socket with the libpq host= parameter and the junixsocket spelling', async () => {
    const viaHost = createDataSource(
      resource({ url: `jdbc:postgresql://localhost:${server.port}/postgres?host=${server.socketDir}`, username: 'postgres' }),
    );
    const viaFactory = createDataSource(
      resource({
        url: `jdbc:postgresql:///postgres?socketFactory=org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg&socketFactoryArg=${server.socketDir}/.s.PGSQL.${server.port}`,
        username: 'postgres',
      }),
    );
    dataSources.push(viaHost, viaFactory);
    for (const ds of [viaHost, viaFactory]) {
      // No password: only the socket is trusted (pg_hba), so these rows prove the socket was used.
      const { rows } = await ds.query<{ socket: boolean }>('SELECT inet_server_addr() IS NULL AS socket');
      expect(rows).toEqual([{ socket: true }]);
      expect((await startedRealm(ds).then((r) => r.authenticate('alice', 'alice-pw')))?.name).toBe('alice');
    }
  });

  it('applies the session settings it maps: ApplicationName, currentSchema, defaultReadOnly, defaultTransactionIsolation, connectionInitSqls', async () => {
    const ds = createDataSource(
      resource({
        url: `jdbc:postgresql://127.0.0.1:${server.port}/postgres?ApplicationName=serval-test&currentSchema=auth`,
        username: 'postgres',
        password: server.password,
        defaultReadOnly: 'true',
        defaultTransactionIsolation: 'REPEATABLE_READ',
        connectionInitSqls: "SET work_mem = '7MB'; SET lock_timeout = 1234",
        validationQuery: 'SELECT 1',
      }),
    );
    dataSources.push(ds);
    const { rows } = await ds.query<Record<string, string>>(
      "SELECT current_setting('application_name') AS app, current_setting('search_path') AS path, current_setting('transaction_read_only') AS ro, current_setting('transaction_isolation') AS iso, current_setting('work_mem') AS mem, current_setting('lock_timeout') AS lock",
    );
    expect(rows).toEqual([{ app: 'serval-test', path: 'auth', ro: 'on', iso: 'repeatable read', mem: '7MB', lock: '1234ms' }]);
    await expect(ds.query('INSERT INTO public.users VALUES ($1, $2)', ['mallory', 'x'])).rejects.toThrow(/read-only/);
  });

  it('rejects with SV_ERR_REALM_UNAVAILABLE when the database refuses the login', async () => {
    const realm = await startedRealm(tcpDataSource({ password: 'not-the-password' }));
    const error = await rejection(realm.authenticate('alice', 'alice-pw'));
    expect(error.code).toBe('SV_ERR_REALM_UNAVAILABLE');
    expect(error.status).toBe(503);
    expect(error.message).toMatch(/password authentication failed/);
  });

  it('rejects with SV_ERR_REALM_UNAVAILABLE while the server is down, logs the dropped idle connection, and works again once it is back', async () => {
    const { logger, next } = recordingLogger();
    const ds = tcpDataSource({}, logger);
    const realm = await startedRealm(ds);
    expect((await realm.authenticate('alice', 'alice-pw'))?.name).toBe('alice');
    expect(ds.totalCount).toBe(1); // kept idle (no evictor, as DBCP's default)

    await server.stop();
    // The pool's idle connection fails: logged, not an uncaught 'error' event.
    const dropped = await next('SV_MSG_NAMING_CONNECTION_DROPPED');
    expect(dropped.msg).toMatch(/jdbc\/users/);
    for (const [user, password] of [
      ['alice', 'alice-pw'],
      ['alice', 'wrong'],
      ['nobody', 'x'],
    ] as const) {
      const error = await rejection(realm.authenticate(user, password));
      expect(error.code).toBe('SV_ERR_REALM_UNAVAILABLE');
      expect(error.message).toMatch(/DataSourceRealm\[\/realm0\] over DataSource \[jdbc\/users\]/);
    }
    expect((await rejection(realm.authenticateVerified('alice'))).code).toBe('SV_ERR_REALM_UNAVAILABLE');

    await server.start();
    expect((await realm.authenticate('alice', 'alice-pw'))?.roles).toEqual(['manager', 'user']);
    expect(await realm.authenticate('alice', 'wrong')).toBeNull();
  });

  it('validates a pooled connection before reuse (testOnBorrow) and replaces one that fails, as DBCP does', async () => {
    // Fails only on a connection that was marked, so which connection is validated can be seen.
    // (A literal 1/0 inside CASE would be folded, and fail, at plan time.)
    const validationQuery = "SELECT 1 / (CASE WHEN current_setting('serval.broken', true) = 'yes' THEN 0 ELSE 1 END)";
    const pid = async (ds: PgDataSource): Promise<number> =>
      (await ds.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const validating = tcpDataSource({ maxTotal: '1', validationQuery });
    const first = await pid(validating);
    expect(await pid(validating)).toBe(first);
    await validating.query("SET serval.broken = 'yes'");
    expect(await pid(validating)).not.toBe(first);
    expect(validating.totalCount).toBe(1);

    const trusting = tcpDataSource({ maxTotal: '1', validationQuery, testOnBorrow: 'false' });
    const only = await pid(trusting);
    await trusting.query("SET serval.broken = 'yes'");
    expect(await pid(trusting)).toBe(only);
  });

  it('opens initialSize connections at creation, and only logs when it cannot', async () => {
    const ds = tcpDataSource({ initialSize: '3' });
    await ds.warmedUp;
    expect(ds.totalCount).toBe(3);
    const { logger, next } = recordingLogger();
    const refused = tcpDataSource({ initialSize: '2', password: 'wrong' }, logger);
    await refused.warmedUp;
    expect((await next('SV_MSG_NAMING_WARM_UP_FAILED')).msg).toMatch(
      /\[2\] connection\(s\) of initialSize.*password authentication failed/,
    );
    expect(refused.totalCount).toBe(0);
  });

  it('drops a pooled connection the server cut while idle, without failing the next login', async () => {
    const ds = tcpDataSource({ maxTotal: '1' });
    const realm = await startedRealm(ds);
    expect(await realm.authenticate('alice', 'alice-pw')).not.toBeNull();
    // Cut every other session from the server side, as a restart or a network device would.
    await server.sql(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'postgres' AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
    );
    expect((await realm.authenticate('alice', 'alice-pw'))?.name).toBe('alice');
  });
});
