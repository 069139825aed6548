// Sessions shared between worker threads and the main thread's Manager: the snapshot / commit semantics of
// worker-session.ts, with the owner (SessionOwner over a real StandardManager) called directly.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ContainerError } from '../../../src/errors/container-error.js';
import type { ManagerKey } from '../../../src/blocking/messages/session-messages.js';
import type { WorkerToMain } from '../../../src/blocking/messages/worker-messages.js';
import type { HttpSessionBindingEvent } from '../../../src/servlet/listeners.js';
import type { ServletContext } from '../../../src/servlet/servlet-context.js';
import { SessionOwner } from '../../../src/blocking/session/session-owner.js';
import { StandardManager } from '../../../src/session/standard-manager.js';
import { WorkerSessionManager, WorkerSessionRegistry } from '../../../src/blocking/session/worker-session-manager.js';

const KEY: ManagerKey = { host: 'localhost', context: 'shop' };
const servletContext = { getContextPath: () => '/shop' } as unknown as ServletContext;

function setup() {
  const events: string[] = [];
  const owner = new StandardManager({
    servletContext,
    listeners: () => [{ attributeAdded: (e: HttpSessionBindingEvent) => events.push(`added ${e.getName()}`) }],
    logger: pino({ level: 'silent' }),
  });
  const sessionOwner = new SessionOwner((key) => (key.context === KEY.context ? owner : null));
  const calls: string[] = [];
  /** One "worker": its own registry, messages delivered to the owner in order, as the main thread does. */
  const worker = () => {
    const registry = new WorkerSessionRegistry();
    const post = (message: WorkerToMain): void => {
      if (message.type === 'session-commit') sessionOwner.commit(message.manager, message.commit);
      if (message.type === 'session-access') sessionOwner.access(message.manager, message.id);
    };
    const manager = new WorkerSessionManager({
      manager: KEY,
      servletContext,
      sessionTimeoutMinutes: 30,
      registry,
      link: {
        call: (key, request) => {
          calls.push(request.op);
          return structuredClone(sessionOwner.call(key, request));
        },
        post,
      },
    });
    return { manager, registry };
  };
  return { owner, worker, events, calls };
}

