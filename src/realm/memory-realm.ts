/**
 * Tomcat's MemoryRealm: the users of a tomcat-users.xml, read once at start (Tomcat intends it for tests and
 * small setups; UserDatabaseRealm picks up changes). Like Tomcat's MemoryRuleSet it uses each `<user>`'s
 * username, password and roles; `<group>` memberships are UserDatabaseRealm's business.
 */
import { isAbsolute, resolve } from 'node:path';
import { RealmBase, type RealmBaseOptions } from './realm-base.js';
import { readUsersFile, type UsersFile } from './tomcat-users-file.js';

export interface MemoryRealmOptions extends RealmBaseOptions {
  /** The users file; relative to catalinaBase. Default `conf/tomcat-users.xml`. */
  readonly pathname?: string;
  readonly catalinaBase: string;
}

export class MemoryRealm extends RealmBase {
  readonly pathname: string;
  readonly #file: string;
  #users: UsersFile['users'] = new Map();

  constructor(options: MemoryRealmOptions) {
    super(options);
    this.pathname = options.pathname ?? 'conf/tomcat-users.xml';
    this.#file = isAbsolute(this.pathname) ? this.pathname : resolve(options.catalinaBase, this.pathname);
  }

  protected override async load(): Promise<void> {
    this.#users = readUsersFile(this.#file).users;
  }

  protected getPassword(username: string): string | null {
    return this.#users.get(username)?.password ?? null;
  }

  protected getRoles(username: string): readonly string[] | null {
    return this.#users.get(username)?.roles ?? null;
  }
}
