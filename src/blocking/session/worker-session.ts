/**
 * A session as a worker thread sees it during one request (blocking-style endpoint). Semantics, for
 * concurrent requests of one session on different workers:
 * - snapshot at first use: the request sees the owner's attributes as they were when it first looked the
 *   session up, plus its own changes; changes made meanwhile by other requests are not visible to it;
 * - changes are applied by the owner (the main thread's Manager) when the request ends, just before its
 *   response completes, so the client's next request sees them;
 * - per attribute, the last request to commit wins; attributes a request did not touch are left alone;
 * - invalidate() is sent at once and wins: a request that commits later to an invalidated session is dropped;
 * - the container's notes (Tomcat's Session notes: the authenticated user, FORM's saved request) follow the same
 *   rules as attributes, so a login on one worker is known to the next request wherever it runs.
 * Values must be structured-cloneable (they cross threads): class instances arrive as plain objects, and
 * session and binding listeners run on the main thread's instance of the web application.
 */
import { ContainerError } from '../../errors/container-error.js';
import type { SessionChange, SessionCommit } from '../messages/session-messages.js';
import type { ServletContext } from '../../servlet/servlet-context.js';
import { SessionBase } from '../../session/session-base.js';
import type { SessionSnapshot } from '../../session/session-snapshot.js';

/** What a WorkerSession needs from its manager. */
export interface WorkerSessionHost {
  readonly servletContext: ServletContext;
  commit(commit: SessionCommit): void;
  access(id: string): void;
}

type Change = { readonly value: unknown } | { readonly removed: true };

export class WorkerSession extends SessionBase {
  readonly #host: WorkerSessionHost;
  readonly #changes = new Map<string, Change>();
  readonly #noteChanges = new Map<string, Change>();
  #intervalChanged = false;
  #accessed = false;
  #ended = false;

  constructor(host: WorkerSessionHost, snapshot: SessionSnapshot) {
    super(host.servletContext, snapshot.id, snapshot, new Map(snapshot.attributes));
    this.#host = host;
    for (const [name, value] of snapshot.notes) this.notes.set(name, value);
  }

  override setMaxInactiveInterval(seconds: number): void {
    super.setMaxInactiveInterval(seconds);
    this.#intervalChanged = true;
  }

  setAttribute(name: string, value: unknown): void {
    this.check('setAttribute');
    if (value === null || value === undefined) {
      this.removeAttribute(name);
      return;
    }
    // Like a distributable web application's check in Tomcat: a value that cannot travel is refused at once,
    // not lost when the request ends.
    try {
      structuredClone(value);
    } catch (error) {
      throw new ContainerError('SV_ERR_SESSION_ATTRIBUTE_NOT_CLONEABLE', { name, detail: (error as Error).message }, { cause: error });
    }
    this.attributes.set(name, value);
    // Re-inserted so that the commit lists attributes in the order they were last set.
    this.#changes.delete(name);
    this.#changes.set(name, { value });
  }

  removeAttribute(name: string): void {
    this.check('removeAttribute');
    if (!this.attributes.has(name) && !this.#changes.has(name)) return;
    this.attributes.delete(name);
    this.#changes.delete(name);
    this.#changes.set(name, { removed: true });
  }

  override setNote(name: string, value: unknown): void {
    try {
      structuredClone(value);
    } catch (error) {
      throw new ContainerError('SV_ERR_SESSION_NOTE_NOT_CLONEABLE', { name, detail: (error as Error).message }, { cause: error });
    }
    super.setNote(name, value);
    this.#noteChanges.delete(name);
    this.#noteChanges.set(name, { value });
  }

  override removeNote(name: string): void {
    if (!this.notes.has(name) && !this.#noteChanges.has(name)) return;
    super.removeNote(name);
    this.#noteChanges.delete(name);
    this.#noteChanges.set(name, { removed: true });
  }

  invalidate(): void {
    this.check('invalidate');
    this.valid = false;
    this.#changes.clear();
    this.#noteChanges.clear();
    // At once: other requests of the session must stop finding it as soon as possible.
    this.#host.commit({
      id: this.getId(),
      attributes: [],
      notes: [],
      maxInactiveInterval: undefined,
      invalidated: true,
      endAccess: this.#takeEndAccess(),
    });
  }

  access(): void {
    if (!this.valid || this.#accessed) return;
    this.#accessed = true;
    this.#host.access(this.getId());
  }

  endAccess(): void {
    this.flush(true);
  }

  /** Sends the changes made so far (and the end of the access when `end`); nothing when there are none. */
  flush(end: boolean): void {
    if (!this.valid) return;
    const endAccess = end ? this.#takeEndAccess() : false;
    if (this.#changes.size === 0 && this.#noteChanges.size === 0 && !this.#intervalChanged && !endAccess) return;
    const attributes = takeChanges(this.#changes);
    const notes = takeChanges(this.#noteChanges);
    const maxInactiveInterval = this.#intervalChanged ? this.maxInactive : undefined;
    this.#intervalChanged = false;
    this.#host.commit({ id: this.getId(), attributes, notes, maxInactiveInterval, invalidated: false, endAccess });
  }

  /** True exactly once, after access(): the owner's access count goes back down once. */
  #takeEndAccess(): boolean {
    if (!this.#accessed || this.#ended) return false;
    this.#ended = true;
    return true;
  }
}

/** The changes in the order they were last made, as the commit lists them; the table is emptied. */
function takeChanges(changes: Map<string, Change>): SessionChange[] {
  const list = [...changes].map(([name, change]) =>
    'removed' in change ? { name, removed: true as const } : { name, value: change.value },
  );
  changes.clear();
  return list;
}
