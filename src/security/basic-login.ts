/**
 * BASIC (RFC 7617): the user name and password in the Authorization header, checked with the realm on every
 * request that needs a user (or once per session with alwaysUseSession). Malformed credentials are a 400, wrong
 * ones a 401 with a fresh challenge; neither says whether the user exists.
 */
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import { HttpServletRequest } from '../servlet/http-servlet-request.js';
import { basicChallenge, parseBasicAuthorization } from './basic-authorization.js';
import type { LoginContext, LoginMethod } from './login-method.js';

export class BasicLogin implements LoginMethod {
  readonly authType = HttpServletRequest.BASIC_AUTH;

  async authenticate(request: Request, response: Response, login: LoginContext): Promise<boolean> {
    const header = request.getHeader('authorization');
    const credentials = header === null ? 'not-basic' : parseBasicAuthorization(header);
    if (credentials === 'malformed') {
      response.sendError(400);
      return false;
    }
    if (credentials !== 'not-basic') {
      const principal = await login.realm.authenticate(credentials.username, credentials.password);
      if (principal !== null) {
        login.register(request, principal, this.authType);
        return true;
      }
    }
    response.setHeader('WWW-Authenticate', basicChallenge(login.realmName));
    response.sendError(401);
    return false;
  }
}
