/**
 * Tomcat 10.1's JNDIRealm: users and roles from an LDAP directory, over ldapts.
 *
 * Finding the user: `userPattern` (a DN template, or several as `(p1)(p2)`) or `userSearch` (a filter) under
 * `userBase`. Checking the password:
 * - bind mode (no `userPassword`): the directory checks it, by a simple bind as the user's DN;
 * - compare mode (`userPassword` names the attribute): the stored value is read with the realm's identity and
 *   checked by the CredentialHandler, as RealmBase does.
 * Roles: the values of `userRoleName` in the user's entry, plus the `roleName` of the entries `roleSearch`
 * finds under `roleBase` (`{0}` the user's DN, `{1}` the user name, `{2}` the `userRoleAttribute` value),
 * followed through groups of groups with `roleNested`, plus `commonRole`.
 *
 * Safety, beyond Tomcat where it matters:
 * - the user name goes into filters escaped per RFC 4515 and into DNs per RFC 4514 (ldap-names.ts);
 * - an empty password (or user name) is refused before the directory is contacted: a simple bind with a name
 *   and no password is an "unauthenticated bind" that many servers answer with success (RFC 4513 §5.1.2);
 * - an unknown user costs the same directory work as a wrong password: with userPattern both are one failed
 *   bind; with userSearch a user the search does not find is still followed by a bind, to a DN that does not
 *   exist, which the directory refuses as it refuses a wrong password (RFC 4513 §6.3.1 forbids telling them
 *   apart); in compare mode the dummy credential is checked as in RealmBase;
 * - a directory that cannot answer (down, timeout, TLS failure) rejects authenticate() with
 *   SV_ERR_REALM_UNAVAILABLE: never a principal, never "no such user". The pool replaces dead connections, so
 *   authentication works again when the directory is back.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { ResultCodeError, type Entry, type SearchOptions } from 'ldapts';
import { ContainerError } from '../errors/container-error.js';
import { logCoded } from '../logging/logger.js';
import { GenericPrincipal } from './generic-principal.js';
import { LdapConnectionPool, type LdapConnection } from './ldap-connection-pool.js';
import { escapeDnValue, escapeFilterValue, formatPattern, splitUserPatterns } from './ldap-names.js';
import { checkUrl, invalid, type JNDIDerefAliases, type JNDIRealmOptions } from './jndi-realm-options.js';
import type { DigestAlgorithm } from './realm.js';
import { RealmBase } from './realm-base.js';

export type { JNDIDerefAliases, JNDIRealmOptions } from './jndi-realm-options.js';

/** What the lookup found: the entry's DN and the attributes the realm asked for. */
interface DirectoryUser {
  readonly name: string;
  readonly dn: string;
  /** The stored credential (compare mode). */
  readonly password: string | null;
  /** Values of userRoleName. */
  readonly roles: readonly string[];
  /** The first value of userRoleAttribute, for `{2}` in roleSearch. */
  readonly roleAttribute: string | null;
}

const DEREF = { always: 'always', never: 'never', finding: 'find', searching: 'search' } as const;
/** ldapts sends a bind whose name is one of these as SASL; a user name must never be taken for a mechanism. */
const SASL_MECHANISMS = new Set(['EXTERNAL', 'PLAIN', 'DIGEST-MD5', 'SCRAM-SHA-1']);
/** Result codes that mean "not this user / not this password", not "the directory failed" (RFC 4511 Appendix A). */
const NOT_AUTHENTICATED = new Set([
  32, // noSuchObject
  34, // invalidDNSyntax
  48, // inappropriateAuthentication
  49, // invalidCredentials
]);

function isNotAuthenticated(error: unknown): boolean {
  return error instanceof ResultCodeError && NOT_AUTHENTICATED.has(error.code);
}

function values(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key === undefined ? undefined : entry[key];
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((v: string | Buffer) => (typeof v === 'string' ? v : v.toString('utf8')));
}

/** The CA file, relative to catalinaBase (as Tomcat's paths are) when not absolute. */
function readCaFile(file: string, catalinaBase: string | undefined): Buffer {
  try {
    return readFileSync(isAbsolute(file) || catalinaBase === undefined ? file : resolve(catalinaBase, file));
  } catch {
    throw invalid('caCertificateFile', file, 'a readable PEM file of CA certificates (relative to catalina.base)');
  }
}

