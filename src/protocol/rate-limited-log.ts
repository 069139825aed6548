/**
 * Log lines about refused input (malformed requests, bad packets) are expected noise from the Internet, and a
 * client sending garbage on purpose must not be able to flood the log: at most `budget` lines per second, then
 * one line saying how many were left out.
 */
import type { Logger } from 'pino';

export class RateLimitedLog {
  readonly #logger: Logger;
  readonly #budget: number;
  readonly #summaryLevel: 'warn' | 'debug';
  readonly #summary: string;
  #windowStart = 0;
  #windowCount = 0;
  #suppressed = 0;

  /** `summary` is the message of the line, at `summaryLevel`, that counts what a second left out. */
  constructor(logger: Logger, budget: number, summaryLevel: 'warn' | 'debug', summary: string) {
    this.#logger = logger;
    this.#budget = budget;
    this.#summaryLevel = summaryLevel;
    this.#summary = summary;
  }

  log(level: 'warn' | 'debug', fields: Record<string, unknown>, message: string, now = Date.now()): void {
    if (now - this.#windowStart >= 1000) {
      if (this.#suppressed > 0) this.#logger[this.#summaryLevel]({ suppressed: this.#suppressed }, this.#summary);
      this.#windowStart = now;
      this.#windowCount = 0;
      this.#suppressed = 0;
    }
    if (this.#windowCount++ < this.#budget) this.#logger[level](fields, message);
    else this.#suppressed++;
  }
}
