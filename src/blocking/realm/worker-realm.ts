/**
 * The Realm of a container inside a worker thread (blocking-style endpoint): it owns nothing. Every question
 * about a user is a synchronous call to the main thread's realm of the same container (RealmOwner), so a worker
 * never opens a database pool or a directory connection, and a LockOutRealm sees the attempts of every thread.
 * Only supportsDigest, asked when an application deploys, is answered here: it depends on the configuration
 * alone (the realm classes and their CredentialHandler), so a realm built from the same `<Realm>` element,
 * without its backend and never started, answers it.
 */
import { GenericPrincipal, type GenericPrincipalData } from '../../realm/generic-principal.js';
import type { DigestAlgorithm, DigestCredentials, Realm } from '../../realm/realm.js';
import type { RealmCall, RealmKey } from '../messages/realm-messages.js';

/** How the realm reaches the main thread: blocks until the owner answers, throws the owner's coded error. */
export type RealmOwnerLink = (realm: RealmKey, request: RealmCall) => unknown;

export interface WorkerRealmOptions {
  readonly key: RealmKey;
  readonly link: RealmOwnerLink;
  /** The same `<Realm>` built without its backend: answers supportsDigest, nothing else. */
  readonly shape: Pick<Realm, 'supportsDigest'>;
}

export class WorkerRealm implements Realm {
  readonly #key: RealmKey;
  readonly #link: RealmOwnerLink;
  readonly #shape: Pick<Realm, 'supportsDigest'>;
  #realmPath = '/realm0';

  constructor(options: WorkerRealmOptions) {
    this.#key = options.key;
    this.#link = options.link;
    this.#shape = options.shape;
  }

  get realmPath(): string {
    return this.#realmPath;
  }

  setRealmPath(path: string): void {
    this.#realmPath = path;
  }

  /** The owner's realm starts and stops with the main thread's container. */
  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  /** Whether the owner can authenticate is the owner's to say, per call (SV_ERR_REALM_UNAVAILABLE). */
  isAvailable(): boolean {
    return true;
  }

  /** The owner notices a changed users file; a worker has nothing to reload. */
  backgroundProcess(): void {}

  async authenticate(username: string, credentials: string): Promise<GenericPrincipal | null> {
    return this.#principal({ op: 'authenticate', username, credentials });
  }

  async authenticateVerified(username: string): Promise<GenericPrincipal | null> {
    return this.#principal({ op: 'authenticateVerified', username });
  }

  async authenticateDigest(credentials: DigestCredentials): Promise<GenericPrincipal | null> {
    return this.#principal({ op: 'authenticateDigest', credentials: { ...credentials } });
  }

  supportsDigest(algorithm: DigestAlgorithm): boolean {
    return this.#shape.supportsDigest(algorithm);
  }

  hasRole(principal: GenericPrincipal, role: string): boolean {
    const data: GenericPrincipalData = { name: principal.name, roles: principal.roles, realmPath: principal.realmPath };
    return this.#link(this.#key, { op: 'hasRole', principal: data, role }) === true;
  }

  #principal(request: RealmCall): GenericPrincipal | null {
    const data = this.#link(this.#key, request) as GenericPrincipalData | null;
    return data === null ? null : GenericPrincipal.fromData(data);
  }
}