export class JNDIRealm extends RealmBase {
  readonly connectionURL: string;
  readonly alternateURL: string | undefined;
  readonly connectionName: string | undefined;
  readonly connectionTimeout: number;
  readonly readTimeout: number;
  readonly connectionPoolSize: number;
  readonly useStartTls: boolean;
  readonly userPattern: string | undefined;
  readonly userBase: string;
  readonly userSearch: string | undefined;
  readonly userSubtree: boolean;
  readonly userSearchAsUser: boolean;
  readonly userPassword: string | undefined;
  readonly userRoleName: string | undefined;
  readonly userRoleAttribute: string | undefined;
  readonly roleBase: string;
  readonly roleName: string | undefined;
  readonly roleSearch: string | undefined;
  readonly roleSubtree: boolean;
  readonly roleNested: boolean;
  readonly roleSearchAsUser: boolean;
  readonly commonRole: string | undefined;
  readonly derefAliases: JNDIDerefAliases;
  readonly sizeLimit: number;
  readonly timeLimit: number;
  readonly #userPatterns: readonly string[] | null;
  readonly #urls: readonly string[];
  readonly #bindPassword: string | null;
  readonly #anonymous: boolean;
  readonly #tls: ConnectionOptions;
  #pool: LdapConnectionPool | null = null;
  #dummyCredential: string | null = null;

