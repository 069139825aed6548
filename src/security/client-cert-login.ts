/**
 * CLIENT-CERT (Servlet 6.0 §13.6.4): the user is the client certificate the TLS handshake verified against the
 * connector's trusted CAs (certificateVerification="required" or "optional"), or the one a trusted AJP front end
 * forwarded. Its user name comes from the realm's X509UsernameRetrieverClassName (the subject DN by default, as in
 * Tomcat), and the realm must know that user (authenticateVerified): no password is involved. A certificate the
 * handshake did not verify (optional_no_ca) never logs anyone in.
 */
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import { HttpServletRequest } from '../servlet/http-servlet-request.js';
import type { LoginContext, LoginMethod } from './login-method.js';
import type { X509UsernameRetriever } from './x509-username.js';

export class ClientCertLogin implements LoginMethod {
  readonly authType = HttpServletRequest.CLIENT_CERT_AUTH;
  readonly #username: X509UsernameRetriever;

  constructor(username: X509UsernameRetriever) {
    this.#username = username;
  }

  async authenticate(request: Request, response: Response, login: LoginContext): Promise<boolean> {
    const certificate = request.getVerifiedClientCertificates()[0];
    const name = certificate === undefined ? null : this.#username(certificate);
    const principal = name === null ? null : await login.realm.authenticateVerified(name);
    if (principal === null) {
      response.sendError(401);
      return false;
    }
    login.register(request, principal, this.authType);
    return true;
  }
}
