/**
 * What realms that look a user up by name share (Tomcat's RealmBase): the password check through the
 * CredentialHandler, DIGEST, and the lifecycle. Subclasses say how a user's stored credential and roles are
 * found (getPassword, getRoles).
 *
 * Timing: a user name that does not exist is checked against a dummy stored credential made by the same
 * CredentialHandler at start, so it costs the same hashing as a wrong password and the response time does not
 * tell which names exist (Tomcat only calls mutate() there, which costs about the same).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { LifecycleBase } from '../lifecycle/lifecycle-base.js';
import { constantTimeEquals } from './constant-time.js';
import type { CredentialHandler } from './credential-handler.js';
import { GenericPrincipal } from './generic-principal.js';
import { MessageDigestCredentialHandler } from './message-digest-credential-handler.js';
import type { DigestAlgorithm, DigestCredentials, Realm } from './realm.js';

export interface RealmBaseOptions {
  /** Default: MessageDigestCredentialHandler without algorithm (clear text), as in Tomcat. */
  readonly credentialHandler?: CredentialHandler;
  readonly logger?: Logger;
}

/** RFC 7616 §3.4.1 algorithm names → node:crypto digests. */
const DIGEST_HASHES: Readonly<Record<DigestAlgorithm, string>> = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' };

export abstract class RealmBase extends LifecycleBase implements Realm {
  readonly credentialHandler: CredentialHandler;
  protected readonly logger: Logger | undefined;
  #realmPath = '/realm0';
  #dummyCredential: string | null = null;

  protected constructor(options: RealmBaseOptions = {}) {
    super();
    this.credentialHandler = options.credentialHandler ?? new MessageDigestCredentialHandler();
    this.logger = options.logger;
  }

  get componentName(): string {
    return `${this.constructor.name}[${this.#realmPath}]`;
  }

  get realmPath(): string {
    return this.#realmPath;
  }

  setRealmPath(path: string): void {
    this.#realmPath = path;
  }

  isAvailable(): boolean {
    return this.state === 'STARTED' || this.state === 'STARTING';
  }

  backgroundProcess(): void {}

  /** The stored credential of a user, or null when the user is unknown (or has no password). */
  protected abstract getPassword(username: string): string | null | Promise<string | null>;
  /** The roles of a known user, or null when the user is unknown. */
  protected abstract getRoles(username: string): Iterable<string> | null | Promise<Iterable<string> | null>;

  /** Loads what the realm serves (a users file…); runs before the realm is available. */
  protected async load(): Promise<void> {}

  protected override async startInternal(): Promise<void> {
    await this.load();
    // Random, so no password can match it; made by the realm's own handler, so checking it costs what a real one does.
    this.#dummyCredential = await this.credentialHandler.mutate(randomBytes(16).toString('hex'));
    this.setState('STARTING');
  }

  protected override async stopInternal(): Promise<void> {
    this.setState('STOPPING');
  }

  async authenticate(username: string, credentials: string): Promise<GenericPrincipal | null> {
    if (!this.isAvailable() || this.#dummyCredential === null) return null;
    const stored = await this.getPassword(username);
    const matches = await this.credentialHandler.matches(credentials, stored ?? this.#dummyCredential);
    if (stored === null || !matches) return null;
    return this.#principal(username);
  }

  async authenticateVerified(username: string): Promise<GenericPrincipal | null> {
    if (!this.isAvailable()) return null;
    return this.#principal(username);
  }

  /**
   * RFC 7616 §3.4.1: response = H(H(A1):nonce:nc:cnonce:qop:H(A2)), or H(H(A1):nonce:H(A2)) without qop, where
   * H(A1) = H(username:realm:password). An unknown user or an H(A1) this realm cannot know is compared against
   * a random one, so it costs the same as a wrong response.
   */
  async authenticateDigest(credentials: DigestCredentials): Promise<GenericPrincipal | null> {
    if (!this.isAvailable()) return null;
    const hash = DIGEST_HASHES[credentials.algorithm];
    const stored = await this.getPassword(credentials.username);
    const ha1 = stored === null ? null : this.#ha1(credentials, stored);
    const h = (text: string): string => createHash(hash).update(text, 'utf8').digest('hex');
    const key = ha1 ?? randomBytes(32).toString('hex');
    const { nonce, nc, cnonce, qop, digestA2 } = credentials;
    const expected = qop === null ? h(`${key}:${nonce}:${digestA2}`) : h(`${key}:${nonce}:${nc ?? ''}:${cnonce ?? ''}:${qop}:${digestA2}`);
    const matches = constantTimeEquals(expected, credentials.response.toLowerCase());
    if (ha1 === null || !matches) return null;
    return this.#principal(credentials.username);
  }

  supportsDigest(algorithm: DigestAlgorithm): boolean {
    const handler = this.credentialHandler;
    if (!(handler instanceof MessageDigestCredentialHandler)) return false;
    if (handler.digestName === null) return true;
    return handler.digestName === DIGEST_HASHES[algorithm] && handler.saltLength === 0 && handler.iterations === 1;
  }

  hasRole(principal: GenericPrincipal, role: string): boolean {
    return principal.hasRole(role);
  }

  /** H(A1) from a clear-text password, or the stored value when the realm stores H(A1) itself (Tomcat's getDigest). */
  #ha1(credentials: DigestCredentials, stored: string): string | null {
    const handler = this.credentialHandler;
    if (!(handler instanceof MessageDigestCredentialHandler)) return null;
    const hash = DIGEST_HASHES[credentials.algorithm];
    if (handler.digestName === null) {
      return createHash(hash).update(`${credentials.username}:${credentials.realmName}:${stored}`, 'utf8').digest('hex');
    }
    if (handler.digestName === hash && /^[0-9a-fA-F]+$/.test(stored)) return stored.toLowerCase();
    return null;
  }

  async #principal(username: string): Promise<GenericPrincipal | null> {
    const roles = await this.getRoles(username);
    return roles === null ? null : new GenericPrincipal(username, roles, this.#realmPath);
  }
}
