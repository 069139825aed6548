/**
 * Tomcat's AuthenticatedUserRealm, for a server behind a front end that has already authenticated the user
 * (httpd with AJP, a proxy): it checks no password — `authenticate()` never succeeds — and accepts any user name
 * the container was told is verified (AJP's forwarded user, a client certificate), with no roles.
 */
import { GenericPrincipal } from './generic-principal.js';
import { RealmBase, type RealmBaseOptions } from './realm-base.js';

export class AuthenticatedUserRealm extends RealmBase {
  constructor(options: RealmBaseOptions = {}) {
    super(options);
  }

  protected getPassword(): null {
    return null;
  }

  protected getRoles(): readonly string[] {
    return [];
  }

  override async authenticateVerified(username: string): Promise<GenericPrincipal | null> {
    if (!this.isAvailable()) return null;
    return new GenericPrincipal(username, [], this.realmPath);
  }
}
