/** One in-memory session: attributes, access times and the invalidation rules of Servlet spec ch. 7. */
import type { HttpSessionBindingEvent, HttpSessionEvent } from '../servlet/listeners.js';
import type { ServletContext } from '../servlet/servlet-context.js';
import { SessionBase } from './session-base.js';
import type { SessionSnapshot } from './session-snapshot.js';

export type SessionEventMethod = 'sessionCreated' | 'sessionDestroyed' | 'attributeAdded' | 'attributeRemoved' | 'attributeReplaced';

/** What a session needs from the Manager that owns it. */
export interface SessionHost {
  readonly servletContext: ServletContext;
  now(): number;
  /** Delivers an event to every application listener implementing `method`. */
  fireEvent(method: SessionEventMethod, event: HttpSessionEvent | HttpSessionBindingEvent): void;
  /** Runs a callback on application code, logging rather than propagating what it throws (as Tomcat does). */
  guard(target: object, event: string, callback: () => void): void;
  /** The session has become invalid: forget it. */
  remove(session: StandardSession): void;
}

type BindingMethod = 'valueBound' | 'valueUnbound';

/** An attribute value's HttpSessionBindingListener-style callback, if it has one. */
function bindingCallback(value: unknown, method: BindingMethod): ((event: HttpSessionBindingEvent) => void) | null {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return null;
  const callback: unknown = (value as Record<string, unknown>)[method];
  return typeof callback === 'function' ? (callback as (event: HttpSessionBindingEvent) => void) : null;
}

export class StandardSession extends SessionBase {
  readonly #host: SessionHost;
  /** Start of the current request while one runs, otherwise the end of the last one: the base for idle time. */
  #thisAccessedTime: number;
  /** True while sessionDestroyed listeners run: they are told the session is *about to be* invalidated, so it still works. */
  #expiring = false;
  /** Requests currently using the session; such a session never expires under them. */
  #accessCount = 0;

  /** A new session, or (`stored`) one read back from a stored session, keeping its id, times and values. */
  constructor(host: SessionHost, id: string, maxInactiveIntervalSeconds: number, stored?: SessionSnapshot) {
    const now = host.now();
    super(
      host.servletContext,
      stored?.id ?? id,
      stored ?? { creationTime: now, lastAccessedTime: now, maxInactiveInterval: maxInactiveIntervalSeconds, isNew: true },
      new Map(stored?.attributes),
    );
    if (stored !== undefined) for (const [name, value] of stored.notes) this.notes.set(name, value);
    this.#host = host;
    this.#thisAccessedTime = stored?.lastAccessedTime ?? now;
  }

  /** The session as data, with the attributes and notes `keep` accepts (for the stored session format). */
  snapshot(keep: { attribute(name: string, value: unknown): boolean; note(name: string): boolean }): SessionSnapshot {
    return {
      id: this.getId(),
      creationTime: this.getCreationTime(),
      lastAccessedTime: this.#thisAccessedTime,
      maxInactiveInterval: this.maxInactive,
      isNew: this.newSession,
      attributes: [...this.attributes].filter(([name, value]) => keep.attribute(name, value)),
      notes: [...this.notes].filter(([name]) => keep.note(name)),
    };
  }

  /** Tells every attribute value implementing HttpSessionActivationListener that the session is saved or read back. */
  notifyActivation(method: 'sessionWillPassivate' | 'sessionDidActivate'): void {
    const event: HttpSessionEvent = { getSession: () => this.facade };
    for (const value of this.attributes.values()) {
      if ((typeof value !== 'object' && typeof value !== 'function') || value === null) continue;
      const callback: unknown = (value as Record<string, unknown>)[method];
      if (typeof callback === 'function')
        this.#host.guard(value, method, () => (callback as (e: HttpSessionEvent) => void).call(value, event));
    }
  }

  /**
   * Ends a session that was saved (Tomcat's expire(false)): it leaves the Manager without sessionDestroyed or
   * unbinding events, since it lives on in the stored copy.
   */
  discard(): void {
    this.#host.remove(this);
    this.valid = false;
    this.attributes.clear();
  }

  setAttribute(name: string, value: unknown): void {
    this.check('setAttribute');
    // Servlet spec: setting null is the same as removeAttribute.
    if (value === null || value === undefined) {
      this.#removeAttributeInternal(name);
      return;
    }
    const had = this.attributes.has(name);
    const old = this.attributes.get(name);
    // valueBound runs before the value becomes visible in the session (HttpSessionBindingListener javadoc).
    const bound = old === value ? null : bindingCallback(value, 'valueBound');
    if (bound) this.#host.guard(value, 'valueBound', () => bound.call(value, this.#bindingEvent(name, value)));
    this.attributes.set(name, value);
    if (had && old !== value) {
      const unbound = bindingCallback(old, 'valueUnbound');
      if (unbound) this.#host.guard(old as object, 'valueUnbound', () => unbound.call(old, this.#bindingEvent(name, old)));
    }
    // attributeReplaced carries the old value (HttpSessionBindingEvent.getValue javadoc).
    if (had) this.#host.fireEvent('attributeReplaced', this.#bindingEvent(name, old));
    else this.#host.fireEvent('attributeAdded', this.#bindingEvent(name, value));
  }

  removeAttribute(name: string): void {
    this.check('removeAttribute');
    this.#removeAttributeInternal(name);
  }

  invalidate(): void {
    this.check('invalidate');
    this.expire();
  }

  access(): void {
    if (!this.valid) return;
    this.#thisAccessedTime = this.#host.now();
    this.#accessCount++;
  }

  endAccess(): void {
    // Runs at the end of every request that found the session, even if the application invalidated it meanwhile.
    this.newSession = false;
    this.lastAccessed = this.#thisAccessedTime;
    this.#thisAccessedTime = this.#host.now();
    if (this.#accessCount > 0) this.#accessCount--;
  }

  /** Whether the session has been idle past its interval at `now`; never while a request uses it. */
  isIdleExpired(now: number): boolean {
    if (!this.valid || this.#expiring || this.#accessCount > 0 || this.maxInactive <= 0) return false;
    return now - this.#thisAccessedTime >= this.maxInactive * 1000;
  }

  /**
   * Invalidates without the validity check (timeouts, Manager stop). Order as Tomcat: sessionDestroyed
   * while the session still works, then it leaves the Manager, then every attribute is unbound.
   */
  expire(): void {
    if (!this.valid || this.#expiring) return;
    this.#expiring = true;
    try {
      this.#host.fireEvent('sessionDestroyed', { getSession: () => this.facade });
    } finally {
      this.#host.remove(this);
      this.valid = false;
      this.#expiring = false;
    }
    for (const name of [...this.attributes.keys()]) this.#removeAttributeInternal(name);
  }

  #removeAttributeInternal(name: string): void {
    if (!this.attributes.has(name)) return;
    const value = this.attributes.get(name);
    this.attributes.delete(name);
    const unbound = bindingCallback(value, 'valueUnbound');
    if (unbound) this.#host.guard(value as object, 'valueUnbound', () => unbound.call(value, this.#bindingEvent(name, value)));
    this.#host.fireEvent('attributeRemoved', this.#bindingEvent(name, value));
  }

  #bindingEvent(name: string, value: unknown): HttpSessionBindingEvent {
    return { getSession: () => this.facade, getName: () => name, getValue: () => value };
  }
}
