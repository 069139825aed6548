/**
 * The server nonces of one DIGEST authenticator (RFC 7616 §3.3, §5.4, §5.5): issued, then checked for
 * authenticity, age and replay, with the semantics of Tomcat's DigestAuthenticator attributes
 * `nonceValidity`, `nonceCountWindowSize`, `nonceCacheSize`, `key` and `opaque`.
 *
 * A nonce is `timestamp:random:mac`, the mac an HMAC-SHA-256 under this instance's key over the timestamp, the
 * random part and the client's address (Tomcat binds its nonces to the address too). A client can neither
 * forge a nonce nor move its timestamp. Tomcat uses a plain hash of `address:time:key`; an HMAC is the
 * construction made for this.
 *
 * The clock is injected so that tests never wait.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../errors/container-error.js';

export interface DigestNoncesOptions {
  /** How long a nonce is accepted, in ms (Tomcat's `nonceValidity`, default 5 minutes). */
  readonly nonceValidity?: number;
  /** How many nonce counts per nonce are tracked (Tomcat's `nonceCountWindowSize`, default 100). */
  readonly nonceCountWindowSize?: number;
  /** How many issued nonces are remembered (Tomcat's `nonceCacheSize`, default 1000). */
  readonly nonceCacheSize?: number;
  /** The HMAC key (Tomcat's `key`); random per instance when absent. Set it to share nonces across restarts. */
  readonly key?: string;
  /** The opaque value of the challenges (Tomcat's `opaque`); random per instance when absent. */
  readonly opaque?: string;
  /** Milliseconds since the epoch; Date.now by default. */
  readonly now?: () => number;
}

/**
 * - `'valid'`: authentic, fresh, and (with a nonce count) a count not used before.
 * - `'stale'`: authentic but too old, or no longer remembered (the cache dropped it, or the server restarted
 *   with the same `key`): if the response is otherwise right, the client retries with `stale=true`.
 * - `'invalid'`: not a nonce of this instance for this client address (forged, garbled, another key).
 * - `'replayed'`: a nonce count already used, outside the window, or a second use without qop.
 */
export type NonceStatus = 'valid' | 'stale' | 'invalid' | 'replayed';

export const DEFAULT_NONCE_VALIDITY_MS = 5 * 60 * 1000;
export const DEFAULT_NONCE_COUNT_WINDOW_SIZE = 100;
export const DEFAULT_NONCE_CACHE_SIZE = 1000;

const RANDOM_BYTES = 9;
const RANDOM_LENGTH = 12; // base64url of 9 bytes
const MAC_LENGTH = 43; // base64url of 32 bytes, unpadded
/** Decimal digits of a millisecond timestamp that Number holds exactly. */
const MAX_TIMESTAMP_DIGITS = 15;

export class DigestNonces {
  readonly opaque: string;
  readonly nonceValidity: number;
  readonly nonceCountWindowSize: number;
  readonly nonceCacheSize: number;
  readonly #key: Buffer;
  readonly #now: () => number;
  /** Issued nonces in issue order, so the oldest is dropped first (a FIFO, as Tomcat's LinkedHashMap). */
  readonly #issued = new Map<string, NonceCounts>();

  constructor(options: DigestNoncesOptions = {}) {
    this.nonceValidity = options.nonceValidity ?? DEFAULT_NONCE_VALIDITY_MS;
    this.nonceCountWindowSize = options.nonceCountWindowSize ?? DEFAULT_NONCE_COUNT_WINDOW_SIZE;
    this.nonceCacheSize = options.nonceCacheSize ?? DEFAULT_NONCE_CACHE_SIZE;
    checkWhole('nonceValidity', this.nonceValidity, 1);
    checkWhole('nonceCountWindowSize', this.nonceCountWindowSize, 1);
    checkWhole('nonceCacheSize', this.nonceCacheSize, 1);
    if (options.key === '') {
      throw new ConfigError('SV_ERR_SECURITY_DIGEST_ATTRIBUTE', { attribute: 'key', value: '', allowed: 'a non-empty string' });
    }
    this.#key = options.key === undefined ? randomBytes(32) : Buffer.from(options.key, 'utf8');
    this.opaque = options.opaque ?? randomBytes(16).toString('hex');
    this.#now = options.now ?? Date.now;
  }

  /** A fresh nonce for a challenge to the client at `clientAddress` (the request's remote address). */
  issue(clientAddress: string): string {
    const now = this.#now();
    this.#forgetExpired(now);
    const stem = `${Math.max(0, Math.floor(now))}:${randomBytes(RANDOM_BYTES).toString('base64url')}`;
    const nonce = `${stem}:${this.#mac(stem, clientAddress)}`;
    this.#issued.set(nonce, new NonceCounts(this.nonceCountWindowSize));
    // FIFO bound: a dropped nonce later reads as stale, so dropping it never opens a replay.
    while (this.#issued.size > this.nonceCacheSize) {
      const oldest = this.#issued.keys().next().value;
      if (oldest === undefined) break;
      this.#issued.delete(oldest);
    }
    return nonce;
  }

