/**
 * What a Context's authenticator offers the rest of the container (Tomcat's Authenticator): it is the valve that
 * enforces the application's security constraints and login method, and it answers the Servlet API's programmatic
 * security (`request.login()`, `logout()`, `authenticate()`, `isUserInRole()`). The implementation lives in
 * security/; core knows only this contract.
 */
import type { Request } from './request.js';
import type { Response } from './response.js';
import type { ContainerValve } from './valve.js';

export interface Authenticator extends ContainerValve {
  /** request.login(): rejects with a coded error when the credentials do not match or a user is already logged in. */
  login(request: Request, username: string, password: string): Promise<void>;
  logout(request: Request): Promise<void>;
  authenticate(request: Request, response: Response): Promise<boolean>;
  isUserInRole(request: Request, role: string): boolean;
}
