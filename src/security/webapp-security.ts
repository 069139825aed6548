/**
 * A webapp's security as its descriptors declare it (web.xml `<security-constraint>`, `<login-config>`,
 * `<security-role>`, `<security-role-ref>`, `<deny-uncovered-http-methods/>`; the annotations merged in), turned
 * into the Context's authenticator. What cannot be enforced refuses the deployment, naming file and line
 * (architecture decision 11, fail closed): an unknown auth-method, a FORM login without its pages, DIGEST over a
 * realm that cannot check digests.
 * The login method is the one `<login-config>` names, unless the Context's descriptor declares one of Tomcat's
 * authenticator valves: as in Tomcat, the declared valve wins, and its attributes are the authenticator's settings.
 */
import type { ComponentConfig } from '../config/server-config.js';
import { DeployError } from '../errors/container-error.js';
import { AuthenticatorValve, type SecuredContext } from './authenticator-valve.js';
import { DEFAULT_AUTHENTICATOR_SETTINGS, type AuthenticatorSettings } from './authenticator-settings.js';
import { BasicLogin } from './basic-login.js';
import { ConstraintTable, type ConstraintDeclaration } from './constraint-table.js';
import { FormLogin } from './form-login.js';
import type { LoginMethod } from './login-method.js';

const AUTHENTICATORS = 'org.apache.catalina.authenticator.';

/** Tomcat's authenticator valve classes → the `<auth-method>` each implements. */
export const AUTHENTICATOR_VALVES: ReadonlyMap<string, string> = new Map([
  [`${AUTHENTICATORS}BasicAuthenticator`, 'BASIC'],
  [`${AUTHENTICATORS}FormAuthenticator`, 'FORM'],
  [`${AUTHENTICATORS}DigestAuthenticator`, 'DIGEST'],
  [`${AUTHENTICATORS}SSLAuthenticator`, 'CLIENT-CERT'],
  [`${AUTHENTICATORS}NonLoginAuthenticator`, 'NONE'],
]);

export interface SecurityDeclarations {
  readonly constraints: readonly ConstraintDeclaration[];
  readonly securityRoles: readonly string[];
  readonly denyUncoveredHttpMethods: boolean;
  readonly loginConfig: {
    readonly authMethod: string | null;
    readonly realmName: string | null;
    readonly formLoginPage: string | null;
    readonly formErrorPage: string | null;
    /** Where it was declared, for errors. */
    readonly file: string;
    readonly line: number;
  } | null;
  /** servlet name → role-name → role-link. */
  readonly roleRefs: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

export interface WebappSecurityOptions {
  readonly context: SecuredContext;
  /** The Context's name, for errors. */
  readonly name: string;
  readonly contextPath: string;
  /** The first authenticator valve among the Context's `<Valve>` elements, if any. */
  readonly valve: ComponentConfig | undefined;
}

/** Tomcat's default realm name in a BASIC or DIGEST challenge when the login-config names none. */
const DEFAULT_REALM_NAME = 'Authentication required';

export function createAuthenticator(
  declarations: SecurityDeclarations,
  options: WebappSecurityOptions,
): { authenticator: AuthenticatorValve; enforcesSecurity: boolean } {
  const loginConfig = declarations.loginConfig;
  const authMethod =
    options.valve !== undefined ? AUTHENTICATOR_VALVES.get(options.valve.className)! : (loginConfig?.authMethod?.toUpperCase() ?? null);
  const settings = settingsOf(options.valve);
  const where = {
    name: options.name,
    file: loginConfig?.file ?? options.valve?.location.file ?? '',
    line: loginConfig?.line ?? options.valve?.location.line ?? 0,
  };
  const loginMethod = loginMethodFor(authMethod, declarations, where);
  const authenticator = new AuthenticatorValve({
    context: options.context,
    contextPath: options.contextPath,
    constraints: new ConstraintTable(declarations.constraints, declarations.securityRoles, declarations.denyUncoveredHttpMethods),
    loginMethod,
    realmName: loginConfig?.realmName ?? DEFAULT_REALM_NAME,
    settings,
    declaredRoles: declarations.securityRoles,
    roleRefs: declarations.roleRefs,
  });
  const enforcesSecurity = declarations.constraints.length > 0 || loginConfig !== null || options.valve !== undefined;
  return { authenticator, enforcesSecurity };
}

function loginMethodFor(
  authMethod: string | null,
  declarations: SecurityDeclarations,
  where: { readonly name: string; readonly file: string; readonly line: number },
): LoginMethod | null {
  switch (authMethod) {
    case null:
    case 'NONE':
      return null;
    case 'BASIC':
      return new BasicLogin();
    case 'FORM': {
      const loginPage = declarations.loginConfig?.formLoginPage ?? null;
      const errorPage = declarations.loginConfig?.formErrorPage ?? null;
      for (const [element, page] of [
        ['form-login-page', loginPage],
        ['form-error-page', errorPage],
      ] as const) {
        // Servlet 6.0 §13.6.3.2: both pages are context-relative paths.
        if (page === null || !page.startsWith('/')) {
          throw new DeployError('SV_ERR_DEPLOY_FORM_LOGIN_PAGE', { ...where, element, value: page ?? '' });
        }
      }
      return new FormLogin(loginPage!, errorPage!);
    }
    default:
      throw new DeployError('SV_ERR_DEPLOY_AUTH_METHOD', { ...where, authMethod, supported: 'BASIC, FORM' });
  }
}

/** An authenticator valve's attributes over Tomcat's defaults. */
function settingsOf(valve: ComponentConfig | undefined): AuthenticatorSettings {
  if (valve === undefined) return DEFAULT_AUTHENTICATOR_SETTINGS;
  const a = valve.attributes;
  const d = DEFAULT_AUTHENTICATOR_SETTINGS;
  const bool = (name: keyof AuthenticatorSettings): boolean => (a[name] as boolean | undefined) ?? (d[name] as boolean);
  const int = (name: keyof AuthenticatorSettings): number => (a[name] as number | undefined) ?? (d[name] as number);
  const algorithms = a['algorithms'] as string | undefined;
  return {
    cache: bool('cache'),
    changeSessionIdOnAuthentication: bool('changeSessionIdOnAuthentication'),
    disableProxyCaching: bool('disableProxyCaching'),
    securePagesWithPragma: bool('securePagesWithPragma'),
    alwaysUseSession: bool('alwaysUseSession'),
    landingPage: (a['landingPage'] as string | undefined) ?? d.landingPage,
    authenticationSessionTimeout: int('authenticationSessionTimeout'),
    charset: (a['charset'] as string | undefined) ?? d.charset,
    nonceValidity: int('nonceValidity'),
    nonceCountWindow: int('nonceCountWindow'),
    nonceCacheSize: int('nonceCacheSize'),
    validateUri: bool('validateUri'),
    algorithms:
      algorithms === undefined
        ? d.algorithms
        : algorithms
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== ''),
  };
}
