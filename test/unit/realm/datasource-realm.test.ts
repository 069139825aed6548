/**
 * DataSourceRealm's configuration checks: table and column names must be SQL names, which are quoted with
 * PostgreSQL's meaning of the name as written (Tomcat pastes them into the statement). The queries themselves
 * run against a real server in test/e2e/realm.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/container-error.js';
import { createDataSource } from '../../../src/naming/pg-data-source.js';
import { DataSourceRealm, quoteSqlName, type DataSourceRealmOptions } from '../../../src/realm/datasource-realm.js';

// Never connected: every case here is refused (or built) before a query could run.
const dataSource = createDataSource({
  name: 'jdbc/users',
  type: 'javax.sql.DataSource',
  attributes: { url: 'jdbc:postgresql://127.0.0.1:1/none' },
  location: { file: 'server.xml', line: 1, path: 'Server/GlobalNamingResources/Resource[0]' },
});
afterAll(() => dataSource.end());

const TABLES: DataSourceRealmOptions = {
  userTable: 'users',
  userNameCol: 'user_name',
  userCredCol: 'user_pass',
  userRoleTable: 'user_roles',
  roleNameCol: 'role_name',
};

function refused(options: Partial<DataSourceRealmOptions>): ConfigError {
  try {
    new DataSourceRealm(dataSource, { ...TABLES, ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(options)} to be refused`);
}

describe('DataSourceRealm configuration', () => {
  it('quotes names as PostgreSQL reads them unquoted (folded to lower case), keeping "quoted" ones and schemas', () => {
    expect(quoteSqlName('userTable', 'users', true)).toBe('"users"');
    expect(quoteSqlName('userTable', 'Users', true)).toBe('"users"');
    expect(quoteSqlName('userTable', 'auth.Users', true)).toBe('"auth"."users"');
    expect(quoteSqlName('userTable', '"Auth"."Users"', true)).toBe('"Auth"."Users"');
    expect(quoteSqlName('userTable', '"a.b"', true)).toBe('"a.b"');
    // A reserved word as a column name stays a column (unquoted, `user` is the current user).
    expect(quoteSqlName('userNameCol', 'user', false)).toBe('"user"');
    expect(quoteSqlName('userNameCol', 'name$2', false)).toBe('"name$2"');
  });

  it.each([
    ['userTable', 'users; DROP TABLE users'],
    ['userTable', 'users--'],
    ['userTable', 'a.b.c'],
    ['userTable', 'a..b'],
    ['userTable', '"unterminated'],
    ['userTable', '"a"b"'],
    ['userTable', '""'],
    ['userNameCol', 'schema.col'],
    ['userCredCol', '1pass'],
    ['userCredCol', "pass' OR '1'='1"],
    ['roleNameCol', 'role name'],
    ['userRoleTable', 'roles)'],
  ] as const)('refuses %s = %s', (attribute, value) => {
    const error = refused({ [attribute]: value });
    expect(error.code).toBe('SV_ERR_REALM_SQL_IDENTIFIER');
    expect(error.message).toContain(`[${attribute}] has value [${value}]`);
  });

  it('needs the users table and columns, and the role table unless allRolesMode is auth-only', () => {
    for (const attribute of ['userTable', 'userNameCol', 'userCredCol'] as const) {
      expect(refused({ [attribute]: '' }).message).toBe(`DataSourceRealm needs attribute [${attribute}]`);
    }
    expect(refused({ userRoleTable: undefined, roleNameCol: undefined }).message).toMatch(
      /\[userRoleTable\] \(it may be left out only with allRolesMode/,
    );
    expect(refused({ roleNameCol: undefined, allRolesMode: 'authOnly' }).message).toMatch(
      /\[roleNameCol\] \(userRoleTable and roleNameCol go together\)/,
    );
    const authOnly = new DataSourceRealm(dataSource, {
      ...TABLES,
      userRoleTable: undefined,
      roleNameCol: undefined,
      allRolesMode: 'strictAuthOnly',
    });
    expect(authOnly.allRolesMode).toBe('strictAuthOnly');
  });
});
