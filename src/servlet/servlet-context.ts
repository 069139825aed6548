/** The webapp as its code sees it (Servlet spec ch. 4). */
import type { RequestDispatcher } from './request-dispatcher.js';
import type { SessionType } from './session-type.js';

export interface ServletContext {
  getContextPath(): string;
  getServletContextName(): string;
  getServerInfo(): string;
  getMajorVersion(): number;
  getMinorVersion(): number;

  getAttribute(name: string): unknown;
  getAttributeNames(): string[];
  setAttribute(name: string, value: unknown): void;
  removeAttribute(name: string): void;

  getInitParameter(name: string): string | null;
  getInitParameterNames(): string[];
  /** Only while the context is initialising; false if the parameter is already set. */
  setInitParameter(name: string, value: string): boolean;

  /** The file-system path for a webapp path (it must start with `/`), or null when not inside the docBase. */
  getRealPath(path: string): string | null;
  /** A `file:` URL for an existing resource, or null. */
  getResource(path: string): URL | null;
  getResourceAsStream(path: string): NodeJS.ReadableStream | null;
  /** The directory entries under a path, each ending in `/` when it is a directory. */
  getResourcePaths(path: string): string[] | null;
  getMimeType(file: string): string | null;

  getRequestDispatcher(path: string): RequestDispatcher | null;
  getNamedDispatcher(name: string): RequestDispatcher | null;
  /** Another webapp on the same host (only when crossContext is enabled), else null. */
  getContext(uripath: string): ServletContext | null;

  log(message: string, error?: unknown): void;

  /**
   * Serval's addition: lets instances of an application class be kept in stored sessions (over a reload, across
   * a restart), rebuilt through `type` (docs/session-format.md). Call it in contextInitialized: sessions are
   * restored after the listeners ran.
   */
  addSessionType(type: SessionType): void;
}
