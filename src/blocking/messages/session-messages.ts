/**
 * Sessions on the blocking style: the main thread owns every session (SessionOwner); a worker asks for one
 * synchronously and sends back what its request changed, in one commit.
 */

export type SessionCall =
  | { readonly op: 'find'; readonly id: string }
  | { readonly op: 'create' }
  | { readonly op: 'changeId'; readonly id: string }
  | { readonly op: 'count' };

/** Which session Manager a session message is for: the Context `name` (base name) within a Host. */
export interface ManagerKey {
  readonly host: string;
  readonly context: string;
}

/** name → new value, or `removed: true`. */
export interface SessionChange {
  readonly name: string;
  readonly value?: unknown;
  readonly removed?: true;
}

/** The changes one request made to a session, applied by the owner in one step (see WorkerSession). */
export interface SessionCommit {
  readonly id: string;
  readonly attributes: ReadonlyArray<SessionChange>;
  /** The container's notes, by the same rules as attributes (the last commit wins per note). */
  readonly notes: ReadonlyArray<SessionChange>;
  readonly maxInactiveInterval: number | undefined;
  readonly invalidated: boolean;
  /** The request that accessed the session is over (StandardSession.endAccess on the owner). */
  readonly endAccess: boolean;
}

/** Worker → main thread. */
export type SessionFromWorker =
  /** A synchronous call: the worker waits (Atomics.wait) for the ReplyMessage with the same `call`. */
  | { readonly type: 'session-call'; readonly call: number; readonly manager: ManagerKey; readonly request: SessionCall }
  | { readonly type: 'session-access'; readonly manager: ManagerKey; readonly id: string }
  | { readonly type: 'session-commit'; readonly manager: ManagerKey; readonly commit: SessionCommit };
