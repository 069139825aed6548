/** The in-memory session Manager (Tomcat's StandardManager without persistence, its default since 10.0). */
import type { Logger } from 'pino';
import { ConfigError, ContainerError } from '../errors/container-error.js';
import { logCoded } from '../logging/logger.js';
import type { HttpSessionBindingEvent, HttpSessionEvent } from '../servlet/listeners.js';
import type { ServletContext } from '../servlet/servlet-context.js';
import { SessionIdGenerator } from './session-id-generator.js';
import type { ManagedSession, SessionManager } from './session-manager.js';
import { StandardSession, type SessionEventMethod, type SessionHost } from './standard-session.js';

export interface StandardManagerOptions {
  servletContext: ServletContext;
  /** Appended to ids as `.<jvmRoute>` (Engine jvmRoute) for sticky load balancing. */
  jvmRoute?: string;
  /** Default for new sessions (web.xml `<session-timeout>`); default 30; <= 0 never expires. */
  sessionTimeoutMinutes?: number;
  /** Default Infinity; creating one more throws SV_ERR_SESSION_TOO_MANY_ACTIVE. */
  maxActiveSessions?: number;
  /** Expire idle sessions on every n-th backgroundProcess() call; default 6 (Tomcat). */
  processExpiresFrequency?: number;
  /** Random bytes per id; default 16 → 32 upper-case hex characters. */
  sessionIdLength?: number;
  /** The context's application listeners, in declaration order. */
  listeners: () => readonly object[];
  logger: Logger;
  /** Clock in epoch ms; tests inject one. */
  now?: () => number;
}

/** A freshly generated id colliding with a live one needs ~2^64 sessions; a few retries are plenty. */
const MAX_ID_ATTEMPTS = 10;

function invalidValue(attribute: string, value: number, allowed: string): ConfigError {
  return new ConfigError('SV_ERR_CONFIG_INVALID_VALUE', { attribute, element: 'Manager', value, allowed });
}

