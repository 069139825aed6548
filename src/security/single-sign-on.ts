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
import { GenericPrincipal } from '../realm/generic-principal.js';
import { Cookie } from '../servlet/cookie.js';
import type { SessionManager } from '../session/session-manager.js';
import { LocalSignOnTable, type SignedOnData, type SignOnMember, type SignOnTable } from './sign-on-table.js';

export const SINGLE_SIGN_ON_CLASS = 'org.apache.catalina.authenticator.SingleSignOn';

/** The request note holding the single sign-on id the request came with (Tomcat's Constants.REQ_SSOID_NOTE). */
const SSO_ID_NOTE = 'org.apache.catalina.request.SSOID';
/** The user of that sign-on, as looked up once for the request (a worker thread's lookup is a call to the main thread). */
const SSO_USER_NOTE = 'serval.request.SSOUser';

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

/** Where an application's session is, for the table: its Host and Context names and its manager. */
export interface SignOnApplication {
  readonly host: string;
  readonly context: string;
  readonly manager: SessionManager;
}

export class SingleSignOnValve extends ContainerValveBase {
  readonly settings: SingleSignOnSettings;
  readonly #table: SignOnTable;

  /** `table`: the main thread's own by default; a worker thread's valve is given a proxy to it. */
  constructor(settings: SingleSignOnSettings, table: SignOnTable = new LocalSignOnTable(() => randomBytes(24).toString('hex'))) {
    super();
    this.settings = settings;
    this.#table = table;
  }

  /** The table this valve answers from (the main thread answers its workers' calls with it). */
  get table(): SignOnTable {
    return this.#table;
  }

  invoke(request: Request, response: Response): ValveResult {
    const id = request
      .getCookies()
      .find((cookie) => cookie.getName() === this.settings.cookieName)
      ?.getValue();
    if (id !== undefined) {
      const user = this.#table.lookup(id);
      if (user !== null) {
        request.setNote(SSO_ID_NOTE, id);
        request.setNote(SSO_USER_NOTE, user);
      }
      // A cookie of a single sign-on that ended (logout, restart): the browser should forget it (Tomcat does the same).
      else response.addCookie(this.#cookie(request, '', 0));
    }
    return this.next!.invoke(request, response);
  }

  /** The user this request is signed on as, if any. */
  signedOn(request: Request): SignedOnUser | null {
    const user = request.getNote(SSO_USER_NOTE) as SignedOnData | null | undefined;
    return user == null ? null : { principal: GenericPrincipal.fromData(user.principal), authType: user.authType };
  }

  /** After a login: a new single sign-on (a new id, so a cookie set before the login is worth nothing). */
  register(request: Request, response: Response, user: SignedOnUser): void {
    const previous = request.getNote(SSO_ID_NOTE);
    const { name, roles, realmPath } = user.principal;
    const data: SignedOnData = { principal: { name, roles, realmPath }, authType: user.authType };
    const id = this.#table.register(typeof previous === 'string' ? previous : null, data);
    request.setNote(SSO_ID_NOTE, id);
    request.setNote(SSO_USER_NOTE, data);
    response.addCookie(this.#cookie(request, id, -1));
  }

  /** Remembers that the application's session takes part, so a logout elsewhere ends it too. */
  associate(request: Request, application: SignOnApplication, sessionId: string): void {
    const id = request.getNote(SSO_ID_NOTE);
    if (typeof id !== 'string') return;
    this.#table.associate(id, { host: application.host, context: application.context, sessionId }, application.manager);
  }

  /** request.logout() in any application: the single sign-on ends, with every session of it. */
  logout(request: Request, response: Response): void {
    const id = request.getNote(SSO_ID_NOTE);
    if (typeof id !== 'string') return;
    request.setNote(SSO_ID_NOTE, null);
    request.setNote(SSO_USER_NOTE, null);
    response.addCookie(this.#cookie(request, '', 0));
    this.#table.end(id);
  }

  /** A session of an application ended (see SignOnTable.sessionDestroyed). */
  sessionDestroyed(member: SignOnMember, timedOut: boolean): void {
    this.#table.sessionDestroyed(member, timedOut);
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
