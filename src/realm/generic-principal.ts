/**
 * The user a Realm authenticated (Tomcat's GenericPrincipal): a name, the roles granted at login, and the
 * path of the realm that authenticated it. Plain immutable data — own string fields and a string array — so
 * the structured clone algorithm carries it to a worker thread or into a session store unchanged; the clone
 * is plain data, and fromData() makes it a GenericPrincipal again.
 */
import type { Principal } from '../servlet/principal.js';

export interface GenericPrincipalData {
  readonly name: string;
  readonly roles: readonly string[];
  /** realmPath of the Realm that authenticated the user, for CombinedRealm.hasRole; '' when unknown. */
  readonly realmPath: string;
}

export class GenericPrincipal implements Principal, GenericPrincipalData {
  readonly name: string;
  /** Sorted, without duplicates. */
  readonly roles: readonly string[];
  readonly realmPath: string;

  constructor(name: string, roles: Iterable<string> = [], realmPath = '') {
    this.name = name;
    this.roles = Object.freeze([...new Set(roles)].sort());
    this.realmPath = realmPath;
    Object.freeze(this);
  }

  static fromData(data: GenericPrincipalData): GenericPrincipal {
    return new GenericPrincipal(data.name, data.roles, data.realmPath);
  }

  getName(): string {
    return this.name;
  }

  /**
   * Whether the role was granted at login. Plain membership: the Servlet spec's `*` and `**` (§13.3) are
   * decided by the authorisation code that knows the webapp's declared roles, not here.
   */
  hasRole(role: string): boolean {
    return this.roles.includes(role);
  }

  toString(): string {
    return `GenericPrincipal[${this.name}(${this.roles.join(',')})]`;
  }
}
