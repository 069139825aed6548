/**
 * Tomcat's UserDatabaseRealm: users from a UserDatabase (the global `UserDatabase` resource its
 * `resourceName` names), with roles from the user and its groups. Roles are looked up live on every
 * hasRole() unless `useStaticPrincipal`, so an edit of tomcat-users.xml changes what a logged-in user may do
 * at the next background check; a user removed from the file loses every role.
 */
import type { GenericPrincipal } from './generic-principal.js';
import { RealmBase, type RealmBaseOptions } from './realm-base.js';
import type { UserDatabase } from './user-database.js';

export interface UserDatabaseRealmOptions extends RealmBaseOptions {
  /** Roles fixed at login instead of looked up on each check; default false. */
  readonly useStaticPrincipal?: boolean;
}

export class UserDatabaseRealm extends RealmBase {
  readonly database: UserDatabase;
  readonly useStaticPrincipal: boolean;

  constructor(database: UserDatabase, options: UserDatabaseRealmOptions = {}) {
    super(options);
    this.database = database;
    this.useStaticPrincipal = options.useStaticPrincipal ?? false;
  }

  /** The database is normally opened by whoever owns the global resource; a realm over a closed one opens it. */
  protected override async load(): Promise<void> {
    if (!this.database.isOpen) this.database.open();
  }

  override backgroundProcess(): void {
    this.database.backgroundProcess();
  }

  protected getPassword(username: string): string | null {
    return this.database.findUser(username)?.password ?? null;
  }

  protected getRoles(username: string): Set<string> | null {
    return this.database.rolesOf(username);
  }

  override hasRole(principal: GenericPrincipal, role: string): boolean {
    if (this.useStaticPrincipal) return principal.hasRole(role);
    return this.database.rolesOf(principal.name)?.has(role) ?? false;
  }
}
