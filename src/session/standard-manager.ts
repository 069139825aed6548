/**
 * Tomcat's StandardManager: sessions in memory, saved at stop to carry them over a reload and (with `pathname`,
 * the default) across a restart, in Serval's stored session format (session-format.ts).
 */
import { rmSync } from 'node:fs';
import type { Logger } from 'pino';
import { ConfigError, ContainerError } from '../errors/container-error.js';
import { logCoded } from '../logging/logger.js';
import type { HttpSessionBindingEvent, HttpSessionEvent } from '../servlet/listeners.js';
import type { ServletContext } from '../servlet/servlet-context.js';
import { classNameOf, decodeSession, encodeSession, type NotStorableReason, type SessionTypes } from './session-format.js';
import { moveAside, takeSessionFile, writeSessionFile, type StoredSessions } from './session-file.js';
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
  /** What is saved of the sessions at stop (carried over a reload, written to `file` for a restart). */
  persistence?: SessionPersistence;
  logger: Logger;
  /** Clock in epoch ms; tests inject one. */
  now?: () => number;
}

export interface SessionPersistence {
  /** Absolute path of the `pathname` file; null: sessions do not outlive a restart (a reload keeps them). */
  readonly file: string | null;
  /** The application's SessionTypes (ServletContext.addSessionType). */
  readonly types: SessionTypes;
  /** sessionAttributeNameFilter: only attributes whose name matches are saved; null: all. */
  readonly nameFilter: RegExp | null;
  /** sessionAttributeValueClassNameFilter: only values whose every constructor name matches are saved; null: all. */
  readonly classFilter: RegExp | null;
  /** warnOnSessionAttributeFilterFailure: an attribute left out is a warning, not a debug line. */
  readonly warnOnFilter: boolean;
  /** The notes saved with a session (persistAuthentication: the logged-in user's). */
  readonly notes: ReadonlySet<string>;
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
  readonly #persistence: SessionPersistence | undefined;
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
    this.#persistence = options.persistence;
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

  async restore(carried: StoredSessions | null): Promise<void> {
    const persistence = this.#persistence;
    if (persistence === undefined) return;
    const file = persistence.file;
    // The file written by the stop before a reload holds the same sessions: read once, they must not come back later.
    const fromFile = file === null ? null : this.#take(file);
    const stored = carried ?? fromFile;
    if (stored === null) return;
    const source = file ?? 'the sessions carried over the reload';
    const sessions: StandardSession[] = [];
    try {
      for (const text of stored) {
        const snapshot = decodeSession(text, persistence.types, source, (name, type) =>
          logCoded(this.#logger, 'warn', { code: 'SV_ERR_SESSION_TYPE_NOT_REGISTERED', params: { source, type } }, { attribute: name }),
        );
        sessions.push(new StandardSession(this.#host, snapshot.id, snapshot.maxInactiveInterval, snapshot));
      }
    } catch (error) {
      // A corrupt or crafted file restores nothing (never half of it); it is kept aside and the application starts.
      const movedTo = file === null ? 'nowhere (it was in memory)' : moveAside(file, stored, this.#now());
      logCoded(this.#logger, 'error', { code: 'SV_MSG_SESSION_FILE_UNREADABLE', params: { file: source, movedTo } }, { err: error });
      return;
    }
    const now = this.#now();
    let restored = 0;
    for (const session of sessions) {
      // Expired while the server was down (or over a long reload): gone, as in Tomcat, with no events.
      if (session.isIdleExpired(now) || !this.#ids.isValidId(session.getId())) continue;
      this.#sessions.set(session.getId(), session);
      session.notifyActivation('sessionDidActivate');
      restored++;
    }
    logCoded(this.#logger, 'info', { code: 'SV_MSG_SESSIONS_RESTORED', params: { count: restored, source } });
  }

  async stop(): Promise<StoredSessions | null> {
    const stored = this.#persistence === undefined ? null : this.#save(this.#persistence);
    for (const session of [...this.#sessions.values()]) this.#expire(session);
    this.#sessions.clear();
    return stored;
  }

  /** Saves every valid session it can (passivated, then discarded) and returns them; the rest expire in stop(). */
  #save(persistence: SessionPersistence): StoredSessions {
    const stored: string[] = [];
    const now = this.#now();
    for (const session of [...this.#sessions.values()]) {
      if (!session.isValid() || session.isIdleExpired(now)) continue;
      session.notifyActivation('sessionWillPassivate');
      const snapshot = session.snapshot({
        attribute: (name, value) => this.#keepAttribute(persistence, session, name, value),
        note: (name) => persistence.notes.has(name),
      });
      stored.push(
        encodeSession(snapshot, persistence.types, (name, why) => this.#leftOut(persistence, session, name, why.className, why.reason), {
          allowClass: persistence.classFilter === null ? undefined : (className) => persistence.classFilter!.test(className),
        }),
      );
      session.discard();
    }
    if (persistence.file !== null) {
      try {
        // No sessions, no file (and none left from before): the next start has nothing to restore.
        if (stored.length === 0) rmSync(persistence.file, { force: true });
        else writeSessionFile(persistence.file, stored);
      } catch (error) {
        logCoded(this.#logger, 'error', { code: 'SV_MSG_SESSION_FILE_NOT_WRITTEN', params: { file: persistence.file } }, { err: error });
      }
    }
    return stored;
  }

  #keepAttribute(persistence: SessionPersistence, session: StandardSession, name: string, value: unknown): boolean {
    if (persistence.nameFilter === null || persistence.nameFilter.test(name)) return true;
    this.#leftOut(persistence, session, name, classNameOf(value), 'its name does not match sessionAttributeNameFilter');
    return false;
  }

  #leftOut(
    persistence: SessionPersistence,
    session: StandardSession,
    name: string,
    className: string,
    reason: NotStorableReason | 'its name does not match sessionAttributeNameFilter',
  ): void {
    const params = { name, id: session.getId(), className, reason };
    logCoded(this.#logger, persistence.warnOnFilter ? 'warn' : 'debug', { code: 'SV_MSG_SESSION_ATTRIBUTE_NOT_SAVED', params });
  }

  #take(file: string): StoredSessions | null {
    try {
      return takeSessionFile(file);
    } catch (error) {
      logCoded(
        this.#logger,
        'error',
        { code: 'SV_MSG_SESSION_FILE_UNREADABLE', params: { file, movedTo: 'nowhere (it could not be read)' } },
        { err: error },
      );
      return null;
    }
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
