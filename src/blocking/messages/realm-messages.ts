/**
 * Realms on the blocking style: the main thread's realms are the only ones (a LockOutRealm counts every failure
 * once, a DataSourceRealm or JNDIRealm has one pool); a worker's realm asks them (RealmOwner, WorkerRealm).
 */
import type { GenericPrincipalData } from '../../realm/generic-principal.js';
import type { DigestCredentials } from '../../realm/realm.js';

/**
 * Which container's realm: the Engine's (both null), a Host's (`host`), or a Context's (`context`, its base
 * name, within `host`), as sessions name their Manager.
 */
export interface RealmKey {
  readonly host: string | null;
  readonly context: string | null;
}

export type RealmCall =
  | { readonly op: 'authenticate'; readonly username: string; readonly credentials: string }
  | { readonly op: 'authenticateVerified'; readonly username: string }
  | { readonly op: 'authenticateDigest'; readonly credentials: DigestCredentials }
  | { readonly op: 'hasRole'; readonly principal: GenericPrincipalData; readonly role: string };

/** Worker → main thread: a synchronous call; the answer is the ReplyMessage with the same `call`. */
export type RealmFromWorker = { readonly type: 'realm-call'; readonly call: number; readonly realm: RealmKey; readonly request: RealmCall };
