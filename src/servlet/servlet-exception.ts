/** Exceptions a servlet or filter throws to signal failure (Servlet spec §2.3.3). */
export class ServletException extends Error {
  constructor(message?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  /** Java's getRootCause(). */
  getRootCause(): unknown {
    return this.cause;
  }
}

/**
 * The servlet is unavailable: permanently (404 from then on) or for `seconds` (503 with Retry-After).
 */
export class UnavailableException extends ServletException {
  readonly seconds: number;

  constructor(message: string, seconds = 0) {
    super(message);
    this.seconds = seconds > 0 ? seconds : 0;
  }

  isPermanent(): boolean {
    return this.seconds === 0;
  }

  getUnavailableSeconds(): number {
    return this.seconds === 0 ? -1 : this.seconds;
  }
}
