/**
 * The Realm contract (Tomcat's org.apache.catalina.Realm): who the users are, how they prove it, and which
 * roles they have. Authenticators (BASIC, FORM, DIGEST, CLIENT-CERT) and `request.login()` call it; a Realm
 * never sees requests or responses.
 */
import type { GenericPrincipal } from './generic-principal.js';

/** What a DIGEST authenticator received (RFC 7616 §3.4), with H(A2) already computed from the request. */
export interface DigestCredentials {
  readonly username: string;
  /** The client's `response`, lower-case hex. */
  readonly response: string;
  readonly nonce: string;
  /** `nc`, `cnonce` and `qop` are null when the client sent no qop (RFC 2069 compatibility). */
  readonly nc: string | null;
  readonly cnonce: string | null;
  readonly qop: string | null;
  /** The realm name of the challenge (`realm-name` of the login-config). */
  readonly realmName: string;
  /** Hex H(A2) = H(method:digest-uri[:H(entity-body)]). */
  readonly digestA2: string;
  /** RFC 7616 algorithm: `MD5`, `SHA-256` or `SHA-512-256`. */
  readonly algorithm: DigestAlgorithm;
}

export type DigestAlgorithm = 'MD5' | 'SHA-256' | 'SHA-512-256';

export interface Realm {
  /**
   * Where this realm sits, `/realm0` for a container's realm, `/realm0/realm1` for the second realm nested in
   * it (Tomcat's realmPath). Recorded in the principals it authenticates.
   */
  readonly realmPath: string;
  /** CombinedRealm numbers its nested realms; called before start. */
  setRealmPath(path: string): void;

  start(): Promise<void>;
  stop(): Promise<void>;
  /** Whether the realm can authenticate now (started; for a CombinedRealm, any nested realm can). */
  isAvailable(): boolean;
  /** Periodic work on the container's background thread: noticing a changed users file. */
  backgroundProcess(): void;

  /** A user name and password (BASIC, FORM, request.login()); null when they do not match. */
  authenticate(username: string, credentials: string): Promise<GenericPrincipal | null>;
  /**
   * A user whose identity was established elsewhere, with no password to check: the name a client certificate
   * maps to (CLIENT-CERT), or the user a trusted front end authenticated (AJP tomcatAuthorization). Null when
   * the realm does not know the name.
   */
  authenticateVerified(username: string): Promise<GenericPrincipal | null>;
  /** An RFC 7616 digest response; null when it does not match or this realm cannot check it. */
  authenticateDigest(credentials: DigestCredentials): Promise<GenericPrincipal | null>;
  /**
   * Whether DIGEST with this algorithm can work at all: the realm must know the clear-text password or store
   * H(username:realm:password) itself. A salted or iterated credential cannot; an app asking for DIGEST over
   * such a realm should refuse to deploy.
   */
  supportsDigest(algorithm: DigestAlgorithm): boolean;

  /** Whether the principal, authenticated by this realm, has the role (plain membership; see GenericPrincipal). */
  hasRole(principal: GenericPrincipal, role: string): boolean;
}

/**
 * The Realm attributes Tomcat keeps on every realm that steer the authenticator rather than the user lookup;
 * the container keeps them beside its realm.
 */
export interface RealmPolicy {
  /** What the role `*` of an `<auth-constraint>` requires (Tomcat's allRolesMode). */
  readonly allRolesMode: 'strict' | 'authOnly' | 'strictAuthOnly';
  /** Status of the redirect to the Connector's redirectPort for a CONFIDENTIAL/INTEGRAL constraint. */
  readonly transportGuaranteeRedirectStatus: number;
  /** How a client certificate becomes a user name (X509UsernameRetrieverClassName); undefined: the subject DN. */
  readonly x509UsernameRetriever: string | undefined;
}

export const DEFAULT_REALM_POLICY: RealmPolicy = Object.freeze({
  allRolesMode: 'strict',
  transportGuaranteeRedirectStatus: 302,
  x509UsernameRetriever: undefined,
});
