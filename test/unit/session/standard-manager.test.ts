import { PassThrough } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError, ContainerError } from '../../../src/errors/container-error.js';
import type { HttpSessionBindingEvent, HttpSessionEvent } from '../../../src/servlet/listeners.js';
import type { ServletContext } from '../../../src/servlet/servlet-context.js';
import { SessionTypes } from '../../../src/session/session-format.js';
import type { ManagedSession } from '../../../src/session/session-manager.js';
import { StandardManager, type SessionPersistence, type StandardManagerOptions } from '../../../src/session/standard-manager.js';

const context = { getContextPath: () => '/shop' } as unknown as ServletContext;
const MINUTE = 60_000;

interface Harness {
  manager: StandardManager;
  clock: { now: number };
  events: string[];
  logLines: () => Array<Record<string, unknown>>;
}

function harness(options: Partial<StandardManagerOptions> = {}, listeners: object[] = []): Harness {
  const clock = { now: 1_700_000_000_000 };
  const events: string[] = [];
  const logOutput = new PassThrough();
  const chunks: string[] = [];
  logOutput.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const recorder = {
    sessionCreated: (e: HttpSessionEvent) => events.push(`created ${e.getSession().getId()}`),
    sessionDestroyed: (e: HttpSessionEvent) =>
      events.push(`destroyed ${e.getSession().getId()} attrs=${e.getSession().getAttributeNames().join(',')}`),
    attributeAdded: (e: HttpSessionBindingEvent) => events.push(`added ${e.getName()}=${String(e.getValue())}`),
    attributeReplaced: (e: HttpSessionBindingEvent) => events.push(`replaced ${e.getName()}=${String(e.getValue())}`),
    attributeRemoved: (e: HttpSessionBindingEvent) => events.push(`removed ${e.getName()}=${String(e.getValue())}`),
  };
  const all = [recorder, ...listeners];
  const manager = new StandardManager({
    servletContext: context,
    listeners: () => all,
    logger: pino({ level: 'info' }, logOutput),
    now: () => clock.now,
    ...options,
  });
  const logLines = (): Array<Record<string, unknown>> =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { manager, clock, events, logLines };
}

describe('StandardManager ids and lookup', () => {
  it('creates sessions with 32 upper-case hex ids, with and without jvmRoute', () => {
    expect(harness().manager.createSession().getId()).toMatch(/^[0-9A-F]{32}$/);
    expect(harness({ jvmRoute: 'n7' }).manager.createSession().getId()).toMatch(/^[0-9A-F]{32}\.n7$/);
  });

  it('gives 1000 sessions 1000 distinct ids and finds each one', () => {
    const { manager } = harness();
    const sessions = Array.from({ length: 1000 }, () => manager.createSession());
    expect(new Set(sessions.map((s) => s.getId())).size).toBe(1000);
    expect(manager.getActiveSessionCount()).toBe(1000);
    for (const session of sessions) expect(manager.findSession(session.getId())).toBe(session);
  });

  it('returns null for malformed or unknown ids without throwing', () => {
    const { manager } = harness({ jvmRoute: 'n7' });
    const id = manager.createSession().getId();
    const hex = id.slice(0, 32);
    for (const bad of [
      '',
      'abc',
      hex.toLowerCase() + '.n7',
      `${hex}.n7;x`,
      `${id}\u0000`,
      '0'.repeat(32) + '.n7',
      '%00',
      'A'.repeat(10_000),
    ]) {
      expect(manager.findSession(bad), bad).toBeNull();
    }
    expect(manager.findSession(undefined as unknown as string)).toBeNull();
    expect(manager.findSession(id)).not.toBeNull();
  });
});

