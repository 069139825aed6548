/**
 * What every session shares, wherever its state lives: identity, times, the attribute table and the
 * HttpSession rule that an invalidated session is unusable (IllegalStateException in Java). StandardSession
 * (the owner's copy) and WorkerSession (a worker's view for one request) differ only in how changes are made.
 */
import { ContainerError } from '../errors/container-error.js';
import type { ServletContext } from '../servlet/servlet-context.js';
import type { HttpSession } from '../servlet/http-session.js';
import { HttpSessionFacade } from './session-facade.js';
import type { ManagedSession } from './session-manager.js';

export abstract class SessionBase implements ManagedSession {
  readonly #servletContext: ServletContext;
  readonly #creationTime: number;
  #id: string;
  /** What getLastAccessedTime() reports: the start of the previous completed request (Servlet spec §7.6). */
  protected lastAccessed: number;
  protected maxInactive: number;
  protected newSession: boolean;
  /** False once invalidated or expired. */
  protected valid = true;
  protected readonly attributes: Map<string, unknown>;
  /** The container's own values (ManagedSession notes), never visible to the application. */
  protected readonly notes = new Map<string, unknown>();
  #facade: HttpSession | null = null;

  protected constructor(
    servletContext: ServletContext,
    id: string,
    times: {
      readonly creationTime: number;
      readonly lastAccessedTime: number;
      readonly maxInactiveInterval: number;
      readonly isNew: boolean;
    },
    attributes: Map<string, unknown>,
  ) {
    this.#servletContext = servletContext;
    this.#id = id;
    this.#creationTime = times.creationTime;
    this.lastAccessed = times.lastAccessedTime;
    this.maxInactive = times.maxInactiveInterval;
    this.newSession = times.isNew;
    this.attributes = attributes;
  }

  get facade(): HttpSession {
    this.#facade ??= new HttpSessionFacade(this);
    return this.#facade;
  }

  getId(): string {
    return this.#id;
  }

  /** Manager only: the id after changeSessionId (the owner re-keys its table). */
  changeIdInternal(id: string): void {
    this.#id = id;
  }

  isValid(): boolean {
    return this.valid;
  }

  getCreationTime(): number {
    this.check('getCreationTime');
    return this.#creationTime;
  }

  getLastAccessedTime(): number {
    this.check('getLastAccessedTime');
    return this.lastAccessed;
  }

  getMaxInactiveInterval(): number {
    this.check('getMaxInactiveInterval');
    return this.maxInactive;
  }

  setMaxInactiveInterval(seconds: number): void {
    this.check('setMaxInactiveInterval');
    this.maxInactive = seconds;
  }

  isNew(): boolean {
    this.check('isNew');
    return this.newSession;
  }

  getServletContext(): ServletContext {
    this.check('getServletContext');
    return this.#servletContext;
  }

  getAttribute(name: string): unknown {
    this.check('getAttribute');
    return this.attributes.get(name) ?? null;
  }

  getAttributeNames(): string[] {
    this.check('getAttributeNames');
    return [...this.attributes.keys()];
  }

  getNote(name: string): unknown {
    return this.notes.get(name);
  }

  getNoteNames(): string[] {
    return [...this.notes.keys()];
  }

  setNote(name: string, value: unknown): void {
    this.notes.set(name, value);
  }

  removeNote(name: string): void {
    this.notes.delete(name);
  }

  abstract setAttribute(name: string, value: unknown): void;
  abstract removeAttribute(name: string): void;
  abstract invalidate(): void;
  abstract access(): void;
  abstract endAccess(): void;

  /** IllegalStateException in Java: an invalidated session is unusable (HttpSession javadoc). */
  protected check(method: string): void {
    if (!this.valid) throw new ContainerError('SV_ERR_SESSION_INVALIDATED', { method });
  }
}
