/** What a request needs from the Context it was mapped to; the core's Context implements it. */
import type { RequestDispatcher } from '../servlet/request-dispatcher.js';
import type { ServletContext } from '../servlet/servlet-context.js';
import type { SessionManager } from '../session/session-manager.js';
import type { Authenticator } from './authenticator.js';
import type { Request } from './request.js';

export interface ContextBinding {
  readonly servletContext: ServletContext;
  /** "" for ROOT. */
  readonly contextPath: string;
  /** JSESSIONID unless the Context says otherwise. */
  readonly sessionCookieName: string;
  /** The context path, or "/" for ROOT. */
  readonly sessionCookiePath: string;
  /** web.xml cookie-config secure; null = follow request.isSecure(). */
  readonly sessionCookieSecure: boolean | null;
  readonly useHttpOnly: boolean;
  readonly useRelativeRedirects: boolean;
  /** web.xml request-character-encoding (UTF-8 in conf/web.xml). */
  readonly requestCharacterEncoding: string | null;
  readonly responseCharacterEncoding: string | null;
  readonly sessionManager: SessionManager;
  /** The authenticator of the webapp: its constraints, login method and programmatic security. */
  readonly authenticator: Authenticator;
  /** `path` is context-relative and starts with '/'. */
  getRequestDispatcher(path: string): RequestDispatcher | null;
  fireRequestAttributeEvent?(kind: 'added' | 'removed' | 'replaced', request: Request, name: string, value: unknown): void;
}
