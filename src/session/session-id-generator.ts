/** Session identifiers: random upper-case hex plus an optional `.jvmRoute` suffix (Tomcat's StandardSessionIdGenerator). */
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../errors/container-error.js';

/** Routes a client may send after the dot; the configured jvmRoute is accepted whatever its characters. */
const ROUTE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface SessionIdGeneratorOptions {
  /** Random bytes per id; each becomes two hex characters. Tomcat's default is 16. */
  sessionIdLength?: number;
  /** Appended as `.<jvmRoute>` so a load balancer can route the session back to this node. */
  jvmRoute?: string;
}

export class SessionIdGenerator {
  readonly #bytes: number;
  readonly #suffix: string;
  readonly #jvmRoute: string | undefined;
  readonly #hexPattern: RegExp;

  constructor(options: SessionIdGeneratorOptions = {}) {
    const bytes = options.sessionIdLength ?? 16;
    if (!Number.isInteger(bytes) || bytes < 1) {
      throw new ConfigError('SV_ERR_CONFIG_INVALID_VALUE', {
        attribute: 'sessionIdLength',
        element: 'Manager',
        value: bytes,
        allowed: 'a positive integer (bytes)',
      });
    }
    this.#bytes = bytes;
    this.#jvmRoute = options.jvmRoute === '' ? undefined : options.jvmRoute;
    this.#suffix = this.#jvmRoute === undefined ? '' : `.${this.#jvmRoute}`;
    this.#hexPattern = new RegExp(`^[0-9A-F]{${bytes * 2}}$`);
  }

  /** A fresh id from the CSPRNG; callers check it against live sessions (collisions are only theoretical). */
  generate(): string {
    return randomBytes(this.#bytes).toString('hex').toUpperCase() + this.#suffix;
  }

  /**
   * Whether `id` has the shape this generator produces. Ids come from cookies and URLs, so anything
   * else (wrong length, lower case, odd characters, injected separators) is rejected before lookup.
   */
  isValidId(id: unknown): id is string {
    if (typeof id !== 'string') return false;
    const hexLength = this.#bytes * 2;
    if (id.length < hexLength) return false;
    if (!this.#hexPattern.test(id.slice(0, hexLength))) return false;
    if (id.length === hexLength) return true;
    if (id.charCodeAt(hexLength) !== 0x2e /* . */) return false;
    const route = id.slice(hexLength + 1);
    return route === this.#jvmRoute || ROUTE_PATTERN.test(route);
  }
}
