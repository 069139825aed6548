/**
 * The main thread's side of the realms shared with worker threads (blocking-style endpoint): answers a worker's
 * realm call with the main thread's realm of the same container. There is one realm per container in the whole
 * process, as in Tomcat, so a LockOutRealm counts the failures of every thread together and a DataSourceRealm
 * or JNDIRealm keeps one connection pool.
 */
import type { ContainerBase } from '../../core/container-base.js';
import type { Service } from '../../core/service.js';
import { ContainerError } from '../../errors/container-error.js';
import { GenericPrincipal, type GenericPrincipalData } from '../../realm/generic-principal.js';
import type { Realm } from '../../realm/realm.js';
import type { RealmCall, RealmKey } from '../messages/realm-messages.js';

export type RealmLookup = (key: RealmKey) => Realm | null;

export class RealmOwner {
  readonly #lookup: RealmLookup;

  constructor(lookup: RealmLookup) {
    this.#lookup = lookup;
  }

  /**
   * The answer as plain data: a principal's data or null, or a boolean for hasRole. Rejects with the realm's own
   * error (SV_ERR_REALM_UNAVAILABLE while its backend is down), which crosses to the worker with its code.
   */
  async call(key: RealmKey, request: RealmCall): Promise<GenericPrincipalData | boolean | null> {
    const realm = this.#lookup(key);
    if (realm === null) throw new ContainerError('SV_ERR_WORKER_REALM_OWNER_MISSING', { container: describe(key) });
    switch (request.op) {
      case 'authenticate':
        return dataOf(await realm.authenticate(request.username, request.credentials));
      case 'authenticateVerified':
        return dataOf(await realm.authenticateVerified(request.username));
      case 'authenticateDigest':
        return dataOf(await realm.authenticateDigest(request.credentials));
      case 'hasRole':
        // Asked each time: a UserDatabaseRealm grants the roles tomcat-users.xml has now, not those of the login.
        return realm.hasRole(GenericPrincipal.fromData(request.principal), request.role);
    }
  }
}

/** The realm that applies to the container the key names in the main thread's Service (inherited as getRealm()). */
export function realmOf(service: Service, key: RealmKey): Realm | null {
  let container: ContainerBase | undefined = service.engine;
  if (key.host !== null) container = container.findChild(key.host);
  if (key.context !== null) container = container?.findChild(key.context);
  return container?.realm ?? null;
}

function dataOf(principal: GenericPrincipal | null): GenericPrincipalData | null {
  return principal === null ? null : { name: principal.name, roles: principal.roles, realmPath: principal.realmPath };
}

function describe(key: RealmKey): string {
  if (key.host === null) return 'the Engine';
  return key.context === null ? `Host ${key.host}` : `Context ${key.context} of Host ${key.host}`;
}