  constructor(options: JNDIRealmOptions) {
    super(options);
    this.connectionURL = options.connectionURL;
    this.alternateURL = options.alternateURL;
    this.connectionName = options.connectionName;
    this.connectionTimeout = options.connectionTimeout ?? 5000;
    this.readTimeout = options.readTimeout ?? 5000;
    this.connectionPoolSize = options.connectionPoolSize ?? 1;
    this.useStartTls = options.useStartTls ?? false;
    this.userPattern = options.userPattern;
    this.userBase = options.userBase ?? '';
    this.userSearch = options.userSearch;
    this.userSubtree = options.userSubtree ?? false;
    this.userSearchAsUser = options.userSearchAsUser ?? false;
    this.userPassword = options.userPassword;
    this.userRoleName = options.userRoleName;
    this.userRoleAttribute = options.userRoleAttribute;
    this.roleBase = options.roleBase ?? '';
    this.roleName = options.roleName;
    this.roleSearch = options.roleSearch;
    this.roleSubtree = options.roleSubtree ?? false;
    this.roleNested = options.roleNested ?? false;
    this.roleSearchAsUser = options.roleSearchAsUser ?? false;
    this.commonRole = options.commonRole;
    this.derefAliases = options.derefAliases ?? 'always';
    this.sizeLimit = options.sizeLimit ?? 0;
    this.timeLimit = options.timeLimit ?? 0;

    this.#urls = [...this.connectionURL.split(/\s+/), ...(this.alternateURL ?? '').split(/\s+/)].filter((u) => u !== '');
    if (this.#urls.length === 0) throw invalid('connectionURL', this.connectionURL, 'an ldap:// or ldaps:// URL');
    for (const url of this.#urls) checkUrl(url, this.useStartTls);

    if (this.userPattern !== undefined && this.userPattern.trim() !== '') {
      const patterns = splitUserPatterns(this.userPattern);
      if (patterns === null) {
        throw invalid(
          'userPattern',
          this.userPattern,
          'one DN pattern, or several each in parentheses: (uid={0},ou=a,dc=x)(uid={0},ou=b,dc=x)',
        );
      }
      this.#userPatterns = patterns;
    } else if (this.userSearch !== undefined && this.userSearch.trim() !== '') {
      this.#userPatterns = null;
    } else {
      throw new ContainerError('SV_ERR_REALM_JNDI_NO_USER_LOOKUP');
    }

    const authentication = options.authentication ?? 'simple';
    if (authentication !== 'simple' && authentication !== 'none') {
      throw invalid('authentication', authentication, '`simple` or `none` (SASL and Kerberos are not implemented)');
    }
    this.#anonymous = authentication === 'none' || this.connectionName === undefined || this.connectionName === '';
    this.#bindPassword = this.#anonymous ? null : (options.connectionPassword ?? '');
    if (!this.#anonymous && this.#bindPassword === '') {
      // RFC 4513 §5.1.2: a name without a password is an unauthenticated bind, anonymous in disguise.
      throw invalid('connectionPassword', '', 'a non-empty password when connectionName is set');
    }
    if (options.referrals !== undefined && options.referrals !== 'ignore') {
      throw invalid('referrals', options.referrals, '`ignore`: Serval does not follow referrals');
    }
    if (!(this.derefAliases in DEREF)) throw invalid('derefAliases', this.derefAliases, '`always`, `never`, `finding`, `searching`');
    for (const [name, value] of [
      ['connectionTimeout', this.connectionTimeout],
      ['readTimeout', this.readTimeout],
      ['sizeLimit', this.sizeLimit],
      ['timeLimit', this.timeLimit],
    ] as const) {
      if (!Number.isInteger(value) || value < 0) throw invalid(name, String(value), 'a whole number, 0 or more');
    }
    if (!Number.isInteger(this.connectionPoolSize) || this.connectionPoolSize < 1) {
      throw invalid('connectionPoolSize', String(this.connectionPoolSize), 'a whole number, 1 or more');
    }
    this.#tls = {
      ...(options.caCertificateFile === undefined ? {} : { ca: readCaFile(options.caCertificateFile, options.catalinaBase) }),
      ...options.tls,
    };
  }

  /** Compare mode with a handler that keeps the clear text or H(A1) (RealmBase decides); bind mode never knows the password. */
  override supportsDigest(algorithm: DigestAlgorithm): boolean {
    return this.userPassword !== undefined && super.supportsDigest(algorithm);
  }

  /** The pool, for tests and monitoring: connections open and opened so far. */
  get pool(): LdapConnectionPool | null {
    return this.#pool;
  }

  protected override async load(): Promise<void> {
    this.#dummyCredential = await this.credentialHandler.mutate(randomBytes(16).toString('hex'));
    this.#pool = new LdapConnectionPool({
      urls: this.#urls,
      connectTimeout: this.connectionTimeout,
      operationTimeout: this.readTimeout,
      startTls: this.useStartTls,
      tls: this.#tls,
      bindDn: this.#anonymous ? null : (this.connectionName ?? null),
      bindPassword: this.#bindPassword,
      size: this.connectionPoolSize,
    });
  }

  protected override async stopInternal(): Promise<void> {
    await super.stopInternal();
    const pool = this.#pool;
    this.#pool = null;
    pool?.close();
  }

  override async authenticate(username: string, credentials: string): Promise<GenericPrincipal | null> {
    if (!this.isAvailable()) return null;
    // Refused before the directory is contacted (RFC 4513 §5.1.2); an empty name would bind anonymously.
    if (username === '' || credentials === '') return null;
    return this.#withDirectory(async (connection) => {
      const user =
        this.userPassword === undefined
          ? await this.#bindUser(connection, username, credentials)
          : await this.#compareUser(connection, username, credentials);
      if (user === null) return null;
      const roles = await this.#roles(connection, user, this.roleSearchAsUser ? credentials : null);
      return new GenericPrincipal(username, roles, this.realmPath);
    });
  }

  override async authenticateVerified(username: string): Promise<GenericPrincipal | null> {
    if (!this.isAvailable() || username === '') return null;
    return this.#withDirectory(async (connection) => {
      const user = await this.#findUser(connection, username);
      if (user === null) return null;
      return new GenericPrincipal(username, await this.#roles(connection, user, null), this.realmPath);
    });
  }

  /** For RealmBase's DIGEST: the stored credential in compare mode; bind mode has none. */
  protected async getPassword(username: string): Promise<string | null> {
    if (this.userPassword === undefined || username === '') return null;
    return this.#withDirectory(async (connection) => (await this.#findUser(connection, username))?.password ?? null);
  }

  protected async getRoles(username: string): Promise<string[] | null> {
    if (username === '') return null;
    return this.#withDirectory(async (connection) => {
      const user = await this.#findUser(connection, username);
      return user === null ? null : this.#roles(connection, user, null);
    });
  }

  /**
   * Runs directory work on a pooled connection. A failure of the connection itself is retried once on a new
   * one (a pooled connection may have died with a directory restart before its close was noticed, as Tomcat
   * retries); any failure left becomes SV_ERR_REALM_UNAVAILABLE.
   */
  async #withDirectory<T>(work: (connection: LdapConnection) => Promise<T>): Promise<T> {
    const pool = this.#pool;
    for (let attempt = 1; ; attempt++) {
      if (pool === null) {
        throw new ContainerError('SV_ERR_REALM_UNAVAILABLE', { realm: this.componentName, detail: 'the realm is stopped' });
      }
      try {
        return await pool.use(work);
      } catch (error) {
        const connectionFailure = !(error instanceof ResultCodeError);
        if (attempt === 1 && connectionFailure) continue;
        const detail = error instanceof Error ? error.message : String(error);
        throw new ContainerError('SV_ERR_REALM_UNAVAILABLE', { realm: this.componentName, detail }, { cause: error });
      }
    }
  }

  /** Bind mode: the directory checks the password. Null for an unknown user or a wrong password alike. */
  async #bindUser(connection: LdapConnection, username: string, password: string): Promise<DirectoryUser | null> {
    if (this.#userPatterns !== null) {
      for (const dn of this.#patternDns(username)) {
        if (!(await this.#tryBind(connection, dn, password))) continue;
        // Tomcat reads the entry's attributes with the realm's identity, not the user's.
        await connection.restoreIdentity();
        if (!this.#needsEntry()) return { name: username, dn, password: null, roles: [], roleAttribute: null };
        return this.#readEntry(connection, username, dn);
      }
      return null;
    }
    // userSearchAsUser: Tomcat binds with the user name as given (Active Directory accepts user@domain) to search.
    if (this.userSearchAsUser && !(await this.#tryBind(connection, username, password))) return null;
    const user = await this.#searchUser(connection, username);
    // An unknown user still costs a bind, which the directory refuses as it refuses a wrong password.
    const dn =
      user?.dn ??
      (this.userBase === '' ? `cn=${randomBytes(16).toString('hex')}` : `cn=${randomBytes(16).toString('hex')},${this.userBase}`);
    const bound = await this.#tryBind(connection, dn, password);
    await connection.restoreIdentity();
    return bound ? user : null;
  }

  /** Compare mode: the stored credential, checked by the CredentialHandler (the dummy one for an unknown user). */
  async #compareUser(connection: LdapConnection, username: string, password: string): Promise<DirectoryUser | null> {
    const user = await this.#findUser(connection, username);
    const stored = user?.password ?? null;
    const matches = await this.credentialHandler.matches(password, stored ?? this.#dummyCredential ?? randomBytes(16).toString('hex'));
    return user === null || stored === null || !matches ? null : user;
  }

  /** The user's entry with the realm's identity, without checking a password. */
  async #findUser(connection: LdapConnection, username: string): Promise<DirectoryUser | null> {
    if (this.#userPatterns === null) return this.#searchUser(connection, username);
    for (const dn of this.#patternDns(username)) {
      const user = await this.#readEntry(connection, username, dn);
      if (user !== null) return user;
    }
    return null;
  }

  #patternDns(username: string): string[] {
    const escaped = escapeDnValue(username);
    return (this.#userPatterns ?? []).map((pattern) => formatPattern(pattern, [escaped]));
  }

  async #tryBind(connection: LdapConnection, dn: string, password: string): Promise<boolean> {
    // ldapts would take these names for SASL mechanisms; as a DN they are no user. A bind still happens.
    const name = SASL_MECHANISMS.has(dn) ? `cn=${randomBytes(16).toString('hex')}` : dn;
    try {
      await connection.bindAs(name, password);
      return name === dn;
    } catch (error) {
      if (isNotAuthenticated(error)) return false;
      throw error;
    }
  }

  #needsEntry(): boolean {
    return this.userPassword !== undefined || this.userRoleName !== undefined || this.userRoleAttribute !== undefined;
  }

  #userAttributes(): string[] {
    const list = [this.userPassword, this.userRoleName, this.userRoleAttribute].filter((a): a is string => a !== undefined);
    // RFC 4511 §4.5.1.8: "1.1" asks for no attributes (an empty list would ask for all of them).
    return list.length === 0 ? ['1.1'] : list;
  }

  #searchOptions(scope: 'base' | 'one' | 'sub', filter: string, attributes: string[]): SearchOptions {
    return {
      scope,
      filter,
      attributes,
      derefAliases: DEREF[this.derefAliases],
      sizeLimit: this.sizeLimit,
      timeLimit: Math.ceil(this.timeLimit / 1000),
    };
  }

  async #readEntry(connection: LdapConnection, username: string, dn: string): Promise<DirectoryUser | null> {
    try {
      const result = await connection.search(dn, this.#searchOptions('base', '(objectClass=*)', this.#userAttributes()));
      const entry = result.searchEntries[0];
      return entry === undefined ? null : this.#user(username, entry);
    } catch (error) {
      if (isNotAuthenticated(error)) return null;
      throw error;
    }
  }

  async #searchUser(connection: LdapConnection, username: string): Promise<DirectoryUser | null> {
    const filter = formatPattern(this.userSearch ?? '', [escapeFilterValue(username)]);
    let entries: Entry[];
    try {
      const result = await connection.search(
        this.userBase,
        this.#searchOptions(this.userSubtree ? 'sub' : 'one', filter, this.#userAttributes()),
      );
      entries = result.searchEntries;
    } catch (error) {
      if (isNotAuthenticated(error)) return null;
      throw error;
    }
    if (entries.length > 1) {
      if (this.logger !== undefined) logCoded(this.logger, 'warn', { code: 'SV_MSG_REALM_JNDI_USER_NOT_UNIQUE', params: { username } });
      return null;
    }
    const entry = entries[0];
    return entry === undefined ? null : this.#user(username, entry);
  }

  #user(username: string, entry: Entry): DirectoryUser {
    return {
      name: username,
      dn: entry.dn,
      password: this.userPassword === undefined ? null : (values(entry, this.userPassword)[0] ?? null),
      roles: this.userRoleName === undefined ? [] : values(entry, this.userRoleName),
      roleAttribute: this.userRoleAttribute === undefined ? null : (values(entry, this.userRoleAttribute)[0] ?? null),
    };
  }

  /**
   * userRoleName values, the roleName of each entry roleSearch finds (and, with roleNested, of the entries
   * that name those as members, to any depth, each visited once), and commonRole. With roleSearchAsUser the
   * searches run bound as the user (`password`), when there is one.
   */
  async #roles(connection: LdapConnection, user: DirectoryUser, password: string | null): Promise<string[]> {
    const roles = new Set(user.roles);
    if (this.commonRole !== undefined && this.commonRole !== '') roles.add(this.commonRole);
    const roleName = this.roleName;
    if (this.roleSearch === undefined || this.roleSearch === '' || roleName === undefined) return [...roles];
    if (password !== null && this.roleSearchAsUser && !(await this.#tryBind(connection, user.dn, password))) return [...roles];
    const search = async (args: readonly string[]): Promise<{ dn: string; names: string[] }[]> => {
      const filter = formatPattern(this.roleSearch ?? '', args.map(escapeFilterValue));
      try {
        const result = await connection.search(this.roleBase, this.#searchOptions(this.roleSubtree ? 'sub' : 'one', filter, [roleName]));
        return result.searchEntries.map((entry) => ({ dn: entry.dn, names: values(entry, roleName) }));
      } catch (error) {
        if (isNotAuthenticated(error)) return [];
        throw error;
      }
    };
    const seen = new Set<string>();
    let found = await search([user.dn, user.name, user.roleAttribute ?? '']);
    while (found.length > 0) {
      const next: { dn: string; names: string[] }[] = [];
      for (const group of found) {
        if (seen.has(group.dn.toLowerCase())) continue;
        seen.add(group.dn.toLowerCase());
        for (const name of group.names) roles.add(name);
        if (this.roleNested) next.push(...(await search([group.dn, group.names[0] ?? ''])));
      }
      found = next;
    }
    if (password !== null && this.roleSearchAsUser) await connection.restoreIdentity();
    return [...roles];
  }
}