describe('StandardManager expiry', () => {
  it('expires an idle session on the processExpiresFrequency-th tick once the interval has passed', () => {
    const { manager, clock, events } = harness({ sessionTimeoutMinutes: 1, processExpiresFrequency: 3 });
    const session = manager.createSession();
    expect(session.getMaxInactiveInterval()).toBe(60);

    clock.now += MINUTE - 1;
    for (let i = 0; i < 3; i++) manager.backgroundProcess();
    expect(manager.getActiveSessionCount()).toBe(1);

    clock.now += 1;
    manager.backgroundProcess();
    manager.backgroundProcess();
    expect(manager.getActiveSessionCount()).toBe(1); // ticks 4 and 5 do not sweep
    manager.backgroundProcess(); // tick 6 does
    expect(manager.getActiveSessionCount()).toBe(0);
    expect(session.isValid()).toBe(false);
    expect(events.at(-1)).toBe(`destroyed ${session.getId()} attrs=`);
  });

  it('uses the default of 30 minutes and a frequency of 6', () => {
    const { manager, clock } = harness();
    const session = manager.createSession();
    expect(session.getMaxInactiveInterval()).toBe(1800);
    clock.now += 30 * MINUTE;
    for (let i = 0; i < 5; i++) manager.backgroundProcess();
    expect(manager.getActiveSessionCount()).toBe(1);
    manager.backgroundProcess();
    expect(manager.getActiveSessionCount()).toBe(0);
  });

  it('findSession refuses a timed-out session even before the sweep', () => {
    const { manager, clock } = harness({ sessionTimeoutMinutes: 1 });
    const session = manager.createSession();
    clock.now += MINUTE;
    expect(manager.findSession(session.getId())).toBeNull();
    expect(session.isValid()).toBe(false);
    expect(manager.getActiveSessionCount()).toBe(0);
  });

  it('keeps a session alive while it is accessed and never expires one in a request', () => {
    const { manager, clock } = harness({ sessionTimeoutMinutes: 1, processExpiresFrequency: 1 });
    const session = manager.createSession();
    for (let i = 0; i < 5; i++) {
      clock.now += MINUTE - 1000;
      const found = manager.findSession(session.getId());
      expect(found).toBe(session);
      found!.access();
      found!.endAccess();
      manager.backgroundProcess();
    }
    expect(session.isValid()).toBe(true);

    session.access();
    clock.now += 10 * MINUTE; // a very long request
    manager.backgroundProcess();
    expect(session.isValid()).toBe(true);
    session.endAccess();
    clock.now += MINUTE - 1;
    manager.backgroundProcess();
    expect(session.isValid()).toBe(true); // idle time counts from the end of the request
    clock.now += 1;
    manager.backgroundProcess();
    expect(session.isValid()).toBe(false);
  });

  it('never expires sessions whose interval is zero or negative', () => {
    const { manager, clock } = harness({ sessionTimeoutMinutes: 0, processExpiresFrequency: 1 });
    const session = manager.createSession();
    const other = manager.createSession();
    other.setMaxInactiveInterval(-1);
    clock.now += 1000 * 24 * 60 * MINUTE;
    manager.backgroundProcess();
    expect(manager.findSession(session.getId())).toBe(session);
    expect(manager.findSession(other.getId())).toBe(other);
  });

  it('uses the current sessionTimeoutSeconds for new sessions and the per-session interval for expiry', () => {
    const { manager, clock } = harness({ processExpiresFrequency: 1 });
    manager.sessionTimeoutSeconds = 10;
    const short = manager.createSession();
    const long = manager.createSession();
    long.setMaxInactiveInterval(20);
    clock.now += 10_000;
    manager.backgroundProcess();
    expect(short.isValid()).toBe(false);
    expect(long.isValid()).toBe(true);
  });

  it('stop() expires every session, running sessionDestroyed', async () => {
    const { manager, events } = harness();
    const a = manager.createSession();
    const b = manager.createSession();
    a.setAttribute('k', 'v');
    await manager.stop();
    expect(manager.getActiveSessionCount()).toBe(0);
    expect(a.isValid()).toBe(false);
    expect(b.isValid()).toBe(false);
    expect(events).toContain(`destroyed ${a.getId()} attrs=k`);
    expect(events).toContain(`destroyed ${b.getId()} attrs=`);
    expect(events).toContain('removed k=v');
  });
});

