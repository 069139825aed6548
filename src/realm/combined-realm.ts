/**
 * Tomcat's CombinedRealm: nested realms tried in order, the first that authenticates the user wins. A user
 * unknown to every realm passes through all of them, as a wrong password does, so both cost the same.
 * Unlike Tomcat, which asks every nested realm and takes any yes, hasRole() asks only the realm that
 * authenticated the principal (its realmPath), so a user name that exists in two realms cannot borrow the
 * other one's roles.
 */
import { ContainerError } from '../errors/container-error.js';
import { LifecycleBase } from '../lifecycle/lifecycle-base.js';
import { logCoded } from '../logging/logger.js';
import type { Logger } from 'pino';
import type { GenericPrincipal } from './generic-principal.js';
import type { DigestAlgorithm, DigestCredentials, Realm } from './realm.js';

export interface CombinedRealmOptions {
  readonly logger?: Logger;
}

export class CombinedRealm extends LifecycleBase implements Realm {
  protected readonly logger: Logger | undefined;
  #realms: Realm[];
  #realmPath = '/realm0';

  constructor(realms: readonly Realm[], options: CombinedRealmOptions = {}) {
    super();
    this.#realms = [...realms];
    this.logger = options.logger;
    this.setRealmPath(this.#realmPath);
  }

  get componentName(): string {
    return `${this.constructor.name}[${this.#realmPath}]`;
  }

  get realmPath(): string {
    return this.#realmPath;
  }

  /** The nested realms in the order they are tried (those that failed to start are left out). */
  get realms(): readonly Realm[] {
    return this.#realms;
  }

  setRealmPath(path: string): void {
    this.#realmPath = path;
    this.#realms.forEach((realm, index) => realm.setRealmPath(`${path}/realm${index}`));
  }

  isAvailable(): boolean {
    return (this.state === 'STARTED' || this.state === 'STARTING') && this.#realms.some((realm) => realm.isAvailable());
  }

  backgroundProcess(): void {
    for (const realm of this.#realms) realm.backgroundProcess();
  }

  protected override async startInternal(): Promise<void> {
    const started: Realm[] = [];
    for (const realm of this.#realms) {
      try {
        await realm.start();
        started.push(realm);
      } catch (error) {
        // As Tomcat: a realm that cannot start cannot authenticate anyone; the others still can.
        if (!(error instanceof ContainerError)) throw error;
        if (this.logger !== undefined) logCoded(this.logger, 'error', error);
      }
    }
    this.#realms = started;
    this.setState('STARTING');
  }

  protected override async stopInternal(): Promise<void> {
    this.setState('STOPPING');
    for (const realm of this.#realms) await realm.stop();
  }

  async authenticate(username: string, credentials: string): Promise<GenericPrincipal | null> {
    return this.#first((realm) => realm.authenticate(username, credentials));
  }

  async authenticateVerified(username: string): Promise<GenericPrincipal | null> {
    return this.#first((realm) => realm.authenticateVerified(username));
  }

  async authenticateDigest(credentials: DigestCredentials): Promise<GenericPrincipal | null> {
    return this.#first((realm) => realm.authenticateDigest(credentials));
  }

  /** Every nested realm must support it: a user of one that does not could never log in. */
  supportsDigest(algorithm: DigestAlgorithm): boolean {
    return this.#realms.length > 0 && this.#realms.every((realm) => realm.supportsDigest(algorithm));
  }

  hasRole(principal: GenericPrincipal, role: string): boolean {
    const owner = this.#realms.find(
      (realm) => principal.realmPath === realm.realmPath || principal.realmPath.startsWith(`${realm.realmPath}/`),
    );
    if (owner !== undefined) return owner.hasRole(principal, role);
    // A principal no realm made (realmPath ''): Tomcat's rule, any nested realm may grant the role.
    if (principal.realmPath === '') return this.#realms.some((realm) => realm.hasRole(principal, role));
    return false;
  }

  /**
   * A nested realm that cannot answer (its database is down) does not stop the others: a user another realm knows
   * still logs in. Only when none authenticates the user is the failure passed on, since the realm that could not
   * answer might have known the user: an unknown answer is never turned into "no such user".
   */
  async #first(attempt: (realm: Realm) => Promise<GenericPrincipal | null>): Promise<GenericPrincipal | null> {
    if (!this.isAvailable()) return null;
    let unavailable: ContainerError | null = null;
    for (const realm of this.#realms) {
      try {
        const principal = await attempt(realm);
        if (principal !== null) return principal;
      } catch (error) {
        if (!(error instanceof ContainerError) || error.code !== 'SV_ERR_REALM_UNAVAILABLE') throw error;
        unavailable ??= error;
      }
    }
    if (unavailable !== null) throw unavailable;
    return null;
  }
}
