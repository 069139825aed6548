/**
 * The authenticator of one Context (Tomcat's AuthenticatorBase): the first valve of the Context's pipeline once
 * the application declares a constraint or a login method. For each request it
 * 1. restores the user cached in the session (cache="true");
 * 2. lets the login method answer its own requests (FORM's j_security_check);
 * 3. looks the request up in the ConstraintTable, by the canonical context-relative path the Mapper used (and
 *    the welcome file it was mapped to, when that differs: both must allow the request), so encodings, path
 *    parameters and dot segments never reach the check;
 * 4. sends a request that needs a confidential transport to the Connector's redirectPort, or 403 without one;
 * 5. has the login method establish a user when one is needed, then checks the roles (403 when none fits).
 * It also answers the programmatic security of the Servlet API (request.login() and friends).
 * A realm that cannot be asked (its database is down) gives a 503 with a coded log line; it never lets anyone in.
 */
import type { Logger } from 'pino';
import type { Authenticator } from '../core/authenticator.js';
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import { ContainerValveBase, type ValveResult } from '../core/valve.js';
import { ContainerError } from '../errors/container-error.js';
import { logCoded } from '../logging/logger.js';
import { GenericPrincipal, type GenericPrincipalData } from '../realm/generic-principal.js';
import type { Realm, RealmPolicy } from '../realm/realm.js';
import type { Principal } from '../servlet/principal.js';
import type { RequestDispatcher } from '../servlet/request-dispatcher.js';
import type { AuthenticatorSettings } from './authenticator-settings.js';
import type { AuthRequirement, ConstraintTable, RequiredAccess } from './constraint-table.js';
import type { LoginContext, LoginMethod } from './login-method.js';
import type { SignOnApplication, SingleSignOnValve } from './single-sign-on.js';
import type { HttpSession } from '../servlet/http-session.js';
import type { SessionManager } from '../session/session-manager.js';

/** The session note of the authenticated user (cache="true"). */
export const PRINCIPAL_NOTE = 'org.apache.catalina.authenticator.PRINCIPAL';

type RoleRequirement = Extract<AuthRequirement, { kind: 'roles' }>;

interface CachedUser {
  readonly principal: GenericPrincipalData;
  readonly authType: string;
}

/** What the authenticator needs of its Context. */
export interface SecuredContext {
  /** The Realm that applies to the Context (its own, its Host's or its Engine's). */
  readonly realm: Realm | null;
  readonly realmPolicy: RealmPolicy;
  readonly logger: Logger;
  /** The container name and its Host's, which tell the applications of a single sign-on apart. */
  readonly name: string;
  readonly parent: { readonly name: string } | null;
  readonly sessionManager: SessionManager;
  getRequestDispatcher(path: string): RequestDispatcher | null;
}

export interface AuthenticatorOptions {
  readonly context: SecuredContext;
  /** "" for ROOT. */
  readonly contextPath: string;
  readonly constraints: ConstraintTable;
  /** null: the application has no `<login-config>`, so a request that needs a user is refused (403). */
  readonly loginMethod: LoginMethod | null;
  readonly realmName: string;
  readonly settings: AuthenticatorSettings;
  /** The application's `<security-role>`s (what `*` stands for, and whether `**` is a real role). */
  readonly declaredRoles: readonly string[];
  /** servlet name → role-name → role-link (`<security-role-ref>`, Servlet 6.0 §13.3). */
  readonly roleRefs: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** The Host's SingleSignOn valve, when it has one. */
  readonly singleSignOn: SingleSignOnValve | null;
}

export class AuthenticatorValve extends ContainerValveBase implements Authenticator {
  readonly #options: AuthenticatorOptions;
  readonly #declaredRoles: ReadonlySet<string>;
  readonly #login: LoginContext;

