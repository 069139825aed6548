/**
 * Tomcat's DataSourceRealm: users and roles in two SQL tables, read through a DataSource at every login, so a
 * changed password or role counts from the next login on (Tomcat's realm doc: "the lookup is done each time
 * that it is required"). The queries are Tomcat's:
 *   SELECT userCredCol FROM userTable WHERE userNameCol = ?
 *   SELECT roleNameCol FROM userRoleTable WHERE userNameCol = ?
 *
 * Where Serval differs: the table and column names are checked to be SQL names and quoted (Tomcat pastes
 * them into the statement as written), and a database that cannot answer makes authenticate() reject with
 * SV_ERR_REALM_UNAVAILABLE instead of answering "no such user" as Tomcat does; it never yields a principal.
 * Nothing is cached, so once the database is back, logins work again without a restart.
 */
import { ConfigError, ContainerError } from '../errors/container-error.js';
import type { DataSource } from '../naming/data-source.js';
import type { GenericPrincipal } from './generic-principal.js';
import { RealmBase, type RealmBaseOptions } from './realm-base.js';

/** Tomcat's allRolesMode: whether `*` needs a role of the app; the two auth-only modes make the role table optional. */
export type AllRolesMode = 'strict' | 'authOnly' | 'strictAuthOnly';

export interface DataSourceRealmOptions extends RealmBaseOptions {
  /** Table of users; required. `schema.table` is accepted. */
  readonly userTable: string;
  /** Column of user names, in both tables; required. */
  readonly userNameCol: string;
  /** Column of stored credentials (as the CredentialHandler reads them); required. */
  readonly userCredCol: string;
  /** Table of (user, role) rows; required unless allRolesMode is authOnly or strictAuthOnly. */
  readonly userRoleTable?: string | undefined;
  /** Column of role names in userRoleTable; required with it. */
  readonly roleNameCol?: string | undefined;
  /** Default `strict`. */
  readonly allRolesMode?: AllRolesMode | undefined;
}

/** One part of an SQL name: a plain identifier (folded to lower case, as PostgreSQL does) or a "quoted" one. */
const PLAIN = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const QUOTED = /^"[^"\u0000]+"$/;

/**
 * The quoted SQL form of a configured table or column name, with the meaning PostgreSQL gives the name as
 * Tomcat would paste it: unquoted parts fold to lower case, "quoted" parts keep their case. Quoting also keeps
 * reserved words (`user`) from being read as SQL.
 */
export function quoteSqlName(attribute: string, value: string, allowSchema: boolean): string {
  const parts = splitName(value);
  const ok = parts !== null && parts.length <= (allowSchema ? 2 : 1) && parts.every((p) => PLAIN.test(p) || QUOTED.test(p));
  if (!ok) throw new ConfigError('SV_ERR_REALM_SQL_IDENTIFIER', { attribute, value });
  return parts.map((p) => (PLAIN.test(p) ? `"${p.toLowerCase()}"` : p)).join('.');
}

/** `a.b`, `"a.b".c`: splits at dots outside double quotes; null for an empty part. */
function splitName(value: string): string[] | null {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    if (ch === '.' && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return quoted || parts.some((p) => p === '') ? null : parts;
}

/**
 * PostgreSQL text cannot hold U+0000 and refuses a parameter containing it: such a name is an unknown user,
 * not a database failure (which would answer 503 and log an error for a crafted login).
 */
function storable(username: string): boolean {
  return !username.includes('\u0000');
}

/** A column value as text (JDBC's getString): a bytea column as UTF-8; NULL is null. */
function columnText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return null;
}

export class DataSourceRealm extends RealmBase {
  readonly dataSource: DataSource;
  readonly allRolesMode: AllRolesMode;
  readonly #credentialsSql: string;
  readonly #userSql: string;
  /** null: no role table (an auth-only allRolesMode), every user has no roles. */
  readonly #rolesSql: string | null;