function listenerName(listener: object): string {
  const name = (listener as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : typeof listener;
}

export class StandardManager implements SessionManager {
  readonly #sessions = new Map<string, StandardSession>();
  readonly #servletContext: ServletContext;
  readonly #ids: SessionIdGenerator;
  readonly #listeners: () => readonly object[];
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #maxActiveSessions: number;
  readonly #processExpiresFrequency: number;
  readonly #host: SessionHost;
  #sessionTimeoutSeconds: number;
  #backgroundTicks = 0;

  constructor(options: StandardManagerOptions) {
    const maxActive = options.maxActiveSessions ?? Infinity;
    if (!(maxActive === Infinity || (Number.isInteger(maxActive) && maxActive >= 0))) {
      throw invalidValue('maxActiveSessions', maxActive, 'an integer >= 0 (unlimited: -1 in server.xml)');
    }
    const frequency = options.processExpiresFrequency ?? 6;
    if (!Number.isInteger(frequency) || frequency < 1) {
      throw invalidValue('processExpiresFrequency', frequency, 'an integer >= 1');
    }
    this.#servletContext = options.servletContext;
    this.#ids = new SessionIdGenerator({
      ...(options.sessionIdLength === undefined ? {} : { sessionIdLength: options.sessionIdLength }),
      ...(options.jvmRoute === undefined ? {} : { jvmRoute: options.jvmRoute }),
    });
    this.#listeners = options.listeners;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#maxActiveSessions = maxActive;
    this.#processExpiresFrequency = frequency;
    this.#sessionTimeoutSeconds = (options.sessionTimeoutMinutes ?? 30) * 60;
    this.#host = {
      servletContext: this.#servletContext,
      now: () => this.#now(),
      fireEvent: (method, event) => this.#fireEvent(method, event),
      guard: (target, event, callback) => this.#guard(target, event, callback),
      remove: (session) => {
        if (this.#sessions.get(session.getId()) === session) this.#sessions.delete(session.getId());
      },
    };
  }

  get sessionTimeoutSeconds(): number {
    return this.#sessionTimeoutSeconds;
  }

  set sessionTimeoutSeconds(seconds: number) {
    this.#sessionTimeoutSeconds = seconds;
  }

  getActiveSessionCount(): number {
    return this.#sessions.size;
  }

  createSession(): ManagedSession {
    if (this.#sessions.size >= this.#maxActiveSessions) {
      // Sessions already past their timeout but not yet swept should not block new users.
      this.#processExpires();
      if (this.#sessions.size >= this.#maxActiveSessions) {
        throw new ContainerError('SV_ERR_SESSION_TOO_MANY_ACTIVE', {
          count: this.#sessions.size,
          limit: this.#maxActiveSessions,
          context: this.#servletContext.getContextPath(),
        });
      }
    }
    const session = new StandardSession(this.#host, this.#generateUniqueId(), this.#sessionTimeoutSeconds);
    this.#sessions.set(session.getId(), session);
    this.#fireEvent('sessionCreated', { getSession: () => session.facade });
    return session;
  }

  findSession(id: string): ManagedSession | null {
    // Ids come straight from cookies and URLs: reject any other shape before touching the table.
    if (!this.#ids.isValidId(id)) return null;
    const session = this.#sessions.get(id);
    if (session === undefined) return null;
    // Expire lazily too, so a session is never handed out after its timeout just because the sweep has not run.
    if (session.isIdleExpired(this.#now())) {
      this.#expire(session);
      return null;
    }
    return session.isValid() ? session : null;
  }

  changeSessionId(session: ManagedSession): string {
    if (!(session instanceof StandardSession) || !session.isValid() || this.#sessions.get(session.getId()) !== session) {
      throw new ContainerError('SV_ERR_SESSION_INVALIDATED', { method: 'changeSessionId' });
    }
    const oldId = session.getId();
    const newId = this.#generateUniqueId();
    this.#sessions.delete(oldId);
    session.changeIdInternal(newId);
    this.#sessions.set(newId, session);
    // HttpSessionIdListener (Servlet 3.1+); not in listeners.ts yet, so matched by method name.
    const event: HttpSessionEvent = { getSession: () => session.facade };
    for (const listener of this.#listeners()) {
      const callback: unknown = (listener as Record<string, unknown>).sessionIdChanged;
      if (typeof callback === 'function') {
        const notify = callback as (e: HttpSessionEvent, previousId: string) => void;
        this.#guard(listener, 'sessionIdChanged', () => notify.call(listener, event, oldId));
      }
    }
    return newId;
  }

  backgroundProcess(): void {
    this.#backgroundTicks++;
    if (this.#backgroundTicks % this.#processExpiresFrequency === 0) this.#processExpires();
  }

  async start(): Promise<void> {
    this.#backgroundTicks = 0;
  }

  async stop(): Promise<void> {
    for (const session of [...this.#sessions.values()]) this.#expire(session);
    this.#sessions.clear();
  }

  #processExpires(): void {
    const now = this.#now();
    for (const session of [...this.#sessions.values()]) {
      if (session.isIdleExpired(now)) this.#expire(session);
    }
  }

  #expire(session: StandardSession): void {
    try {
      session.expire();
    } catch (error) {
      // expire() already guards listeners; this only catches a broken session so the sweep goes on.
      this.#sessions.delete(session.getId());
      this.#logger.error({ err: error }, 'Session expiry failed');
    }
  }

  #generateUniqueId(): string {
    for (let attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt++) {
      const id = this.#ids.generate();
      if (!this.#sessions.has(id)) return id;
    }
    throw new ContainerError('SV_ERR_SESSION_ID_GENERATION', { attempts: MAX_ID_ATTEMPTS });
  }

  /**
   * Listeners run in declaration order, except sessionDestroyed which runs in reverse
   * (Servlet spec §11.3.4: destruction notifications go in reverse order of declaration).
   */
  #fireEvent(method: SessionEventMethod, event: HttpSessionEvent | HttpSessionBindingEvent): void {
    const listeners = this.#listeners();
    const ordered = method === 'sessionDestroyed' ? [...listeners].reverse() : listeners;
    for (const listener of ordered) {
      const callback: unknown = (listener as Record<string, unknown>)[method];
      if (typeof callback === 'function') {
        this.#guard(listener, method, () => (callback as (e: typeof event) => void).call(listener, event));
      }
    }
  }

  #guard(target: object, event: string, callback: () => void): void {
    try {
      callback();
    } catch (error) {
      const params = { listener: listenerName(target), event };
      logCoded(this.#logger, 'error', { code: 'SV_ERR_SESSION_LISTENER_FAILED', params }, { err: error });
    }
  }
}
