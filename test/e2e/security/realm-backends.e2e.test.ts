/**
 * Realms over real backends, through the server (issue #20): a DataSourceRealm over a `<Resource
 * type="javax.sql.DataSource">` on PostgreSQL and a JNDIRealm on OpenLDAP's slapd, each a Context's realm. A BASIC
 * login works; while the backend is down the constrained resource answers 503 with a coded log line and nobody gets
 * in; once it is back, logins work again without a restart.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHttp } from '../../helpers/http-fetch.js';
import { basic } from '../../helpers/auth-clients.js';
import { startPostgres, TOMCAT_USERS_SCHEMA, type PostgresServer } from '../../helpers/postgres.js';
import { startSlapd, type Slapd } from '../../helpers/slapd.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../../helpers/test-server.js';

const basicApp = join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'auth', 'basic');
const BASE = 'dc=example,dc=com';

describe('realms over PostgreSQL and LDAP', () => {
  let postgres: PostgresServer;
  let slapd: Slapd;
  let server: TestServer;

  beforeAll(async () => {
    [postgres, slapd] = await Promise.all([
      startPostgres(),
      startSlapd({
        suffix: BASE,
        rootPassword: 'rootpw',
        entries: [
          { dn: BASE, attributes: { objectClass: ['dcObject', 'organization'], dc: 'example', o: 'Example' } },
          { dn: `ou=people,${BASE}`, attributes: { objectClass: 'organizationalUnit', ou: 'people' } },
          { dn: `ou=groups,${BASE}`, attributes: { objectClass: 'organizationalUnit', ou: 'groups' } },
          {
            dn: `uid=lena,ou=people,${BASE}`,
            attributes: { objectClass: 'inetOrgPerson', uid: 'lena', cn: 'lena', sn: 'lena', userPassword: 'lena-pw' },
          },
          {
            dn: `cn=admin,ou=groups,${BASE}`,
            attributes: { objectClass: 'groupOfNames', cn: 'admin', member: `uid=lena,ou=people,${BASE}` },
          },
        ],
      }),
    ]);
    await postgres.sql(TOMCAT_USERS_SCHEMA);
    await postgres.sql("INSERT INTO users VALUES ('pat', 'pat-pw'); INSERT INTO user_roles VALUES ('pat', 'admin')");
    server = await startTestServer({
      appBase: join(REPO_ROOT, 'test', 'fixtures', 'webapps', 'core'),
      serverContent: `<GlobalNamingResources>
        <Resource name="jdbc/users" auth="Container" type="javax.sql.DataSource" driverClassName="org.postgresql.Driver"
                  url="jdbc:postgresql://127.0.0.1:${postgres.port}/postgres" username="postgres" password="${postgres.password}"
                  maxTotal="4" maxWaitMillis="2000"/>
      </GlobalNamingResources>`,
      hostContent: `
        <Context path="/pg" docBase="${basicApp}">
          <Realm className="org.apache.catalina.realm.DataSourceRealm" dataSourceName="jdbc/users" userTable="users"
                 userNameCol="user_name" userCredCol="user_pass" userRoleTable="user_roles" roleNameCol="role_name"/>
        </Context>
        <Context path="/ldap" docBase="${basicApp}">
          <Realm className="org.apache.catalina.realm.JNDIRealm" connectionURL="${slapd.url}" connectionTimeout="2000"
                 userPattern="uid={0},ou=people,${BASE}" roleBase="ou=groups,${BASE}" roleName="cn" roleSearch="(member={0})"/>
        </Context>`,
    });
    // Two peers start here (PostgreSQL's initdb alone takes seconds on a loaded machine).
  }, 90_000);

  afterAll(async () => {
    await server?.close();
    await Promise.all([postgres?.destroy(), slapd?.remove()]);
  });

  it.each([
    ['pg', 'pat', 'pat-pw'],
    ['ldap', 'lena', 'lena-pw'],
  ])('/%s: logs in a user of the backend with the role it grants, and refuses a wrong password', async (app, user, password) => {
    const ok = await fetchHttp(`${server.url}/${app}/admin/x`, { headers: basic(user, password) });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body.toString())).toMatchObject({ user, admin: true });
    expect((await fetchHttp(`${server.url}/${app}/admin/x`, { headers: basic(user, 'wrong') })).status).toBe(401);
  });

  it.each([
    ['pg', 'pat', 'pat-pw'],
    ['ldap', 'lena', 'lena-pw'],
  ])('/%s: answers 503 with a coded log line while the backend is down, and works again once it is back', async (app, user, password) => {
    const backend = app === 'pg' ? postgres : slapd;
    await backend.stop();
    const logged = server.logs.length;
    try {
      const down = await fetchHttp(`${server.url}/${app}/admin/x`, { headers: basic(user, password) });
      expect(down.status).toBe(503);
      expect(down.body.toString()).not.toContain('"user"');
      expect(server.logs.slice(logged).some((record) => record.code === 'SV_ERR_REALM_UNAVAILABLE')).toBe(true);
    } finally {
      await backend.start();
    }
    expect((await fetchHttp(`${server.url}/${app}/admin/x`, { headers: basic(user, password) })).status).toBe(200);
  });
});
