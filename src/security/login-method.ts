/**
 * One of the Servlet spec's login methods (§13.6): BASIC, FORM, DIGEST or CLIENT-CERT. The authenticator valve
 * decides whether a request needs a user; the login method establishes one from what the request carries, or
 * starts a login (a challenge, the login page) when it cannot.
 */
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import type { GenericPrincipal } from '../realm/generic-principal.js';
import type { Realm } from '../realm/realm.js';
import type { AuthenticatorSettings } from './authenticator-settings.js';

/** What a login method may use of its authenticator. */
export interface LoginContext {
  readonly realm: Realm;
  /** `<realm-name>` of the login-config, or the default Tomcat announces. */
  readonly realmName: string;
  readonly settings: AuthenticatorSettings;
  /** "" for ROOT. */
  readonly contextPath: string;
  /** Logs the user in for this request and, as settings say, its session (session id changed). */
  register(request: Request, principal: GenericPrincipal, authType: string): void;
  /** Forwards the request to a page of the application (the FORM login and error pages). */
  forward(request: Request, response: Response, path: string): Promise<void>;
}

export interface LoginMethod {
  /** What getAuthType() reports for users it logged in (HttpServletRequest.BASIC_AUTH…). */
  readonly authType: string;
  /**
   * Establishes the user from the request. When it cannot, it starts a login on the response (401 with a
   * challenge, the login page, 400 for malformed credentials) and resolves false.
   */
  authenticate(request: Request, response: Response, login: LoginContext): Promise<boolean>;
  /**
   * A request the method answers itself before any constraint is looked at (FORM's `j_security_check`), given its
   * context-relative path; undefined when this request is not one.
   */
  intercept?(request: Request, response: Response, path: string, login: LoginContext): Promise<void> | undefined;
  /** Runs before constraints on every request once a user is known (FORM: a saved request is restored). */
  restore?(request: Request): void;
}