  constructor(options: AuthenticatorOptions) {
    super();
    this.#options = options;
    this.#declaredRoles = new Set(options.declaredRoles);
    const context = options.context;
    this.#login = {
      // Fixed for the authenticator's life: a Context's realm is set before it starts, and each start makes a new one.
      realm: context.realm ?? NO_REALM,
      realmName: options.realmName,
      settings: options.settings,
      contextPath: options.contextPath,
      register: (request, principal, authType) => this.#register(request, principal, authType),
      forward: (request, response, path) => forwardTo(context, request, response, path),
    };
  }

  get authType(): string {
    return this.#options.loginMethod?.authType ?? 'NONE';
  }

  invoke(request: Request, response: Response): ValveResult {
    const options = this.#options;
    // Only a request that can name a session (a cookie, or `;jsessionid=` in its URI) can carry a cached user or a
    // saved FORM request: most requests skip the cookie parsing and session lookup altogether.
    if (mayHaveSession(request)) {
      if (options.settings.cache) this.#restoreCachedUser(request);
      options.loginMethod?.restore?.(request);
    }
    if (options.singleSignOn !== null && !options.singleSignOn.settings.requireReauthentication) this.#adoptSignedOnUser(request);
    const path = contextRelativePath(request, options.contextPath);
    const intercepted = options.loginMethod?.intercept?.(request, response, path, this.#login);
    if (intercepted !== undefined) return this.#guard(intercepted, response);
    const accesses = this.#requiredAccess(request, path);
    if (accesses.length === 0) return this.next!.invoke(request, response);
    if (accesses.some((access) => access.confidential) && !request.isSecure()) {
      this.#redirectToSecurePort(request, response);
      return;
    }
    if (options.settings.disableProxyCaching) this.#forbidProxyCaching(response);
    if (accesses.some((access) => access.auth.kind === 'deny')) {
      response.sendError(403);
      return;
    }
    const roles = accesses.flatMap((access) => (access.auth.kind === 'roles' ? [access.auth] : []));
    if (roles.length === 0) return this.next!.invoke(request, response);
    if (request.getUserPrincipal() !== null) return this.#authorize(request, response, roles);
    return this.#guard(this.#authenticateThenAuthorize(request, response, roles), response);
  }

  async #authenticateThenAuthorize(request: Request, response: Response, roles: readonly RoleRequirement[]): Promise<void> {
    if (!(await this.#establishUser(request, response))) return;
    await this.#authorize(request, response, roles);
  }

  /** Every requirement (the path's, and its welcome file's) must be met by one of the user's roles. */
  #authorize(request: Request, response: Response, roles: readonly RoleRequirement[]): ValveResult {
    const principal = request.getUserPrincipal();
    if (principal === null || !roles.every((requirement) => this.#permits(principal, requirement))) {
      response.sendError(403);
      return;
    }
    return this.next!.invoke(request, response);
  }

  /** Servlet 6.0 §13.8: `**` any authenticated user; `*` the declared roles, as the realm's allRolesMode says. */
  #permits(principal: Principal, requirement: RoleRequirement): boolean {
    if (requirement.anyUser) return true;
    const roles = requirement.roles;
    const realm = this.#login.realm;
    const mode = this.#options.context.realmPolicy.allRolesMode;
    if (mode === 'authOnly' && this.#requiresAllRoles(roles)) return true;
    if (mode === 'strictAuthOnly' && this.#declaredRoles.size === 0 && this.#requiresAllRoles(roles)) return true;
    if (!(principal instanceof GenericPrincipal)) return false;
    for (const role of roles) if (realm.hasRole(principal, role)) return true;
    return false;
  }

  /** True when the constraint named `*` (its roles are then every declared role). */
  #requiresAllRoles(roles: ReadonlySet<string>): boolean {
    return this.#declaredRoles.size === 0 ? roles.size === 0 : [...this.#declaredRoles].every((role) => roles.has(role));
  }

  /**
   * What the requested path, and the welcome file it was mapped to when that differs, need: both must allow it.
   * Empty (a shared array, nothing allocated) for the usual request no constraint covers.
   */
  #requiredAccess(request: Request, path: string): readonly RequiredAccess[] {
    const table = this.#options.constraints;
    if (table.isEmpty) return NOTHING_REQUIRED;
    const method = request.getMethod();
    const own = table.requiredAccess(path, method);
    const mapped = request.mappingData.requestPath;
    const welcome = mapped !== path && mapped !== '' ? table.requiredAccess(mapped, method) : null;
    const ownNeeds = needsSomething(own);
    const welcomeNeeds = welcome !== null && needsSomething(welcome);
    if (!ownNeeds && !welcomeNeeds) return NOTHING_REQUIRED;
    if (!welcomeNeeds) return [own];
    return ownNeeds ? [own, welcome] : [welcome];
  }

  /** A user the login method establishes; false when it started a login instead (the response says what to do). */
  async #establishUser(request: Request, response: Response): Promise<boolean> {
    const method = this.#options.loginMethod;
    if (this.#options.singleSignOn?.settings.requireReauthentication === true && (await this.#reauthenticateSignedOnUser(request)))
      return true;
    if (method === null) {
      // No login-config: nobody can log in, so a resource that needs a user is forbidden (Tomcat's NonLoginAuthenticator).
      response.sendError(403);
      return false;
    }
    return method.authenticate(request, response, this.#login);
  }

  /** The user of the Host's single sign-on, trusted as it is (requireReauthentication="false"). */
  #adoptSignedOnUser(request: Request): void {
    if (request.getUserPrincipal() !== null) return;
    const user = this.#options.singleSignOn!.signedOn(request);
    if (user === null) return;
    request.setUserPrincipal(user.principal, user.authType);
    this.#associate(request);
  }

  /** requireReauthentication="true": the user of the single sign-on must be known to this application's realm too. */
  async #reauthenticateSignedOnUser(request: Request): Promise<boolean> {
    const user = this.#options.singleSignOn?.signedOn(request) ?? null;
    if (user === null) return false;
    const principal = await this.#login.realm.authenticateVerified(user.principal.name);
    if (principal === null) return false;
    request.setUserPrincipal(principal, user.authType);
    this.#associate(request);
    return true;
  }

  #associate(request: Request): void {
    const session = request.getSession(false);
    const sso = this.#options.singleSignOn;
    if (sso !== null && session !== null) sso.associate(request, this.#application(), session.getId());
  }

  #application(): SignOnApplication {
    const context = this.#options.context;
    return { host: context.parent?.name ?? '', context: context.name, manager: context.sessionManager };
  }

  #restoreCachedUser(request: Request): void {
    if (request.getUserPrincipal() !== null) return;
    const session = request.getSession(false);
    const cached = session?.getNote(PRINCIPAL_NOTE) as CachedUser | undefined;
    if (cached !== undefined) request.setUserPrincipal(GenericPrincipal.fromData(cached.principal), cached.authType);
  }

  #register(request: Request, principal: GenericPrincipal, authType: string): void {
    const settings = this.#options.settings;
    request.setUserPrincipal(principal, authType);
    this.#options.singleSignOn?.register(request, request.response, { principal, authType });
    const session = request.getSession(settings.alwaysUseSession || authType === 'FORM');
    if (session === null) return;
    // Session fixation (OWASP): whoever knew the session id before the login must not share the logged-in session.
    if (settings.changeSessionIdOnAuthentication) request.changeSessionId();
    if (settings.cache) {
      const cached: CachedUser = { principal: { name: principal.name, roles: principal.roles, realmPath: principal.realmPath }, authType };
      session.setNote(PRINCIPAL_NOTE, cached);
    }
    this.#associate(request);
  }

  /** Tomcat's sslRedirect: the same URI on the Connector's redirectPort over https, or 403 when there is none. */
  #redirectToSecurePort(request: Request, response: Response): void {
    const port = request.connector.redirectPort;
    if (!(port > 0)) {
      response.sendError(403);
      return;
    }
    const host = request.getServerName();
    const authority = port === 443 ? host : `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const query = request.getQueryString();
    response.setHeader('Location', `https://${authority}${request.getRequestURI()}${query === null ? '' : `?${query}`}`);
    response.setStatus(this.#options.context.realmPolicy.transportGuaranteeRedirectStatus);
  }

  /** Constrained pages must not be stored by shared caches (Tomcat's disableProxyCaching). */
  #forbidProxyCaching(response: Response): void {
    if (this.#options.settings.securePagesWithPragma) {
      response.setHeader('Pragma', 'No-cache');
      response.setHeader('Cache-Control', 'no-cache');
    } else {
      response.setHeader('Cache-Control', 'private');
    }
    response.setHeader('Expires', 'Thu, 01 Jan 1970 00:00:00 GMT');
  }

  /** A realm that cannot answer is a 503 and a logged error, never a login. */
  async #guard(work: Promise<void>, response: Response): Promise<void> {
    try {
      await work;
    } catch (error) {
      if (!(error instanceof ContainerError) || error.code !== 'SV_ERR_REALM_UNAVAILABLE') throw error;
      logCoded(this.#options.context.logger, 'error', error);
      if (!response.isCommitted()) response.sendError(503);
    }
  }

  // --- programmatic security (HttpServletRequest) ---

  async login(request: Request, username: string, password: string): Promise<void> {
    if (request.getUserPrincipal() !== null)
      throw new ContainerError('SV_ERR_AUTH_ALREADY_LOGGED_IN', { user: request.getRemoteUser() ?? '' });
    const principal = await this.#login.realm.authenticate(username, password);
    if (principal === null) throw new ContainerError('SV_ERR_AUTH_LOGIN_FAILED');
    this.#register(request, principal, this.authType);
  }

  async logout(request: Request): Promise<void> {
    request.setUserPrincipal(null, null);
    request.getSession(false)?.removeNote(PRINCIPAL_NOTE);
    this.#options.singleSignOn?.logout(request, request.response);
  }

  /**
   * A session of this application ended (the authenticator listens to its session manager): a single sign-on it
   * took part in ends too when the session was invalidated, not when it timed out.
   */
  sessionDestroyed(event: { getSession(): HttpSession }): void {
    const sso = this.#options.singleSignOn;
    if (sso === null) return;
    const session = event.getSession();
    const idle = session.getMaxInactiveInterval();
    const timedOut = idle > 0 && Date.now() - session.getLastAccessedTime() >= idle * 1000;
    const { host, context } = this.#application();
    sso.sessionDestroyed({ host, context, sessionId: session.getId() }, timedOut);
  }

  async authenticate(request: Request, response: Response): Promise<boolean> {
    if (request.getUserPrincipal() !== null) return true;
    try {
      return await this.#establishUser(request, response);
    } catch (error) {
      if (error instanceof ContainerError && error.code === 'SV_ERR_REALM_UNAVAILABLE')
        logCoded(this.#options.context.logger, 'error', error);
      throw error;
    }
  }

  /** Servlet 6.0 §13.3: through the servlet's role refs; `*` is never a role; `**` any user unless declared. */
  isUserInRole(request: Request, role: string): boolean {
    const principal = request.getUserPrincipal();
    if (principal === null || role === '*') return false;
    const servlet = request.mappingData.wrapper?.name;
    const linked = (servlet === undefined ? undefined : this.#options.roleRefs.get(servlet)?.get(role)) ?? role;
    if (linked === '**' && !this.#declaredRoles.has('**')) return true;
    return principal instanceof GenericPrincipal && this.#login.realm.hasRole(principal, linked);
  }
}

const NOTHING_REQUIRED: readonly RequiredAccess[] = Object.freeze([]);

function mayHaveSession(request: Request): boolean {
  return request.getSessionIfExists() !== null || request.getHeader('cookie') !== null || request.getRequestURI().includes(';');
}

function needsSomething(access: RequiredAccess): boolean {
  return access.confidential || access.auth.kind !== 'none';
}

/** The canonical path inside the context ("/" for its root), as the Mapper saw it before welcome files. */
function contextRelativePath(request: Request, contextPath: string): string {
  const uri = request.getDecodedRequestURI();
  const path = uri.slice(contextPath.length);
  return path === '' ? '/' : path;
}

async function forwardTo(context: SecuredContext, request: Request, response: Response, path: string): Promise<void> {
  const dispatcher = context.getRequestDispatcher(path);
  if (dispatcher === null) {
    response.sendError(500);
    return;
  }
  await dispatcher.forward(request.facade, response.facade);
}

/** Stands in while a Context has no realm at all (never in a built tree: the Engine gets a NullRealm). */
const NO_REALM: Realm = {
  realmPath: '',
  setRealmPath: () => undefined,
  start: async () => undefined,
  stop: async () => undefined,
  isAvailable: () => false,
  backgroundProcess: () => undefined,
  authenticate: async () => null,
  authenticateVerified: async () => null,
  authenticateDigest: async () => null,
  supportsDigest: () => false,
  hasRole: () => false,
};
