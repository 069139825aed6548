/**
 * The session as webapp code sees it (Tomcat's StandardSessionFacade): the HttpSession API only. The
 * manager-facing methods (access, expiry, id changes, worker flushes) stay on the session behind it.
 */
import type { HttpSession } from '../servlet/http-session.js';
import type { ServletContext } from '../servlet/servlet-context.js';

export class HttpSessionFacade implements HttpSession {
  readonly #session: HttpSession;

  constructor(session: HttpSession) {
    this.#session = session;
  }

  getId(): string {
    return this.#session.getId();
  }
  getCreationTime(): number {
    return this.#session.getCreationTime();
  }
  getLastAccessedTime(): number {
    return this.#session.getLastAccessedTime();
  }
  getMaxInactiveInterval(): number {
    return this.#session.getMaxInactiveInterval();
  }
  setMaxInactiveInterval(seconds: number): void {
    this.#session.setMaxInactiveInterval(seconds);
  }
  getAttribute(name: string): unknown {
    return this.#session.getAttribute(name);
  }
  getAttributeNames(): string[] {
    return this.#session.getAttributeNames();
  }
  setAttribute(name: string, value: unknown): void {
    this.#session.setAttribute(name, value);
  }
  removeAttribute(name: string): void {
    this.#session.removeAttribute(name);
  }
  invalidate(): void {
    this.#session.invalidate();
  }
  isNew(): boolean {
    return this.#session.isNew();
  }
  getServletContext(): ServletContext {
    return this.#session.getServletContext();
  }
}
