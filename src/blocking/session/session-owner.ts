/**
 * The main thread's side of sessions shared with worker threads (blocking-style endpoint): answers the
 * workers' calls against the real session Managers of the main thread's Contexts and applies the changes each
 * worker request commits. The main thread's Manager is the one owner: expiry, ids and listeners live there.
 */
import { ContainerError } from '../../errors/container-error.js';
import type { ManagerKey, SessionCall, SessionCommit } from '../messages/session-messages.js';
import type { ManagedSession, SessionManager } from '../../session/session-manager.js';
import type { SessionSnapshot } from '../../session/session-snapshot.js';

export type ManagerLookup = (key: ManagerKey) => SessionManager | null;

export class SessionOwner {
  readonly #lookup: ManagerLookup;

  constructor(lookup: ManagerLookup) {
    this.#lookup = lookup;
  }

  /** Answers a synchronous call; throws a ContainerError the worker rethrows. */
  call(key: ManagerKey, request: SessionCall): unknown {
    const manager = this.#manager(key);
    switch (request.op) {
      case 'find': {
        const session = manager.findSession(request.id);
        return session === null ? null : snapshotOf(session);
      }
      case 'create':
        return snapshotOf(manager.createSession());
      case 'changeId': {
        const session = manager.findSession(request.id);
        if (session === null) throw new ContainerError('SV_ERR_SESSION_INVALIDATED', { method: 'changeSessionId' });
        return manager.changeSessionId(session);
      }
      case 'count':
        return manager.getActiveSessionCount();
    }
  }

  /** A worker request started using the session: it must not expire under it. */
  access(key: ManagerKey, id: string): void {
    this.#lookup(key)?.findSession(id)?.access();
  }

  /**
   * Applies one request's changes in one step: attributes in the order they were last set (last writer wins
   * per attribute across requests), then the notes by the same rule, then the interval, then invalidation, which wins over everything. A session
   * already gone (expired, invalidated by another request) takes no changes.
   */
  commit(key: ManagerKey, commit: SessionCommit): void {
    const session = this.#lookup(key)?.findSession(commit.id) ?? null;
    if (session === null) return;
    for (const change of commit.attributes) {
      if (change.removed === true) session.removeAttribute(change.name);
      else session.setAttribute(change.name, change.value);
    }
    for (const change of commit.notes) {
      if (change.removed === true) session.removeNote(change.name);
      else session.setNote(change.name, change.value);
    }
    if (commit.maxInactiveInterval !== undefined) session.setMaxInactiveInterval(commit.maxInactiveInterval);
    if (commit.endAccess) session.endAccess();
    if (commit.invalidated && session.isValid()) session.invalidate();
  }

  #manager(key: ManagerKey): SessionManager {
    const manager = this.#lookup(key);
    if (manager === null) {
      throw new ContainerError('SV_ERR_WORKER_SESSION_OWNER_MISSING', { context: key.context, host: key.host });
    }
    return manager;
  }
}

function snapshotOf(session: ManagedSession): SessionSnapshot {
  return {
    id: session.getId(),
    creationTime: session.getCreationTime(),
    lastAccessedTime: session.getLastAccessedTime(),
    maxInactiveInterval: session.getMaxInactiveInterval(),
    isNew: session.isNew(),
    attributes: session.getAttributeNames().map((name) => [name, session.getAttribute(name)] as const),
    notes: session.getNoteNames().map((name) => [name, session.getNote(name)] as const),
  };
}
