import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ContainerError } from '../../../src/errors/container-error.js';
import type { ServletContext } from '../../../src/servlet/servlet-context.js';
import type { ManagedSession } from '../../../src/session/session-manager.js';
import { StandardManager } from '../../../src/session/standard-manager.js';

const context = { getContextPath: () => '' } as unknown as ServletContext;

function setup(): { manager: StandardManager; clock: { now: number }; session: ManagedSession } {
  const clock = { now: 1_000_000 };
  const manager = new StandardManager({
    servletContext: context,
    listeners: () => [],
    logger: pino({ level: 'silent' }),
    now: () => clock.now,
  });
  return { manager, clock, session: manager.createSession() };
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('StandardSession', () => {
  it('starts new, with creation and last-accessed time equal to its creation', () => {
    const { session, manager } = setup();
    expect(session.isNew()).toBe(true);
    expect(session.getCreationTime()).toBe(1_000_000);
    expect(session.getLastAccessedTime()).toBe(1_000_000);
    expect(session.getServletContext()).toBe(context);
    expect(manager.findSession(session.getId())?.isNew()).toBe(true);
  });

  it('stays new until the first request that found it ends; lastAccessedTime is the previous request start', () => {
    const { session, clock } = setup();
    clock.now = 2_000;
    session.access();
    expect(session.isNew()).toBe(true);
    expect(session.getLastAccessedTime()).toBe(1_000_000); // during a request: the previous one
    clock.now = 2_500;
    session.endAccess();
    expect(session.isNew()).toBe(false);
    expect(session.getLastAccessedTime()).toBe(2_000);

    clock.now = 9_000;
    session.access();
    expect(session.getLastAccessedTime()).toBe(2_000);
    clock.now = 9_100;
    session.endAccess();
    expect(session.getLastAccessedTime()).toBe(9_000);
    expect(session.getCreationTime()).toBe(1_000_000);
  });

  it('stores attributes; null and undefined remove; missing is null; names are a copy', () => {
    const { session } = setup();
    const cart = { items: 2 };
    session.setAttribute('cart', cart);
    session.setAttribute('user', 'ann');
    expect(session.getAttribute('cart')).toBe(cart);
    const names = session.getAttributeNames();
    expect(names).toEqual(['cart', 'user']);
    names.push('junk');
    expect(session.getAttributeNames()).toEqual(['cart', 'user']);
    session.setAttribute('cart', null);
    session.setAttribute('user', undefined);
    expect(session.getAttributeNames()).toEqual([]);
    expect(session.getAttribute('cart')).toBeNull();
    session.removeAttribute('never-set');
  });

  it('after invalidate, every method but getId and isValid throws SV_ERR_SESSION_INVALIDATED', () => {
    const { session, manager } = setup();
    const id = session.getId();
    session.setAttribute('k', 'v');
    session.invalidate();
    expect(session.isValid()).toBe(false);
    expect(session.getId()).toBe(id);
    expect(manager.findSession(id)).toBeNull();
    expect(manager.getActiveSessionCount()).toBe(0);
    const calls: Array<[string, () => unknown]> = [
      ['getCreationTime', () => session.getCreationTime()],
      ['getLastAccessedTime', () => session.getLastAccessedTime()],
      ['getMaxInactiveInterval', () => session.getMaxInactiveInterval()],
      ['setMaxInactiveInterval', () => session.setMaxInactiveInterval(5)],
      ['getAttribute', () => session.getAttribute('k')],
      ['getAttributeNames', () => session.getAttributeNames()],
      ['setAttribute', () => session.setAttribute('k', 'v')],
      ['removeAttribute', () => session.removeAttribute('k')],
      ['invalidate', () => session.invalidate()],
      ['isNew', () => session.isNew()],
      ['getServletContext', () => session.getServletContext()],
    ];
    for (const [method, call] of calls) {
      const error = thrownBy(call);
      expect(error, method).toBeInstanceOf(ContainerError);
      expect((error as ContainerError).code).toBe('SV_ERR_SESSION_INVALIDATED');
      expect((error as ContainerError).message).toBe(`${method}: Session already invalidated`);
    }
  });

  it('lets the request that invalidated the session end it without an error', () => {
    const { session } = setup();
    session.access();
    session.invalidate();
    expect(() => session.endAccess()).not.toThrow();
    expect(session.isValid()).toBe(false);
  });

  it('treats invalidate() from a sessionDestroyed listener as a no-op', () => {
    const clock = { now: 0 };
    let destroyed = 0;
    const manager = new StandardManager({
      servletContext: context,
      listeners: () => [
        {
          sessionDestroyed(e: { getSession(): { invalidate(): void } }) {
            destroyed++;
            e.getSession().invalidate();
          },
        },
      ],
      logger: pino({ level: 'silent' }),
      now: () => clock.now,
    });
    const session = manager.createSession();
    session.invalidate();
    expect(destroyed).toBe(1);
    expect(session.isValid()).toBe(false);
  });
});