  /**
   * What `use` would answer, without recording anything: the valve checks the nonce before asking the realm,
   * and records the count only once the response proved right (so a client that does not know the password
   * cannot burn the counts of one that does).
   */
  check(nonce: string, clientAddress: string, nonceCount: number | null): NonceStatus {
    const { status } = this.#evaluate(nonce, clientAddress, nonceCount);
    return status;
  }

  /**
   * Checks and, when valid, records the use: the nonce count (RFC 7616 §3.4: each request with a nonce has a
   * higher count), or for an RFC 2069 client without qop (`nonceCount` null) the nonce itself, which may then
   * be used only once: its response does not change between requests, so a second use can only be a replay.
   */
  use(nonce: string, clientAddress: string, nonceCount: number | null): NonceStatus {
    const { status, counts } = this.#evaluate(nonce, clientAddress, nonceCount);
    if (status === 'valid' && counts !== undefined) counts.record(nonceCount);
    return status;
  }

  /** Whether the client echoed this instance's opaque (RFC 7616 §3.3: it must come back unchanged). */
  opaqueMatches(received: string | null): boolean {
    return received === this.opaque;
  }

  /** How many nonces are remembered now. */
  get size(): number {
    return this.#issued.size;
  }

  #evaluate(nonce: string, clientAddress: string, nonceCount: number | null): { status: NonceStatus; counts?: NonceCounts } {
    const timestamp = this.#authenticTimestamp(nonce, clientAddress);
    if (timestamp === null) return { status: 'invalid' };
    const now = this.#now();
    if (now - timestamp > this.nonceValidity) {
      this.#issued.delete(nonce);
      return { status: 'stale' };
    }
    const counts = this.#issued.get(nonce);
    if (counts === undefined) return { status: 'stale' };
    return { status: counts.accepts(nonceCount) ? 'valid' : 'replayed', counts };
  }

  /** The nonce's timestamp when this instance issued it for this address; null for anything else. */
  #authenticTimestamp(nonce: string, clientAddress: string): number | null {
    const firstColon = nonce.indexOf(':');
    if (firstColon <= 0 || firstColon > MAX_TIMESTAMP_DIGITS) return null;
    const stemLength = firstColon + 1 + RANDOM_LENGTH;
    if (nonce.length !== stemLength + 1 + MAC_LENGTH || nonce.charCodeAt(stemLength) !== 0x3a) return null;
    for (let i = 0; i < firstColon; i++) {
      const c = nonce.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return null;
    }
    const stem = nonce.slice(0, stemLength);
    const expected = Buffer.from(this.#mac(stem, clientAddress), 'latin1');
    const received = Buffer.from(nonce.slice(stemLength + 1), 'latin1');
    // Equal lengths were checked above (the length of a mac is no secret); the bytes compare in constant time.
    if (received.length !== expected.length || !timingSafeEqual(received, expected)) return null;
    return Number(nonce.slice(0, firstColon));
  }

  #mac(stem: string, clientAddress: string): string {
    return createHmac('sha256', this.#key).update(`${stem}:${clientAddress}`, 'utf8').digest('base64url');
  }

  /** Drops expired nonces from the old end; issue order is timestamp order unless the clock went back. */
  #forgetExpired(now: number): void {
    for (const nonce of this.#issued.keys()) {
      const timestamp = Number(nonce.slice(0, nonce.indexOf(':')));
      if (now - timestamp <= this.nonceValidity) return;
      this.#issued.delete(nonce);
    }
  }
}

/**
 * The nonce counts seen with one nonce: a sliding window of `size` counts ending at the highest count
 * accepted so far. A count inside the window is accepted once; one at or below its lower edge is too old to
 * tell apart from a replay; one more than `size` above the highest is refused as well (Tomcat's NonceInfo
 * window, which also bounds how far a client may jump ahead). Counts start at 1 (RFC 7616 §3.4).
 */
class NonceCounts {
  readonly #seen: Uint8Array;
  #highest = 0;
  #usedWithoutQop = false;

  constructor(size: number) {
    this.#seen = new Uint8Array(size);
  }

  accepts(nonceCount: number | null): boolean {
    if (this.#usedWithoutQop) return false;
    if (nonceCount === null) return this.#highest === 0;
    const size = this.#seen.length;
    if (!Number.isSafeInteger(nonceCount) || nonceCount < 1) return false;
    if (nonceCount <= this.#highest - size || nonceCount > this.#highest + size) return false;
    return nonceCount > this.#highest || this.#seen[nonceCount % size] === 0;
  }

  record(nonceCount: number | null): void {
    if (nonceCount === null) {
      this.#usedWithoutQop = true;
      return;
    }
    const size = this.#seen.length;
    if (nonceCount > this.#highest) {
      // The slots of the counts leaving the window are the slots of the counts entering it.
      if (nonceCount - this.#highest >= size) this.#seen.fill(0);
      else for (let n = this.#highest + 1; n <= nonceCount; n++) this.#seen[n % size] = 0;
      this.#highest = nonceCount;
    }
    this.#seen[nonceCount % size] = 1;
  }
}

function checkWhole(attribute: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ConfigError('SV_ERR_SECURITY_DIGEST_ATTRIBUTE', {
      attribute,
      value: String(value),
      allowed: `a whole number of at least ${min}`,
    });
  }
}