  constructor(dataSource: DataSource, options: DataSourceRealmOptions) {
    super(options);
    this.dataSource = dataSource;
    this.allRolesMode = options.allRolesMode ?? 'strict';
    for (const attribute of ['userTable', 'userNameCol', 'userCredCol'] as const) {
      if (options[attribute] === undefined || options[attribute] === '') {
        throw new ConfigError('SV_ERR_REALM_DATASOURCE_ATTRIBUTE_MISSING', { attribute, when: '' });
      }
    }
    const userTable = quoteSqlName('userTable', options.userTable, true);
    const userNameCol = quoteSqlName('userNameCol', options.userNameCol, false);
    const userCredCol = quoteSqlName('userCredCol', options.userCredCol, false);
    this.#credentialsSql = `SELECT ${userCredCol} FROM ${userTable} WHERE ${userNameCol} = $1`;
    this.#userSql = `SELECT 1 FROM ${userTable} WHERE ${userNameCol} = $1`;
    const hasRoleStore = (options.userRoleTable ?? '') !== '' || (options.roleNameCol ?? '') !== '';
    if (!hasRoleStore && this.allRolesMode !== 'strict') {
      // Tomcat's DataSourceRealm.getRoles: an auth-only mode with no role store defined loads no roles.
      this.#rolesSql = null;
    } else {
      for (const attribute of ['userRoleTable', 'roleNameCol'] as const) {
        if ((options[attribute] ?? '') === '') {
          const when = hasRoleStore
            ? ' (userRoleTable and roleNameCol go together)'
            : ' (it may be left out only with allRolesMode authOnly or strictAuthOnly)';
          throw new ConfigError('SV_ERR_REALM_DATASOURCE_ATTRIBUTE_MISSING', { attribute, when });
        }
      }
      const roleTable = quoteSqlName('userRoleTable', options.userRoleTable as string, true);
      const roleNameCol = quoteSqlName('roleNameCol', options.roleNameCol as string, false);
      this.#rolesSql = `SELECT ${roleNameCol} FROM ${roleTable} WHERE ${userNameCol} = $1`;
    }
  }

  /**
   * The stored credential, trimmed as Tomcat trims it (a CHAR column pads it with spaces); null for an unknown
   * user or a NULL credential. Several rows for one name: the first one, as Tomcat.
   */
  protected async getPassword(username: string): Promise<string | null> {
    if (!storable(username)) return null;
    const { rows } = await this.#query<Record<string, unknown>>(this.#credentialsSql, username);
    const value = rows[0] === undefined ? null : columnText(Object.values(rows[0])[0]);
    return value === null ? null : value.trim();
  }

  /** Called for a user whose credentials matched: their roles now (none when the role table has no row for them). */
  protected async getRoles(username: string): Promise<string[]> {
    if (this.#rolesSql === null) return [];
    const { rows } = await this.#query<Record<string, unknown>>(this.#rolesSql, username);
    const roles: string[] = [];
    for (const row of rows) {
      const value = columnText(Object.values(row)[0]);
      if (value !== null) roles.push(value.trim());
    }
    return roles;
  }

  /**
   * CLIENT-CERT and trusted front ends: a user that is in the users table. (Tomcat's getPrincipal makes a
   * principal for any name; the Realm contract here answers null for a name the realm does not know.)
   */
  override async authenticateVerified(username: string): Promise<GenericPrincipal | null> {
    if (!this.isAvailable() || !storable(username)) return null;
    const { rows } = await this.#query(this.#userSql, username);
    return rows.length === 0 ? null : super.authenticateVerified(username);
  }

  async #query<R>(sql: string, username: string): Promise<{ rows: R[] }> {
    try {
      return await this.dataSource.query<R>(sql, [username]);
    } catch (error) {
      throw new ContainerError(
        'SV_ERR_REALM_UNAVAILABLE',
        {
          realm: `${this.componentName} over DataSource [${this.dataSource.name}]`,
          detail: error instanceof Error ? error.message : String(error),
        },
        { cause: error },
      );
    }
  }
}
