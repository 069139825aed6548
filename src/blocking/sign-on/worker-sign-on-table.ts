/**
 * The sign-on table of a SingleSignOn valve inside a worker thread (blocking-style endpoint): it owns nothing.
 * Every question is a synchronous call to the main thread's valve of the same container (SignOnOwner), so a user
 * signed on through any thread is signed on for every thread, and a logout on any thread ends it everywhere.
 */
import type { SessionManager } from '../../session/session-manager.js';
import type { SignedOnData, SignOnMember, SignOnTable } from '../../security/sign-on-table.js';
import type { SignOnCall, SignOnKey } from '../messages/sign-on-messages.js';

/** How the table reaches the main thread: blocks until the owner answers, throws the owner's coded error. */
export type SignOnOwnerLink = (valve: SignOnKey, request: SignOnCall) => unknown;

export class WorkerSignOnTable implements SignOnTable {
  readonly #key: SignOnKey;
  readonly #link: SignOnOwnerLink;

  constructor(key: SignOnKey, link: SignOnOwnerLink) {
    this.#key = key;
    this.#link = link;
  }

  lookup(id: string): SignedOnData | null {
    return this.#link(this.#key, { op: 'lookup', id }) as SignedOnData | null;
  }

  register(previous: string | null, user: SignedOnData): string {
    return this.#link(this.#key, { op: 'register', previous, user }) as string;
  }

  /** The owner finds its own manager of the member's Context: a worker's manager is only a proxy. */
  associate(id: string, member: SignOnMember, _manager: SessionManager | null): void {
    this.#link(this.#key, { op: 'associate', id, member });
  }

  end(id: string): void {
    this.#link(this.#key, { op: 'end', id });
  }

  /** Never called here: session listeners (the authenticator among them) run on the main thread, the owner's. */
  sessionDestroyed(): void {}
}
