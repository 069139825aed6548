/**
 * Tomcat's SingleSignOn valve, on a Host: a user who logs in to one application of the Host is logged in to all of
 * them. The login's authenticator registers the user here under a random id sent as the `JSESSIONIDSSO` cookie
 * (path `/`, HttpOnly, Secure over TLS); the authenticators of the other applications take the user from it
 * (without asking their realm again, unless requireReauthentication), and each session that takes part is
 * remembered. Logging out of any of them — request.logout(), or invalidating a session — ends the single sign-on
 * and every session of it, in every application; a session that merely times out only leaves it.
 */
import { randomBytes } from 'node:crypto';
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import { ContainerValveBase, type ValveResult } from '../core/valve.js';
import { GenericPrincipal, type GenericPrincipalData } from '../realm/generic-principal.js';
import { Cookie } from '../servlet/cookie.js';
import type { SessionManager } from '../session/session-manager.js';

export const SINGLE_SIGN_ON_CLASS = 'org.apache.catalina.authenticator.SingleSignOn';

/** The request note holding the single sign-on id the request came with (Tomcat's Constants.REQ_SSOID_NOTE). */
const SSO_ID_NOTE = 'org.apache.catalina.request.SSOID';

export interface SingleSignOnSettings {
  /** Default `JSESSIONIDSSO`. */
  readonly cookieName: string;
  /** The cookie's Domain, to share it with sibling hosts; unset: this host only. */
  readonly cookieDomain: string | undefined;
  /** Whether each application still checks the user with its own realm (default false: the login is trusted). */
  readonly requireReauthentication: boolean;
}

export interface SignedOnUser {
  readonly principal: GenericPrincipal;
  readonly authType: string;
}

interface Entry {
  readonly principal: GenericPrincipalData;
  readonly authType: string;
  /** The sessions taking part: application (context name) → its session manager and session id. */
  readonly sessions: Map<string, { readonly manager: SessionManager; readonly id: string }>;
}

export class SingleSignOnValve extends ContainerValveBase {
  readonly settings: SingleSignOnSettings;
  readonly #entries = new Map<string, Entry>();

  constructor(settings: SingleSignOnSettings) {
    super();
    this.settings = settings;
  }

  invoke(request: Request, response: Response): ValveResult {
    const id = request
      .getCookies()
      .find((cookie) => cookie.getName() === this.settings.cookieName)
      ?.getValue();
    if (id !== undefined) {
      if (this.#entries.has(id)) request.setNote(SSO_ID_NOTE, id);
      // A cookie of a single sign-on that ended (logout, restart): the browser should forget it (Tomcat does the same).
      else response.addCookie(this.#cookie(request, '', 0));
    }
    return this.next!.invoke(request, response);
  }

  /** The user this request is signed on as, if any. */
  signedOn(request: Request): SignedOnUser | null {
    const entry = this.#entryOf(request);
    return entry === undefined ? null : { principal: GenericPrincipal.fromData(entry.principal), authType: entry.authType };
  }

  /** After a login in `context`: a new single sign-on (a new id, so a cookie set before the login is worth nothing). */
  register(request: Request, response: Response, user: SignedOnUser): void {
    const previous = request.getNote(SSO_ID_NOTE);
    if (typeof previous === 'string') this.#entries.delete(previous);
    const id = randomBytes(24).toString('hex');
    const { name, roles, realmPath } = user.principal;
    this.#entries.set(id, { principal: { name, roles, realmPath }, authType: user.authType, sessions: new Map() });
    request.setNote(SSO_ID_NOTE, id);
    response.addCookie(this.#cookie(request, id, -1));
  }

  /** Remembers that `context`'s session takes part, so a logout elsewhere ends it too. */
  associate(request: Request, context: string, manager: SessionManager, sessionId: string): void {
    this.#entryOf(request)?.sessions.set(context, { manager, id: sessionId });
  }

  /** request.logout() in any application: the single sign-on ends, with every session of it. */
  logout(request: Request, response: Response): void {
    const id = request.getNote(SSO_ID_NOTE);
    if (typeof id !== 'string') return;
    request.setNote(SSO_ID_NOTE, null);
    response.addCookie(this.#cookie(request, '', 0));
    this.#end(id);
  }

  /**
   * A session of `context` ended. Invalidated (a logout): the whole single sign-on ends. Timed out: only that
   * session leaves it (Tomcat's SingleSignOnListener).
   */
  sessionDestroyed(context: string, sessionId: string, timedOut: boolean): void {
    for (const [id, entry] of this.#entries) {
      const member = entry.sessions.get(context);
      if (member?.id !== sessionId) continue;
      entry.sessions.delete(context);
      if (!timedOut) this.#end(id);
    }
  }

  #end(id: string): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    // Removed first: invalidating the sessions below calls sessionDestroyed again.
    this.#entries.delete(id);
    for (const { manager, id: sessionId } of entry.sessions.values()) manager.findSession(sessionId)?.invalidate();
  }

  #entryOf(request: Request): Entry | undefined {
    const id = request.getNote(SSO_ID_NOTE);
    return typeof id === 'string' ? this.#entries.get(id) : undefined;
  }

  #cookie(request: Request, value: string, maxAge: number): Cookie {
    const cookie = new Cookie(this.settings.cookieName, value);
    cookie.setPath('/');
    cookie.setHttpOnly(true);
    if (request.isSecure()) cookie.setSecure(true);
    if (this.settings.cookieDomain !== undefined) cookie.setDomain(this.settings.cookieDomain);
    cookie.setMaxAge(maxAge);
    return cookie;
  }
}