describe('worker sessions', () => {
  it('a session created on a worker is owned by the main thread Manager; changes arrive when the request ends', () => {
    const { owner, worker, events } = setup();
    const a = worker();
    const session = a.manager.createSession();
    session.access();
    session.setAttribute('cart', { items: [1, 2] });
    expect(owner.findSession(session.getId())?.getAttribute('cart')).toBeNull();
    a.registry.flush();
    expect(owner.findSession(session.getId())?.getAttribute('cart')).toEqual({ items: [1, 2] });
    // Listeners run on the owner's side, once.
    expect(events).toEqual(['added cart']);
    expect(owner.findSession(session.getId())?.isNew()).toBe(false);
  });

  it('concurrent requests see their snapshot; per attribute the last commit wins, untouched attributes stay', () => {
    const { owner, worker } = setup();
    const id = owner.createSession().getId();
    owner.findSession(id)!.setAttribute('x', 'original');
    const a = worker();
    const b = worker();
    const inA = a.manager.findSession(id)!;
    const inB = b.manager.findSession(id)!;
    inA.setAttribute('x', 'from A');
    inB.setAttribute('y', 'from B');
    // B does not see A's uncommitted change, nor after A commits (snapshot at first use).
    a.registry.clear();
    expect(inB.getAttribute('x')).toBe('original');
    inB.setAttribute('x', 'from B');
    b.registry.clear();
    const owned = owner.findSession(id)!;
    expect(owned.getAttribute('x')).toBe('from B');
    expect(owned.getAttribute('y')).toBe('from B');
  });

  it('invalidation is sent at once and wins over a later commit of another request', () => {
    const { owner, worker } = setup();
    const id = owner.createSession().getId();
    const a = worker();
    const b = worker();
    const inA = a.manager.findSession(id)!;
    const inB = b.manager.findSession(id)!;
    inA.invalidate();
    expect(owner.findSession(id)).toBeNull();
    inB.setAttribute('late', 'write');
    b.registry.clear();
    expect(owner.findSession(id)).toBeNull();
    expect(owner.getActiveSessionCount()).toBe(0);
  });

  it('within one request the same session object is returned; the next request takes a fresh snapshot', () => {
    const { owner, worker, calls } = setup();
    const id = owner.createSession().getId();
    const a = worker();
    const first = a.manager.findSession(id);
    expect(a.manager.findSession(id)).toBe(first);
    expect(calls).toEqual(['find']);
    a.registry.clear();
    expect(a.manager.findSession(id)).not.toBe(first);
    expect(a.manager.findSession('NO-SUCH-ID')).toBeNull();
  });

  it('changeSessionId re-keys the owner session and keeps the changes made before it', () => {
    const { owner, worker } = setup();
    const oldId = owner.createSession().getId();
    const a = worker();
    const session = a.manager.findSession(oldId)!;
    session.setAttribute('user', 'ann');
    const newId = a.manager.changeSessionId(session);
    expect(newId).not.toBe(oldId);
    expect(session.getId()).toBe(newId);
    expect(owner.findSession(oldId)).toBeNull();
    expect(owner.findSession(newId)?.getAttribute('user')).toBe('ann');
  });

  it('refuses a value that cannot cross threads, with a coded error', () => {
    const { worker } = setup();
    const session = worker().manager.createSession();
    expect(() => session.setAttribute('callback', () => 1)).toThrowError(
      expect.objectContaining({ code: 'SV_ERR_SESSION_ATTRIBUTE_NOT_CLONEABLE' }) as ContainerError,
    );
  });

  it('stopping a worker manager does not expire the shared sessions', async () => {
    const { owner, worker } = setup();
    const id = owner.createSession().getId();
    const a = worker();
    await a.manager.stop();
    expect(owner.findSession(id)).not.toBeNull();
    expect(a.manager.getActiveSessionCount()).toBe(1);
  });
  describe("notes (the container's own values: the logged-in user, a FORM login's saved request)", () => {
    const USER = 'org.apache.catalina.authenticator.PRINCIPAL';
    const SAVED = 'org.apache.catalina.authenticator.REQUEST';

    it("a snapshot carries the owner's notes; a request's note changes reach the owner when it ends", () => {
      const { owner, worker } = setup();
      const id = owner.createSession().getId();
      owner.findSession(id)!.setNote(SAVED, { method: 'GET', requestURI: '/shop/x', queryString: null });
      const a = worker();
      const session = a.manager.findSession(id)!;
      expect(session.getNote(SAVED)).toEqual({ method: 'GET', requestURI: '/shop/x', queryString: null });
      session.removeNote(SAVED);
      session.setNote(USER, { principal: { name: 'ann', roles: ['user'], realmPath: '/realm0' }, authType: 'FORM' });
      expect(owner.findSession(id)!.getNote(USER)).toBeUndefined();
      a.registry.clear();
      const owned = owner.findSession(id)!;
      expect(owned.getNote(SAVED)).toBeUndefined();
      expect(owned.getNote(USER)).toEqual({ principal: { name: 'ann', roles: ['user'], realmPath: '/realm0' }, authType: 'FORM' });
      // The next request, on any worker, sees it.
      expect(worker().manager.findSession(id)!.getNote(USER)).toMatchObject({ authType: 'FORM' });
    });

    it('per note the last commit wins; notes a request did not touch are left alone', () => {
      const { owner, worker } = setup();
      const id = owner.createSession().getId();
      owner.findSession(id)!.setNote('kept', 1);
      const a = worker();
      const b = worker();
      const inA = a.manager.findSession(id)!;
      const inB = b.manager.findSession(id)!;
      inA.setNote(USER, 'from A');
      inB.setNote(USER, 'from B');
      inB.setNote('other', 'from B');
      b.registry.clear();
      a.registry.clear();
      const owned = owner.findSession(id)!;
      expect(owned.getNote(USER)).toBe('from A');
      expect(owned.getNote('other')).toBe('from B');
      expect(owned.getNote('kept')).toBe(1);
    });

    it('a logout (removeNote) commits like a removed attribute', () => {
      const { owner, worker } = setup();
      const id = owner.createSession().getId();
      owner.findSession(id)!.setNote(USER, 'ann');
      const a = worker();
      const session = a.manager.findSession(id)!;
      session.removeNote('never-set');
      session.removeNote(USER);
      a.registry.clear();
      expect(owner.findSession(id)!.getNote(USER)).toBeUndefined();
      expect(owner.findSession(id)!.getNoteNames()).toEqual([]);
    });

    it('invalidation wins over a note committed later by another request', () => {
      const { owner, worker } = setup();
      const id = owner.createSession().getId();
      const a = worker();
      const b = worker();
      const inA = a.manager.findSession(id)!;
      const inB = b.manager.findSession(id)!;
      inA.invalidate();
      inB.setNote(USER, 'late');
      b.registry.clear();
      expect(owner.findSession(id)).toBeNull();
    });

    it('changeSessionId keeps the notes, those set before it and those set after it (a login)', () => {
      const { owner, worker } = setup();
      const oldId = owner.createSession().getId();
      owner.findSession(oldId)!.setNote('kept', 'x');
      const a = worker();
      const session = a.manager.findSession(oldId)!;
      session.setNote('before', 1);
      const newId = a.manager.changeSessionId(session);
      session.setNote(USER, 'ann');
      a.registry.clear();
      expect(owner.findSession(oldId)).toBeNull();
      const owned = owner.findSession(newId)!;
      expect([owned.getNote('kept'), owned.getNote('before'), owned.getNote(USER)]).toEqual(['x', 1, 'ann']);
    });

    it('refuses a note that cannot cross threads, with a coded error', () => {
      const { worker } = setup();
      const session = worker().manager.createSession();
      expect(() => session.setNote(USER, () => 1)).toThrowError(
        expect.objectContaining({ code: 'SV_ERR_SESSION_NOTE_NOT_CLONEABLE' }) as ContainerError,
      );
    });
  });
});