describe('StandardManager limits and options', () => {
  it('allows exactly maxActiveSessions and rejects the next one with a coded error', () => {
    const { manager } = harness({ maxActiveSessions: 2 });
    manager.createSession();
    const second = manager.createSession();
    let error: unknown;
    try {
      manager.createSession();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ContainerError);
    expect((error as ContainerError).code).toBe('SV_ERR_SESSION_TOO_MANY_ACTIVE');
    expect((error as ContainerError).message).toContain('[2]');
    expect((error as ContainerError).message).toContain('[/shop]');
    expect(manager.getActiveSessionCount()).toBe(2);
    second.invalidate();
    expect(() => manager.createSession()).not.toThrow();
  });

  it('lets a new session replace one that timed out but was not yet swept', () => {
    const { manager, clock } = harness({ maxActiveSessions: 1, sessionTimeoutMinutes: 1 });
    manager.createSession();
    clock.now += MINUTE;
    expect(manager.createSession().isValid()).toBe(true);
    expect(manager.getActiveSessionCount()).toBe(1);
  });

  it('rejects invalid option values with config errors naming the attribute', () => {
    expect(() => harness({ maxActiveSessions: -1 })).toThrow(ConfigError);
    expect(() => harness({ maxActiveSessions: 1.5 })).toThrow(/maxActiveSessions/);
    expect(() => harness({ processExpiresFrequency: 0 })).toThrow(/processExpiresFrequency/);
  });
});

describe('StandardManager listeners', () => {
  it('notifies listeners in declaration order, sessionDestroyed in reverse, with the right values', () => {
    const order: string[] = [];
    const first = {
      sessionCreated: () => order.push('first created'),
      sessionDestroyed: () => order.push('first destroyed'),
      attributeAdded: () => order.push('first added'),
    };
    const second = {
      sessionCreated: () => order.push('second created'),
      sessionDestroyed: () => order.push('second destroyed'),
      attributeAdded: () => order.push('second added'),
    };
    const { manager, events } = harness({}, [first, second]);
    const session = manager.createSession();
    session.setAttribute('user', 'ann');
    session.setAttribute('user', 'bob');
    session.setAttribute('user', null);
    session.setAttribute('cart', 3);
    session.invalidate();
    expect(order).toEqual([
      'first created',
      'second created',
      'first added',
      'second added',
      'first added',
      'second added',
      'second destroyed',
      'first destroyed',
    ]);
    expect(events).toEqual([
      `created ${session.getId()}`,
      'added user=ann',
      'replaced user=ann', // attributeReplaced carries the old value
      'removed user=bob',
      'added cart=3',
      `destroyed ${session.getId()} attrs=cart`, // before invalidation, attributes still readable
      'removed cart=3',
    ]);
  });

  it('calls valueBound before the value is visible and valueUnbound when it is replaced, removed or invalidated', () => {
    const { manager } = harness();
    const session = manager.createSession();
    const log: string[] = [];
    const bindable = (label: string): object => ({
      valueBound(e: HttpSessionBindingEvent) {
        log.push(`${label} bound as ${e.getName()} visible=${String(e.getSession().getAttribute(e.getName()) === this)}`);
      },
      valueUnbound(e: HttpSessionBindingEvent) {
        log.push(`${label} unbound from ${e.getName()}`);
      },
    });
    const a = bindable('a');
    session.setAttribute('x', a);
    session.setAttribute('x', a); // same value again: no bind/unbind (notifyBindingListenerOnUnchangedValue=false)
    session.setAttribute('x', bindable('b'));
    session.removeAttribute('x');
    session.setAttribute('y', bindable('c'));
    session.invalidate();
    expect(log).toEqual([
      'a bound as x visible=false',
      'b bound as x visible=false',
      'a unbound from x',
      'b unbound from x',
      'c bound as y visible=false',
      'c unbound from y',
    ]);
  });

  it('logs a throwing listener with a code and still notifies the others', () => {
    const later: string[] = [];
    const broken = {
      sessionCreated: () => {
        throw new Error('boom');
      },
    };
    const fine = { sessionCreated: () => later.push('ok') };
    const { manager, logLines } = harness({}, [broken, fine]);
    const session = manager.createSession();
    expect(session.isValid()).toBe(true);
    expect(later).toEqual(['ok']);
    const record = logLines().find((line) => line.code === 'SV_ERR_SESSION_LISTENER_FAILED');
    expect(record?.msg).toBe('Session listener [Object] threw an exception in [sessionCreated]');
    expect((record?.err as { message?: string }).message).toBe('boom');
  });
});

