/**
 * Finds requests that run too long, from the main thread (the half of Tomcat's StuckThreadDetectionValve that
 * a hung thread cannot do for itself): each request past `threshold` is reported once, its completion is
 * reported if it was, and one past `interruptThreadThreshold` is handed to an interrupt callback.
 */
import type { Logger } from 'pino';
import { formatMessage } from '../errors/codes.js';

export interface StuckPolicy {
  /** Seconds after which a request is reported as stuck; 0 or less disables the watch (Tomcat's threshold). */
  readonly threshold: number;
  /** Seconds after which the request's thread is interrupted; 0 or less never (Tomcat: `> 0` enables it). */
  readonly interruptThreadThreshold: number;
}

export interface WatchedRequest {
  /** Request-target as received (path and query). */
  readonly uri: string;
  readonly connection: string;
  /** Names the thread serving it (`http-bio-8080-exec-3`, or `main`). */
  readonly thread: string;
}

interface Entry {
  readonly startedAt: number;
  reported: boolean;
  interrupted: boolean;
}

/** The slowest the check runs: a stuck request is reported at most this late. */
const MAX_PERIOD_MS = 1000;
const MIN_PERIOD_MS = 50;

export class StuckRequestWatch<T extends WatchedRequest> {
  readonly #policy: StuckPolicy;
  readonly #logger: Logger;
  readonly #interrupt: ((request: T) => void) | null;
  readonly #requests = new Map<T, Entry>();
  #stuck = 0;
  #timer: NodeJS.Timeout | null = null;

  /** `interrupt` is null where nothing can be interrupted (the event loop's own requests). */
  constructor(policy: StuckPolicy, logger: Logger, interrupt: ((request: T) => void) | null) {
    this.#policy = policy;
    this.#logger = logger;
    this.#interrupt = interrupt;
  }

  /** False when threshold disables the valve: callers need not track anything. */
  get enabled(): boolean {
    return this.#policy.threshold > 0;
  }

  /** Requests past the threshold and not finished. */
  get stuck(): number {
    return this.#stuck;
  }

  /** Requests being watched. */
  get size(): number {
    return this.#requests.size;
  }

  /**
   * Checks a few times per threshold, at most once a second, on an unref'd timer: it never keeps the process
   * alive, and each tick costs one pass over the requests in flight.
   */
  start(): void {
    if (!this.enabled || this.#timer !== null) return;
    const shortest = this.#interruptMs() > 0 ? Math.min(this.#thresholdMs(), this.#interruptMs()) : this.#thresholdMs();
    const period = Math.min(MAX_PERIOD_MS, Math.max(MIN_PERIOD_MS, shortest / 4));
    this.#timer = setInterval(() => this.check(performance.now()), period);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#requests.clear();
    this.#stuck = 0;
  }

  add(request: T): void {
    if (this.enabled) this.#requests.set(request, { startedAt: performance.now(), reported: false, interrupted: false });
  }

  remove(request: T): void {
    const entry = this.#requests.get(request);
    if (entry === undefined) return;
    this.#requests.delete(request);
    if (!entry.reported) return;
    this.#stuck--;
    const params = {
      uri: request.uri,
      connection: request.connection,
      seconds: seconds(performance.now() - entry.startedAt),
      stuck: this.#stuck,
    };
    this.#logger.info({ code: 'SV_MSG_STUCK_REQUEST_COMPLETED', ...params }, formatMessage('SV_MSG_STUCK_REQUEST_COMPLETED', params));
  }

  /** One pass: report new stuck requests, interrupt the ones past interruptThreadThreshold (each once). */
  check(now: number): void {
    const thresholdMs = this.#thresholdMs();
    const interruptMs = this.#interruptMs();
    for (const [request, entry] of this.#requests) {
      const age = now - entry.startedAt;
      if (!entry.reported && age >= thresholdMs) {
        entry.reported = true;
        this.#stuck++;
        const params = {
          uri: request.uri,
          connection: request.connection,
          thread: request.thread,
          seconds: seconds(age),
          threshold: this.#policy.threshold,
          stuck: this.#stuck,
        };
        this.#logger.warn({ code: 'SV_MSG_STUCK_REQUEST_DETECTED', ...params }, formatMessage('SV_MSG_STUCK_REQUEST_DETECTED', params));
      }
      if (this.#interrupt !== null && interruptMs > 0 && !entry.interrupted && age >= interruptMs) {
        entry.interrupted = true;
        const params = {
          uri: request.uri,
          connection: request.connection,
          thread: request.thread,
          seconds: seconds(age),
          interrupt: this.#policy.interruptThreadThreshold,
        };
        this.#logger.warn(
          { code: 'SV_MSG_STUCK_REQUEST_INTERRUPTED', ...params },
          formatMessage('SV_MSG_STUCK_REQUEST_INTERRUPTED', params),
        );
        this.#interrupt(request);
      }
    }
  }

  #thresholdMs(): number {
    return this.#policy.threshold * 1000;
  }

  #interruptMs(): number {
    return this.#policy.interruptThreadThreshold * 1000;
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
