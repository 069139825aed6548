/**
 * FORM (Servlet 6.0 §13.6.3): a request that needs a user is saved in the session and answered with the
 * application's login page; the page posts `j_username` and `j_password` to `j_security_check`; on success the
 * browser is sent back to the saved request (or to landingPage), on failure it gets the error page.
 * - Open redirects: the target is always this application's own saved path (or landingPage, a context-relative
 *   path), never anything the client sends at login, and leading slashes are collapsed so it cannot turn into a
 *   protocol-relative URL (`//evil.example`).
 * - Session fixation: the session id changes at login (AuthenticatorSettings.changeSessionIdOnAuthentication).
 */
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import { HttpServletRequest } from '../servlet/http-servlet-request.js';
import type { LoginContext, LoginMethod } from './login-method.js';

/** The session note holding the request that led to the login page. */
export const SAVED_REQUEST_NOTE = 'org.apache.catalina.authenticator.REQUEST';

/** What is kept of the request that led to the login page (plain data: it lives in the session). */
export interface SavedRequest {
  readonly method: string;
  /** As the client sent it, starting with the context path. */
  readonly requestURI: string;
  readonly queryString: string | null;
  readonly contentType: string | null;
  /** The body, base64 (session notes are plain data); null for a GET or HEAD. */
  readonly body: string | null;
}

const FORM_ACTION = '/j_security_check';

export class FormLogin implements LoginMethod {
  readonly authType = HttpServletRequest.FORM_AUTH;
  readonly loginPage: string;
  readonly errorPage: string;

  constructor(loginPage: string, errorPage: string) {
    this.loginPage = loginPage;
    this.errorPage = errorPage;
  }

  async authenticate(request: Request, response: Response, login: LoginContext): Promise<boolean> {
    const method = request.getMethod();
    let body: Buffer | null = null;
    if (method !== 'GET' && method !== 'HEAD') {
      // Connector maxSavePostSize: a bigger body cannot be kept for after the login; Tomcat refuses the request (403).
      body = await request.readBodyToSave(request.connector.maxSavePostSize);
      if (body === null) {
        response.sendError(403);
        return false;
      }
    }
    const session = request.getSession(true)!;
    const saved: SavedRequest = {
      method,
      requestURI: request.getRequestURI(),
      queryString: request.getQueryString(),
      contentType: request.getContentType(),
      body: body === null ? null : body.toString('base64'),
    };
    session.setNote(SAVED_REQUEST_NOTE, saved);
    await login.forward(request, response, this.loginPage);
    return false;
  }

  /**
   * The first request for the saved page after the login becomes the saved request: its method, body and content
   * type (a POST that led to the login page is carried out after it). The note is used once.
   */
  restore(request: Request): void {
    const session = request.getSession(false);
    const saved = session?.getNote(SAVED_REQUEST_NOTE) as SavedRequest | undefined;
    if (session == null || saved === undefined || request.getUserPrincipal() === null) return;
    if (saved.requestURI !== request.getRequestURI() || saved.queryString !== request.getQueryString()) return;
    session.removeNote(SAVED_REQUEST_NOTE);
    if (saved.method === request.getMethod()) return;
    request.restoreSavedRequest({
      method: saved.method,
      contentType: saved.contentType,
      body: saved.body === null ? null : Buffer.from(saved.body, 'base64'),
    });
  }

  intercept(request: Request, response: Response, path: string, login: LoginContext): Promise<void> | undefined {
    if (!path.endsWith(FORM_ACTION)) return undefined;
    return this.#check(request, response, login);
  }

  async #check(request: Request, response: Response, login: LoginContext): Promise<void> {
    // Only a POST carries the form; anything else at j_security_check is not a login (Tomcat answers the same).
    if (request.getMethod() !== 'POST') {
      response.sendError(405);
      return;
    }
    const username = request.getParameter('j_username');
    const password = request.getParameter('j_password');
    const principal = username === null || password === null ? null : await login.realm.authenticate(username, password);
    if (principal === null) {
      await login.forward(request, response, this.errorPage);
      return;
    }
    const saved = request.getSession(false)?.getNote(SAVED_REQUEST_NOTE) as SavedRequest | undefined;
    const target = saved !== undefined ? savedTarget(saved, login.contextPath) : landingTarget(login);
    if (target === null) {
      // No request to return to: the login page was posted to directly, or its session expired meanwhile.
      response.sendError(400);
      return;
    }
    login.register(request, principal, this.authType);
    // 303: the browser fetches the saved page with GET (RFC 9110 §15.4.4).
    response.sendRedirect(target, 303);
  }
}

/** The saved request's URI inside this application, with one leading slash. */
function savedTarget(saved: SavedRequest, contextPath: string): string | null {
  const uri = saved.requestURI.replace(/^[/\\]+/, '/');
  if (!uri.startsWith(`${contextPath}/`) && uri !== contextPath) return null;
  return saved.queryString === null ? uri : `${uri}?${saved.queryString}`;
}

function landingTarget(login: LoginContext): string | null {
  const page = login.settings.landingPage;
  if (page === undefined) return null;
  return `${login.contextPath}/${page.replace(/^[/\\]+/, '')}`;
}