describe('StandardManager.changeSessionId', () => {
  it('re-keys the session, keeps its attributes and tells id listeners the old id', () => {
    const changes: string[] = [];
    const idListener = {
      sessionIdChanged: (e: HttpSessionEvent, oldId: string) => changes.push(`${oldId}->${e.getSession().getId()}`),
    };
    const { manager } = harness({ jvmRoute: 'r1' }, [idListener]);
    const session = manager.createSession();
    session.setAttribute('user', 'ann');
    const oldId = session.getId();
    const newId = manager.changeSessionId(session);
    expect(newId).not.toBe(oldId);
    expect(newId).toMatch(/^[0-9A-F]{32}\.r1$/);
    expect(session.getId()).toBe(newId);
    expect(manager.findSession(oldId)).toBeNull();
    expect(manager.findSession(newId)).toBe(session);
    expect(session.getAttribute('user')).toBe('ann');
    expect(manager.getActiveSessionCount()).toBe(1);
    expect(changes).toEqual([`${oldId}->${newId}`]);
  });

  it('refuses an invalidated session', () => {
    const { manager } = harness();
    const session = manager.createSession();
    session.invalidate();
    expect(() => manager.changeSessionId(session)).toThrow(/changeSessionId: Session already invalidated/);
  });
});

describe('StandardManager saving its sessions (reload, restart)', () => {
  const persistence = (overrides: Partial<SessionPersistence> = {}): SessionPersistence => ({
    file: null,
    types: new SessionTypes(),
    nameFilter: null,
    classFilter: null,
    warnOnFilter: true,
    notes: new Set(),
    ...overrides,
  });

  async function carry(
    overrides: Partial<SessionPersistence>,
    fill: (session: ManagedSession) => void,
  ): Promise<{ restored: ManagedSession | null; events: string[]; logs: Array<Record<string, unknown>> }> {
    const first = harness({ persistence: persistence(overrides) });
    const session = first.manager.createSession();
    fill(session);
    const stored = await first.manager.stop();
    const second = harness({ persistence: persistence(overrides) });
    await second.manager.restore(stored);
    return { restored: second.manager.findSession(session.getId()), events: first.events, logs: first.logLines() };
  }

  it('saves instead of destroying: no sessionDestroyed for a saved session, and it comes back with its values', async () => {
    const { restored, events } = await carry({}, (s) => s.setAttribute('n', 1));
    expect(events.some((e) => e.startsWith('destroyed'))).toBe(false);
    expect(restored?.getAttribute('n')).toBe(1);
  });

  it('sessionAttributeNameFilter and sessionAttributeValueClassNameFilter leave attributes out, logged as warnings', async () => {
    const { restored, logs } = await carry({ nameFilter: /keep\..*/, classFilter: /Object|Array|Date/ }, (s) => {
      s.setAttribute('keep.a', { when: new Date(0) });
      s.setAttribute('keep.b', new Map([[1, 2]]));
      s.setAttribute('drop', 'x');
    });
    expect(restored?.getAttributeNames()).toEqual(['keep.a']);
    const messages = logs.filter((l) => l['code'] === 'SV_MSG_SESSION_ATTRIBUTE_NOT_SAVED').map((l) => String(l['msg']));
    expect(messages).toEqual([
      expect.stringMatching(/\[drop\] \(class \[string\]\).*does not match sessionAttributeNameFilter/),
      expect.stringMatching(/\[keep\.b\] \(class \[Map\]\).*not allowed by sessionAttributeValueClassNameFilter/),
    ]);
  });

  it('persistAuthentication: the notes named are saved, the others never', async () => {
    const user = 'org.apache.catalina.authenticator.PRINCIPAL';
    const withUser = await carry({ notes: new Set([user]) }, (s) => {
      s.setNote(user, { name: 'bob' });
      s.setNote('saved-request', { uri: '/x' });
    });
    expect(withUser.restored?.getNote(user)).toEqual({ name: 'bob' });
    expect(withUser.restored?.getNote('saved-request')).toBeUndefined();
    const without = await carry({}, (s) => s.setNote(user, { name: 'bob' }));
    expect(without.restored?.getNote(user)).toBeUndefined();
  });
});
