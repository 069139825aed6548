/**
 * Tomcat's LockOutRealm: a CombinedRealm that stops trying a user's password after `failureCount` failures
 * in a row, for `lockOutTime` seconds after the last one, against online guessing.
 * - A locked user still goes through the full authentication (same hashing work), and a right password gets
 *   the same null as a wrong one: neither the answer nor the time tells an attacker that the lock holds, or
 *   that the user exists. Only the log says so (SV_MSG_REALM_LOCKED_USER).
 * - Every failure, also while locked, restarts the lock-out time, as in Tomcat.
 * - Failures are remembered for at most `cacheSize` users, least recently used forgotten first; forgetting one
 *   whose last failure is younger than `cacheRemovalWarningTime` seconds is logged, since that is how an attack
 *   spread over many names would erase the locks.
 * - User names count case-insensitively unless `caseSensitive` (Tomcat 10.1's default false), so `Admin` and
 *   `admin` share one count.
 */
import type { GenericPrincipal } from './generic-principal.js';
import { logCoded } from '../logging/logger.js';
import { CombinedRealm, type CombinedRealmOptions } from './combined-realm.js';
import type { DigestCredentials, Realm } from './realm.js';
import { ConfigError } from '../errors/container-error.js';

export interface LockOutRealmOptions extends CombinedRealmOptions {
  /** Failures in a row that lock a user; default 5. */
  readonly failureCount?: number;
  /** Seconds a locked user stays locked after the last failure; default 300. */
  readonly lockOutTime?: number;
  /** Users whose failures are remembered; default 1000. */
  readonly cacheSize?: number;
  /** Seconds: forgetting a user whose last failure is younger is logged; default 3600. */
  readonly cacheRemovalWarningTime?: number;
  /** Default false. */
  readonly caseSensitive?: boolean;
  /** The clock, in epoch ms; tests inject one. */
  readonly now?: () => number;
}

interface LockRecord {
  failures: number;
  lastFailureTime: number;
}

export class LockOutRealm extends CombinedRealm {
  readonly failureCount: number;
  readonly lockOutTime: number;
  readonly cacheSize: number;
  readonly cacheRemovalWarningTime: number;
  readonly caseSensitive: boolean;
  readonly #now: () => number;
  /** Insertion order is recency order: a record is re-inserted whenever it is read or written. */
  readonly #failedUsers = new Map<string, LockRecord>();

  constructor(realms: readonly Realm[], options: LockOutRealmOptions = {}) {
    super(realms, options);
    this.failureCount = options.failureCount ?? 5;
    this.lockOutTime = options.lockOutTime ?? 300;
    this.cacheSize = options.cacheSize ?? 1000;
    this.cacheRemovalWarningTime = options.cacheRemovalWarningTime ?? 3600;
    this.caseSensitive = options.caseSensitive ?? false;
    this.#now = options.now ?? Date.now;
    for (const [attribute, value, min] of [
      ['failureCount', this.failureCount, 1],
      ['lockOutTime', this.lockOutTime, 0],
      ['cacheSize', this.cacheSize, 1],
      ['cacheRemovalWarningTime', this.cacheRemovalWarningTime, 0],
    ] as const) {
      if (!Number.isInteger(value) || value < min) {
        throw new ConfigError('SV_ERR_CONFIG_INVALID_VALUE', {
          attribute,
          element: 'Realm[LockOutRealm]',
          value,
          allowed: `a whole number from ${min}`,
        });
      }
    }
  }

  override async authenticate(username: string, credentials: string): Promise<GenericPrincipal | null> {
    return this.#filterLockedAccounts(username, await super.authenticate(username, credentials));
  }

  override async authenticateDigest(credentials: DigestCredentials): Promise<GenericPrincipal | null> {
    return this.#filterLockedAccounts(credentials.username, await super.authenticateDigest(credentials));
  }

  /** Identity proven elsewhere (a certificate) was not guessed, so it counts no failure; a locked user stays locked. */
  override async authenticateVerified(username: string): Promise<GenericPrincipal | null> {
    const principal = await super.authenticateVerified(username);
    if (this.isLocked(username)) {
      this.#warnLocked(username);
      return null;
    }
    return principal;
  }

  isLocked(username: string): boolean {
    const record = this.#touch(this.#key(username));
    return record !== undefined && record.failures >= this.failureCount && this.#secondsSince(record) < this.lockOutTime;
  }

  unlock(username: string): void {
    this.#failedUsers.delete(this.#key(username));
  }

  #filterLockedAccounts(username: string, principal: GenericPrincipal | null): GenericPrincipal | null {
    if (principal === null && this.isAvailable()) this.#registerFailure(username);
    if (this.isLocked(username)) {
      this.#warnLocked(username);
      return null;
    }
    if (principal !== null) this.#failedUsers.delete(this.#key(username));
    return principal;
  }

  #registerFailure(username: string): void {
    const key = this.#key(username);
    let record = this.#touch(key);
    if (record === undefined) {
      record = { failures: 0, lastFailureTime: 0 };
      this.#failedUsers.set(key, record);
      this.#evict();
    } else if (record.failures >= this.failureCount && this.#secondsSince(record) > this.lockOutTime) {
      // The lock had run out: this failure starts a new count.
      record.failures = 0;
    }
    record.failures++;
    record.lastFailureTime = this.#now();
  }

  #evict(): void {
    while (this.#failedUsers.size > this.cacheSize) {
      const [eldest, record] = this.#failedUsers.entries().next().value as [string, LockRecord];
      this.#failedUsers.delete(eldest);
      const seconds = Math.floor(this.#secondsSince(record));
      if (seconds < this.cacheRemovalWarningTime && this.logger !== undefined) {
        logCoded(this.logger, 'warn', {
          code: 'SV_MSG_REALM_LOCKOUT_CACHE_EVICTION',
          params: { username: eldest, seconds, cacheSize: this.cacheSize },
        });
      }
    }
  }

  /** Reads a record and marks it most recently used. */
  #touch(key: string): LockRecord | undefined {
    const record = this.#failedUsers.get(key);
    if (record !== undefined) {
      this.#failedUsers.delete(key);
      this.#failedUsers.set(key, record);
    }
    return record;
  }

  #secondsSince(record: LockRecord): number {
    return (this.#now() - record.lastFailureTime) / 1000;
  }

  #key(username: string): string {
    return this.caseSensitive ? username : username.toLowerCase();
  }

  #warnLocked(username: string): void {
    if (this.logger !== undefined) logCoded(this.logger, 'warn', { code: 'SV_MSG_REALM_LOCKED_USER', params: { username } });
  }
}
