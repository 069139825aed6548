/** A user session (Servlet spec ch. 7). */
import type { ServletContext } from './servlet-context.js';

export interface HttpSession {
  getId(): string;
  getCreationTime(): number;
  getLastAccessedTime(): number;
  /** Seconds; zero or negative means the session never times out. */
  getMaxInactiveInterval(): number;
  setMaxInactiveInterval(seconds: number): void;
  getAttribute(name: string): unknown;
  getAttributeNames(): string[];
  setAttribute(name: string, value: unknown): void;
  removeAttribute(name: string): void;
  invalidate(): void;
  isNew(): boolean;
  getServletContext(): ServletContext;
}
