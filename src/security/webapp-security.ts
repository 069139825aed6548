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
import type { SingleSignOnValve } from './single-sign-on.js';
import { ClientCertLogin } from './client-cert-login.js';
import { DigestLogin } from './digest-login.js';
import { DigestNonces } from './digest-nonces.js';
import { DEFAULT_X509_USERNAME_RETRIEVER_CLASS, X509_USERNAME_RETRIEVERS, x509UsernameRetriever } from './x509-username.js';
import type { DigestAlgorithm } from '../realm/realm.js';

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
  /** The Host's (or Engine's) SingleSignOn valve, if any. */
  readonly singleSignOn: SingleSignOnValve | null;
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
  const loginMethod = loginMethodFor(authMethod, declarations, settings, options.context, where);
  const authenticator = new AuthenticatorValve({
    context: options.context,
    contextPath: options.contextPath,
    constraints: new ConstraintTable(declarations.constraints, declarations.securityRoles, declarations.denyUncoveredHttpMethods),
    loginMethod,
    realmName: loginConfig?.realmName ?? DEFAULT_REALM_NAME,
    settings,
    declaredRoles: declarations.securityRoles,
    roleRefs: declarations.roleRefs,
    singleSignOn: options.singleSignOn,
  });
  const enforcesSecurity = declarations.constraints.length > 0 || loginConfig !== null || options.valve !== undefined;
  return { authenticator, enforcesSecurity };
}

function loginMethodFor(
  authMethod: string | null,
  declarations: SecurityDeclarations,
  settings: AuthenticatorSettings,
  context: SecuredContext,
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
    case 'DIGEST':
      return digestLogin(settings, context, where);
    case 'CLIENT-CERT':
    case 'CLIENT_CERT': {
      const className = context.realmPolicy.x509UsernameRetriever ?? DEFAULT_X509_USERNAME_RETRIEVER_CLASS;
      const retriever = x509UsernameRetriever(className);
      if (retriever === null) {
        throw new DeployError('SV_ERR_DEPLOY_X509_RETRIEVER', {
          ...where,
          className,
          known: [...X509_USERNAME_RETRIEVERS.keys()].join(', '),
        });
      }
      return new ClientCertLogin(retriever);
    }
    default:
      throw new DeployError('SV_ERR_DEPLOY_AUTH_METHOD', { ...where, authMethod, supported: 'BASIC, FORM, DIGEST, CLIENT-CERT' });
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
    nonceCountWindowSize: int('nonceCountWindowSize'),
    nonceCacheSize: int('nonceCacheSize'),
    validateUri: bool('validateUri'),
    algorithms:
      algorithms === undefined
        ? d.algorithms
        : algorithms
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== ''),
    key: (a['key'] as string | undefined) ?? d.key,
    opaque: (a['opaque'] as string | undefined) ?? d.opaque,
  };
}

/**
 * DIGEST needs a realm that can compute H(username:realm:password): it knows the clear-text password, or stores that
 * very hash. A salted or iterated credential cannot work, so the application is refused rather than deployed with a
 * login nobody can pass.
 */
function digestLogin(
  settings: AuthenticatorSettings,
  context: SecuredContext,
  where: { readonly name: string; readonly file: string; readonly line: number },
): DigestLogin {
  const algorithms = settings.algorithms.map((name) => {
    const algorithm = DIGEST_ALGORITHMS.find((known) => known.toLowerCase() === name.toLowerCase());
    if (algorithm === undefined) {
      throw new DeployError('SV_ERR_DEPLOY_DIGEST_UNSUPPORTED', { ...where, algorithm: name, reason: 'RFC 7616 names no such algorithm' });
    }
    return algorithm;
  });
  const realm = context.realm;
  for (const algorithm of algorithms) {
    if (realm === null || !realm.supportsDigest(algorithm)) {
      throw new DeployError('SV_ERR_DEPLOY_DIGEST_UNSUPPORTED', {
        ...where,
        algorithm,
        reason: 'its realm stores salted or iterated credentials, from which no digest of the password can be computed',
      });
    }
  }
  const nonces = new DigestNonces({
    nonceValidity: settings.nonceValidity,
    nonceCountWindowSize: settings.nonceCountWindowSize,
    nonceCacheSize: settings.nonceCacheSize,
    ...(settings.key === undefined ? {} : { key: settings.key }),
    ...(settings.opaque === undefined ? {} : { opaque: settings.opaque }),
  });
  return new DigestLogin(nonces, algorithms);
}

const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['SHA-256', 'SHA-512-256', 'MD5'];
