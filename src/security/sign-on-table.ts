/**
 * The table of single sign-ons behind a SingleSignOn valve: who is signed on under which id, and which
 * applications' sessions take part. There is one table per valve in the whole process: the main thread's
 * (LocalSignOnTable). A worker thread of the blocking style reaches it through a proxy with the same contract
 * (blocking/sign-on), so a login on any thread signs the user on for requests on every thread, and a logout on
 * any thread ends it everywhere.
 * Synchronous and plain data in and out, so that the proxy can answer with one blocking call.
 */
import type { GenericPrincipalData } from '../realm/generic-principal.js';
import type { SessionManager } from '../session/session-manager.js';

export interface SignedOnData {
  readonly principal: GenericPrincipalData;
  readonly authType: string;
}

/** One application's session taking part in a sign-on: its Host and Context names and the session id. */
export interface SignOnMember {
  readonly host: string;
  readonly context: string;
  readonly sessionId: string;
}

export interface SignOnTable {
  /** The user of a live sign-on; null when the id is unknown or its sign-on ended. */
  lookup(id: string): SignedOnData | null;
  /** A new sign-on for `user` under a new random id, ending `previous` (the one the request came with) if any. */
  register(previous: string | null, user: SignedOnData): string;
  /** `member` takes part in sign-on `id`; `manager` is its session manager where the caller holds it (main thread). */
  associate(id: string, member: SignOnMember, manager: SessionManager | null): void;
  /** Ends sign-on `id` and invalidates every session that took part (a logout). */
  end(id: string): void;
  /**
   * A session ended. Invalidated (a logout by invalidation): its whole sign-on ends. Timed out: only that session
   * leaves it (Tomcat's SingleSignOnListener).
   */
  sessionDestroyed(member: SignOnMember, timedOut: boolean): void;
}

interface Entry extends SignedOnData {
  /** `host/context` → the session taking part and its manager. */
  readonly sessions: Map<string, { readonly sessionId: string; readonly manager: SessionManager }>;
}

/** The owning table, in the main thread. */
export class LocalSignOnTable implements SignOnTable {
  readonly #entries = new Map<string, Entry>();
  readonly #newId: () => string;

  constructor(newId: () => string) {
    this.#newId = newId;
  }

  lookup(id: string): SignedOnData | null {
    const entry = this.#entries.get(id);
    return entry === undefined ? null : { principal: entry.principal, authType: entry.authType };
  }

  register(previous: string | null, user: SignedOnData): string {
    if (previous !== null) this.#entries.delete(previous);
    const id = this.#newId();
    const { name, roles, realmPath } = user.principal;
    this.#entries.set(id, { principal: { name, roles, realmPath }, authType: user.authType, sessions: new Map() });
    return id;
  }

  associate(id: string, member: SignOnMember, manager: SessionManager | null): void {
    if (manager === null) return;
    this.#entries.get(id)?.sessions.set(keyOf(member), { sessionId: member.sessionId, manager });
  }

  end(id: string): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    // Removed first: invalidating the sessions below calls sessionDestroyed again.
    this.#entries.delete(id);
    for (const { manager, sessionId } of entry.sessions.values()) manager.findSession(sessionId)?.invalidate();
  }

  sessionDestroyed(member: SignOnMember, timedOut: boolean): void {
    const key = keyOf(member);
    for (const [id, entry] of this.#entries) {
      if (entry.sessions.get(key)?.sessionId !== member.sessionId) continue;
      entry.sessions.delete(key);
      if (!timedOut) this.end(id);
    }
  }
}

function keyOf(member: SignOnMember): string {
  return `${member.host}/${member.context}`;
}
