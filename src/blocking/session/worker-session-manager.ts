/**
 * The session Manager of a Context inside a worker thread (blocking-style endpoint): it owns nothing. Lookups,
 * creation and id changes are synchronous calls to the main thread's Manager for the same Context (the one
 * owner, shared by every worker and the event-loop connectors); each request works on a snapshot and commits
 * its changes when it ends (semantics: worker-session.ts). Expiry runs on the owner only.
 */
import type { ManagerKey, SessionCall, SessionCommit } from '../messages/session-messages.js';
import type { WorkerToMain } from '../messages/worker-messages.js';
import type { ServletContext } from '../../servlet/servlet-context.js';
import type { ManagedSession, SessionManager } from '../../session/session-manager.js';
import type { SessionSnapshot } from '../../session/session-snapshot.js';
import { WorkerSession, type WorkerSessionHost } from './worker-session.js';

/** How the manager reaches the main thread. */
export interface SessionOwnerLink {
  /** Blocks until the owner answers. */
  call(manager: ManagerKey, request: SessionCall): unknown;
  post(message: WorkerToMain): void;
}

/**
 * The sessions the current request of this worker has touched, across its Contexts (a forward may cross
 * one). Requests run one at a time per worker, so "current request" is well defined.
 */
export class WorkerSessionRegistry {
  readonly #touched = new Map<string, WorkerSession>();

  get(manager: ManagerKey, id: string): WorkerSession | undefined {
    return this.#touched.get(keyOf(manager, id));
  }

  track(manager: ManagerKey, session: WorkerSession): void {
    this.#touched.set(keyOf(manager, session.getId()), session);
  }

  /** The response is about to complete: commit every change and end every access now. */
  flush(): void {
    for (const session of this.#touched.values()) session.flush(true);
  }

  /** The request is over: the next one takes fresh snapshots. */
  clear(): void {
    this.flush();
    this.#touched.clear();
  }
}

function keyOf(manager: ManagerKey, id: string): string {
  return `${manager.host}\u0000${manager.context}\u0000${id}`;
}

export interface WorkerSessionManagerOptions {
  readonly manager: ManagerKey;
  readonly servletContext: ServletContext;
  readonly sessionTimeoutMinutes: number | undefined;
  readonly link: SessionOwnerLink;
  readonly registry: WorkerSessionRegistry;
}

export class WorkerSessionManager implements SessionManager {
  readonly #key: ManagerKey;
  readonly #link: SessionOwnerLink;
  readonly #registry: WorkerSessionRegistry;
  readonly #host: WorkerSessionHost;
  sessionTimeoutSeconds: number;

  constructor(options: WorkerSessionManagerOptions) {
    this.#key = options.manager;
    this.#link = options.link;
    this.#registry = options.registry;
    this.sessionTimeoutSeconds = (options.sessionTimeoutMinutes ?? 30) * 60;
    const key = this.#key;
    const link = this.#link;
    this.#host = {
      servletContext: options.servletContext,
      commit: (commit: SessionCommit) => link.post({ type: 'session-commit', manager: key, commit }),
      access: (id: string) => link.post({ type: 'session-access', manager: key, id }),
    };
  }

  createSession(): ManagedSession {
    const snapshot = this.#link.call(this.#key, { op: 'create' }) as SessionSnapshot;
    const session = new WorkerSession(this.#host, snapshot);
    this.#registry.track(this.#key, session);
    return session;
  }

  findSession(id: string): ManagedSession | null {
    const known = this.#registry.get(this.#key, id);
    if (known !== undefined) return known.isValid() ? known : null;
    const snapshot = this.#link.call(this.#key, { op: 'find', id }) as SessionSnapshot | null;
    if (snapshot === null) return null;
    const session = new WorkerSession(this.#host, snapshot);
    this.#registry.track(this.#key, session);
    return session;
  }

  changeSessionId(session: ManagedSession): string {
    const worker = session as WorkerSession;
    // Changes so far belong to the old id: the owner applies them before it re-keys the session.
    worker.flush(false);
    const id = this.#link.call(this.#key, { op: 'changeId', id: worker.getId() }) as string;
    worker.changeIdInternal(id);
    this.#registry.track(this.#key, worker);
    return id;
  }

  getActiveSessionCount(): number {
    return this.#link.call(this.#key, { op: 'count' }) as number;
  }

  /** The owner expires sessions; a worker has nothing to sweep. */
  backgroundProcess(): void {}

  async start(): Promise<void> {}

  /** The owner's Manager restores the sessions (over a reload, from its file); a worker sees them through it. */
  async restore(): Promise<void> {}

  /** Stopping a worker must not expire (nor save) the sessions every other worker shares. */
  async stop(): Promise<null> {
    return null;
  }
}
