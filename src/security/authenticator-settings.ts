/**
 * The attributes of Tomcat's authenticator valves (AuthenticatorBase and its BASIC, FORM, DIGEST and CLIENT-CERT
 * subclasses), as a `<Valve className="org.apache.catalina.authenticator.FormAuthenticator" …/>` in a Context
 * sets them. Without such a valve the Context gets the one its `<login-config>` names with these defaults.
 */
export interface AuthenticatorSettings {
  /** Whether the authenticated user is kept in the session, so later requests need no new login (default true). */
  readonly cache: boolean;
  /** Session fixation defence: a new session id when a user logs in (default true). */
  readonly changeSessionIdOnAuthentication: boolean;
  /** Whether responses to constrained requests forbid caching by proxies (default true). */
  readonly disableProxyCaching: boolean;
  /** With disableProxyCaching, the HTTP/1.0 `Pragma: No-cache` form as well (default false). */
  readonly securePagesWithPragma: boolean;
  /** Whether a session is created to cache the user even for BASIC, DIGEST or CLIENT-CERT (default false). */
  readonly alwaysUseSession: boolean;
  /** FORM: where a login with no saved request goes (context-relative, starts with `/`); unset = 400. */
  readonly landingPage: string | undefined;
  /** FORM: seconds the session of an unfinished login lasts (Tomcat's authenticationSessionTimeout, default 120). */
  readonly authenticationSessionTimeout: number;
  /** BASIC: the charset announced in the challenge and used to decode credentials (RFC 7617: UTF-8). */
  readonly charset: string;
  /** DIGEST: nonce lifetime in ms (default 300000). */
  readonly nonceValidity: number;
  /** DIGEST: how far out of order a nonce count may arrive (default 100). */
  readonly nonceCountWindowSize: number;
  /** DIGEST: nonces remembered for replay protection (default 1000). */
  readonly nonceCacheSize: number;
  /** DIGEST: whether the digest-uri must be the request's URI (default true). */
  readonly validateUri: boolean;
  /** DIGEST: the algorithms offered, in order of preference (default SHA-256 then MD5, RFC 7616 §3.7). */
  readonly algorithms: readonly string[];
  /** DIGEST: the secret nonces are signed with; unset: a random one per start. */
  readonly key: string | undefined;
  /** DIGEST: the opaque value of the challenges; unset: a random one per start. */
  readonly opaque: string | undefined;
}

export const DEFAULT_AUTHENTICATOR_SETTINGS: AuthenticatorSettings = Object.freeze({
  cache: true,
  changeSessionIdOnAuthentication: true,
  disableProxyCaching: true,
  securePagesWithPragma: false,
  alwaysUseSession: false,
  landingPage: undefined,
  authenticationSessionTimeout: 120,
  charset: 'UTF-8',
  nonceValidity: 300_000,
  nonceCountWindowSize: 100,
  nonceCacheSize: 1000,
  validateUri: true,
  algorithms: Object.freeze(['SHA-256', 'MD5']),
  key: undefined,
  opaque: undefined,
});
